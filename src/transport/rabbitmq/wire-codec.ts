import type { Class } from '../../kernel/class';
import type { EventEnvelope } from '../../kernel/event-envelope';
import type { ReceivedEnvelope } from '../transport';

/** AMQP message properties an encoded envelope travels with. */
export interface WireProperties {
  readonly messageId: string;
  readonly correlationId: string;
  readonly type: string;
  readonly timestamp: number;
  readonly contentType: string;
  readonly contentEncoding: string;
  readonly headers: object;
}

/** What `decode` reads of a received message's properties. */
export interface IncomingProperties {
  readonly messageId?: string | undefined;
  readonly correlationId?: string | undefined;
  readonly type?: string | undefined;
  readonly headers?: Record<string, unknown> | undefined;
}

/** One message as it travels: a body and its properties. */
export interface WireMessage {
  readonly body: Buffer;
  readonly properties: WireProperties;
}

/**
 * What the RabbitMQ transport needs of a codec (the shape of `EventCodec`):
 * `encode` throws on an event it cannot serialize, `decode` rejects with a
 * `KEB_EVENT_DECODE_FAILED` error whose `reason` says why.
 *
 * @example
 * ```ts
 * const { body, properties } = codec.encode(envelope);
 * const received = await codec.decode({ body, properties });
 * ```
 */
export interface WireCodec {
  encode(envelope: EventEnvelope): WireMessage;
  decode(message: { body: Buffer; properties: IncomingProperties }): Promise<ReceivedEnvelope>;
}

/**
 * Makes the codec for a bus's event types (default: `EventCodec`).
 *
 * @example
 * ```ts
 * rabbitmqTransport({ app: 'shop', codec: (types) => new EventCodec(types) });
 * ```
 */
export type CodecFactory = (
  types: { eventClass: Class<object>; name: string; version: number }[],
) => WireCodec;
