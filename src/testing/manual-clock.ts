import type { Clock } from '../index';
import { nextTurn } from './next-turn';
import { TestingKitError } from './testing-kit-error';

interface Timer {
  readonly seq: number;
  readonly due: number;
  readonly fn: () => void;
}

/**
 * Options of `ManualClock.runAll` and `runUntil`.
 *
 * @example
 * ```ts
 * await clock.runAll({ maxTimers: 100 });
 * ```
 */
export interface RunTimersOptions {
  /** Give up (TestingKitError) after firing this many timers: a timer that re-arms itself forever. Default 10 000. */
  maxTimers?: number;
}

/**
 * A fake {@link Clock}: time moves only when the test says so, so retry
 * back-offs, handler timeouts and drain deadlines run in milliseconds and in a
 * fixed order. Timers due at the same instant fire in the order they were set.
 * Every method that fires timers lets promise continuations settle between two
 * timers, so the code a timer wakes runs before the next one fires.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * await using t = createTestBus({ handlers: [SendWelcomeEmail], providers: [[Mailer, flaky]], clock });
 * t.bus.emit(new UserRegistered('u1', 'ada@example.com'));
 * await t.drain();                 // advances the clock through 200 ms and 400 ms back-offs
 * expect(clock.now()).toBe(600);
 * ```
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<object, Timer>();
  private scheduledWaiters: Array<() => void> = [];

  /** @param start - the initial `now()` in epoch ms (or a Date). Default 0. */
  constructor(start: number | Date = 0) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = { id: ++this.seq };
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.timers.set(handle, { seq: handle.id, due: this.current + delay, fn });
    const waiters = this.scheduledWaiters;
    this.scheduledWaiters = [];
    for (const wake of waiters) wake();
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as object);
  }

  /** Number of timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** When the next timer is due (epoch ms), or `undefined` when none is set. */
  nextTimerAt(): number | undefined {
    return this.earliest()?.[1].due;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way in order
   * (including timers those set), then settles promises.
   *
   * @example
   * ```ts
   * await clock.advance(199);   // back-off not over: the retry has not run
   * await clock.advance(1);     // now it has
   * ```
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + (Number.isFinite(ms) && ms > 0 ? ms : 0);
    for (;;) {
      await nextTurn();
      const next = this.earliest();
      if (!next || next[1].due > target) break;
      this.fire(next);
    }
    this.current = target;
    await nextTurn();
  }

  /** Fires the next timer (jumping time to it), then settles promises. False when none was set. */
  async runNext(): Promise<boolean> {
    await nextTurn();
    const next = this.earliest();
    if (!next) return false;
    this.fire(next);
    await nextTurn();
    return true;
  }

  /**
   * Fires timers in order, settling promises between them, until none is left.
   *
   * @example
   * ```ts
   * bus.emit(new Flaky());
   * await clock.runAll();   // every retry has run
   * ```
   */
  async runAll(options: RunTimersOptions = {}): Promise<void> {
    const max = options.maxTimers ?? 10_000;
    for (let fired = 0; await this.runNext(); ) {
      if (++fired >= max) throw tooManyTimers(max);
    }
  }

  /**
   * Settles `promise`, moving time forward only when nothing else can make
   * progress: after each turn of the event loop, if the promise is still
   * pending, the next timer fires; with no timer set, it waits for the promise
   * or for a timer to be set. This is how the kit waits for a bus on a fake
   * clock (`t.drain()`, `t.dispatch()`, harness runs, app requests).
   *
   * @example
   * ```ts
   * const report = await clock.runUntil(bus.dispatch(new UserRegistered('u1', 'ada@example.com')));
   * ```
   */
  async runUntil<T>(promise: Promise<T>, options: RunTimersOptions = {}): Promise<T> {
    const max = options.maxTimers ?? 10_000;
    let settled = false;
    const done = promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (let fired = 0; ; ) {
      await nextTurn();
      if (settled) return promise;
      const next = this.earliest();
      if (next) {
        this.fire(next);
        if (++fired >= max) throw tooManyTimers(max);
      } else {
        await Promise.race([done, new Promise<void>((r) => this.scheduledWaiters.push(r))]);
      }
    }
  }

  private earliest(): [object, Timer] | undefined {
    let best: [object, Timer] | undefined;
    for (const entry of this.timers) {
      const t = entry[1];
      if (!best || t.due < best[1].due || (t.due === best[1].due && t.seq < best[1].seq))
        best = entry;
    }
    return best;
  }

  private fire([handle, timer]: [object, Timer]): void {
    this.timers.delete(handle);
    if (timer.due > this.current) this.current = timer.due;
    timer.fn();
  }
}

function tooManyTimers(max: number): TestingKitError {
  return new TestingKitError(
    `ManualClock fired ${max} timers without settling.`,
    'A timer keeps re-arming itself (a polling loop?); raise `maxTimers` or stop the loop in the test.',
  );
}
