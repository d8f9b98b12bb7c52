/**
 * What travels with every event: identity, timing and lineage. Handlers see it
 * as `ctx.envelope`; transports serialize it.
 *
 * @example
 * ```ts
 * @OnEvent(UserRegistered)
 * audit(event: UserRegistered, ctx: EventContext) {
 *   log.info({ id: ctx.envelope.id, correlationId: ctx.envelope.correlationId }, 'user registered');
 * }
 * ```
 */
export interface EventEnvelope<E = unknown> {
  /** Unique id of this emission (UUID v4 from `generateId`), made on first read. */
  readonly id: string;
  /** Wire name: `@Event('user.registered')`, or the class name. */
  readonly name: string;
  /** Schema version from `@Event(name, { version })`, default 1. */
  readonly version: number;
  /** When `emit`/`dispatch` was called. */
  readonly occurredAt: Date;
  /**
   * Shared by everything one unit of work caused: the request's `x-request-id`
   * (or a generated one), a `bus.scope()`'s id, or, for a root event emitted
   * outside any scope, the event's own `id`. Follow-ups inherit it.
   */
  readonly correlationId: string;
  /** Id of the event whose handler emitted this one; `null` for a root event. */
  readonly causationId: string | null;
  /** 1-based attempt of the handler invocation that sees this envelope (1 on the bus itself). */
  readonly attempt: number;
  /** How many causation hops from the root event (0 for a root event). */
  readonly depth: number;
  /** The event instance itself. */
  readonly event: E;
}

/** The empty envelope list (shared, frozen): no follow-ups, nothing committed. */
export const NO_ENVELOPES: readonly EventEnvelope[] = Object.freeze([]);
