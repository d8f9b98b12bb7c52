/**
 * The codes this transport's errors carry (stable, like `ErrorCode`'s).
 *
 * @example
 * ```ts
 * onDiscard: ({ error }) => error?.code === RabbitMqErrorCode.PublishTimeout && alert(error)
 * ```
 */
export const RabbitMqErrorCode = {
  PublishTimeout: 'KEB_TRANSPORT_PUBLISH_TIMEOUT',
  PublishRejected: 'KEB_TRANSPORT_PUBLISH_REJECTED',
  Closed: 'KEB_TRANSPORT_CLOSED',
} as const;

/**
 * An error of the RabbitMQ transport: a publish the broker did not confirm in
 * time or refused (nack), or a publish after `close()`. `code` is stable.
 *
 * @example
 * ```ts
 * try { await transport.publish(envelopes); }
 * catch (err) { if ((err as RabbitMqTransportError).code === 'KEB_TRANSPORT_PUBLISH_TIMEOUT') retryLater(); }
 * ```
 */
export class RabbitMqTransportError extends Error {
  readonly code: (typeof RabbitMqErrorCode)[keyof typeof RabbitMqErrorCode];
  readonly hint: string;

  constructor(
    code: RabbitMqTransportError['code'],
    message: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${message} ${hint}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'RabbitMqTransportError';
    this.code = code;
    this.hint = hint;
  }
}

/** A publish after `close()` (or before `connect()`). */
export function transportClosedError(): RabbitMqTransportError {
  return new RabbitMqTransportError(
    RabbitMqErrorCode.Closed,
    'RabbitMQ transport: publish() after close() or before connect().',
    'Pass the transport to createEventBus(); publish before bus.close().',
  );
}
