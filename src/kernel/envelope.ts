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

/**
 * The bus's envelope implementation. Ids, the correlation id of a root event
 * and the `Date` are made on first read: a dispatch nobody inspects pays for
 * none of them (see docs/performance.md). A root event's correlation id is its
 * own id unless a scope (a request) gave one.
 */
export class Envelope<E = unknown> implements EventEnvelope<E> {
  private _id: string | undefined;
  private _date: Date | undefined;
  /** The root event of this causation tree (itself for a root event). */
  readonly root: Envelope;
  /** On a root envelope: how many follow-ups its tree has caused so far. */
  descendants = 0;
  /**
   * The event's class, read once when it was emitted: dispatch routes by it
   * and never reads `event.constructor` again (a getter may throw the second time).
   */
  eventClass: Function | undefined;

  constructor(
    readonly name: string,
    readonly version: number,
    private readonly at: number,
    private readonly correlation: string | undefined,
    readonly depth: number,
    readonly event: E,
    private readonly newId: () => string,
    /** The envelope of the event whose handler emitted this one (for cycle messages). */
    readonly parent: Envelope | undefined,
    readonly attempt = 1,
    id?: string,
  ) {
    this._id = id;
    this.root = parent ? parent.root : this;
  }

  get id(): string {
    if (this._id === undefined) this._id = this.newId();
    return this._id;
  }

  /** The id of the event whose handler emitted this one (read lazily: ids cost time and memory). */
  get causationId(): string | null {
    return this.parent ? this.parent.id : null;
  }

  get correlationId(): string {
    return this.correlation ?? this.id;
  }

  get occurredAt(): Date {
    if (this._date === undefined) this._date = new Date(this.at);
    return this._date;
  }

  /** The same envelope as seen by a later attempt. */
  withAttempt(attempt: number): Envelope<E> {
    const next = new Envelope(
      this.name,
      this.version,
      this.at,
      this.correlation ?? this.id,
      this.depth,
      this.event,
      this.newId,
      this.parent,
      attempt,
      this.id,
    );
    next.eventClass = this.eventClass;
    return next;
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
