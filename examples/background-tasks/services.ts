import { appendFile } from 'node:fs/promises';

/** The file `/log-action/` appends to: the seed's `open("actions.log", "a")`. */
export class ActionLogFile {
  constructor(readonly path: string) {}
  async append(line: string): Promise<void> {
    await appendFile(this.path, line, 'utf8');
  }
}
