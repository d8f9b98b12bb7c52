import type { EventEnvelope } from '../kernel/event-envelope';
import type { Logger } from '../kernel/logger';

/**
 * The second argument of every handler method: the envelope, the attempt, an
 * abort signal, and `emit` for follow-up events.
 *
 * Follow-ups emitted here (or returned from the handler) are dispatched after
 * the handler succeeds, with `causationId` = this event's id and the same
 * `correlationId`; they are discarded if it finally fails.
 *
 * @example
 * ```ts
 * @OnEvent(OrderPlaced, { timeoutMs: 2_000 })
 * async charge(event: OrderPlaced, ctx: EventContext) {
 *   await payments.charge(event.orderId, { signal: ctx.signal });
 *   ctx.emit(new OrderCharged(event.orderId));
 * }
 * ```
 */
export interface EventContext<E = unknown> {
  /** Envelope of the event being handled (with this invocation's `attempt`). */
  readonly envelope: EventEnvelope<E>;
  /** Id of the handler running (`ClassName.method` by default). */
  readonly handlerId: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** Aborted when the invocation times out or the bus closes. */
  readonly signal: AbortSignal;
  /** The bus logger, bound to this invocation. */
  readonly logger: Logger;
  /** Emits a follow-up event, dispatched after this handler succeeds. */
  emit(event: object): void;
}
