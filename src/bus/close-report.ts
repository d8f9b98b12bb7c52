import type { PendingWork } from '../dispatch/work-tracker';
import type { EventEnvelope } from './event-envelope';

/**
 * What `close()` found: `drained` is true when everything finished in time;
 * otherwise `pending` counts what was still there and `discarded` lists the
 * queued events that were never started (also reported to `onDiscard`).
 */
export interface CloseReport {
  drained: boolean;
  pending: PendingWork;
  discarded: readonly EventEnvelope[];
}

/** One entry of `bus.describe()`. */
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
