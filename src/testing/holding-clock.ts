import { ManualClock } from './manual-clock';

/**
 * The harness's clock: a ManualClock that can hold back the next timer set
 * (the retry timer of a run whose retries are bypassed). A held timer never
 * fires; clearing it (what `bus.close()` does) forgets it.
 */
export class HoldingClock extends ManualClock {
  private holdNext = false;
  private readonly held = new Set<object>();

  /** The next `setTimeout` call is held instead of scheduled. */
  holdNextTimer(): void {
    this.holdNext = true;
  }

  override setTimeout(fn: () => void, ms: number): unknown {
    if (!this.holdNext) return super.setTimeout(fn, ms);
    this.holdNext = false;
    const handle = { held: true };
    this.held.add(handle);
    return handle;
  }

  override clearTimeout(handle: unknown): void {
    if (!this.held.delete(handle as object)) super.clearTimeout(handle);
  }
}
