import type { Context } from 'koa';

const NO_CONTENT = new Set([204, 205, 304]);

/**
 * Runs a route method and writes its outcome, with one rule: the return value
 * is the JSON body. Before the call, the status is preset to `@HttpCode` (or
 * 204), so that a method returning `undefined` answers 204 (or its
 * `@HttpCode`) with no body. With a value, the status becomes 200 unless
 * `@HttpCode` or the method itself chose one. A method that sets `ctx.body`
 * itself and returns `undefined` keeps its body (200 unless it set a status).
 */
export async function sendResult(
  ctx: Context,
  httpCode: number | undefined,
  call: () => unknown,
): Promise<void> {
  const preset = httpCode ?? 204;
  ctx.status = preset;
  const result = await call();
  const untouched = ctx.status === preset && httpCode === undefined;
  if (result === undefined) {
    if (ctx.body != null && untouched) ctx.status = 200;
    else if (ctx.body == null && ctx.status < 400 && !NO_CONTENT.has(ctx.status)) {
      // Koa would send the status text ("Accepted") as the body of an empty 202.
      ctx.body = '';
      ctx.remove('Content-Type');
    }
    return;
  }
  if (untouched) ctx.status = 200;
  if (typeof result === 'object' && result !== null) {
    ctx.body = result; // objects and arrays as JSON; Buffers and streams as they are
    return;
  }
  // Koa would send a string as text/plain and treat null as "no content".
  ctx.body = JSON.stringify(result);
  ctx.type = 'application/json';
}
