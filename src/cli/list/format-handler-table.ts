import type { HandlerRow } from './handler-row';

const HEAD = ['EVENT', 'HANDLER', 'ORDER', 'RETRY', 'TIMEOUT', 'WHEN', 'SOURCE'];

/**
 * The rows as an aligned table, one line per (event, handler), the event
 * named on its first line only, like Laravel's `event:list`.
 *
 * @example
 * ```ts
 * formatHandlerTable(rows);
 * // EVENT            HANDLER                ORDER  RETRY       TIMEOUT  WHEN  SOURCE
 * // user.registered  SendWelcomeEmail.send  0      3 attempts  5000ms   -     src/send-welcome-email.handler.ts
 * ```
 */
export function formatHandlerTable(rows: readonly HandlerRow[]): string {
  if (rows.length === 0) return 'No handlers.';
  const cells = rows.map((r, i) => [
    i > 0 && rows[i - 1]!.event === r.event && rows[i - 1]!.version === r.version
      ? ''
      : r.version === 1
        ? r.event
        : `${r.event} v${r.version}`,
    r.handler === null ? '(no handler)' : r.handler + (r.includeSubclasses ? ' (+subclasses)' : ''),
    r.order === null ? '' : String(r.order),
    r.attempts === null ? '' : r.attempts === 1 ? 'none' : `${r.attempts} attempts`,
    r.handler === null ? '' : r.timeoutMs === null ? '-' : `${r.timeoutMs}ms`,
    r.handler === null ? '' : (r.when ?? '-'),
    r.file ?? (r.handler === null ? '' : '-'),
  ]);
  const table = [HEAD, ...cells];
  const widths = HEAD.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  return table
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
