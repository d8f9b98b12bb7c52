import type { CodecFactory } from './wire-codec';

/** Options of `rabbitmqTransport()`. */
export interface RabbitMqTransportOptions {
  /** The broker. Default `amqp://guest:guest@127.0.0.1:5672`. */
  readonly url?: string;
  /**
   * Names the topology: the exchange `<app>.events`, the queues
   * `<app>.<handlerId>` (and `.dlq`, `.wait.<ms>`). Processes of one app share it.
   */
  readonly app: string;
  /** A worker consumes its handlers' queues; a web process (default `false`) only publishes. */
  readonly consume?: boolean;
  /** Unacknowledged deliveries per handler queue: the handler's concurrency. Default 10. */
  readonly prefetch?: number;
  /** A publish not confirmed by the broker within this time rejects. Default 10 000 ms. */
  readonly publishTimeoutMs?: number;
  /**
   * Redeliveries of one message (crash, lost connection) before the broker
   * dead-letters it: a crash-loop guard, not the retry policy. Default 20.
   */
  readonly deliveryLimit?: number;
  /** Reconnect backoff: `initialDelayMs` (100) doubled up to `maxDelayMs` (30 000). */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /**
   * `publish()` settles when this process's own handlers have finished with
   * the events (succeeded, skipped or dead-lettered), not at the broker's
   * confirm: `drain()` then waits for handlers, as in memory. For an app
   * whose one worker both publishes and consumes (and tests). Default `false`.
   */
  readonly settleOnHandled?: boolean;
  /** How events travel as bytes. Default: `EventCodec` (JSON, versioned). */
  readonly codec?: CodecFactory;
}

/** The options with every default filled in. */
export interface ResolvedRabbitMqOptions {
  readonly url: string;
  readonly app: string;
  readonly consume: boolean;
  readonly prefetch: number;
  readonly publishTimeoutMs: number;
  readonly deliveryLimit: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly settleOnHandled: boolean;
}

/**
 * Fills in the defaults and checks what a typo would break.
 *
 * @example
 * ```ts
 * resolveRabbitMqOptions({ app: 'shop' }).url; // 'amqp://guest:guest@127.0.0.1:5672'
 * ```
 */
export function resolveRabbitMqOptions(options: RabbitMqTransportOptions): ResolvedRabbitMqOptions {
  if (!/^[\w.-]+$/.test(options.app ?? ''))
    throw new TypeError(
      `rabbitmqTransport({ app }) must be letters, digits, '.', '_' or '-' (got ${JSON.stringify(options.app)}): it names the exchange and the queues.`,
    );
  const prefetch = options.prefetch ?? 10;
  if (!Number.isInteger(prefetch) || prefetch < 1)
    throw new TypeError(
      `rabbitmqTransport({ prefetch }) must be an integer ≥ 1 (got ${prefetch}).`,
    );
  return {
    url: options.url ?? 'amqp://guest:guest@127.0.0.1:5672',
    app: options.app,
    consume: options.consume ?? false,
    prefetch,
    publishTimeoutMs: options.publishTimeoutMs ?? 10_000,
    deliveryLimit: options.deliveryLimit ?? 20,
    initialDelayMs: options.reconnect?.initialDelayMs ?? 100,
    maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
    settleOnHandled: options.settleOnHandled ?? false,
  };
}
