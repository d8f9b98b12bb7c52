import type { EventBusOptions } from '../bus/bus-options';
import { EventBus } from '../bus/event-bus';
import type { Class } from '../kernel/class';
import type { DispatchReport } from '../kernel/dispatch-report';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { DiscardReason, HandlerErrorInfo } from '../kernel/hooks';
import { silentLogger } from '../kernel/logger';
import type { OutcomeTarget } from './event-queries';
import { EventRecording } from './event-recording';
import { ManualClock } from './manual-clock';
import { RECORDED, type Recorded, type RecordedOutcome, type RecordedView } from './recorded';

/**
 * Options of {@link createTestBus}: every bus option, plus `fake` and `disposeTimeoutMs`.
 *
 * @example
 * ```ts
 * createTestBus({ handlers: [SendWelcomeEmail], clock: new ManualClock(), fake: [WelcomeEmailSent] });
 * ```
 */
export interface TestBusOptions extends EventBusOptions {
  /** Events to record without running their handlers from the start (`true`: all of them). */
  fake?: true | readonly Class<object>[];
  /** How long `await using` / `[Symbol.asyncDispose]` lets work finish before closing. Default 1 000 ms. */
  disposeTimeoutMs?: number;
}

/**
 * A real `EventBus` that records everything it does. Pass it wherever an
 * `EventBus` goes (providers, controllers, `eventScope(bus)`). Its logger is
 * silent by default: failures are in `failed()`, not on the console.
 *
 * With a {@link ManualClock}, `dispatch()` and `drain()` (without a timeout)
 * move fake time forward until their work is done, so retries with back-off
 * finish in milliseconds.
 *
 * @example
 * ```ts
 * await using bus = createTestBus({ handlers: [SendWelcomeEmail], providers: [[Mailer, fakeMailer]] });
 * bus.fake([WelcomeEmailSent]);               // recorded, not handled
 * await bus.dispatch(new UserRegistered('u1', 'ada@example.com'));
 * await bus.drain();
 * expect(bus.emitted(WelcomeEmailSent)).toHaveLength(1);
 * expect(bus.handled('SendWelcomeEmail.send')).toHaveLength(1);
 * ```
 */
export class TestBus extends EventBus implements Recorded {
  /** The recording behind the queries (filter it, clear it). */
  readonly recording: EventRecording;
  private readonly manualClock: ManualClock | undefined;
  private readonly disposeTimeoutMs: number;

  constructor(options: TestBusOptions = {}) {
    const { fake, disposeTimeoutMs, ...busOptions } = options;
    const recording = new EventRecording();
    super(recording.instrument({ logger: silentLogger, ...busOptions }));
    this.recording = recording;
    this.manualClock = busOptions.clock instanceof ManualClock ? busOptions.clock : undefined;
    this.disposeTimeoutMs = disposeTimeoutMs ?? 1_000;
    if (fake === true) recording.fake();
    else if (fake) recording.fake(fake);
  }

  /** Events of this class emitted so far (emit, dispatch, follow-ups), typed. */
  emitted<C extends Class<object> = Class<object>>(eventClass?: C): InstanceType<C>[] {
    return this.recording.emitted(eventClass);
  }

  /** Envelopes emitted so far (ids, correlation, causation), optionally of one class. */
  envelopes<C extends Class<object> = Class<object>>(
    eventClass?: C,
  ): EventEnvelope<InstanceType<C>>[] {
    return this.recording.envelopes(eventClass);
  }

  /** Every handler outcome so far, optionally of one handler id or event class. */
  outcomes(target?: OutcomeTarget): RecordedOutcome[] {
    return this.recording.outcomes(target);
  }

  /** Successful invocations, optionally of one handler id or event class. */
  handled(target?: OutcomeTarget): RecordedOutcome[] {
    return this.recording.handled(target);
  }

  /** Invocations that failed their last attempt, optionally of one handler id or event class. */
  failed(target?: OutcomeTarget): RecordedOutcome[] {
    return this.recording.failed(target);
  }

  /** Envelopes dropped without dispatch, with the reason. */
  discarded<C extends Class<object> = Class<object>>(
    eventClass?: C,
  ): { envelope: EventEnvelope<InstanceType<C>>; reason: DiscardReason }[] {
    return this.recording.discarded(eventClass);
  }

  /** Dispatch reports so far. */
  reports(): DispatchReport[] {
    return this.recording.reports();
  }

  /** Every failed attempt (including retried ones), optionally of one handler id. */
  errors(handlerId?: string): HandlerErrorInfo[] {
    return this.recording.errors(handlerId);
  }

  /** Records events of these classes (all, without arguments) without running their handlers. */
  fake(eventClasses?: readonly Class<object>[]): this {
    this.recording.fake(eventClasses);
    return this;
  }

  /** Fakes every event except these classes. */
  fakeExcept(eventClasses: readonly Class<object>[]): this {
    this.recording.fakeExcept(eventClasses);
    return this;
  }

  /** Stops faking. */
  unfake(): this {
    this.recording.unfake();
    return this;
  }

  /** Forgets what was recorded so far (fakes stay). */
  clearRecording(): void {
    this.recording.clear();
  }

  /**
   * Resolves when the bus is idle, follow-ups and retries included. With a
   * `ManualClock` and no `timeoutMs`, fake time moves forward as needed.
   */
  override drain(timeoutMs?: number): Promise<void> {
    if (timeoutMs !== undefined || !this.manualClock) return super.drain(timeoutMs);
    return this.manualClock.runUntil(super.drain());
  }

  /**
   * Runs every handler of the event now and resolves with the report. With a
   * `ManualClock`, fake time moves forward through retry back-offs and
   * timeouts as needed.
   */
  override dispatch<E extends object>(event: E): Promise<DispatchReport> {
    const dispatching = super.dispatch(event);
    return this.manualClock ? this.manualClock.runUntil(dispatching) : dispatching;
  }

  /** Closes the bus (letting work finish for `disposeTimeoutMs`): `await using bus = createTestBus()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    const closing = this.close(this.disposeTimeoutMs);
    await (this.manualClock ? this.manualClock.runUntil(closing) : closing);
  }

  [RECORDED](): RecordedView {
    return this.recording[RECORDED]();
  }
}

/**
 * Creates a {@link TestBus}: a real bus that records every envelope, outcome,
 * discard and error, with `fake()` to keep chosen events from their handlers.
 *
 * @example
 * ```ts
 * const bus = createTestBus({ handlers: [SendWelcomeEmail, AuditLog], fake: [WelcomeEmailSent] });
 * bus.emit(new UserRegistered('u1', 'ada@example.com'));
 * await bus.drain();
 * expect(bus).toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
 * ```
 */
export function createTestBus(options: TestBusOptions = {}): TestBus {
  return new TestBus(options);
}
