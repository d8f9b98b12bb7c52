import type { Class } from '../../kernel/class';

/**
 * A resolver that builds nothing: it hands out a bare object with the class's
 * prototype, so reading a handler class's subscriptions (ids, options,
 * methods) never runs its constructor.
 */
export const idleResolver = {
  get: <T>(cls: unknown): T => Object.create((cls as Class).prototype) as T,
};
