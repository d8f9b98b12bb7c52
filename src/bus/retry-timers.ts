import type { Clock } from '../kernel/clock';
import type { EventEnvelope } from '../kernel/event-envelope';

/**
 * The waits between attempts, cancellable all at once when `close()` gives
 * up. The pipeline counts them as `retrying` (so `drain()` waits for them).
 */
export class RetryTimers {
  private readonly pending = new Map<
    unknown,
    { wake: (woke: boolean) => void; envelope: EventEnvelope; handlerId: string }
  >();

  constructor(
    private readonly clock: Clock,
    /** Called as each wait ends (fired or cancelled), before its promise resolves. */
    private readonly ended: () => void,
  ) {}

  /** Resolves true after `ms`, or false if `cancelAll()` came first. */
  sleep(ms: number, envelope: EventEnvelope, handlerId: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const wake = (woke: boolean) => {
        this.pending.delete(handle);
        this.ended();
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
