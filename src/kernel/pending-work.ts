/**
 * Pending work by kind; `drain()` waits until every count is zero.
 *
 * @example
 * ```ts
 * console.log(bus.pending()); // { buffered: 0, openScopes: 1, queued: 3, dispatching: 2, retrying: 0, publishing: 0 }
 * ```
 */
export interface PendingWork {
  /** Events buffered in open scopes (requests, `bus.scope`, handler follow-ups). */
  buffered: number;
  /** Scopes still open (a request in progress may still emit). */
  openScopes: number;
  /** Committed events waiting for a dispatch slot. */
  queued: number;
  /** Events whose handlers are running or waiting to retry. */
  dispatching: number;
  /** Retry timers armed. */
  retrying: number;
  /** Events handed to an asynchronous transport (a broker) and not yet confirmed. */
  publishing: number;
}
