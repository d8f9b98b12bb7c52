import type { InvocationContext } from './invocation-context';

/**
 * The attempts whose handler returned a promise that has not settled, so that
 * `close()` can name and abort them. An intrusive list, not a `Set`: adding a
 * fresh object to a `Set` makes V8 create its identity hash, which measured as
 * ~40 % of an async invocation (bench/ab, async-als: 0.59× without it).
 */
export class RunningInvocations {
  private head: InvocationContext | undefined;

  add(ctx: InvocationContext): void {
    ctx.runningNext = this.head;
    ctx.runningPrev = undefined;
    if (this.head) this.head.runningPrev = ctx;
    this.head = ctx;
    ctx.isRunning = true;
  }

  delete(ctx: InvocationContext): void {
    if (!ctx.isRunning) return;
    ctx.isRunning = false;
    if (ctx.runningPrev) ctx.runningPrev.runningNext = ctx.runningNext;
    else this.head = ctx.runningNext;
    if (ctx.runningNext) ctx.runningNext.runningPrev = ctx.runningPrev;
    ctx.runningPrev = undefined;
    ctx.runningNext = undefined;
  }

  /** A snapshot, oldest first. */
  list(): InvocationContext[] {
    const out: InvocationContext[] = [];
    for (let c = this.head; c; c = c.runningNext) out.push(c);
    return out.reverse();
  }
}
