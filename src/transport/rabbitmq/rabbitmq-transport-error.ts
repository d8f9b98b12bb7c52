import { ErrorCode, KoaEventBusError } from '../../kernel/errors';

/**
 * The codes this transport's errors carry (stable, like `ErrorCode`'s).
 *
 * @example
 * ```ts
 * onDiscard: ({ error }) => error?.code === RabbitMqErrorCode.PublishTimeout && alert(error)
 * ```
 */
export const RabbitMqErrorCode = {
  PublishTimeout: ErrorCode.TransportPublishTimeout,
  PublishRejected: ErrorCode.TransportPublishRejected,
  Closed: ErrorCode.TransportClosed,
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
export class RabbitMqTransportError extends KoaEventBusError {
  constructor(
    code: (typeof RabbitMqErrorCode)[keyof typeof RabbitMqErrorCode],
    message: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, hint, options);
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
