import type { Envelope } from '../kernel/envelope';
import { PublishFailedError } from '../kernel/errors';
import { type EventEnvelope, NO_ENVELOPES } from '../kernel/event-envelope';
import type { DiscardReason } from '../kernel/hooks';
import type { EmitOptions } from './emit-options';
import type { EventPipeline } from './event-pipeline';

/**
 * Lineage a scope stamps on what is emitted in it.
 *
 * @example
 * ```ts
 * bus.openScope({ correlationId: 'job-42' }).lineage; // { correlationId: 'job-42' }
 * ```
 */
export interface ScopeLineage {
  /** Correlation id of root events emitted here (a request id); undefined: each root event's own id. */
  readonly correlationId?: string | undefined;
  /** For a handler's scope: the event being handled (its follow-ups get causation, correlation, depth from it). */
  readonly causedBy?: Envelope | undefined;
  /**
   * Makes the id of each event emitted here, in order (else random ids): a
   * handler running a broker's delivery gives its follow-ups ids derived from
   * the delivered event, so a redelivery re-emits them under the same ids.
   */
  readonly followUpId?: (() => string) | undefined;
}

const NO_ITEMS: readonly Buffered[] = Object.freeze([]);

interface Buffered {
  envelope: EventEnvelope;
  always: boolean;
}

/**
 * A unit of work: buffers events, then commits (dispatch them) or discards
 * them (report them to `onDiscard`). A request, a `bus.scope(fn)` call and a
 * handler invocation (its follow-ups) each have one. A scope opened inside
 * another commits into it, so nested scopes commit with the outermost.
 *
 * After it has ended, an emit keeps the scope's verdict (an async task that
 * outlives its request keeps the request's verdict): in a committed scope it
 * goes where the committed events went (an open outer scope, else the bus); in
 * a discarded one it is discarded with the same reason, unless `when: 'always'`.
 *
 * @example
 * ```ts
 * const scope = bus.openScope({ correlationId: 'job-42' });
 * try { await scope.run(() => importCsv(file)); scope.commit(); }
 * catch (error) { scope.discard({ kind: 'scope-failed', error }); throw error; }
 * ```
 */
export class EventScope {
  private buffer: Buffered[] | undefined;
  private _state: 'open' | 'committed' | 'discarded' = 'open';
  private discardReason: DiscardReason | undefined;

  /** Made by the bus (`bus.openScope()`, `bus.scope()`, the Koa middleware, each handler attempt). */
  constructor(
    private readonly pipeline: EventPipeline,
    readonly lineage: ScopeLineage,
    readonly parent: EventScope | undefined,
    /** False for a handler attempt's scope: the running handler already keeps the bus busy. */
    private readonly counted: boolean,
  ) {}

  get state(): 'open' | 'committed' | 'discarded' {
    return this._state;
  }

  /** Envelopes buffered so far (in emission order). */
  get envelopes(): readonly EventEnvelope[] {
    return this.buffer?.map((b) => b.envelope) ?? [];
  }

  /** Runs `fn` with this scope as the current one, so `bus.emit()` inside it buffers here. */
  run<T>(fn: () => T): T {
    return this.pipeline.storage.run(this, fn);
  }

  /** Buffers an event (or, once the scope has ended, follows its verdict). */
  add(event: object, options?: EmitOptions): EventEnvelope {
    const envelope = this.pipeline.envelopes.create(event, this.lineage);
    const cut = this.pipeline.envelopes.cut(envelope);
    if (cut) {
      this.pipeline.discard([envelope], cut);
      return envelope;
    }
    const item = { envelope, always: options?.when === 'always' };
    if (this._state === 'committed') this.forward([item]);
    else if (this._state === 'discarded')
      this.drop([item], this.discardReason ?? { kind: 'closed' });
    else {
      this.pipeline.buffered(1);
      if (!this.buffer) this.buffer = [];
      this.buffer.push(item);
    }
    return envelope;
  }

  /** Dispatches everything buffered (into the parent scope if it is still open). */
  commit(): readonly EventEnvelope[] {
    if (this._state !== 'open') return NO_ENVELOPES;
    this._state = 'committed';
    const items = this.takeBuffer();
    this.forward(items);
    if (this.counted) this.pipeline.scopeEnded(this);
    return items.length === 0 ? NO_ENVELOPES : items.map((b) => b.envelope);
  }

  /**
   * Commits, then waits until the transport has stored what this scope
   * published (a broker's confirm): what durability `before-response` awaits
   * before answering. Rejects with `PublishFailedError` (the events are also
   * reported to `onDiscard`, reason `publish-failed`). With a synchronous
   * transport, or when committing into an open outer scope, it resolves at once.
   */
  async commitConfirmed(): Promise<readonly EventEnvelope[]> {
    if (this._state !== 'open') return NO_ENVELOPES;
    this._state = 'committed';
    const items = this.takeBuffer();
    const stored = this.forward(items);
    if (this.counted) this.pipeline.scopeEnded(this);
    const envelopes = items.map((b) => b.envelope);
    const error = stored === undefined ? undefined : await stored;
    if (error !== undefined)
      throw new PublishFailedError(
        envelopes.map((e) => e.id),
        { cause: error },
      );
    return envelopes;
  }

  /** Drops what was buffered (except `when: 'always'` events, which are dispatched). */
  discard(reason: DiscardReason): readonly EventEnvelope[] {
    if (this._state !== 'open') return NO_ENVELOPES;
    this._state = 'discarded';
    this.discardReason = reason;
    const dropped = this.drop(this.takeBuffer(), reason);
    if (this.counted) this.pipeline.scopeEnded(this);
    return dropped;
  }

  // Committed items go where this scope's verdict sends them: into an open
  // parent (nested scopes commit with the outermost), through a discarded
  // parent's verdict, or to the bus.
  // Returns the publish's outcome when it went to the transport (see EventPipeline.publish).
  private forward(items: readonly Buffered[]): Promise<unknown> | undefined {
    if (items.length === 0) return undefined;
    const parent = this.parent;
    if (parent?.state === 'open') parent.adopt(items);
    else if (parent?.state === 'discarded')
      parent.drop(items, parent.discardReason ?? { kind: 'closed' });
    else return this.pipeline.publish(items.map((b) => b.envelope));
    return undefined;
  }

  // `when: 'always'` items are forwarded like committed ones; the rest are reported.
  private drop(items: readonly Buffered[], reason: DiscardReason): EventEnvelope[] {
    this.forward(items.filter((b) => b.always));
    const dropped = items.filter((b) => !b.always).map((b) => b.envelope);
    if (dropped.length > 0) this.pipeline.discard(dropped, reason);
    return dropped;
  }

  private adopt(items: readonly Buffered[]): void {
    this.pipeline.buffered(items.length);
    if (!this.buffer) this.buffer = [];
    this.buffer.push(...items);
  }

  private takeBuffer(): readonly Buffered[] {
    const items = this.buffer ?? NO_ITEMS;
    this.buffer = undefined;
    if (items.length > 0) this.pipeline.buffered(-items.length);
    return items;
  }
}
