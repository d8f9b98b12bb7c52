import { type EventContext, EventHandler, OnEvent } from 'koa-event-bus';
import { AuditLog } from '../audit-log';
import { UserRegistered, WelcomeEmailSent } from '../events';

/** Writes one audit line per event, with the request's correlation id. */
@EventHandler()
export class AuditTrail {
  constructor(private readonly log: AuditLog) {}

  @OnEvent([UserRegistered, WelcomeEmailSent])
  record(event: UserRegistered | WelcomeEmailSent, ctx: EventContext): void {
    this.log.append(`${ctx.envelope.name} ${event.email} [${ctx.envelope.correlationId}]`);
  }
}
