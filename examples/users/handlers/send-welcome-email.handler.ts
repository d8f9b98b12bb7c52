import { type EventContext, EventHandler, OnEvent } from 'koa-event-bus';
import { UserRegistered, WelcomeEmailSent } from '../events';
import { Mailer } from '../mailer';

/** Sends the welcome email after the 201 is out; retried if the relay is busy. */
@EventHandler()
export class SendWelcomeEmail {
  constructor(private readonly mailer: Mailer) {}

  @OnEvent(UserRegistered, {
    retry: { attempts: 3, backoffMs: 50, strategy: 'exponential' },
    timeoutMs: 5_000,
  })
  async send(event: UserRegistered, ctx: EventContext): Promise<WelcomeEmailSent> {
    ctx.logger.debug({ email: event.email }, 'sending welcome email');
    await this.mailer.send(event.email, `Welcome, ${event.name}!`);
    return new WelcomeEmailSent(event.userId, event.email); // a follow-up event
  }
}
