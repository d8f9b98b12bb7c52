import type { Provider } from '../container/provider';
import type { EventBusOptions } from './bus-options';
import { EventBus } from './event-bus';

/**
 * Creates an event bus: builds the handler classes (constructor injection),
 * validates ids and options, and wires the transport. Throws at startup, with
 * a `code` and a hint, for anything that cannot work.
 *
 * @example
 * ```ts
 * import 'reflect-metadata';
 * import { createEventBus } from 'koa-event-bus';
 *
 * const bus = createEventBus({ handlers: [SendWelcomeEmail], providers: [[Mailer, new SmtpMailer()]] });
 * bus.emit(new UserRegistered('u1', 'ada@example.com'));
 * await bus.drain();
 * ```
 */
export function createEventBus<const P extends readonly Provider[] = []>(
  options: EventBusOptions<P> = {},
): EventBus {
  // `P` only checks each provider against its token at compile time.
  return new EventBus(options as EventBusOptions);
}
