// Compile-only: `npm run typecheck` (part of `npm test`) fails if any line
// marked @ts-expect-error compiles, or any other line does not.
import { createEventBus, type EventContext, EventHandler, OnEvent } from 'koa-event-bus';

class UserRegistered {
  constructor(
    readonly userId: string,
    readonly email: string,
  ) {}
}
class OrderPlaced {
  constructor(
    readonly orderId: string,
    readonly total: number,
  ) {}
}
class UserDeleted {
  constructor(readonly userId: string) {}
}
/** Branded: same shape as another event would not make it interchangeable. */
class Branded {
  declare private readonly __brand: 'Branded';
  constructor(readonly userId: string) {}
}

@EventHandler()
export class Valid {
  @OnEvent(UserRegistered)
  sync(_e: UserRegistered): void {}

  @OnEvent(UserRegistered)
  async asyncWithCtx(e: UserRegistered, ctx: EventContext): Promise<string> {
    return `${e.email} ${ctx.envelope.id}`;
  }

  @OnEvent(UserRegistered)
  noParams(): number {
    return 1;
  }

  // A parameter type wider than the event is fine (it accepts the event).
  @OnEvent(UserRegistered)
  wider(_e: { email: string }): void {}

  // Several events: the parameter must accept each of them.
  @OnEvent([UserRegistered, UserDeleted])
  either(e: UserRegistered | UserDeleted): string {
    return e.userId;
  }

  // Returning follow-up events is allowed.
  @OnEvent(UserRegistered)
  followUp(e: UserRegistered): UserDeleted {
    return new UserDeleted(e.userId);
  }

  // `when` is typed with the event.
  @OnEvent(OrderPlaced, { when: (e) => e.total > 100 })
  big(_e: OrderPlaced): void {}
}

@EventHandler()
export class Invalid {
  // @ts-expect-error the parameter is another event
  @OnEvent(UserRegistered)
  wrongEvent(_e: OrderPlaced): void {}

  // @ts-expect-error the parameter does not accept UserDeleted
  @OnEvent([UserRegistered, UserDeleted])
  onlyOne(_e: UserRegistered): void {}

  // @ts-expect-error the second parameter must accept an EventContext
  @OnEvent(UserRegistered)
  badCtx(_e: UserRegistered, _ctx: string): void {}

  // @ts-expect-error a branded event is not interchangeable with a same-shaped one
  @OnEvent(UserDeleted)
  branded(_e: Branded): void {}

  // @ts-expect-error `when` sees the event's type: OrderPlaced has no `email`
  @OnEvent(OrderPlaced, { when: (e) => e.email === 'x' })
  badWhen(_e: OrderPlaced): void {}

  // @ts-expect-error retry attempts is a number
  @OnEvent(UserRegistered, { retry: { attempts: '3' } })
  badRetry(_e: UserRegistered): void {}
}

const bus = createEventBus();

bus.on(UserRegistered, (e) => e.email.toUpperCase());
// @ts-expect-error the listener sees a UserRegistered, which has no `total`
bus.on(UserRegistered, (e) => e.total);

export async function waitForIsTyped(): Promise<string> {
  const placed = await bus.waitFor(OrderPlaced, { where: (e) => e.total > 1 });
  // @ts-expect-error waitFor resolves with an OrderPlaced
  placed.email;
  return placed.orderId;
}

// @ts-expect-error only objects can be emitted
bus.emit('user.registered');
// @ts-expect-error an event class is required, not an instance
bus.on(new UserRegistered('u', 'e'), () => {});
