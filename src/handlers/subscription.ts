import type { Class } from '../kernel/class';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { EventContext } from './event-context';
import type { RetryPolicy } from './handler-options';

/** One handler bound to one event class, ready to run. Built once per bus. */
export interface Subscription {
  /** Stable, unique per bus. */
  readonly id: string;
  /** Where it came from, for messages: `SendWelcomeEmail.send` or `bus.on(UserRegistered)`. */
  readonly source: string;
  readonly eventClass: Class<object>;
  readonly order: number;
  readonly retry: Required<RetryPolicy>;
  readonly timeoutMs: number | undefined;
  readonly includeSubclasses: boolean;
  readonly when: ((event: unknown, envelope: EventEnvelope) => boolean) | undefined;
  readonly invoke: (event: unknown, ctx: EventContext) => unknown;
}
