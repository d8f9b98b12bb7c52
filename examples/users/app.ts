import { type AppOptions, createApp } from 'koa-event-bus';
import { AuditTrail } from './handlers/audit.handler';
import { SendWelcomeEmail } from './handlers/send-welcome-email.handler';
import { StatsCounter } from './handlers/stats.handler';
import { AdminController, UsersController } from './users.controller';

/** The users service: controllers, handlers, and whatever overrides a caller passes (tests pass fakes). */
export function createUsersApp(options: AppOptions = {}) {
  return createApp({
    controllers: [UsersController, AdminController],
    handlers: [SendWelcomeEmail, AuditTrail, StatsCounter],
    ...options,
  });
}
