import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventScope } from './event-scope';

/**
 * Which scope `bus.emit()` appends to, carried through async calls, so a
 * service deep in the call stack can emit without being handed `ctx`. One
 * storage per bus: two buses never see each other's scopes.
 */
export class ScopeStorage {
  private readonly als = new AsyncLocalStorage<EventScope>();

  current(): EventScope | undefined {
    return this.als.getStore();
  }

  run<T>(scope: EventScope, fn: () => T): T {
    return this.als.run(scope, fn);
  }
}
