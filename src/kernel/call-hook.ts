import type { BusHooks } from './hooks';
import { catchRejection } from './is-thenable';
import type { Logger } from './logger';

/** Calls a hook, logging (never throwing) what it throws or rejects with. */
export function callHook<K extends keyof BusHooks>(
  owner: { readonly hooks: BusHooks; readonly logger: Logger },
  name: K,
  arg: Parameters<NonNullable<BusHooks[K]>>[0],
): void {
  try {
    const hooks = owner.hooks;
    const hook = hooks[name] as ((a: typeof arg) => unknown) | undefined;
    if (!hook) return;
    const r = hook.call(hooks, arg);
    // Reading `then` and calling it run user code too: inside the same guard.
    catchRejection(r, (err) => owner.logger.error({ err, hook: name }, `${name} hook rejected`));
  } catch (err) {
    owner.logger.error({ err, hook: name }, `${name} hook threw`);
  }
}
