import type { EventScope } from '../bus/event-scope';
import type { Clock } from '../kernel/clock';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { BusHooks, DeadLetter, RetryDecision } from '../kernel/hooks';
import { catchRejection } from '../kernel/is-thenable';
import type { Logger } from '../kernel/logger';
import type { InvocationContext } from './invocation-context';
import type { RunningInvocations } from './running-invocations';
import type { WorkTracker } from './work-tracker';

/** What the dispatch stage needs from the bus that owns it. */
export interface DispatchDeps {
  readonly tracker: WorkTracker;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hooks: BusHooks;
  readonly random: () => number;
  /** Attempts whose handler returned a promise that has not settled (named and aborted by `close()`). */
  readonly running: RunningInvocations;
  /** Opens the scope that collects one attempt's follow-ups. */
  openInvocationScope(envelope: EventEnvelope): EventScope;
  /** Calls `fn(event, ctx)` with `scope` current (so an injected bus emits follow-ups). */
  runIn<A, B, T>(source: InvocationContext, fn: (a: A, b: B) => T, a: A, b: B): T;
  /** Keeps a dead letter for inspection. */
  keepDeadLetter(letter: DeadLetter): void;
  /** The bus's `shouldRetry` veto, if any. */
  readonly shouldRetry: ((info: RetryDecision) => boolean) | undefined;
  /** True once `close()` gave up waiting: no more retries. */
  isStopping(): boolean;
  /** Waits before a retry (counted as `retrying`); resolves false if `close()` cancelled it. */
  sleep(ms: number, envelope: EventEnvelope, handlerId: string): Promise<boolean>;
  /** Logs and counts a fault of the bus itself (never of a handler: those are outcomes). */
  fault(err: unknown, envelope: EventEnvelope | undefined): void;
}

/** Calls a hook, logging (never throwing) what it throws or rejects with. */
export function callHook<K extends keyof BusHooks>(
  deps: Pick<DispatchDeps, 'hooks' | 'logger'>,
  name: K,
  arg: Parameters<NonNullable<BusHooks[K]>>[0],
): void {
  try {
    const hook = deps.hooks[name] as ((a: typeof arg) => unknown) | undefined;
    if (!hook) return;
    const r = hook.call(deps.hooks, arg);
    // Reading `then` and calling it run user code too: inside the same guard.
    catchRejection(r, (err) => deps.logger.error({ err, hook: name }, `${name} hook rejected`));
  } catch (err) {
    deps.logger.error({ err, hook: name }, `${name} hook threw`);
  }
}
