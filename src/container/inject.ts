import type { Class } from '../kernel/class';
import { markInjectable, recordInjectToken } from './metadata';
import type { Token } from './token';

/**
 * Marks a class as constructible by the resolver. TypeScript emits
 * `design:paramtypes` only for decorated classes, so a plain service class with
 * constructor parameters needs this (handlers and controllers already have
 * their own decorator).
 *
 * @example
 * ```ts
 * @Injectable()
 * export class Mailer { constructor(private readonly smtp: SmtpClient) {} }
 * ```
 */
export function Injectable(): ClassDecorator {
  return (target) => markInjectable(target as unknown as Class);
}

/**
 * Injects the value registered under `token` into this constructor parameter,
 * for interfaces and values that have no runtime class.
 *
 * @example
 * ```ts
 * export const CLOCK = Symbol('clock');
 * @EventHandler()
 * class Stamp { constructor(@Inject(CLOCK) private readonly clock: () => Date) {} }
 * createEventBus({ handlers: [Stamp], providers: [[CLOCK, () => new Date()]] });
 * ```
 */
export function Inject(token: Token): ParameterDecorator {
  return (target, propertyKey, index) => {
    if (propertyKey !== undefined) return; // only constructor parameters are injected
    recordInjectToken(target as Class, index, token);
  };
}
