import type { Class } from '../kernel/class';

/**
 * What a dependency is looked up by: a class, or a string/symbol for interfaces and values.
 *
 * @example
 * ```ts
 * export const DB: Token<Pool> = Symbol('db');
 * createEventBus({ handlers, providers: [[DB, pool]] }); // inject with @Inject(DB)
 * ```
 */
export type Token<T = unknown> = Class<T> | string | symbol;

/** Printable name of a token, for error messages. */
export function tokenName(token: Token): string {
  if (typeof token === 'function') return token.name || '(anonymous class)';
  return String(token);
}
