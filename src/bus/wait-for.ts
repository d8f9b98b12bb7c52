import type { DispatchObserver } from '../dispatch/dispatcher';
import type { Class } from '../kernel/class';
import type { Clock } from '../kernel/clock';
import { WaitForTimeoutError } from '../kernel/errors';
import type { EventEnvelope } from '../kernel/event-envelope';

/** Options of `bus.waitFor`. */
export interface WaitForOptions<E> {
  /** Only an event passing this predicate resolves the wait. */
  where?: (event: E, envelope: EventEnvelope<E>) => boolean;
  /** Default 5 000 ms; then the promise rejects with `WaitForTimeoutError`. */
  timeoutMs?: number;
  /** Also match subclasses of the class. */
  includeSubclasses?: boolean;
}

/** The next dispatched event of `eventClass` (matching `where`), observed through `observers`. */
export function waitForEvent<C extends Class<object>>(
  observers: Set<DispatchObserver>,
  clock: Clock,
  eventName: string,
  eventClass: C,
  options: WaitForOptions<InstanceType<C>>,
): Promise<InstanceType<C>> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const observer = (envelope: EventEnvelope) => {
      const e = envelope.event as InstanceType<C>;
      const classMatch = options.includeSubclasses
        ? e instanceof eventClass
        : (e as object).constructor === eventClass;
      if (!classMatch) return;
      if (options.where && !options.where(e, envelope as EventEnvelope<InstanceType<C>>)) return;
      observers.delete(observer);
      clock.clearTimeout(timer);
      resolve(e);
    };
    const timer = clock.setTimeout(() => {
      observers.delete(observer);
      reject(new WaitForTimeoutError(eventName, timeoutMs));
    }, timeoutMs);
    observers.add(observer);
  });
}
