import Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import {
  type AppFactory,
  closeServer,
  DataReceived,
  HANDLER_MS,
  portOf,
  RESPONSE,
  ROUTE,
  sleep,
} from './common';

/**
 * What a user writes by hand without a framework: plain Koa 3 + @koa/router + koa-bodyparser, and
 * the 20 ms handler scheduled on the Node response's `finish` (it runs once the response has been
 * written, never for a failed request). The yardstick for our emit route's CPU per request.
 */
export const start: AppFactory = async () => {
  let handled = 0;
  let running = 0;
  const handle = async (_event: DataReceived): Promise<void> => {
    running++;
    try {
      await sleep(HANDLER_MS);
      handled++;
    } catch (err) {
      console.error(err);
    } finally {
      running--;
    }
  };
  const app = new Koa();
  const router = new Router();
  router.post(ROUTE, (ctx) => {
    const event = new DataReceived(ctx.request.body);
    ctx.res.on('finish', () => {
      if (ctx.status < 400) void handle(event);
    });
    ctx.body = RESPONSE;
  });
  app.use(bodyParser());
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  return {
    port: portOf(server),
    close: () => closeServer(server),
    stats: () => ({ handled, running }),
  };
};
