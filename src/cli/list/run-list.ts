import type { CliOutput } from '../cli-output';
import { formatHandlerTable } from './format-handler-table';
import { handlerRows } from './handler-row';
import type { ListCommand } from './list-command';
import { loadBus } from './load-bus';

/**
 * `koa-event-bus list`: the events and their handlers of the project's bus,
 * as a table or (`--json`) one JSON array of rows.
 *
 * @example
 * ```ts
 * await runList({ kind: 'list', source: { discover: ['src/**\/*.handler.ts'] }, json: false }, out, cwd);
 * ```
 */
export async function runList(cmd: ListCommand, out: CliOutput, cwd: string): Promise<void> {
  const loaded = await loadBus(cmd.source, cwd);
  try {
    const rows = handlerRows(loaded.bus, loaded.classes, cwd);
    out.stdout(cmd.json ? JSON.stringify(rows, null, 2) : formatHandlerTable(rows));
  } finally {
    await loaded.close();
  }
}
