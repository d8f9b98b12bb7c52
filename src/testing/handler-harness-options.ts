import type { TestBusOptions } from './create-test-bus';

/**
 * Options of {@link handlerHarness}: the bus options a handler test may need.
 *
 * @example
 * ```ts
 * handlerHarness(SendWelcomeEmail, { providers: [[Mailer, fakeMailer]], retries: 'bypass', now: new Date('2025-01-01') });
 * ```
 */
export interface HandlerHarnessOptions
  extends Pick<
    TestBusOptions,
    | 'providers'
    | 'resolve'
    | 'defaultRetry'
    | 'defaultTimeoutMs'
    | 'random'
    | 'logger'
    | 'shouldRetry'
  > {
  /** Default for every run: `'apply'` (the method's retry policy, on the fake clock) or `'bypass'`. Default `'apply'`. */
  retries?: 'apply' | 'bypass';
  /** Initial fake time (epoch ms or Date). Default 0. */
  now?: number | Date;
}

/**
 * Options of one `harness.run`.
 *
 * @example
 * ```ts
 * await h.run(new UserRegistered('u1', 'ada@example.com'), { method: 'send', retries: 'bypass' });
 * ```
 */
export interface HandlerRunOptions<M extends string = string> {
  /** The `@OnEvent` method to run; required only when several methods handle the event. */
  method?: M;
  /**
   * `'apply'`: attempts follow the retry policy, back-offs pass on the fake
   * clock in no real time. `'bypass'`: stop after the first failed attempt
   * (the retry it scheduled is never run). Default: the harness's `retries`.
   */
  retries?: 'apply' | 'bypass';
}

// biome-ignore lint/suspicious/noExplicitAny: matches any method signature.
type AnyMethod = (...args: any[]) => unknown;
/**
 * Names of the methods of `H` (what `run`'s `method` accepts).
 *
 * @example
 * ```ts
 * const m: MethodName<SendWelcomeEmail> = 'send';
 * ```
 */
export type MethodName<H> = {
  [K in keyof H]-?: H[K] extends AnyMethod ? K : never;
}[keyof H] &
  string;
/** The event parameter of a method type. */
export type EventParam<F> = F extends (event: infer E, ...rest: never[]) => unknown ? E : never;
/** What a method type resolves to. */
export type Resolved<F> = F extends (...args: never[]) => infer R ? Awaited<R> : unknown;

/**
 * The events a handler class takes: the union of the first parameter of its
 * methods (the `@OnEvent` methods take `(event, ctx)`), what `run` accepts.
 * A method declared without parameters could take any event, so then any
 * object is accepted (and `run` checks at runtime). Event classes are compared
 * structurally, as everywhere in TypeScript: a class with the same fields as a
 * handled one passes the compiler, not `run`.
 *
 * @example
 * ```ts
 * const e: HandledEvents<AuditLog> = new UserRegistered('u1', 'ada@example.com');
 * ```
 */
export type HandledEvents<H> = {
  [K in MethodName<H>]: H[K] extends (...args: infer P) => unknown
    ? P extends []
      ? object
      : P[0]
    : never;
}[MethodName<H>] &
  object;
