import * as path from 'node:path';

/**
 * The file of the loaded module that exports `cls` (relative to `cwd`), or
 * `undefined`: Node's module cache maps each loaded file to its exports, so
 * this finds where a handler class lives without reading any source.
 *
 * @example
 * ```ts
 * sourceFileOf(SendWelcomeEmail, process.cwd()); // 'src/handlers/send-welcome-email.handler.ts'
 * ```
 */
export function sourceFileOf(cls: Function, cwd: string): string | undefined {
  const cache = require.cache;
  for (const file of Object.keys(cache)) {
    const exported = cache[file]?.exports as unknown;
    if (exported === cls || exportsValue(exported, cls))
      return path.relative(cwd, file).split(path.sep).join('/');
  }
  return undefined;
}

function exportsValue(exported: unknown, value: unknown): boolean {
  if (typeof exported !== 'object' || exported === null) return false;
  try {
    return Object.values(exported).includes(value);
  } catch {
    return false; // an exports object with throwing getters
  }
}
