import type { Context, Middleware } from 'koa';
import { ErrorCode } from '../kernel/errors';
import { guardLogger } from '../kernel/guard-logger';
import { consoleLogger, type Logger } from '../kernel/logger';
import { statusText, toErrorResponse } from './error-response';

/**
 * Options of `httpErrors`.
 *
 * @example
 * ```ts
 * const options: HttpErrorsOptions = { logger: pino() };
 * app.use(httpErrors(options));
 * ```
 */
export interface HttpErrorsOptions {
  /** Receives every 5xx error with its request id (pino-compatible). Default: the console logger. */
  logger?: Logger;
}

/**
 * Koa middleware that turns errors thrown downstream into JSON responses of
 * one shape, `{ "error": { code, message, details?, requestId? } }` (see
 * `toErrorResponse` for the mapping). Unknown errors answer 500
 * `Internal Server Error` and are logged with the request id
 * (`ctx.state.requestId`, else the `x-request-id` header). Error statuses set
 * without a body (404 for no route, 405 from `allowedMethods`) get the same
 * shape.
 *
 * It catches, so the error does not escape: it sets `ctx.status` (>= 400) and
 * `ctx.state.error = err`, which is what an outer `eventScope` reads to
 * discard the request's events. If the response was already sent, it rethrows.
 * Put it inside `eventScope` and before the router.
 *
 * @example
 * ```ts
 * const app = new Koa();
 * app.use(eventScope(bus));
 * app.use(httpErrors({ logger: pinoLogger }));
 * app.use(router.routes()).use(router.allowedMethods());
 * ```
 */
export function httpErrors(options: HttpErrorsOptions = {}): Middleware {
  // The user's logger may throw (or fail to print a hostile error): guarded like the bus's.
  const logger = guardLogger(options.logger ?? consoleLogger);
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      ctx.state.error = err;
      const requestId = requestIdOf(ctx);
      const response = toErrorResponse(err, requestId);
      if (response.status >= 500) {
        const where = `${ctx.method} ${ctx.path}`;
        logger.error(
          { err, requestId, method: ctx.method, path: ctx.path, status: response.status },
          `${where} failed with ${response.status} (request id: ${requestId ?? 'none'})`,
        );
      }
      if (ctx.headerSent || !ctx.writable) throw err;
      // Status first: Koa turns an implicit status into 200 when a body is set.
      ctx.status = response.status;
      ctx.set(response.headers);
      ctx.body = response.body;
      return;
    }
    if (ctx.status >= 400 && ctx.body == null) {
      const status = ctx.status;
      const error = {
        code: ErrorCode.Http,
        message: statusText(status),
        requestId: requestIdOf(ctx),
      };
      ctx.status = status; // make it explicit, or setting the body turns it into 200
      ctx.body = { error };
    }
  };
}

function requestIdOf(ctx: Context): string | undefined {
  const fromState: unknown = ctx.state.requestId;
  if (typeof fromState === 'string' && fromState !== '') return fromState;
  return ctx.get('x-request-id') || undefined;
}
