/**
 * The AMQP headers the codec writes (and reads back). A type alias, not an
 * interface, so that it is assignable to `Record<string, unknown>`: an encoded
 * message can be decoded as is.
 */
export type EncodedHeaders = {
  /** The event's schema version (`@Event(name, { version })`). */
  'x-event-version': number;
  /** Id of the event whose handler emitted this one; absent for a root event. */
  'x-causation-id'?: string;
  /** When the event was emitted, ISO 8601 with milliseconds. */
  'x-occurred-at': string;
  /** 1-based delivery attempt. */
  'x-attempt': number;
  /** Causation hops from the root event. */
  'x-depth': number;
};

/**
 * An envelope as a broker message. `properties` maps 1:1 onto amqplib's
 * publish options, so a transport spreads it as is.
 *
 * @example
 * ```ts
 * const { body, properties } = codec.encode(envelope);
 * channel.publish(exchange, properties.type, body, { ...properties, persistent: true });
 * ```
 */
export interface EncodedMessage {
  /** UTF-8 JSON of `instanceToPlain(envelope.event)`. */
  body: Buffer;
  properties: {
    /** The event id. */
    messageId: string;
    correlationId: string;
    /** The event's wire name: what `decode` looks the class up by (with the version). */
    type: string;
    /** Seconds since the epoch (AMQP timestamps have no milliseconds: see `x-occurred-at`). */
    timestamp: number;
    contentType: 'application/json';
    contentEncoding: 'utf-8';
    headers: EncodedHeaders;
  };
}

/**
 * What `decode` reads from a received message. From an amqplib
 * `ConsumeMessage`: `{ body: msg.content, properties: msg.properties }`.
 *
 * @example
 * ```ts
 * channel.consume(queue, async (msg) => {
 *   if (msg) host.receive(await codec.decode({ body: msg.content, properties: msg.properties }));
 * });
 * ```
 */
export interface IncomingMessage {
  body: Buffer;
  properties: {
    messageId?: string | undefined;
    correlationId?: string | undefined;
    type?: string | undefined;
    headers?: Record<string, unknown> | undefined;
  };
}
