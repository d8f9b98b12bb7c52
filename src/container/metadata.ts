import 'reflect-metadata';
import type { Class } from '../kernel/class';
import { ReflectMetadataMissingError } from '../kernel/errors';
import type { Token } from './token';

// The only module of the container stage that calls Reflect.*.
const INJECT_TOKENS = Symbol('keb:inject-tokens');
const INJECTABLE = Symbol('keb:injectable');

function reflect(): typeof Reflect {
  if (typeof Reflect.getMetadata !== 'function') throw new ReflectMetadataMissingError();
  return Reflect;
}

/** `design:paramtypes` as emitted by TypeScript, or undefined when it was not emitted. */
export function readParamTypes(cls: Class): readonly unknown[] | undefined {
  return reflect().getOwnMetadata('design:paramtypes', cls) as unknown[] | undefined;
}

export function recordInjectToken(cls: Class, index: number, token: Token): void {
  const r = reflect();
  const tokens = new Map<number, Token>(r.getOwnMetadata(INJECT_TOKENS, cls) ?? []);
  tokens.set(index, token);
  r.defineMetadata(INJECT_TOKENS, tokens, cls);
}

export function readInjectTokens(cls: Class): ReadonlyMap<number, Token> {
  return (
    (reflect().getOwnMetadata(INJECT_TOKENS, cls) as Map<number, Token> | undefined) ?? new Map()
  );
}

export function markInjectable(cls: Class): void {
  reflect().defineMetadata(INJECTABLE, true, cls);
}

export function isMarkedInjectable(cls: Class): boolean {
  return reflect().getOwnMetadata(INJECTABLE, cls) === true;
}
