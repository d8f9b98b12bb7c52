import { markInjectable } from '../container/metadata';
import type { Class } from '../kernel/class';
import { recordHandlerClass } from './metadata';

/**
 * Options of `@EventHandler`.
 *
 * @example
 * ```ts
 * @EventHandler({ idPrefix: 'mail' }) // handler ids: mail.send, mail.resend
 * export class Mail { @OnEvent(UserRegistered) send() {} }
 * ```
 */
export interface EventHandlerOptions {
  /** Prefix of the default handler ids of this class instead of the class name (`prefix.method`). */
  idPrefix?: string;
}

/**
 * Marks a class whose `@OnEvent` methods handle events. The class is built by
 * the bus's resolver (constructor injection), once per bus.
 *
 * @example
 * ```ts
 * @EventHandler()
 * export class SendWelcomeEmail {
 *   constructor(private readonly mailer: Mailer) {}
 *
 *   @OnEvent(UserRegistered)
 *   async send(event: UserRegistered) {
 *     await this.mailer.welcome(event.email);
 *   }
 * }
 * ```
 */
export function EventHandler(options: EventHandlerOptions = {}): ClassDecorator {
  return (target) => {
    const cls = target as unknown as Class;
    recordHandlerClass(cls, {
      ...(options.idPrefix === undefined ? {} : { idPrefix: options.idPrefix }),
    });
    markInjectable(cls);
  };
}
