import { inspect } from 'node:util';

/**
 * The logging seam: pino's signature (`logger.error({ err, ... }, 'message')`),
 * so a pino logger can be passed as is. The default writes to the console.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * createEventBus({ handlers, logger: pino() });
 * ```
 */
export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/**
 * Writes `[koa-event-bus] message {fields}` lines to the console; debug is dropped.
 *
 * @example
 * ```ts
 * createEventBus({ handlers, logger: consoleLogger }); // the default
 * ```
 */
export const consoleLogger: Logger = {
  error: (obj, msg) => console.error(`[koa-event-bus] ${msg ?? ''}`, fields(obj)),
  warn: (obj, msg) => console.warn(`[koa-event-bus] ${msg ?? ''}`, fields(obj)),
  info: (obj, msg) => console.info(`[koa-event-bus] ${msg ?? ''}`, fields(obj)),
  debug: () => {},
};

// The fields on the same line as the message (an Error's stack still spans lines).
function fields(obj: object): string {
  return inspect(obj, { breakLength: Number.POSITIVE_INFINITY, depth: 4 });
}

/**
 * Discards everything (tests, benchmarks).
 *
 * @example
 * ```ts
 * createEventBus({ handlers, logger: silentLogger }); // tests and benchmarks
 * ```
 */
export const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
};
