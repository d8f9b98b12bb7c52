import type { EventEnvelope } from '../kernel/event-envelope';

/**
 * How a failed invocation is tried again.
 *
 * @example
 * ```ts
 * @OnEvent(UserRegistered, { retry: { attempts: 5, backoffMs: 100, strategy: 'exponential', maxDelayMs: 5_000, jitter: 0.2 } })
 * ```
 */
export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). Default 1. */
  attempts: number;
  /** Delay before the 2nd attempt, in ms. Default 0. */
  backoffMs?: number;
  /** `'fixed'` waits `backoffMs` every time; `'exponential'` doubles it each attempt. Default `'exponential'`. */
  strategy?: 'fixed' | 'exponential';
  /** Upper bound of any one delay, in ms. Default 30 000. */
  maxDelayMs?: number;
  /** Random spread: `true` = full jitter (0..delay), a number f in (0,1] = ±f·delay. Default none. */
  jitter?: boolean | number;
}

/**
 * Options of one `@OnEvent` subscription.
 *
 * @typeParam E - the event instance type, so `when` is typed.
 *
 * @example
 * ```ts
 * @OnEvent(OrderPlaced, { id: 'charge', order: 1, timeoutMs: 5_000, retry: { attempts: 3, backoffMs: 200 }, when: (e) => e.total > 0 })
 * ```
 */
export interface OnEventOptions<E = unknown> {
  /** Stable handler id, unique per bus. Default `ClassName.method`. */
  id?: string;
  /** Handlers of one event run concurrently; lower `order` groups run first, one group after another. Default 0. */
  order?: number;
  /** Retry policy; default: the bus's `defaultRetry` (1 attempt unless configured). */
  retry?: RetryPolicy;
  /** Fail the invocation (and abort `ctx.signal`) after this many ms. Default: the bus's `defaultTimeoutMs` (none). */
  timeoutMs?: number;
  /** Run only for events that pass this predicate. A throwing predicate counts as a failed invocation. */
  when?: (event: E, envelope: EventEnvelope<E>) => boolean;
  /** Also receive instances of subclasses of the event class (opt-in). Delivered once per handler, never twice. */
  includeSubclasses?: boolean;
}

/** The policy of a handler that sets no `retry`: one attempt. */
export const DEFAULT_RETRY: Required<RetryPolicy> = {
  attempts: 1,
  backoffMs: 0,
  strategy: 'exponential',
  maxDelayMs: 30_000,
  jitter: false,
};
