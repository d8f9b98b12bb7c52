import {
  Event,
  EventBus,
  type EventContext,
  EventHandler,
  Inject,
  Injectable,
  OnEvent,
} from 'koa-event-bus';

@Event('user.registered')
export class UserRegistered {
  constructor(
    readonly userId: string,
    readonly email: string,
  ) {}
}

export class WelcomeEmailSent {
  constructor(readonly userId: string) {}
}

export class AuditRecorded {
  constructor(readonly entry: string) {}
}

export class OrderPlaced {
  constructor(readonly orderId: string) {}
}

/** The dependency handlers get; tests pass fakes for it. */
@Injectable()
export class Mailer {
  readonly sent: string[] = [];
  async welcome(to: string): Promise<void> {
    this.sent.push(to);
  }
}

/** A mailer that fails its first `failures` calls. */
export class FlakyMailer extends Mailer {
  calls = 0;
  constructor(private failures: number) {
    super();
  }
  override async welcome(to: string): Promise<void> {
    this.calls++;
    if (this.calls <= this.failures) throw new Error(`smtp down (call ${this.calls})`);
    await super.welcome(to);
  }
}

@EventHandler()
export class SendWelcomeEmail {
  constructor(private readonly mailer: Mailer) {}

  @OnEvent(UserRegistered, { retry: { attempts: 3, backoffMs: 200 } })
  async send(event: UserRegistered): Promise<WelcomeEmailSent> {
    await this.mailer.welcome(event.email);
    return new WelcomeEmailSent(event.userId);
  }
}

@EventHandler()
export class AuditLog {
  readonly entries: string[] = [];
  constructor(@Inject(EventBus) private readonly bus: EventBus) {}

  @OnEvent(UserRegistered)
  record(event: UserRegistered, ctx: EventContext) {
    this.entries.push(`registered ${event.userId}`);
    ctx.emit(new AuditRecorded(`ctx ${event.userId}`));
    this.bus.emit(new AuditRecorded(`bus ${event.userId}`));
  }

  @OnEvent(WelcomeEmailSent)
  welcomed(event: WelcomeEmailSent) {
    this.entries.push(`welcomed ${event.userId}`);
  }

  @OnEvent(OrderPlaced, { when: (e) => e.orderId !== 'ignored' })
  order(event: OrderPlaced) {
    this.entries.push(`order ${event.orderId}`);
    return event.orderId.length;
  }

  @OnEvent(OrderPlaced, { id: 'audit.orders-twice' })
  orderAgain(event: OrderPlaced) {
    this.entries.push(`order again ${event.orderId}`);
  }
}

/** Removes colours from a Jest failure message. */
export function plain(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters.
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** The message of the assertion error `fn` throws. */
export function failureOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return plain((error as Error).message);
  }
  throw new Error('expected the assertion to fail');
}
