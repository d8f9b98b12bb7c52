import type { Class } from '../kernel/class';
import { InvalidRouteDefinitionError } from '../kernel/errors';
import { checkParams, decoratorName } from './check-params';
import {
  type HttpMethod,
  type ParamBinding,
  readControllerPrefix,
  readHttpCodes,
  readParams,
  readParamTypes,
  readRoutes,
} from './metadata';
import { joinPath, routeParamNames } from './route-path';

/** One route of a controller, checked and ready to mount. */
export interface RouteDefinition {
  method: HttpMethod;
  /** Full path: controller prefix + route path. */
  path: string;
  handler: string | symbol;
  /** `@HttpCode`, if any. */
  httpCode: number | undefined;
  /** One binding per parameter, in parameter order. */
  params: readonly ParamBinding[];
  /** `Class.method`, for messages. */
  where: string;
}

/**
 * Reads the decorators of a controller class and checks that they can be
 * mounted, or throws `InvalidRouteDefinitionError` naming the place and the
 * problem.
 */
export function readControllerDefinition(cls: unknown): { cls: Class; routes: RouteDefinition[] } {
  if (typeof cls !== 'function') {
    throw new InvalidRouteDefinitionError(String(cls), 'controllers must be classes');
  }
  const controller = cls as Class;
  const name = controller.name || '(anonymous class)';
  const prefix = readControllerPrefix(controller);
  const records = readRoutes(controller);
  if (prefix === undefined) {
    throw new InvalidRouteDefinitionError(
      name,
      records.length > 0
        ? 'the class has route decorators but no @Controller() decorator'
        : 'the class is not a controller (no @Controller() decorator)',
    );
  }
  const httpCodes = readHttpCodes(controller);
  const bindings = readParams(controller);
  const routed = new Set(records.map((r) => r.handler));
  const where = (handler: string | symbol) => `${name}.${String(handler)}`;

  for (const [handler, status] of httpCodes) {
    if (!routed.has(handler)) {
      throw new InvalidRouteDefinitionError(
        where(handler),
        '@HttpCode() is on a method without a route decorator',
      );
    }
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new InvalidRouteDefinitionError(
        where(handler),
        `@HttpCode(${status}) is not an HTTP status (100-599)`,
      );
    }
  }
  for (const binding of bindings) {
    if (binding.handler === 'constructor' && !routed.has('constructor')) {
      throw new InvalidRouteDefinitionError(
        `${name} constructor`,
        `parameter #${binding.index} has a request decorator (${decoratorName(binding.kind)}); constructor parameters are injected (use @Inject(Token) to choose the token)`,
      );
    }
    if (!routed.has(binding.handler)) {
      throw new InvalidRouteDefinitionError(
        where(binding.handler),
        'parameter decorators are on a method without a route decorator',
      );
    }
  }

  const routes = records.map((record): RouteDefinition => {
    const at = where(record.handler);
    const method: unknown = (controller.prototype as Record<string | symbol, unknown>)[
      record.handler
    ];
    if (typeof method !== 'function') {
      throw new InvalidRouteDefinitionError(at, 'route decorators only work on instance methods');
    }
    if (typeof record.path !== 'string' || typeof prefix !== 'string') {
      throw new InvalidRouteDefinitionError(
        at,
        'the controller prefix and route path must be strings',
      );
    }
    const path = joinPath(prefix, record.path);
    const own = bindings.filter((b) => b.handler === record.handler);
    const params = checkParams(
      own,
      method.length,
      routeParamNames(record.method, path, at),
      at,
      readParamTypes(controller, record.handler),
    );
    return {
      method: record.method,
      path,
      handler: record.handler,
      httpCode: httpCodes.get(record.handler),
      params,
      where: at,
    };
  });
  return { cls: controller, routes };
}
