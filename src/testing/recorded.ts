import type { HandlerOutcome } from '../kernel/dispatch-report';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { DiscardReason } from '../kernel/hooks';

/**
 * Key of the view the matchers read (see {@link Recorded}). `Symbol.for` so that two copies of the
 * package (a hoisting accident) still understand each other.
 *
 * @example
 * ```ts
 * const view = (bus as unknown as Recorded)[RECORDED](); // what the matchers read
 * ```
 */
export const RECORDED: unique symbol = Symbol.for('koa-event-bus.testing.recorded');

/**
 * One handler outcome, with the envelope it was for.
 *
 * @example
 * ```ts
 * const [outcome] = bus.failed('SendWelcomeEmail.send');
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
 * const { envelopes, outcomes } = bus[RECORDED]();
 * ```
 */
export interface RecordedView {
  /** Accepted envelopes, in emission order. */
  readonly envelopes: readonly EventEnvelope[];
  /** Handler outcomes, in the order their events finished dispatching. */
  readonly outcomes: readonly RecordedOutcome[];
  /** Why an envelope was dropped, when it was. */
  discardReason(envelope: EventEnvelope): DiscardReason | undefined;
  /** True when `fake()` kept the envelope from its handlers. */
  isFaked(envelope: EventEnvelope): boolean;
}

/**
 * Anything the matchers accept: a `TestBus`, a `HandlerRun`, a `TestResponse`.
 * Implement it to make your own wrapper work with `toHaveEmitted` & co.
 *
 * @example
 * ```ts
 * class Scenario implements Recorded {
 *   constructor(readonly bus: TestBus) {}
 *   [RECORDED]() { return this.bus[RECORDED](); }
 * }
 * expect(new Scenario(bus)).toHaveEmitted(UserRegistered);
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
