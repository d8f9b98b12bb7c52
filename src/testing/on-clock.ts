import type { EventBus } from '../index';
import { ManualClock } from './manual-clock';

/**
 * Settles `work` on the bus's clock: with a {@link ManualClock} in the bus's
 * options, fake time moves forward until `work` settles (retry back-offs,
 * timeouts, close deadlines); on a real clock, `work` itself.
 */
export function onClock<T>(bus: EventBus, work: Promise<T>): Promise<T> {
  const { clock } = bus.options;
  return clock instanceof ManualClock ? clock.runUntil(work) : work;
}
