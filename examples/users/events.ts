import { Event } from 'koa-event-bus';

/** A user signed up. Emitted by UsersController after the user is stored. */
@Event('user.registered')
export class UserRegistered {
  constructor(
    readonly userId: string,
    readonly email: string,
    readonly name: string,
  ) {}
}

/** Follow-up of SendWelcomeEmail: the welcome email left the building. */
@Event('user.welcome-email-sent')
export class WelcomeEmailSent {
  constructor(
    readonly userId: string,
    readonly email: string,
  ) {}
}
