import { appendFile } from 'node:fs/promises';
import { Injectable } from 'koa-event-bus';

/** Where processed payloads end up (a queue or a table, in a real service). */
@Injectable()
export class ProcessedData {
  readonly items: Record<string, unknown>[] = [];
}

/** A fake mailer that records what it "sends". */
@Injectable()
export class Mailer {
  readonly sent: string[] = [];
  async sendWelcome(email: string): Promise<void> {
    this.sent.push(`Welcome email sent to ${email}`);
  }
}

/** Appends lines to a log file, like FastAPI's `write_log`. */
export class ActionLogFile {
  constructor(readonly path: string) {}
  async append(line: string): Promise<void> {
    await appendFile(this.path, `${line}\n`, 'utf8');
  }
}
