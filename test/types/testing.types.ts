// Compile-only: `npm run typecheck` (part of `npm test`) fails if any line
// marked @ts-expect-error compiles, or any other line does not.
import type { RequestListener } from 'node:http';
import type Koa from 'koa';
import {
  type AppOptions,
  createApp,
  createEventBus,
  type EventBus,
  type EventContext,
  EventHandler,
  OnEvent,
} from 'koa-event-bus';
import {
  createTestBus,
  type HandledEvents,
  handlerHarness,
  type TestApp,
  testApp,
} from 'koa-event-bus/testing';

class UserRegistered {
  constructor(
    readonly userId: string,
    readonly email: string,
  ) {}
}
class WelcomeEmailSent {
  constructor(readonly userId: string) {}
}
class OrderPlaced {
  constructor(readonly orderId: string) {}
}

@EventHandler()
class SendWelcomeEmail {
  @OnEvent(UserRegistered)
  async send(event: UserRegistered): Promise<WelcomeEmailSent> {
    return new WelcomeEmailSent(event.userId);
  }
}

@EventHandler()
class AuditLog {
  @OnEvent(UserRegistered)
  registered(event: UserRegistered, ctx: EventContext): void {
    void [event, ctx];
  }
  @OnEvent(WelcomeEmailSent)
  welcomed(event: WelcomeEmailSent): void {
    void event;
  }
}

export async function queries(): Promise<void> {
  await using t = createTestBus({ handlers: [SendWelcomeEmail] });
  const asBus: EventBus = t.bus;
  // @ts-expect-error a TestBus is not an EventBus: pass t.bus where an EventBus goes
  const notABus: EventBus = t;
  const bus = t; // the queries below read the TestBus
  void [asBus, notABus];

  const email: string | undefined = bus.emitted(UserRegistered)[0]?.email;
  // @ts-expect-error UserRegistered has no `emial`
  bus.emitted(UserRegistered)[0]?.emial;
  // @ts-expect-error email is a string
  const wrong: number | undefined = bus.emitted(UserRegistered)[0]?.email;
  const all: object[] = bus.emitted();
  const id: string | undefined = bus.envelopes(UserRegistered)[0]?.event.userId;
  // @ts-expect-error the envelope's event is typed too
  bus.envelopes(UserRegistered)[0]?.event.orderId;
  void [email, wrong, all, id];
}

export function matchers(bus: ReturnType<typeof createTestBus>): void {
  expect(bus).toHaveEmitted(UserRegistered);
  expect(bus).toHaveEmitted(UserRegistered, { email: 'ada@example.com' });
  expect(bus).toHaveEmitted(UserRegistered, { email: expect.any(String) });
  expect(bus).not.toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
  // @ts-expect-error a property the event does not have
  expect(bus).toHaveEmitted(UserRegistered, { emial: 'ada@example.com' });
  // @ts-expect-error a value of the wrong type
  expect(bus).toHaveEmitted(UserRegistered, { email: 42 });
  expect(bus).toHaveEmittedTimes(UserRegistered, 2, { userId: 'u1' });
  // @ts-expect-error the partial of toHaveEmittedTimes is typed as well
  expect(bus).toHaveEmittedTimes(UserRegistered, 2, { orderId: 'o1' });
  // @ts-expect-error the first argument is an event class
  expect(bus).toHaveEmitted('UserRegistered');
  expect(bus).toHaveHandled('SendWelcomeEmail.send');
  expect(bus).toHaveHandled(UserRegistered);
  expect(bus).toHaveFailed('SendWelcomeEmail.send');
  // @ts-expect-error a handler id or an event class
  expect(bus).toHaveFailed(42);
}

export async function harness(): Promise<void> {
  await using h = handlerHarness(SendWelcomeEmail);
  const instance: SendWelcomeEmail = h.instance;
  const harnessBus: EventBus = h.bus;
  const sent: string | undefined = h.emitted(WelcomeEmailSent)[0]?.userId;
  void [instance, harnessBus, sent];

  const run = await h.run(new UserRegistered('u1', 'ada@example.com'), { method: 'send' });
  const result: WelcomeEmailSent | undefined = run.result;
  const followUp: string | undefined = run.followUps.of(WelcomeEmailSent)[0]?.userId;
  // @ts-expect-error WelcomeEmailSent has no email
  run.followUps.of(WelcomeEmailSent)[0]?.email;
  void [result, followUp];

  // @ts-expect-error `send` takes a UserRegistered
  await h.run(new WelcomeEmailSent('u1'), { method: 'send' });
  // @ts-expect-error not a method of SendWelcomeEmail
  await h.run(new UserRegistered('u1', 'a@b.c'), { method: 'nope' });
  // @ts-expect-error retries is 'apply' or 'bypass'
  await h.run(new UserRegistered('u1', 'a@b.c'), { retries: 'never' });
  const untyped = await h.run(new UserRegistered('u1', 'a@b.c'));
  const unknownResult: unknown = untyped.result;
  void unknownResult;

  // run() accepts only the events the class's methods take
  // @ts-expect-error SendWelcomeEmail handles UserRegistered, not WelcomeEmailSent
  await h.run(new WelcomeEmailSent('u1'));
  // @ts-expect-error nor OrderPlaced
  await h.run(new OrderPlaced('o1'));
  // @ts-expect-error nor a string
  await h.run('UserRegistered');

  await using audit = handlerHarness(AuditLog);
  await audit.run(new UserRegistered('u1', 'a@b.c'));
  await audit.run(new WelcomeEmailSent('u1'));
  await audit.run(new WelcomeEmailSent('u1'), { retries: 'bypass' });
  await audit.run(new WelcomeEmailSent('u1'), { method: 'welcomed' });
  // @ts-expect-error AuditLog handles UserRegistered and WelcomeEmailSent only
  await audit.run(new OrderPlaced('o1'));
  const handled: HandledEvents<AuditLog> = new WelcomeEmailSent('u1');
  // @ts-expect-error HandledEvents<AuditLog> is UserRegistered | WelcomeEmailSent
  const notHandled: HandledEvents<AuditLog> = new OrderPlaced('o1');
  void [handled, notHandled];
}

export function factories(): void {
  const yours = { handlers: [SendWelcomeEmail] };
  testApp.fromFactory((options) => createApp({ ...yours, ...options }));
  testApp.fromFactory((options: AppOptions = {}) => createApp({ ...yours, ...options }));
  const createUsersApp = (options?: AppOptions) => createApp({ ...yours, ...options });
  testApp.fromFactory(createUsersApp, { providers: [], fake: [UserRegistered] });
  // @ts-expect-error a factory that takes no options cannot pass them on to createApp
  testApp.fromFactory(() => createApp(yours));
  const noOptions = () => createApp(yours);
  // @ts-expect-error declared elsewhere, the same
  testApp.fromFactory(noOptions, { providers: [] });
  // @ts-expect-error a factory returns an App, not a Koa app or a bus
  testApp.fromFactory((options: AppOptions) => createEventBus(options));
  // @ts-expect-error overrides are createApp options (plus fake)
  testApp.fromFactory(createUsersApp, { handler: [SendWelcomeEmail] });

  const app: TestApp = testApp.fromOptions({ handlers: [SendWelcomeEmail], fake: true });
  testApp.fromOptions();
  // @ts-expect-error fromOptions takes options; a factory goes to fromFactory
  testApp.fromOptions(createUsersApp);
  // @ts-expect-error fake is true or a list of event classes
  testApp.fromOptions({ fake: 'all' });
  // @ts-expect-error testApp is not callable: pick fromOptions, fromFactory or fromListener
  testApp({ handlers: [SendWelcomeEmail] });
  void app;
}

export function listeners(koa: Koa, listener: RequestListener): void {
  const events = createTestBus({ handlers: [SendWelcomeEmail] });
  testApp.fromListener(koa, events);
  testApp.fromListener(koa.callback(), events, { requestIdHeader: 'x-correlation-id' });
  testApp.fromListener(listener, events);
  // @ts-expect-error the TestBus itself, not its bus: the recording is on the TestBus
  testApp.fromListener(koa, events.bus);
  // @ts-expect-error the TestBus is required: without it nothing is recorded
  testApp.fromListener(koa);
  // @ts-expect-error a Koa app or a request listener
  testApp.fromListener('http://localhost:3000', events);
  // @ts-expect-error the only option is requestIdHeader
  testApp.fromListener(koa, events, { fake: true });
}

export async function app(): Promise<void> {
  await using t = testApp.fromOptions({ handlers: [SendWelcomeEmail] });
  const appBus: EventBus = t.bus;
  const all: string | undefined = t.emitted(UserRegistered)[0]?.email;
  expect(t).toHaveHandled('SendWelcomeEmail.send');
  void [appBus, all];
  const res = await t.post('/users', { email: 'ada@example.com' });
  const status: number = res.status;
  const email: string | undefined = res.emitted(UserRegistered)[0]?.email;
  // @ts-expect-error typed per class on responses too
  res.emitted(UserRegistered)[0]?.emial;
  expect(res).toHaveEmitted(UserRegistered, { userId: 'u1' });
  void [status, email];
}
