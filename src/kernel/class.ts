/**
 * A class whose instances are events (or handlers, controllers...).
 *
 * @example
 * ```ts
 * const handlers: Class[] = [SendWelcomeEmail, AuditTrail];
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters are the class's own business.
export type Class<T = unknown> = abstract new (...args: any[]) => T;

/** A class that can be instantiated (not abstract). */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters are the class's own business.
export type ConcreteClass<T = unknown> = new (...args: any[]) => T;
