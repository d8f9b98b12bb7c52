import type { Class, DispatchReport, EventBus } from '../index';
import { EventQueries } from './event-queries';
import { type EventRecording, RECORDING_OF } from './event-recording';
import { onClock } from './on-clock';
import { RECORDED, type RecordedView } from './recorded';
import { TestingKitError } from './testing-kit-error';

/**
 * A real `EventBus` (`t.bus`, built by `createEventBus`) together with the
 * recording of everything it does: `t.emitted(...)`, `t.handled(...)`,
 * `t.failed(...)` & co and the matchers (`expect(t).toHaveEmitted(...)`).
 * Pass `t.bus` wherever an `EventBus` goes (providers, controllers,
 * `eventScope(t.bus)`); handlers injecting `EventBus` get it.
 *
 * With a {@link ManualClock} in the options, `t.dispatch()` and `t.drain()`
 * move fake time forward until their work is done, so retries with back-off
 * finish in milliseconds (the bus's own `dispatch`/`drain` would wait for a
 * clock nobody moves). Build it with {@link createTestBus}; the constructor
 * is for a bus you built yourself from `recording.instrument(options)`.
 *
 * @example
 * ```ts
 * await using t = createTestBus({ handlers: [SendWelcomeEmail], providers: [[Mailer, fakeMailer]] });
 * t.fake([WelcomeEmailSent]);                  // recorded, not handled
 * t.bus.emit(new UserRegistered('u1', 'ada@example.com'));
 * await t.drain();
 * expect(t.emitted(WelcomeEmailSent)).toHaveLength(1);
 * expect(t).toHaveHandled('SendWelcomeEmail.send');
 * ```
 */
export class TestBus extends EventQueries implements AsyncDisposable {
  constructor(
    /** The bus: a plain `EventBus`, to emit on and to inject. */
    readonly bus: EventBus,
    /** The recording behind the queries (`filtered(...)` selects a part of it). */
    readonly recording: EventRecording,
    /** How long `await using` lets work finish before closing the bus. Default 1 000 ms. */
    private readonly disposeTimeoutMs = 1_000,
  ) {
    super();
    const hooks = bus.options.hooks as { [RECORDING_OF]?: unknown } | undefined;
    if (hooks?.[RECORDING_OF] !== recording) {
      throw new TestingKitError(
        'new TestBus(bus, recording): the bus was not built from recording.instrument(options), so nothing it does would be recorded.',
        'Use createTestBus(options), or createEventBus(recording.instrument(options)).',
      );
    }
  }

  /** `bus.dispatch(event)`, moving a ManualClock through back-offs and timeouts as needed. */
  dispatch<E extends object>(event: E): Promise<DispatchReport> {
    return onClock(this.bus, this.bus.dispatch(event));
  }

  /**
   * Resolves when the bus is idle, follow-ups and retries included. With a
   * ManualClock and no `timeoutMs`, fake time moves forward as needed.
   */
  drain(timeoutMs?: number): Promise<void> {
    return timeoutMs === undefined
      ? onClock(this.bus, this.bus.drain())
      : this.bus.drain(timeoutMs);
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

  /** Closes the bus, letting work finish for `disposeTimeoutMs`: `await using t = createTestBus()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await onClock(this.bus, this.bus.close(this.disposeTimeoutMs));
  }

  protected view(): RecordedView {
    return this.recording[RECORDED]();
  }
}
