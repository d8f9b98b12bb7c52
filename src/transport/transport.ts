import type { Class } from '../kernel/class';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { Logger } from '../kernel/logger';

/**
 * The seam between a bus and where its committed events go. The in-memory
 * transport hands them straight back to `host.deliver` (every local handler
 * runs in this process); a broker transport publishes them, and consumes one
 * queue per handler id, running each delivery with `host.runAttempt`.
 *
 * @example
 * ```ts
 * const bus = createEventBus({ handlers, transport: new InMemoryTransport() }); // the default
 * ```
 */
export interface Transport {
  /**
   * The messaging system events travel through (`'rabbitmq'`), for tracing
   * (`messaging.system`); undefined for the in-memory transport.
   */
  readonly system?: string;
  /**
   * Called once by the bus, at construction. A broker transport connects
   * here (a returned promise is awaited by `bus.ready()`; a rejection is
   * logged and counted as a fault) and starts consuming if it is a worker.
   */
  connect(host: TransportHost): void | Promise<void>;
  /**
   * Publishes committed envelopes, in emission order. May be asynchronous and
   * may fail: the bus counts a pending publish as pending work (`drain()`
   * waits for it), and reports what could not be published, by event id, to
   * `onDiscard` (reason `publish-failed`). Retrying a failed publish
   * (reconnect, republish what was not confirmed) is the transport's job.
   */
  publish(envelopes: readonly EventEnvelope[]): void | Promise<void>;
  /** Stop taking new deliveries (cancel consumers); called when `bus.close()` starts. */
  stopReceiving?(): Promise<void>;
  /** Stops the transport; called by `bus.close()` after draining. */
  close(): Promise<void>;
}

/** What a bus offers its transport. */
export interface TransportHost {
  /** Runs every local handler of these envelopes in this process (the in-memory path). */
  deliver(envelopes: readonly EventEnvelope[]): void;
  /** One binding per (handler, event class) this bus runs: what a broker binds queues for. */
  readonly bindings: readonly HandlerBinding[];
  /**
   * Rebuilds an envelope received from a broker, with its ids and lineage as
   * they travelled; `headers`: the message's, where a trace context may travel.
   */
  receive(received: ReceivedEnvelope, headers?: Readonly<Record<string, unknown>>): EventEnvelope;
  /**
   * Headers to add to the message that carries `envelope` (a W3C
   * `traceparent` when the bus is instrumented), or undefined: none.
   */
  propagationHeaders?(envelope: EventEnvelope): Readonly<Record<string, string>> | undefined;
  /**
   * Runs one attempt (`envelope.attempt`) of one handler for a received
   * envelope: isolation, timeout, follow-ups (published through this
   * transport, with causation) and `onError`; after the last attempt, the dead
   * letter and `onDeadLetter`. Never rejects. Counted as pending work.
   */
  runAttempt(envelope: EventEnvelope, handlerId: string): Promise<AttemptOutcome>;
  readonly logger: Logger;
}

/** A handler as a broker sees it: its queue, what it is bound to, its retry policy. */
export interface HandlerBinding {
  readonly handlerId: string;
  readonly eventClass: Class<object>;
  /** The event's wire name (`@Event(name)`, else the class name): the routing key. */
  readonly eventName: string;
  readonly eventVersion: number;
  /** Attempts in all (1: no retry). */
  readonly maxAttempts: number;
  /** The wait in ms before attempt `n` (n ≥ 2), per the handler's retry policy. */
  delayBeforeAttempt(n: number): number;
}

/** The identity and lineage of an event as it travelled through a broker. */
export interface ReceivedEnvelope {
  readonly id: string;
  readonly eventClass: Class<object>;
  readonly name: string;
  readonly version: number;
  readonly occurredAt: Date;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly depth: number;
  /** 1-based delivery attempt. */
  readonly attempt: number;
  /** The event instance (already transformed and validated). */
  readonly event: object;
}

/**
 * How one attempt of one handler ended. `closed`: `close()` gave up on it
 * while it ran (its timeout passed); not the handler's failure, so not a dead
 * letter: the broker should deliver it again as the same attempt.
 */
export interface AttemptOutcome {
  readonly status: 'succeeded' | 'failed' | 'skipped' | 'closed';
  readonly error?: Error;
  /**
   * For a failure: deliver it again (attempt + 1, after `retryInMs`), or not
   * (the last attempt, a `NonRetriableError`, a `shouldRetry` veto) — then it
   * is a dead letter.
   */
  readonly willRetry: boolean;
  /** The wait before the next attempt, when `willRetry` (the policy's jitter applied once, here). */
  readonly retryInMs?: number;
}
