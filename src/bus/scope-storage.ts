import { AsyncLocalStorage } from 'node:async_hooks';
import { EventScope } from './event-scope';

/** What a frame holds: a scope, or something that opens one on first use (a handler invocation). */
export type ScopeSource = EventScope | { scope(): EventScope };

interface Frame {
  readonly scope: ScopeSource;
  readonly owner: ScopeStorage;
  readonly outer: Frame | undefined;
}

// One AsyncLocalStorage for the whole process, on purpose: on Node 20 every
// promise created pays a hook per *enabled* AsyncLocalStorage instance, so an
// instance per bus made a process with 5 buses 4x slower per dispatch
// (measured in bench/). State stays per bus: a frame names the storage that
// owns it, and each bus only ever sees its own frames.
const shared = new AsyncLocalStorage<Frame>();

/**
 * Which scope `bus.emit()` appends to, carried through async calls, so a
 * service deep in the call stack can emit without being handed `ctx`. Two
 * buses never see each other's scopes.
 */
export class ScopeStorage {
  current(): EventScope | undefined {
    for (let f = shared.getStore(); f !== undefined; f = f.outer) {
      if (f.owner === this) return f.scope instanceof EventScope ? f.scope : f.scope.scope();
    }
    return undefined;
  }

  run<T>(scope: EventScope, fn: () => T): T {
    return shared.run({ scope, owner: this, outer: shared.getStore() }, fn);
  }

  /**
   * `run` with arguments, so the hot path allocates no closure; `source` opens
   * its scope only when something emits (most handler invocations never do).
   */
  runWith<A, B, T>(scope: ScopeSource, fn: (a: A, b: B) => T, a: A, b: B): T {
    return shared.run({ scope, owner: this, outer: shared.getStore() }, fn, a, b);
  }
}
