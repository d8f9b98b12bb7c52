import type { Class } from '../kernel/class';
import type { Token } from './token';

/**
 * Something that can build instances: the resolver itself, or the user's container.
 *
 * @example
 * ```ts
 * const resolver: Resolver = new ConstructorResolver([[Mailer, new FakeMailer()]]);
 * mountControllers(router, [UsersController], { resolver });
 * ```
 */
export interface Resolver {
  /** Returns the instance for `token` (built once per resolver for classes). */
  get<T>(token: Token<T>): T;
}

/**
 * A registration: `[token, value]` for a ready value, or an object form for
 * classes and factories.
 *
 * @example
 * ```ts
 * providers: [
 *   [Mailer, new FakeMailer()],
 *   { provide: CLOCK, useFactory: () => () => new Date() },
 *   { provide: UserStore, useClass: InMemoryUserStore },
 * ]
 * ```
 */
export type Provider<T = unknown> =
  | readonly [Token<T>, T]
  | { provide: Token<T>; useValue: T }
  | { provide: Token<T>; useFactory: (resolver: Resolver) => T }
  | { provide: Token<T>; useClass: Class<T> };

/**
 * One provider as written, checked against its token: for a class token, a
 * value (`[Mailer, value]` or `{ provide: Mailer, useValue }`) must fit the
 * class's instance type, so `[Mailer, 42]` fails to compile. Strings and
 * symbols carry no type and are taken as they are.
 *
 * @example
 * ```ts
 * type Ok = CheckedProvider<readonly [typeof Mailer, Mailer]>;   // the tuple itself
 * type Bad = CheckedProvider<readonly [typeof Mailer, 42]>;      // readonly [typeof Mailer, Mailer]: 42 is not assignable
 * ```
 */
export type CheckedProvider<P> = P extends readonly [infer Tok, infer V]
  ? Tok extends Class<infer T>
    ? V extends T
      ? P
      : readonly [Tok, T]
    : P
  : P extends { provide: Class<infer T>; useValue: infer V }
    ? V extends T
      ? P
      : { provide: Class<T>; useValue: T }
    : P;

/**
 * A providers list, each element checked by `CheckedProvider` (what
 * `createEventBus` and `createApp` accept).
 *
 * @example
 * ```ts
 * createEventBus({ handlers, providers: [[Mailer, new FakeMailer()], [DB, pool]] });
 * // createEventBus({ handlers, providers: [[Mailer, 42]] }); // does not compile
 * ```
 */
export type CheckedProviders<P extends readonly unknown[]> = {
  readonly [K in keyof P]: CheckedProvider<P[K]>;
};

/**
 * Your own container, consulted before constructor injection. Return
 * `undefined` to let the built-in resolver build the class.
 *
 * @example
 * ```ts
 * import { container } from 'tsyringe';
 * createEventBus({ handlers, resolve: (cls) => container.resolve(cls as never) });
 * ```
 */
export type ResolveFn = (token: Token) => unknown;

/**
 * `resolve` may be a function or any object with `get(token)` (routing-controllers' IocAdapter shape).
 *
 * @example
 * ```ts
 * createEventBus({ handlers, resolve: { get: (token) => myContainer.get(token) } });
 * ```
 */
export type ExternalResolver = ResolveFn | { get(token: Token): unknown };
