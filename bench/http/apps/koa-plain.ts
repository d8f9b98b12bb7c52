import Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { type AppFactory, closeServer, portOf, RESPONSE, ROUTE } from './common';

/** Baseline: plain Koa 3 + @koa/router + koa-bodyparser, no events. */
export const start: AppFactory = async () => {
  const app = new Koa();
  const router = new Router();
  router.post(ROUTE, (ctx) => {
    void ctx.request.body;
    ctx.body = RESPONSE;
  });
  app.use(bodyParser());
  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  return { port: portOf(server), close: () => closeServer(server) };
};
