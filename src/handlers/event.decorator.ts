import type { Class } from '../kernel/class';
import { recordEventInfo } from './metadata';

/**
 * Options of `@Event`.
 *
 * @example
 * ```ts
 * @Event('order.placed', { version: 3 })
 * export class OrderPlaced { constructor(readonly orderId: string) {} }
 * ```
 */
export interface EventOptions {
  /** Schema version of the payload, carried on the envelope. Default 1. */
  version?: number;
}

/**
 * Gives an event class a stable wire name (and version) for logs, envelopes and
 * transports. Optional: without it the name is the class name. Routing never
 * uses the name: events are matched by class.
 *
 * Events are plain classes, named in the past tense. TypeScript compares
 * classes by shape, so two events with the same fields are interchangeable to
 * the compiler; add a brand field when you want them kept apart:
 * `private readonly kind = 'UserRegistered' as const`.
 *
 * @example
 * ```ts
 * @Event('user.registered', { version: 2 })
 * export class UserRegistered {
 *   constructor(readonly userId: string, readonly email: string) {}
 * }
 * ```
 */
export function Event(name?: string, options: EventOptions = {}): ClassDecorator {
  return (target) => {
    const cls = target as unknown as Class;
    recordEventInfo(cls, { name: name ?? cls.name, version: options.version ?? 1 });
  };
}
