import type { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import { ConstructorResolver } from '../container/constructor-resolver';
import type { ExternalResolver, Resolver } from '../container/provider';
import type { Class } from '../kernel/class';
import { InvalidRouteDefinitionError } from '../kernel/errors';
import { type BodyParserOptions, bodyParser } from './body-parser';
import { type RouteDefinition, readControllerDefinition } from './controller-definition';
import { resolveArguments } from './resolve-arguments';
import { sendResult } from './send-result';

/**
 * Options of `mountControllers`.
 *
 * @example
 * ```ts
 * const options: MountControllersOptions = {
 *   resolver: new ConstructorResolver([[UserStore, new InMemoryUserStore()]]),
 *   bodyParser: { jsonLimit: '1mb' },
 * };
 * mountControllers(router, [UsersController], options);
 * ```
 */
export interface MountControllersOptions {
  /** Builds the controller instances (constructor injection): share the bus's (`bus.resolver`) so `EventBus` and providers are injectable. */
  resolver?: Resolver;
  /** Or just your container (`(token) => instance`, or an object with `get`); used when `resolver` is absent. */
  resolve?: ExternalResolver;
  /** Body parsing for routes with a `@Body` parameter (JSON only, 100kb, by default). */
  bodyParser?: BodyParserOptions;
}

/**
 * Registers the routes of decorated controller classes on a @koa/router
 * router. Every definition is checked before anything is registered: a
 * problem throws `InvalidRouteDefinitionError` (code
 * `KEB_INVALID_ROUTE_DEFINITION`) and leaves the router untouched. Each
 * controller is built once, now, by `options.resolver`.
 *
 * Per request: the body is parsed (routes with `@Body` only), arguments are
 * bound and DTOs validated, the method runs, and its return value becomes the
 * JSON body (`undefined` → 204, or the `@HttpCode` status). Errors propagate to
 * your error middleware: use `httpErrors()` in front of the router.
 *
 * @example
 * ```ts
 * const router = new Router();
 * mountControllers(router, [UsersController], { resolver: new ConstructorResolver([[UserStore, store]]) });
 * app.use(httpErrors());
 * app.use(router.routes()).use(router.allowedMethods());
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: routers typed with any state/context must be accepted.
export function mountControllers<R extends Router<any, any>>(
  router: R,
  controllers: readonly Class[],
  options: MountControllersOptions,
): R {
  const definitions = controllers.map(readControllerDefinition);
  checkUnique(definitions.flatMap((d) => d.routes));
  const parseBody = bodyParser(options.bodyParser);

  const resolver = options.resolver ?? new ConstructorResolver([], options.resolve);
  const mounts = definitions.map((d) => ({
    instance: resolver.get(d.cls),
    routes: d.routes,
  }));
  for (const { instance, routes } of mounts) {
    for (const route of routes) {
      const takesBody = route.params.some((p) => p.kind === 'body');
      const handler = routeHandler(instance as Record<string | symbol, unknown>, route);
      router.register(route.path, [route.method], takesBody ? [parseBody, handler] : [handler]);
    }
  }
  return router;
}

function routeHandler(
  instance: Record<string | symbol, unknown>,
  route: RouteDefinition,
): Middleware {
  const method = instance[route.handler] as (...args: unknown[]) => unknown;
  return async (ctx: Context) => {
    const resolved = resolveArguments(route.params, ctx);
    const args = resolved instanceof Promise ? await resolved : resolved;
    await sendResult(ctx, route.httpCode, () => method.apply(instance, args));
  };
}

function checkUnique(routes: readonly RouteDefinition[]): void {
  const seen = new Map<string, string>();
  for (const route of routes) {
    const key = `${route.method.toUpperCase()} ${route.path}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InvalidRouteDefinitionError(route.where, `${key} is already routed to ${first}`);
    }
    seen.set(key, route.where);
  }
}
