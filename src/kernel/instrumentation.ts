import type { EventEnvelope } from './event-envelope';
import type { DeadLetter, DiscardInfo } from './hooks';
import type { Logger } from './logger';
import type { PendingWork } from './pending-work';

/**
 * What an {@link Instrumentation} is told about the bus it observes, once,
 * when the bus is created.
 */
export interface InstrumentedBus {
  /** The transport's system (`'rabbitmq'`), or undefined for the in-memory transport. */
  readonly system: string | undefined;
  /** Pending work by kind, read when a gauge is collected. */
  pending(): PendingWork;
  readonly logger: Logger;
}

/**
 * The envelopes an instrumentation is given: each has one slot of its own,
 * `telemetry`, for what the instrumentation keeps per event (a trace
 * context). A WeakMap keyed by envelope would do the same at a price: with
 * one entry per event in flight, the garbage collector's ephemeron work
 * doubled the cost of an instrumented event (measured in bench/otel).
 */
export type InstrumentedEnvelope = EventEnvelope & { telemetry?: unknown };

/** A publish being observed (a producer span): ended once the transport has stored it, or failed. */
export interface PublishTelemetry {
  end(error?: unknown): void;
}

/** How one handler attempt ended. */
export type AttemptEnd =
  | { readonly status: 'succeeded' }
  | {
      readonly status: 'failed';
      readonly error: Error;
      /** Another attempt is scheduled (by the bus, or by the broker's redelivery). */
      readonly willRetry: boolean;
      /** Set when this failure dead-letters the event for this handler. */
      readonly deadLetter?: DeadLetter['reason'];
    };

/** One handler attempt being observed (a consumer span). */
export interface AttemptTelemetry {
  /** Runs the handler: whatever it starts (its emits, its I/O) happens inside the attempt. */
  run<T>(fn: () => T): T;
  end(outcome: AttemptEnd): void;
}

/**
 * The seam tracing and metrics plug into (`instrumentation` option of
 * `createEventBus`, `createApp`, `startWorker`): each bus asks it once for a
 * {@link BusInstrumentation}, then tells that what happens to its events; a
 * broker transport asks it for the headers that carry a trace across
 * processes. Without one, the bus calls nothing for tracing; one that throws
 * is logged, never propagated. `openTelemetry()` from `koa-event-bus/otel` is
 * the OpenTelemetry one.
 *
 * @example
 * ```ts
 * import { openTelemetry } from 'koa-event-bus/otel';
 * const app = createApp({ controllers, handlers, instrumentation: openTelemetry() });
 * ```
 */
export interface Instrumentation {
  /** Called once per bus, when it is created. */
  instrument(bus: InstrumentedBus): BusInstrumentation;
}

/** One bus's observer. Every member is optional. */
export interface BusInstrumentation {
  /** An event was accepted (emit, dispatch, follow-up), in the emitter's context. */
  emitted?(envelope: InstrumentedEnvelope): void;
  /** Committed events are handed to the transport, in emission order. */
  publishing?(envelopes: readonly InstrumentedEnvelope[]): PublishTelemetry | undefined;
  /** Writes what identifies `envelope`'s trace into a broker message's headers. */
  inject?(envelope: InstrumentedEnvelope, carrier: Record<string, string>): void;
  /** An envelope received from a broker, with the headers it travelled with. */
  received?(envelope: InstrumentedEnvelope, carrier: Readonly<Record<string, unknown>>): void;
  /** One attempt of one handler starts (`envelope` as dispatched: attempt 1's). */
  attempt?(
    envelope: InstrumentedEnvelope,
    handlerId: string,
    attempt: number,
  ): AttemptTelemetry | undefined;
  /** Events dropped without being dispatched, and why. */
  discarded?(info: DiscardInfo): void;
  /** A handler gave up on an event. */
  deadLettered?(letter: DeadLetter): void;
  /** The bus is closed. */
  close?(): void;
}
