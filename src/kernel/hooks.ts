import type { DispatchReport } from './dispatch-report';
import type { EventEnvelope } from './event-envelope';

/**
 * Passed to `onError` for every failed attempt.
 *
 * @example
 * ```ts
 * hooks: { onError: ({ handlerId, attempt, willRetry, error }) => log.warn({ handlerId, attempt, willRetry, err: error }) }
 * ```
 */
export interface HandlerErrorInfo {
  envelope: EventEnvelope;
  handlerId: string;
  attempt: number;
  error: Error;
  /** Whether another attempt is scheduled. */
  willRetry: boolean;
  /** Delay before the next attempt, when `willRetry`. */
  retryInMs?: number;
}

/**
 * What `shouldRetry` is asked about: a failed attempt the retry policy would retry.
 *
 * @example
 * ```ts
 * shouldRetry: ({ error, attempt }) => attempt < 2 || !(error instanceof PermanentFailure)
 * ```
 */
export interface RetryDecision {
  envelope: EventEnvelope;
  handlerId: string;
  attempt: number;
  error: Error;
}

/**
 * An invocation that failed its last attempt. Also kept in `bus.deadLetters`.
 *
 * @example
 * ```ts
 * hooks: { onDeadLetter: (l) => deadLetters.insert({ id: l.envelope.id, handler: l.handlerId, error: l.error.message }) }
 * ```
 */
export interface DeadLetter {
  envelope: EventEnvelope;
  handlerId: string;
  attempts: number;
  /** The last attempt's error. */
  error: Error;
  failedAt: Date;
  /** `failed`: the last attempt failed; `closed`: `close()` cancelled the retry it was waiting for. */
  reason: 'failed' | 'closed';
}

/**
 * Why events were dropped without being dispatched.
 *
 * @example
 * ```ts
 * if (reason.kind === 'http-status') console.log('request failed with', reason.status);
 * ```
 */
export type DiscardReason =
  | { kind: 'scope-failed'; error: unknown }
  | { kind: 'http-status'; status: number }
  | { kind: 'http-error'; status: number; error: unknown }
  | { kind: 'handler-failed'; handlerId: string; error: Error }
  | { kind: 'causation-depth'; error: Error }
  | { kind: 'follow-up-budget'; error: Error }
  | { kind: 'overflow'; error: Error }
  | { kind: 'publish-failed'; error: unknown }
  | { kind: 'closed'; state?: 'buffered' | 'queued' | 'running' | 'late' }
  | { kind: 'manual'; message: string };

/**
 * Passed to `onDiscard`.
 *
 * @example
 * ```ts
 * hooks: { onDiscard: ({ envelopes, reason }) => log.info({ count: envelopes.length, reason: reason.kind }, 'discarded') }
 * ```
 */
export interface DiscardInfo {
  envelopes: readonly EventEnvelope[];
  reason: DiscardReason;
}

/**
 * Observability hooks. Each is called isolated: a hook that throws is logged,
 * never propagated.
 *
 * @example
 * ```ts
 * createEventBus({
 *   handlers,
 *   hooks: {
 *     onError: ({ handlerId, attempt, error }) => metrics.increment('handler.error', { handlerId, attempt }),
 *     onDeadLetter: (letter) => deadLetterTable.insert(letter),
 *   },
 * });
 * ```
 */
export interface BusHooks {
  /** Every accepted event (emit, dispatch, follow-up), as its envelope is created, before buffering. */
  onEmitted?(envelope: EventEnvelope): void;
  onError?(info: HandlerErrorInfo): void;
  onDeadLetter?(letter: DeadLetter): void;
  onDiscard?(info: DiscardInfo): void;
  onDispatched?(report: DispatchReport): void;
}
