import { Router } from '@koa/router';
import { IsEmail, IsString } from 'class-validator';
import Koa from 'koa';
import {
  type AppOptions,
  Body,
  BusClosedError,
  Controller,
  createApp,
  type DiscardInfo,
  EventBus,
  eventScope,
  HttpCode,
  httpErrors,
  Inject,
  mountControllers,
  Post,
} from 'koa-event-bus';
import {
  createTestBus,
  ManualClock,
  type TestBus,
  TestingKitError,
  testApp,
} from 'koa-event-bus/testing';
import {
  AuditLog,
  AuditRecorded,
  FlakyMailer,
  Mailer,
  SendWelcomeEmail,
  UserRegistered,
  WelcomeEmailSent,
} from './fixtures';

class RegisterUserDto {
  @IsString() userId!: string;
  @IsEmail() email!: string;
}

@Controller('/users')
class UsersController {
  constructor(@Inject(EventBus) private readonly bus: EventBus) {}

  @Post('/')
  @HttpCode(201)
  register(@Body(RegisterUserDto) dto: RegisterUserDto) {
    this.bus.emit(new UserRegistered(dto.userId, dto.email));
    return { id: dto.userId };
  }

  @Post('/then-fail')
  failAfterEmit(@Body(RegisterUserDto) dto: RegisterUserDto) {
    this.bus.emit(new UserRegistered(dto.userId, dto.email));
    throw new Error('database down');
  }
}

describe('testApp.fromOptions(createApp options)', () => {
  test('a response comes with its events, dispatched and handled before it is returned', async () => {
    const mailer = new Mailer();
    await using t = testApp.fromOptions({
      controllers: [UsersController],
      handlers: [SendWelcomeEmail, AuditLog],
      providers: [[Mailer, mailer]],
    });

    const res = await t.post('/users', { userId: 'u1', email: 'ada@example.com' });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'u1' });
    expect(res.json<{ id: string }>().id).toBe('u1');
    expect(res).toHaveEmitted(UserRegistered, { email: 'ada@example.com' });
    expect(res).toHaveHandled('SendWelcomeEmail.send');
    expect(res).toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
    expect(res.envelopes(UserRegistered)[0]?.correlationId).toBe(res.requestId);
    expect(mailer.sent).toEqual(['ada@example.com']);
  });

  test('each response sees only its own request; the TestApp sees all', async () => {
    await using t = testApp.fromOptions({
      controllers: [UsersController],
      handlers: [AuditLog],
    });

    const first = await t.post('/users', { userId: 'u1', email: 'ada@example.com' });
    const second = await t.post('/users', { userId: 'u2', email: 'bob@example.com' });

    expect(first.emitted(UserRegistered).map((e) => e.userId)).toEqual(['u1']);
    expect(second.emitted(AuditRecorded).map((e) => e.entry)).toEqual(['ctx u2', 'bus u2']);
    expect(t.emitted(UserRegistered)).toHaveLength(2);
    expect(first.requestId).toBe('test-request-1');
    expect(second.headers['x-request-id']).toBe('test-request-2');
  });

  test('a client-chosen request id becomes the correlation id', async () => {
    await using t = testApp.fromOptions({ controllers: [UsersController] });

    const res = await t.post(
      '/users',
      { userId: 'u1', email: 'ada@example.com' },
      { headers: { 'X-Request-Id': 'req-42' } },
    );

    expect(res.requestId).toBe('req-42');
    expect(res.envelopes(UserRegistered)[0]?.correlationId).toBe('req-42');
  });

  test('a failed request discards its events; invalid input emits nothing', async () => {
    await using t = testApp.fromOptions({ controllers: [UsersController], handlers: [AuditLog] });

    const failed = await t.post('/users/then-fail', { userId: 'u1', email: 'ada@example.com' });
    const invalid = await t.post('/users', { userId: 'u2', email: 'not-an-email' });

    expect(failed.status).toBe(500);
    expect(failed.discarded(UserRegistered)).toEqual([
      expect.objectContaining({
        reason: expect.objectContaining({ kind: 'http-error', status: 500 }),
      }),
    ]);
    expect(failed).not.toHaveHandled(UserRegistered);
    expect(invalid.status).toBe(400);
    expect(invalid).not.toHaveEmitted(UserRegistered);
  });

  test('fake() keeps chosen events from their handlers', async () => {
    const mailer = new Mailer();
    await using t = testApp.fromOptions({
      controllers: [UsersController],
      handlers: [SendWelcomeEmail],
      providers: [[Mailer, mailer]],
      fake: [UserRegistered],
    });

    const res = await t.post('/users', { userId: 'u1', email: 'ada@example.com' });

    expect(res).toHaveEmitted(UserRegistered);
    expect(res).not.toHaveHandled(UserRegistered);
    expect(mailer.sent).toEqual([]);
  });

  test('with a ManualClock, retries after the response run in fake time', async () => {
    const clock = new ManualClock();
    const mailer = new FlakyMailer(2);
    await using t = testApp.fromOptions({
      controllers: [UsersController],
      handlers: [SendWelcomeEmail],
      providers: [[Mailer, mailer]],
      clock,
    });

    const res = await t.post('/users', { userId: 'u1', email: 'ada@example.com' });

    expect(res).toHaveHandled('SendWelcomeEmail.send');
    expect(mailer.calls).toBe(3);
    expect(clock.now()).toBe(600);
  });
});

describe('testApp.fromFactory(appFactory, overrides)', () => {
  const createUsersApp = (options: AppOptions = {}) =>
    createApp({ controllers: [UsersController], handlers: [SendWelcomeEmail], ...options });

  test('calls your factory with recording options plus your overrides (your hooks still run)', async () => {
    const mailer = new Mailer();
    const discards: DiscardInfo[] = [];
    await using t = testApp.fromFactory(createUsersApp, {
      providers: [[Mailer, mailer]],
      hooks: { onDiscard: (info) => discards.push(info) },
    });

    const ok = await t.post('/users', { userId: 'u1', email: 'ada@example.com' });
    const failed = await t.post('/users/then-fail', { userId: 'u2', email: 'bob@example.com' });

    expect(ok).toHaveHandled('SendWelcomeEmail.send');
    expect(mailer.sent).toEqual(['ada@example.com']);
    expect(failed).not.toHaveHandled(UserRegistered);
    expect(discards.map((d) => d.reason.kind)).toEqual(['http-error']);
    expect(t.app?.bus).toBe(t.bus);
  });

  test("a factory may add hooks of its own next to the kit's (spreading options.hooks)", async () => {
    const errors: string[] = [];
    await using t = testApp.fromFactory(
      (options) =>
        createUsersApp({
          ...options,
          hooks: { ...options.hooks, onError: (info) => errors.push(info.handlerId) },
        }),
      { providers: [[Mailer, new FlakyMailer(1)]], clock: new ManualClock() },
    );

    const res = await t.post('/users', { userId: 'u1', email: 'ada@example.com' });

    expect(res).toHaveHandled('SendWelcomeEmail.send');
    expect(errors).toEqual(['SendWelcomeEmail.send']);
  });

  const fix =
    'your factory must pass the options it receives to createApp: (options) => createApp({ ...yours, ...options })';

  test('a factory that ignores its options is a TestingKitError naming the fix, not a silent no-op', () => {
    const ignoring = (_options: AppOptions) =>
      createApp({ controllers: [UsersController], handlers: [SendWelcomeEmail] });

    expect(() => testApp.fromFactory(ignoring).fake()).toThrow(TestingKitError);
    expect(() => testApp.fromFactory(ignoring)).toThrow(fix);
    expect(() => testApp.fromFactory(ignoring)).toThrow(
      expect.objectContaining({ code: 'KEB_TESTING_KIT' }),
    );
  });

  test('a factory declared without parameters is a compile error, and a TestingKitError at runtime', () => {
    const noParams = () => createApp({ controllers: [UsersController] });

    // @ts-expect-error the factory must take the options testApp gives it
    expect(() => testApp.fromFactory(noParams)).toThrow(fix);
  });

  test('a factory that drops the recording hooks or the fake filter is a TestingKitError', () => {
    const noHooks = (options: AppOptions) => createUsersApp({ ...options, hooks: {} });
    const ownFilter = (options: AppOptions) =>
      createUsersApp({ ...options, dispatchFilter: () => true });

    expect(() => testApp.fromFactory(noHooks)).toThrow(
      /recording hooks .*hooks: \{ \.\.\.options\.hooks/,
    );
    expect(() => testApp.fromFactory(ownFilter)).toThrow(/dispatchFilter/);
    expect(() => testApp.fromFactory(ownFilter)).toThrow(fix);
  });
});

describe('testApp.fromListener(koa, testBus)', () => {
  function ownKoaApp(events: TestBus, idHeader?: string): Koa {
    const koa = new Koa();
    const router = new Router();
    koa.use(eventScope(events.bus, { requestIdHeader: idHeader })).use(httpErrors());
    mountControllers(router, [UsersController], { resolver: events.bus.resolver });
    koa.use(router.routes());
    return koa;
  }

  test('works with any Koa app that uses eventScope(bus)', async () => {
    const events = createTestBus({
      handlers: [SendWelcomeEmail],
      providers: [[Mailer, new Mailer()]],
    });
    const koa = ownKoaApp(events);
    await using t = testApp.fromListener(koa, events);

    const res = await t.post('/users', { userId: 'u1', email: 'ada@example.com' });

    expect(res.status).toBe(201);
    expect(res).toHaveHandled('SendWelcomeEmail.send');
    expect(events).toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
    expect(t.bus).toBe(events.bus);
  });

  test('takes a request listener too, and the header your eventScope reads the request id from', async () => {
    const events = createTestBus({ handlers: [AuditLog] });
    const koa = ownKoaApp(events, 'x-correlation-id');
    await using t = testApp.fromListener(koa.callback(), events, {
      requestIdHeader: 'x-correlation-id',
    });

    const res = await t.post('/users', { userId: 'u1', email: 'ada@example.com' });

    expect(res.requestId).toBe('test-request-1');
    expect(res.emitted(AuditRecorded).map((e) => e.entry)).toEqual(['ctx u1', 'bus u1']);
  });

  test('disposing the TestApp closes the TestBus', async () => {
    const events = createTestBus({ handlers: [AuditLog] });
    {
      await using t = testApp.fromListener(ownKoaApp(events), events);
      await t.post('/users', { userId: 'u1', email: 'ada@example.com' });
    }
    expect(() => events.bus.emit(new UserRegistered('u2', 'bob@example.com'))).toThrow(
      BusClosedError,
    );
  });

  test('an app with a bus of its own is a TestingKitError pointing to fromFactory', async () => {
    const events = createTestBus();
    const app = createApp({ controllers: [UsersController] });

    expect(() => testApp.fromListener(app, events)).toThrow(
      expect.objectContaining({
        code: 'KEB_TESTING_KIT',
        hint: expect.stringContaining('testApp.fromFactory('),
      }),
    );
    await app.close(0);
    await events[Symbol.asyncDispose]();
  });

  test('a bus that is not a TestBus is a TestingKitError (nothing would record)', () => {
    const bus = new EventBus();
    const koa = new Koa().use(eventScope(bus));

    expect(() => testApp.fromListener(koa, bus as never)).toThrow(
      expect.objectContaining({
        code: 'KEB_TESTING_KIT',
        message: expect.stringContaining('events is not a TestBus'),
        hint: expect.stringContaining('createTestBus('),
      }),
    );
  });
});
