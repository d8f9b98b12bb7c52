import type { PendingWork } from '../kernel/pending-work';

/**
 * Counts what the bus holds and wakes `drain()` waiters at quiescence.
 * Counts rise before the work they stand for and fall after it, so a follow-up
 * is queued before its parent stops counting and the bus never looks idle
 * mid-chain.
 */
export class WorkTracker {
  readonly pending: PendingWork = {
    buffered: 0,
    openScopes: 0,
    queued: 0,
    dispatching: 0,
    retrying: 0,
    publishing: 0,
  };
  private waiters: Array<() => void> = [];

  add(kind: keyof PendingWork, n = 1): void {
    this.pending[kind] += n;
  }

  done(kind: keyof PendingWork, n = 1): void {
    this.pending[kind] -= n;
    if (this.waiters.length > 0 && this.isIdle()) this.wake();
  }

  /** Events accepted and not yet finished: what `maxInFlight` bounds. */
  inFlight(): number {
    const p = this.pending;
    return p.buffered + p.queued + p.dispatching + p.publishing;
  }

  isIdle(): boolean {
    const p = this.pending;
    return (
      p.buffered === 0 &&
      p.openScopes === 0 &&
      p.queued === 0 &&
      p.dispatching === 0 &&
      p.retrying === 0 &&
      p.publishing === 0
    );
  }

  /** Resolves at the next moment nothing is pending (immediately if idle now). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  snapshot(): PendingWork {
    return { ...this.pending };
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
