import { Router } from '@koa/router';
import Koa from 'koa';
import request from 'supertest';
import { ConstructorResolver } from '../../src/container/constructor-resolver';
import type { Resolver } from '../../src/container/provider';
import type { BodyParserOptions } from '../../src/http/body-parser';
import { httpErrors } from '../../src/http/error-middleware';
import { mountControllers } from '../../src/http/mount-controllers';
import type { Class } from '../../src/kernel/class';
import type { Logger } from '../../src/kernel/logger';

/** A logger that records instead of printing. */
export function recordingLogger(): Logger & {
  entries: { message: string; context: Record<string, unknown> }[];
} {
  const entries: { message: string; context: Record<string, unknown> }[] = [];
  const ignore = () => {};
  return {
    entries,
    error: (context, message) => {
      entries.push({ message: message ?? '', context: context as Record<string, unknown> });
    },
    warn: ignore,
    info: ignore,
    debug: ignore,
  };
}

export interface TestAppOptions {
  resolver?: Resolver;
  bodyParser?: BodyParserOptions;
  logger?: Logger;
  /** Middleware put outside httpErrors, the way eventScope wraps the chain. */
  outer?: Koa.Middleware;
}

/** The tiny Koa app of the http tests: [outer] → httpErrors → router. */
export function buildApp(controllers: Class[], options: TestAppOptions = {}) {
  const app = new Koa();
  if (options.outer) app.use(options.outer);
  app.use(httpErrors({ logger: options.logger ?? recordingLogger() }));
  const router = new Router();
  mountControllers(router, controllers, {
    resolver: options.resolver ?? new ConstructorResolver(),
    bodyParser: options.bodyParser,
  });
  app.use(router.routes()).use(router.allowedMethods());
  return { app, router, http: request(app.callback()) };
}
