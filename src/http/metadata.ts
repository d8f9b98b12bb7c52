import 'reflect-metadata';
import type { Class } from '../kernel/class';
import { ReflectMetadataMissingError } from '../kernel/errors';

// The only module of the http stage that calls Reflect.*. Decorators record
// plain facts here; controller-definition.ts reads them back and judges them.
// All keys are own metadata of the controller class (not inherited).
const CONTROLLER = Symbol('keb:http:controller');
const ROUTES = Symbol('keb:http:routes');
const HTTP_CODES = Symbol('keb:http:http-codes');
const PARAMS = Symbol('keb:http:params');

/** HTTP verbs the route decorators record. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One `@Get/@Post/...` on one method. */
export interface RouteRecord {
  method: HttpMethod;
  path: string;
  handler: string | symbol;
}

/** Where a parameter's value comes from, as recorded by a parameter decorator. */
export type ParamSource =
  | { kind: 'body'; dto: Class<object> | undefined; dtoGiven: boolean }
  | { kind: 'param'; name: string }
  | { kind: 'query'; name: string | undefined; dto: Class<object> | undefined; dtoGiven: boolean }
  | { kind: 'header'; name: string }
  | { kind: 'ctx' };

// `dtoGiven` tells `@Body()`/`@Query()` (the DTO may come from the parameter
// type) from `@Body(Dto)`/`@Query(Dto)` whose Dto was undefined at decoration
// time (a circular import: a mount-time error).

/** One parameter decorator on one parameter (two decorators on one parameter = two bindings). */
export type ParamBinding = ParamSource & { handler: string | symbol; index: number };

/**
 * The class a decorator target belongs to: the prototype's constructor for
 * instance members, the class itself for static members and constructor
 * parameters (mount time then reports those as misplaced).
 */
export function classOf(target: object): Class {
  return (typeof target === 'function' ? target : target.constructor) as Class;
}

function reflect(): typeof Reflect {
  if (typeof Reflect.getMetadata !== 'function') throw new ReflectMetadataMissingError();
  return Reflect;
}

function appendOwn<T>(key: symbol, cls: Class, item: T): void {
  const r = reflect();
  const list = (r.getOwnMetadata(key, cls) as T[] | undefined) ?? [];
  r.defineMetadata(key, [...list, item], cls);
}

export function recordController(cls: Class, prefix: string): void {
  reflect().defineMetadata(CONTROLLER, { prefix }, cls);
}

/** The `@Controller` prefix, or undefined when the class is not a controller. */
export function readControllerPrefix(cls: Class): string | undefined {
  const meta = reflect().getOwnMetadata(CONTROLLER, cls) as { prefix: string } | undefined;
  return meta?.prefix;
}

export function recordRoute(cls: Class, route: RouteRecord): void {
  appendOwn(ROUTES, cls, route);
}

export function readRoutes(cls: Class): readonly RouteRecord[] {
  return (reflect().getOwnMetadata(ROUTES, cls) as RouteRecord[] | undefined) ?? [];
}

export function recordHttpCode(cls: Class, handler: string | symbol, status: number): void {
  const r = reflect();
  const codes = new Map<string | symbol, number>(r.getOwnMetadata(HTTP_CODES, cls) ?? []);
  codes.set(handler, status);
  r.defineMetadata(HTTP_CODES, codes, cls);
}

export function readHttpCodes(cls: Class): ReadonlyMap<string | symbol, number> {
  return (reflect().getOwnMetadata(HTTP_CODES, cls) as Map<string | symbol, number>) ?? new Map();
}

export function recordParam(cls: Class, binding: ParamBinding): void {
  appendOwn(PARAMS, cls, binding);
}

export function readParams(cls: Class): readonly ParamBinding[] {
  return (reflect().getOwnMetadata(PARAMS, cls) as ParamBinding[] | undefined) ?? [];
}

/**
 * The parameter types TypeScript emitted for a method (`design:paramtypes`,
 * with `emitDecoratorMetadata`), or undefined when there are none (esbuild,
 * tsx, or plain JavaScript). Interfaces, type literals, unions, `unknown` and
 * `any` are emitted as `Object`.
 */
export function readParamTypes(
  cls: Class,
  handler: string | symbol,
): readonly unknown[] | undefined {
  const types: unknown = reflect().getOwnMetadata('design:paramtypes', cls.prototype, handler);
  return Array.isArray(types) ? types : undefined;
}
