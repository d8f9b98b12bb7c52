import { describeCause } from './errors';
import { catchRejection } from './is-thenable';
import type { Logger } from './logger';

type Level = keyof Logger;
const LEVELS: readonly Level[] = ['error', 'warn', 'info', 'debug'];

/**
 * Wraps a user's logger so that no call into it can throw into the bus: a
 * logger that throws (or cannot print a hostile error: `util.inspect` reads
 * `stack`, which may be a throwing getter) is replaced, for that call, by one
 * plain line on stderr carrying the message and the string-valued fields
 * (handler id, event id...). Nothing is ever dropped silently.
 */
export function guardLogger(logger: Logger): Logger {
  const guarded = {} as Logger;
  for (const level of LEVELS) {
    guarded[level] = (obj, msg) => {
      try {
        const r: unknown = logger[level](obj, msg);
        // An async logger's rejection is handled here, never left unhandled.
        catchRejection(r, (err) => writeFallback(level, obj, msg, err));
      } catch (err) {
        if (level !== 'debug') writeFallback(level, obj, msg, err);
      }
    };
  }
  return guarded;
}

function writeFallback(level: Level, obj: object, msg: unknown, err: unknown): void {
  try {
    const text = typeof msg === 'string' ? msg : '';
    process.stderr.write(
      `[koa-event-bus] ${level}: ${text} ${plainFields(obj)} (the logger threw: ${describeCause(err)})\n`,
    );
  } catch {
    // stderr itself is gone: there is nowhere left to report to.
  }
}

/** `{"handlerId":"A.b",...}` of the primitive fields only; never throws. */
function plainFields(obj: object): string {
  const out: Record<string, string | number | boolean> = {};
  try {
    for (const key of Object.keys(obj)) {
      try {
        const value = (obj as Record<string, unknown>)[key];
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
          out[key] = value;
        else if (key === 'err') out[key] = describeCause(value);
      } catch {
        out[key] = '(unreadable)';
      }
    }
  } catch {
    return '{}';
  }
  return JSON.stringify(out);
}
