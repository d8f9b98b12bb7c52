import type { PendingWork } from '../dispatch/work-tracker';
import type { EventEnvelope } from './event-envelope';

/**
 * What `close()` found: `drained` is true when everything finished in time;
 * otherwise `pending` counts what was still there and `discarded` lists the
 * queued events that were never started (also reported to `onDiscard`).
 *
 * @example
 * ```ts
 * const { drained, pending, discarded } = await bus.close(10_000);
 * ```
 */
export interface CloseReport {
  drained: boolean;
  pending: PendingWork;
  discarded: readonly EventEnvelope[];
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
