import type { Class } from '../kernel/class';
import type { EventContext } from './event-context';
import type { OnEventOptions } from './handler-options';
import { recordSubscription } from './metadata';

/**
 * The method shape `@OnEvent(E)` accepts: its first parameter must accept an
 * instance of `E` (of every listed class), its second, if any, an
 * `EventContext`. It may return anything; returned event instances (or an array
 * of them) become follow-up events.
 *
 * @example
 * ```ts
 * const send: EventHandlerMethod<UserRegistered> = async (event, ctx) => mailer.welcome(event.email, ctx.signal);
 * ```
 */
export type EventHandlerMethod<E> = (event: E, ctx: EventContext<E>) => unknown;

/**
 * Subscribes the decorated method to one or more event classes.
 *
 * The compiler rejects a method whose parameter does not accept the event:
 * `@OnEvent(UserRegistered) send(e: OrderPlaced)` is a type error.
 *
 * @example
 * ```ts
 * @EventHandler()
 * export class Audit {
 *   @OnEvent([UserRegistered, UserDeleted], { order: 1, retry: { attempts: 3, backoffMs: 200 } })
 *   record(event: UserRegistered | UserDeleted, ctx: EventContext) {
 *     this.log.push(`${ctx.envelope.name} ${event.userId}`);
 *   }
 * }
 * ```
 */
export function OnEvent<C extends Class<object>>(
  event: C | readonly C[],
  options: OnEventOptions<InstanceType<C>> = {},
): <M extends EventHandlerMethod<InstanceType<C>>>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  const events: readonly Class<object>[] = Array.isArray(event) ? [...event] : [event as C];
  return (target, propertyKey) => {
    recordSubscription(target.constructor as Class, {
      events,
      method: propertyKey,
      options: options as OnEventOptions<unknown>,
    });
  };
}
