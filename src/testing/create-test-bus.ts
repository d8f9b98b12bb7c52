import { type Class, createEventBus, type EventBusOptions, silentLogger } from '../index';
import { EventRecording } from './event-recording';
import { TestBus } from './test-bus';

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
 * Creates a {@link TestBus}: a real bus (`createEventBus` with recording
 * hooks added; yours still run) and the record of every envelope, outcome,
 * discard and error. Its logger is silent unless you pass one: failures are
 * in `failed()`, not on the console.
 *
 * @example
 * ```ts
 * await using t = createTestBus({ handlers: [SendWelcomeEmail, AuditLog], fake: [WelcomeEmailSent] });
 * t.bus.emit(new UserRegistered('u1', 'ada@example.com'));
 * await t.drain();
 * expect(t).toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
 * ```
 */
export function createTestBus(options: TestBusOptions = {}): TestBus {
  const { fake, disposeTimeoutMs, ...busOptions } = options;
  const recording = new EventRecording(fake);
  const bus = createEventBus(recording.instrument({ logger: silentLogger, ...busOptions }));
  return new TestBus(bus, recording, disposeTimeoutMs);
}
