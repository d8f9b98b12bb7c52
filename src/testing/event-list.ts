import type { Class } from '../index';

/**
 * A read-only array of events with a typed filter. It compares equal to a plain
 * array (`of` is not enumerable), so `toEqual([new A()])` works.
 *
 * @example
 * ```ts
 * const run = await h.run(new UserRegistered('u1', 'ada@example.com'));
 * run.followUps.of(WelcomeEmailSent)[0]?.userId; // typed: string
 * ```
 */
export type EventList<T extends object = object> = readonly T[] & {
  /** The events that are instances of exactly this class (dispatch matches by class identity). */
  of<C extends Class<object>>(eventClass: C): InstanceType<C>[];
};

export function eventList<T extends object>(events: readonly T[]): EventList<T> {
  const list = [...events];
  Object.defineProperty(list, 'of', {
    enumerable: false,
    value: <C extends Class<object>>(eventClass: C): InstanceType<C>[] =>
      list.filter((e) => e.constructor === eventClass) as object[] as InstanceType<C>[],
  });
  return Object.freeze(list) as unknown as EventList<T>;
}
