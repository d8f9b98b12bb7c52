/**
 * Time as the bus sees it: retry delays, timeouts and `drain` deadlines go
 * through this, so tests can run a 3-attempt exponential policy on a fake clock
 * in milliseconds. The default looks the globals up at call time, so Jest's
 * fake timers work too.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();            // from koa-event-bus/testing
 * const bus = createEventBus({ handlers, clock });
 * bus.emit(new Flaky());
 * await clock.runAll();                        // fires retry timers until idle
 * ```
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock, the bus's default (globals resolved per call, so Jest's fake timers apply). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
