import type { EventEnvelope } from '../kernel/event-envelope';
import type { PendingWork } from '../kernel/pending-work';

/**
 * Where an event was when `close()` gave up on it: `buffered` in a scope that
 * was still open (a request still running), `queued` (committed, never
 * started), `retrying` (waiting for its next attempt), `running` (a handler
 * that had not settled: its `ctx.signal` is aborted, its outcome is unknown).
 *
 * @example
 * ```ts
 * const stillRequests = report.lost.filter((l) => l.state === ('buffered' satisfies LostState));
 * ```
 */
export type LostState = 'buffered' | 'queued' | 'retrying' | 'running';

/**
 * One event `close()` could not see through, with the handlers that will not
 * (or may not) have handled it.
 *
 * @example
 * ```ts
 * for (const l of report.lost) log.error(l, `lost ${l.event} ${l.eventId} (${l.state}): ${l.handlerIds.join(', ')}`);
 * ```
 */
export interface LostEvent {
  eventId: string;
  event: string;
  correlationId: string;
  state: LostState;
  /** Handlers that did not complete for this event (all of its handlers for `buffered`/`queued`). */
  handlerIds: readonly string[];
}

/**
 * What `close()` found: `drained` is true when everything finished in time;
 * otherwise `pending` counts what was still there, `lost` names every event
 * that will not be handled (by event id and handler id; also reported to
 * `onDiscard` with reason `closed`, and retries to the dead letters), and
 * `discarded` lists the envelopes that never started (buffered or queued).
 *
 * @example
 * ```ts
 * const { drained, pending, lost } = await bus.close(10_000);
 * ```
 */
export interface CloseReport {
  drained: boolean;
  pending: PendingWork;
  discarded: readonly EventEnvelope[];
  lost: readonly LostEvent[];
}

/**
 * One entry of `bus.describe()`.
 *
 * @example
 * ```ts
 * for (const { event, handlers } of bus.describe()) console.log(event, '→', handlers.map((h) => h.id).join(', '));
 * ```
 */
export interface EventDescription {
  event: string;
  version: number;
  handlers: readonly {
    id: string;
    source: string;
    order: number;
    attempts: number;
    timeoutMs: number | undefined;
    includeSubclasses: boolean;
  }[];
}
