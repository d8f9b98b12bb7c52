import { consoleLogger, type Logger } from 'koa-event-bus';

// The fields `ctx.logger` adds to every line of a handler.
const CONTEXT_FIELDS = new Set(['handlerId', 'eventId', 'event', 'correlationId', 'attempt']);

/**
 * `consoleLogger`, except that an info line with no fields of its own prints
 * its message alone on stdout, as Python's `print` does: the handlers'
 * `ctx.logger.info({}, 'Sending welcome email...')` prints
 * `Sending welcome email...`. Anything else (the bus's own lines, warnings,
 * errors) is printed by `consoleLogger`. In production, pass pino instead.
 */
export const printLogger: Logger = {
  ...consoleLogger,
  info: (obj, msg) => {
    if (msg !== undefined && Object.keys(obj).every((k) => CONTEXT_FIELDS.has(k))) {
      process.stdout.write(`${msg}\n`);
    } else {
      consoleLogger.info(obj, msg);
    }
  },
};
