/** A parsed `koa-event-bus dlq <list|replay> <handler-id>` invocation. */
export interface DlqCommand {
  readonly kind: 'dlq';
  readonly command: 'list' | 'replay';
  readonly handlerId: string;
  readonly app: string;
  readonly url: string;
  /** At most this many messages (default: every message in the queue when the command starts). */
  readonly limit: number | undefined;
  readonly json: boolean;
}
