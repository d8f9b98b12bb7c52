import type { Clock } from '../kernel/clock';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { WorkTracker } from './work-tracker';

/**
 * The waits between attempts: counted as `retrying` (so `drain()` waits for
 * them) and cancellable all at once when `close()` gives up.
 */
export class RetryTimers {
  private readonly pending = new Map<
    unknown,
    { wake: (woke: boolean) => void; envelope: EventEnvelope; handlerId: string }
  >();

  constructor(
    private readonly clock: Clock,
    private readonly tracker: WorkTracker,
  ) {}

  /** Resolves true after `ms`, or false if `cancelAll()` came first. */
  sleep(ms: number, envelope: EventEnvelope, handlerId: string): Promise<boolean> {
    this.tracker.add('retrying');
    return new Promise<boolean>((resolve) => {
      const wake = (woke: boolean) => {
        this.pending.delete(handle);
        this.tracker.done('retrying');
        resolve(woke);
      };
      const handle = this.clock.setTimeout(() => wake(true), ms);
      this.pending.set(handle, { wake, envelope, handlerId });
    });
  }

  /** Cancels every wait; returns what was waiting (each is then dead-lettered with reason `closed`). */
  cancelAll(): { envelope: EventEnvelope; handlerId: string }[] {
    const cancelled: { envelope: EventEnvelope; handlerId: string }[] = [];
    for (const [handle, { wake, envelope, handlerId }] of this.pending) {
      this.clock.clearTimeout(handle);
      cancelled.push({ envelope, handlerId });
      wake(false);
    }
    return cancelled;
  }
}
