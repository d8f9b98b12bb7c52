import { Router } from '@koa/router';
import { InvalidRouteDefinitionError } from '../kernel/errors';
import type { HttpMethod } from './metadata';

/** `'/users/'` + `'/:id'` → `'/users/:id'`; `''` + `'/'` → `'/'`. */
export function joinPath(prefix: string, path: string): string {
  const parts = [prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
  return `/${parts.join('/')}`;
}

/**
 * Names of the parameters a route path declares, as @koa/router parses it
 * (`/users/:id{/:tab}` → `['id', 'tab']`). A throwaway router does the parsing,
 * so the answer matches what routing will do; a path it cannot parse is a
 * definition error.
 */
export function routeParamNames(method: HttpMethod, path: string, where: string): Set<string> {
  try {
    const layer = new Router().register(path, [method], [async () => {}]) as {
      paramNames?: readonly { name: string | number }[];
    };
    return new Set((layer.paramNames ?? []).map((p) => String(p.name)));
  } catch (err) {
    throw new InvalidRouteDefinitionError(
      where,
      `path "${path}" cannot be parsed (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}
