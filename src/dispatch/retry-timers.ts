import type { Clock } from './clock';
import type { WorkTracker } from './work-tracker';

/**
 * The waits between attempts: counted as `retrying` (so `drain()` waits for
 * them) and cancellable all at once when `close()` gives up.
 */
export class RetryTimers {
  private readonly pending = new Map<unknown, (woke: boolean) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly tracker: WorkTracker,
  ) {}

  /** Resolves true after `ms`, or false if `cancelAll()` came first. */
  sleep(ms: number): Promise<boolean> {
    this.tracker.add('retrying');
    return new Promise<boolean>((resolve) => {
      const wake = (woke: boolean) => {
        this.pending.delete(handle);
        this.tracker.done('retrying');
        resolve(woke);
      };
      const handle = this.clock.setTimeout(() => wake(true), ms);
      this.pending.set(handle, wake);
    });
  }

  cancelAll(): void {
    for (const [handle, wake] of this.pending) {
      this.clock.clearTimeout(handle);
      wake(false);
    }
  }
}
