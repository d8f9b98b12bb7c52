import { openSync, writeSync } from 'node:fs';

/**
 * The server's append-only record of what happened to each event, one line per
 * fact (`emitted <id> <name> <tag>`, `handled <id> <handlerId> <tag>`, ...).
 * Every write is synchronous, so a line is in the file before the next
 * statement runs: a crash or exit loses no fact that was already journaled.
 * It is never closed (the process exit closes it), so a hook that fires late is still recorded.
 */
export class Journal {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  write(...fields: readonly (string | number | boolean)[]): void {
    writeSync(this.fd, `${fields.join(' ')}\n`);
  }
}
