import { DispatchFailedError } from './errors';
import type { EventEnvelope } from './event-envelope';

/**
 * What happened to one handler for one event.
 *
 * @example
 * ```ts
 * const outcome = report.outcome('SendWelcomeEmail.send');
 * if (outcome?.status === 'failed') console.error(outcome.attempts, outcome.error);
 * ```
 */
export interface HandlerOutcome {
  handlerId: string;
  /** `skipped`: its `when` predicate returned false. */
  status: 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  /**
   * Wall time of the invocation in ms, when the bus measures durations
   * (`measureDurations: true`, or an `onDispatched` hook is set); else 0.
   */
  durationMs: number;
  /** The final error, when `failed`. */
  error?: Error;
  /** What the handler returned, when `succeeded`. */
  result?: unknown;
  /** Follow-up events it emitted or returned (dispatched after it; not awaited by `dispatch`). */
  followUps: readonly EventEnvelope[];
}

/**
 * Result of `bus.dispatch(event)`: one outcome per matching handler. It never
 * rejects for handler failures; call `throwIfFailed()` if you want that.
 *
 * @example
 * ```ts
 * const report = await bus.dispatch(new UserRegistered('u1', 'a@b.c'));
 * report.throwIfFailed(); // AggregateError (code KEB_DISPATCH_FAILED) listing every failure
 * ```
 */
export class DispatchReport {
  constructor(
    readonly envelope: EventEnvelope,
    readonly outcomes: readonly HandlerOutcome[],
    readonly durationMs: number,
  ) {}

  /** True when no handler failed (skipped handlers do not count as failures). */
  get ok(): boolean {
    return this.outcomes.every((o) => o.status !== 'failed');
  }

  /** Outcomes of the handlers that failed. */
  get failed(): readonly HandlerOutcome[] {
    return this.outcomes.filter((o) => o.status === 'failed');
  }

  /** Outcome of one handler by id. */
  outcome(handlerId: string): HandlerOutcome | undefined {
    return this.outcomes.find((o) => o.handlerId === handlerId);
  }

  /** Throws a `DispatchFailedError` (an AggregateError) when any handler failed; returns `this` otherwise. */
  throwIfFailed(): this {
    const failed = this.failed;
    if (failed.length > 0) {
      throw new DispatchFailedError(
        this.envelope.name,
        failed.map((o) => o.handlerId),
        failed.map((o) => o.error),
      );
    }
    return this;
  }
}
