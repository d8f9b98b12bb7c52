import * as path from 'node:path';
import { globSync } from 'tinyglobby';
import type { Class } from '../kernel/class';
import { DiscoveryFailedError } from '../kernel/errors';
import { readHandlerClass, readSubscriptions } from './metadata';

/**
 * Options of `discoverHandlers`.
 *
 * @example
 * ```ts
 * discoverHandlers(['**\/*.handler.ts'], { cwd: path.join(__dirname, 'src') });
 * ```
 */
export interface DiscoverOptions {
  /** Directory the globs are relative to. Default `process.cwd()`. */
  cwd?: string;
}

/**
 * Imports every file matching the globs and returns the exported classes that
 * carry handler metadata (`@EventHandler()` or `@OnEvent()`), in a stable
 * order (sorted paths, then export order). Classes with `@OnEvent` but no
 * `@EventHandler` are returned too, so bus startup reports them clearly.
 *
 * Files are loaded with `require`, so this works under ts-node, ts-jest and
 * compiled CommonJS output.
 *
 * @example
 * ```ts
 * const bus = createEventBus({ discover: ['src/**\/*.handler.ts'] });
 * // same as: createEventBus({ handlers: discoverHandlers(['src/**\/*.handler.ts']) })
 * ```
 */
export function discoverHandlers(
  patterns: readonly string[],
  options: DiscoverOptions = {},
): Class[] {
  const cwd = options.cwd ?? process.cwd();
  const files = globSync([...patterns], {
    cwd,
    absolute: true,
    ignore: ['**/node_modules/**', '**/*.d.ts'],
  }).sort();
  const found: Class[] = [];
  for (const file of files) {
    let mod: Record<string, unknown>;
    try {
      mod = require(path.resolve(file)) as Record<string, unknown>;
    } catch (err) {
      throw new DiscoveryFailedError(file, err);
    }
    for (const value of Object.values(mod)) {
      if (typeof value !== 'function' || found.includes(value as Class)) continue;
      const cls = value as Class;
      if (readHandlerClass(cls) || readSubscriptions(cls).length > 0) found.push(cls);
    }
  }
  return found;
}
