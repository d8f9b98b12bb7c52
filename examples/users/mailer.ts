import { Injectable } from 'koa-event-bus';

export interface SentMail {
  to: string;
  subject: string;
}

/**
 * A stand-in for an SMTP client: it records what it sends. `failFirstAttempts`
 * makes it fail that many times per recipient first, like a flaky relay, so
 * the retry policy of SendWelcomeEmail has something to do.
 */
@Injectable()
export class Mailer {
  readonly sent: SentMail[] = [];
  private readonly failures = new Map<string, number>();
  failFirstAttempts = 0;

  async send(to: string, subject: string): Promise<void> {
    const failed = this.failures.get(to) ?? 0;
    if (failed < this.failFirstAttempts) {
      this.failures.set(to, failed + 1);
      throw new Error(`SMTP relay busy (sending to ${to})`);
    }
    this.sent.push({ to, subject });
  }
}
