import type { DispatchReport, EventEnvelope, HandlerErrorInfo, HandlerOutcome } from '../index';
import { type EventList, eventList } from './event-list';
import { RECORDED, type Recorded, type RecordedOutcome, type RecordedView } from './recorded';

/**
 * What one `harness.run(event)` did: the handler's outcome, its follow-up
 * events, every failed attempt and the (fake) time retries took. Works with
 * the matchers: `expect(run).toHaveEmitted(WelcomeEmailSent)` asserts on its
 * follow-ups.
 *
 * @typeParam R - what the method resolves to (typed when the run names `method`).
 *
 * @example
 * ```ts
 * const run = await h.run(new UserRegistered('u1', 'ada@example.com'), { method: 'send' });
 * run.result?.userId;                       // typed from SendWelcomeEmail.send
 * run.followUps.of(WelcomeEmailSent);       // WelcomeEmailSent[]
 * expect(run).toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
 * ```
 */
export class HandlerRun<R = unknown> implements Recorded {
  /** `skipped`: the subscription's `when` predicate returned false. */
  readonly status: HandlerOutcome['status'];
  /** What the method returned (resolved), when it succeeded. */
  readonly result: R | undefined;
  /** The final error, when it failed. */
  readonly error: Error | undefined;
  /** Attempts made (1 when retries were bypassed). */
  readonly attempts: number;
  /** Events the successful attempt emitted (`ctx.emit`, injected bus) or returned: `run.followUps.of(WelcomeEmailSent)`. */
  readonly followUps: EventList;
  /** The follow-ups' envelopes (causationId = `envelope.id`). */
  readonly followUpEnvelopes: readonly EventEnvelope[];
  /** The error of every failed attempt, in order. */
  readonly errors: readonly Error[];
  /** Back-off before each retry, in ms (what the retry policy computed). */
  readonly retryDelays: readonly number[];
  /** Fake time the run took (back-offs and timeouts), in ms. */
  readonly elapsedMs: number;
  private readonly outcome: RecordedOutcome;
  private readonly failures: readonly HandlerErrorInfo[];

  constructor(
    /** Id of the handler that ran (`ClassName.method` by default). */
    readonly handlerId: string,
    /** Envelope of the event as dispatched. */
    readonly envelope: EventEnvelope,
    outcome: HandlerOutcome,
    failures: readonly HandlerErrorInfo[],
    elapsedMs: number,
    /** The whole dispatch report (every method of the class that handled the event). */
    readonly report: DispatchReport,
  ) {
    this.status = outcome.status;
    this.result = outcome.result as R | undefined;
    this.error = outcome.error;
    this.attempts = outcome.attempts;
    this.followUpEnvelopes = outcome.followUps;
    this.followUps = eventList(outcome.followUps.map((e) => e.event as object));
    this.failures = failures;
    this.errors = failures.map((f) => f.error);
    this.retryDelays = failures.flatMap((f) => (f.retryInMs === undefined ? [] : [f.retryInMs]));
    this.elapsedMs = elapsedMs;
    this.outcome = { ...outcome, envelope };
  }

  [RECORDED](): RecordedView {
    return {
      envelopes: this.followUpEnvelopes,
      outcomes: [this.outcome],
      reports: [this.report],
      errors: this.failures,
      discardReason: () => undefined,
      isFaked: () => false,
    };
  }
}
