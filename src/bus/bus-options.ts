import type { CheckedProviders, ExternalResolver, Provider, Resolver } from '../container/provider';
import type { RetryPolicy } from '../handlers/handler-options';
import type { Class } from '../kernel/class';
import type { Clock } from '../kernel/clock';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { BusHooks, RetryDecision } from '../kernel/hooks';
import type { Instrumentation } from '../kernel/instrumentation';
import type { Logger } from '../kernel/logger';
import type { Transport } from '../transport/transport';

/**
 * Options of `createEventBus` (and the bus part of `createApp`).
 *
 * @example
 * ```ts
 * const bus = createEventBus({
 *   handlers: [SendWelcomeEmail, AuditLog],
 *   providers: [[Mailer, new SmtpMailer()]],
 *   defaultRetry: { attempts: 3, backoffMs: 100 },
 *   hooks: { onDeadLetter: (l) => alert(l) },
 * });
 * ```
 */
export interface EventBusOptions<P extends readonly Provider[] = readonly Provider[]> {
  /** Handler classes (`@EventHandler()`), built at startup through the resolver. */
  handlers?: readonly Class[];
  /** Globs of files to import; exported handler classes are added to `handlers`. */
  discover?: readonly string[];
  /** Directory `discover` globs are relative to. Default `process.cwd()`. */
  discoverCwd?: string;
  /** Values, factories and classes for constructor injection. `EventBus` is always provided. */
  providers?: CheckedProviders<P>;
  /** Your container (tsyringe, typedi, inversify...), asked before constructor injection. */
  resolve?: ExternalResolver;
  /** A ready resolver to use instead of building one (createApp shares one with controllers). */
  resolver?: Resolver;
  /** Pino-compatible logger. Default: console. */
  logger?: Logger;
  hooks?: BusHooks;
  /**
   * Tracing and metrics: spans per publish and per handler attempt, trace
   * context carried across a broker. `openTelemetry()` from
   * `koa-event-bus/otel` is one; without it, the bus does no tracing work at
   * all. A throwing instrumentation is logged, never propagated.
   *
   * @example
   * ```ts
   * import { openTelemetry } from 'koa-event-bus/otel';
   * createEventBus({ handlers, instrumentation: openTelemetry() });
   * ```
   */
  instrumentation?: Instrumentation;
  /** Where committed events go. Default: `InMemoryTransport`. */
  transport?: Transport;
  /** Retry policy for handlers that set none. Default: 1 attempt. */
  defaultRetry?: RetryPolicy;
  /**
   * Vetoes a retry the policy would make (return false: the failure is final
   * and dead-lettered now). For errors no retry can fix.
   *
   * @example
   * ```ts
   * shouldRetry: ({ error }) => !(error instanceof PermanentFailure)
   * ```
   */
  shouldRetry?: (info: RetryDecision) => boolean;
  /** Timeout for handlers that set none. Default: none. */
  defaultTimeoutMs?: number;
  /**
   * Queued events dispatched at once. Default 1000: handlers are mostly I/O
   * (an email, an HTTP call), and 64 capped a 20 ms handler at 3 200 events/s,
   * below what one Koa process serves (measured in bench/). Lower it to protect
   * a downstream service.
   */
  concurrency?: number;
  /**
   * Bound on accepted-but-unfinished root events (buffered + queued +
   * dispatching). Default 100 000. Follow-ups of running handlers are always
   * accepted so a chain is never cut in half (they are bounded by
   * `maxCausationDepth`).
   */
  maxInFlight?: number;
  /**
   * What `emit`/`dispatch` do at `maxInFlight`: `'throw'` (default) raises
   * `BusOverflowError` (KEB_BUS_OVERFLOW) to the caller, which an HTTP request
   * turns into 503; `'drop'` drops the event and reports it to `onDiscard`.
   */
  overflow?: 'throw' | 'drop';
  /**
   * What an emit of an event class no handler is subscribed to does:
   * `'warn'` logs one warning per event class (the default outside
   * production), `'ignore'` says nothing (the default when
   * `NODE_ENV=production`), `'throw'` raises `UnhandledEventError`
   * (KEB_UNHANDLED_EVENT) to the emitter. Such events appear in `describe()`
   * with no handlers.
   */
  onUnhandledEvent?: 'ignore' | 'warn' | 'throw';
  /** Follow-up chains deeper than this are cut (KEB_CAUSATION_DEPTH_EXCEEDED). Default 32. */
  maxCausationDepth?: number;
  /**
   * Follow-up events one root event may cause, all generations together; past
   * it, that root's further follow-ups are discarded (KEB_FOLLOW_UP_BUDGET_EXCEEDED,
   * reported to `onDiscard`, logged once per root). Default 10 000: far above a
   * real fan-out (a 10 000-row import emitting one event per row fits), far
   * below a runaway cycle (two emits per run reach 2^32 events within the depth
   * limit). Raise it for bigger intended fan-outs.
   */
  maxFollowUpsPerRoot?: number;
  /** How many dead letters `bus.deadLetters` keeps (oldest dropped). Default 1000. */
  deadLetterLimit?: number;
  /** Time source for retries, timeouts and drain deadlines. */
  clock?: Clock;
  /** Random source for retry jitter (0 ≤ x < 1). */
  random?: () => number;
  /**
   * Envelopes for which this returns false reach no handler (observers such as
   * `waitFor` and `onDispatched` still see them). The testing kit's `fake()`
   * is built on it.
   */
  dispatchFilter?: (envelope: EventEnvelope) => boolean;
  /**
   * Measure `durationMs` in every report and outcome (two clock reads per
   * handler run). Default: only when an `onDispatched` hook is set; otherwise
   * durations are 0 and the dispatch path reads no clock beyond the envelope's
   * `occurredAt` (a clock read costs ~70–100 ns on virtual machines).
   */
  measureDurations?: boolean;
  /** Id generator for envelopes and correlation ids. Default `crypto.randomUUID`. */
  generateId?: () => string;
}
