import type { EventEnvelope } from './event-envelope';

/**
 * The class an envelope's event is routed by: the one read once at emit
 * (`Envelope.eventClass`), never `event.constructor` again when that is known
 * (a `constructor` getter may throw on a later read).
 */
export function classOf(envelope: EventEnvelope): Function {
  return (
    (envelope as { eventClass?: Function }).eventClass ?? (envelope.event as object).constructor
  );
}

/** What an {@link Envelope} is made of; everything else is derived or made lazily. */
export interface EnvelopeInit<E> {
  readonly event: E;
  /** The class the event is routed by, read once at emit. */
  readonly eventClass: Function;
  readonly name: string;
  readonly version: number;
  /** `Date.now()`-style time of the emit. */
  readonly occurredAt: number;
  /** Makes the id when it is first read. */
  readonly newId: () => string;
  /** The envelope of the event whose handler emitted this one: a follow-up inherits its correlation. */
  readonly parent?: Envelope | undefined;
  /** A root event's correlation id (a request's); default: the event's own id. */
  readonly correlationId?: string | undefined;
  /**
   * An event received from a broker: its identity and lineage as they
   * travelled (its parent lives in another process). It is the root of this
   * process's follow-up budget.
   */
  readonly received?: {
    readonly id: string;
    readonly causationId: string | null;
    readonly depth: number;
  };
}

/**
 * The bus's envelope implementation. Ids, the correlation id of a root event
 * and the `Date` are made on first read: a dispatch nobody inspects pays for
 * none of them (see docs/performance.md). A root event's correlation id is its
 * own id unless a scope (a request) gave one; a follow-up inherits its
 * parent's correlation id and is one hop deeper.
 */
export class Envelope<E = unknown> implements EventEnvelope<E> {
  readonly event: E;
  readonly name: string;
  readonly version: number;
  readonly depth: number;
  readonly attempt: number;
  /**
   * The event's class, read once when it was emitted: dispatch routes by it
   * and never reads `event.constructor` again (a getter may throw the second time).
   */
  readonly eventClass: Function;
  /** The envelope of the event whose handler emitted this one (for cycle messages). */
  readonly parent: Envelope | undefined;
  /** The root event of this causation tree (itself for a root event). */
  readonly root: Envelope;
  /** On a root envelope: how many follow-ups its tree has caused so far. */
  descendants = 0;
  private readonly at: number;
  private readonly correlation: string | undefined;
  /** The causation id of a received envelope (its parent is not here). */
  private readonly causation: string | null;
  private readonly received: EnvelopeInit<E>['received'];
  private readonly newId: () => string;
  private _id: string | undefined;
  private _date: Date | undefined;
  /**
   * The instrumentation's slot (see `InstrumentedEnvelope`): what it keeps per
   * event, such as a trace context. Set in the constructor so every envelope
   * has the same shape, instrumented or not.
   */
  telemetry: unknown;

  constructor(init: EnvelopeInit<E>, attempt = 1, id?: string) {
    const parent = init.parent;
    const received = init.received;
    this.event = init.event;
    this.eventClass = init.eventClass;
    this.name = init.name;
    this.version = init.version;
    this.at = init.occurredAt;
    this.newId = init.newId;
    this.parent = parent;
    this.root = parent ? parent.root : this;
    this.depth = parent ? parent.depth + 1 : (received?.depth ?? 0);
    this.correlation = parent ? parent.correlationId : init.correlationId;
    this.causation = received?.causationId ?? null;
    this.received = received;
    this.attempt = attempt;
    this._id = id ?? received?.id;
    this.telemetry = undefined;
  }

  /** True for an envelope received from a broker (its parent lives in another process). */
  get isReceived(): boolean {
    return this.received !== undefined;
  }

  get id(): string {
    if (this._id === undefined) this._id = this.newId();
    return this._id;
  }

  /** The id of the event whose handler emitted this one (read lazily: ids cost time and memory). */
  get causationId(): string | null {
    return this.parent ? this.parent.id : this.causation;
  }

  get correlationId(): string {
    return this.correlation ?? this.id;
  }

  get occurredAt(): Date {
    if (this._date === undefined) this._date = new Date(this.at);
    return this._date;
  }

  /** The same envelope as seen by a later attempt (same id, correlation and lineage). */
  withAttempt(attempt: number): Envelope<E> {
    const init: EnvelopeInit<E> = {
      event: this.event,
      eventClass: this.eventClass,
      name: this.name,
      version: this.version,
      occurredAt: this.at,
      newId: this.newId,
      parent: this.parent,
      correlationId: this.correlationId,
      received: this.received,
    };
    return new Envelope(init, attempt, this.id);
  }

  /** Names of the causation chain up to this event (root first). */
  chain(): string[] {
    const names: string[] = [];
    for (let e: Envelope | undefined = this; e; e = e.parent) names.unshift(e.name);
    return names;
  }

  /** Plain data (what a transport serializes; also what `console.log` and Jest print). */
  toJSON(): EventEnvelope<E> {
    return {
      id: this.id,
      name: this.name,
      version: this.version,
      occurredAt: this.occurredAt,
      correlationId: this.correlationId,
      causationId: this.causationId,
      attempt: this.attempt,
      depth: this.depth,
      event: this.event,
    };
  }
}

/** The envelope a later attempt sees: same identity, its own attempt number. */
export function withAttempt(envelope: EventEnvelope, attempt: number): EventEnvelope {
  return envelope instanceof Envelope ? envelope.withAttempt(attempt) : { ...envelope, attempt };
}
