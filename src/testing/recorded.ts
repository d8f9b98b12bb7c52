/**
 * Key of the view the matchers read (see {@link Recorded}). `Symbol.for` so that two copies of the
 * package (a hoisting accident) still understand each other.
 *
 * @example
 * ```ts
 * const view = t[RECORDED](); // what the matchers read
 * ```
 */
export const RECORDED: unique symbol = Symbol.for('koa-event-bus.testing.recorded');

/**
 * One handler outcome, with the envelope it was for.
 *
 * @example
 * ```ts
 * const [outcome] = t.failed('SendWelcomeEmail.send');
 * outcome?.envelope.correlationId;
 * ```
 */
export interface RecordedOutcome extends HandlerOutcome {
  readonly envelope: EventEnvelope;
}

/**
 * What a recording looks like to the matchers.
 *
 * @example
 * ```ts
 * const { envelopes, outcomes } = t[RECORDED]();
 * ```
 */
export interface RecordedView {
  /** Accepted envelopes, in emission order. */
  readonly envelopes: readonly EventEnvelope[];
  /** Handler outcomes, in the order their events finished dispatching. */
  readonly outcomes: readonly RecordedOutcome[];
  /** Dispatch reports, in the order events finished dispatching. */
  readonly reports: readonly DispatchReport[];
  /** Every failed attempt (retried or not), as `onError` saw it. */
  readonly errors: readonly HandlerErrorInfo[];
  /** Why an envelope was dropped, when it was. */
  discardReason(envelope: EventEnvelope): DiscardReason | undefined;
  /** True when `fake()` kept the envelope from its handlers. */
  isFaked(envelope: EventEnvelope): boolean;
}

/**
 * Anything the matchers accept: a `TestBus`, a `TestApp`, a `TestResponse`,
 * a `HandlerHarness`, a `HandlerRun`. Implement it to make your own wrapper
 * work with `toHaveEmitted` & co.
 *
 * @example
 * ```ts
 * class Scenario implements Recorded {
 *   constructor(readonly t: TestBus) {}
 *   [RECORDED]() { return this.t[RECORDED](); }
 * }
 * expect(new Scenario(t)).toHaveEmitted(UserRegistered);
 * ```
 */
export interface Recorded {
  [RECORDED](): RecordedView;
}

export function isRecorded(value: unknown): value is Recorded {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Recorded>)[RECORDED] === 'function'
  );
}

import type {
  DiscardReason,
  DispatchReport,
  EventEnvelope,
  HandlerErrorInfo,
  HandlerOutcome,
} from '../index';
