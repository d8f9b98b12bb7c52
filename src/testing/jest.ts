import type { Class } from '../index';
import type { OutcomeTarget } from './event-queries';
import { eventBusMatchers } from './matchers';

/**
 * The matchers' types, merged into `jest.Matchers` (the global `expect` of
 * `@types/jest`) by this module. If you import `expect` from `@jest/globals`,
 * add to a `.d.ts` of yours:
 * ```ts
 * declare module 'expect' {
 *   interface Matchers<R extends void | Promise<void>, T = unknown> extends EventBusMatchers<R> {}
 * }
 * ```
 *
 * Received values: a `TestBus`, `TestApp`, `TestResponse`, `HandlerHarness` or `HandlerRun`. The
 * partial is typed by the event class: a property the event does not have is
 * a compile error. Its values compare with Jest equality (`expect.any(String)`
 * and other asymmetric matchers work).
 *
 * @example
 * ```ts
 * expect(t).toHaveEmitted(UserRegistered, { email: expect.stringContaining('@') });
 * expect(t).toHaveEmitted(UserRegistered, { emial: 'x' }); // compile error
 * ```
 */
export interface EventBusMatchers<R> {
  /**
   * At least one event of exactly this class was emitted (and, with
   * `partial`, one whose listed properties are equal). The failure message
   * lists what was emitted.
   *
   * @example
   * ```ts
   * expect(t).toHaveEmitted(UserRegistered, { email: 'ada@example.com' });
   * expect(t).not.toHaveEmitted(UserDeleted);
   * ```
   */
  toHaveEmitted<C extends Class<object>>(eventClass: C, partial?: Partial<InstanceType<C>>): R;
  /**
   * Exactly `times` matching events were emitted.
   *
   * @example
   * ```ts
   * expect(t).toHaveEmittedTimes(UserRegistered, 2);
   * ```
   */
  toHaveEmittedTimes<C extends Class<object>>(
    eventClass: C,
    times: number,
    partial?: Partial<InstanceType<C>>,
  ): R;
  /**
   * A handler (by id) or any handler of an event class succeeded at least once.
   *
   * @example
   * ```ts
   * expect(t).toHaveHandled('SendWelcomeEmail.send');
   * expect(t).toHaveHandled(UserRegistered);
   * ```
   */
  toHaveHandled(target: OutcomeTarget): R;
  /**
   * A handler (by id) or any handler of an event class failed its last attempt.
   *
   * @example
   * ```ts
   * expect(t).toHaveFailed('SendWelcomeEmail.send');
   * ```
   */
  toHaveFailed(target: OutcomeTarget): R;
}

declare global {
  namespace jest {
    // T is unused but must match @types/jest's declaration for the interfaces to merge.
    interface Matchers<R, T = {}> extends EventBusMatchers<R> {}
  }
}

/** Anything with Jest's `expect.extend`. */
export interface ExtendableExpect {
  extend(matchers: typeof eventBusMatchers): void;
}

/**
 * Registers `toHaveEmitted`, `toHaveEmittedTimes`, `toHaveHandled` and
 * `toHaveFailed` with Jest's global `expect` (or the one you pass). Calling it
 * twice is harmless. The `koa-event-bus/testing/jest-setup` entry calls it
 * for you from `setupFilesAfterEnv`.
 *
 * @example
 * ```ts
 * // jest.setup.ts (listed in setupFilesAfterEnv)
 * import { registerMatchers } from 'koa-event-bus/testing';
 * registerMatchers();
 * ```
 */
export function registerMatchers(expectFn?: ExtendableExpect): void {
  const target = expectFn ?? (globalThis as { expect?: ExtendableExpect }).expect;
  if (!target || typeof target.extend !== 'function') {
    throw new TypeError(
      'registerMatchers(): no global `expect` with `extend` was found. Call it from a Jest setup file (setupFilesAfterEnv) or pass your expect: registerMatchers(expect).',
    );
  }
  target.extend(eventBusMatchers);
}
