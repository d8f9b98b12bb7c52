import { Injectable } from 'koa-event-bus';

/** Append-only audit trail (in memory here). */
@Injectable()
export class AuditLog {
  readonly lines: string[] = [];

  append(line: string): void {
    this.lines.push(line);
  }
}
