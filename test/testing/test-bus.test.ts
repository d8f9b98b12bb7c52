import {
  BusClosedError,
  createEventBus,
  EventBus,
  type EventEnvelope,
  HandlerTimeoutError,
} from 'koa-event-bus';
import { createTestBus, EventRecording, ManualClock, TestBus } from 'koa-event-bus/testing';
import {
  AuditLog,
  AuditRecorded,
  FlakyMailer,
  Mailer,
  OrderPlaced,
  SendWelcomeEmail,
  UserRegistered,
  WelcomeEmailSent,
} from './fixtures';

const handlers = [SendWelcomeEmail, AuditLog];

describe('createTestBus: recording', () => {
  test('records emits, dispatches and follow-ups in order, with typed queries', async () => {
    await using t = createTestBus({ handlers, providers: [[Mailer, new Mailer()]] });

    t.bus.emit(new UserRegistered('u1', 'ada@example.com'));
    await t.drain();

    // AuditLog.record is synchronous; SendWelcomeEmail.send awaits the mailer first.
    expect(t.emitted().map((e) => e.constructor.name)).toEqual([
      'UserRegistered',
      'AuditRecorded',
      'AuditRecorded',
      'WelcomeEmailSent',
    ]);
    const [registered] = t.emitted(UserRegistered);
    expect(registered?.email).toBe('ada@example.com');
    expect(t.emitted(AuditRecorded).map((e) => e.entry)).toEqual(['ctx u1', 'bus u1']);
    const [root] = t.envelopes(UserRegistered);
    const [sent] = t.envelopes(WelcomeEmailSent);
    expect(root?.name).toBe('user.registered');
    expect(sent?.causationId).toBe(root?.id);
    expect(sent?.correlationId).toBe(root?.correlationId);
  });

  test('handled() and failed() read the dispatch reports, by handler id or event class', async () => {
    const clock = new ManualClock();
    await using t = createTestBus({ handlers, providers: [[Mailer, new FlakyMailer(5)]], clock });

    await t.dispatch(new UserRegistered('u1', 'ada@example.com'));
    await t.drain();

    expect(t.handled('AuditLog.record')).toHaveLength(1);
    expect(t.failed('SendWelcomeEmail.send')).toEqual([
      expect.objectContaining({ attempts: 3, error: new Error('smtp down (call 3)') }),
    ]);
    expect(t.failed(UserRegistered).map((o) => o.handlerId)).toEqual(['SendWelcomeEmail.send']);
    expect(t.errors('SendWelcomeEmail.send').map((e) => e.willRetry)).toEqual([true, true, false]);
    expect(t.bus.deadLetters).toHaveLength(1);
    // Reports arrive as dispatches finish: AuditLog's follow-ups (no handlers) before the retried root.
    expect(t.reports().map((r) => r.envelope.name)).toEqual([
      'AuditRecorded',
      'AuditRecorded',
      'user.registered',
    ]);
  });

  test('with a ManualClock, drain() runs a 3-attempt exponential policy in fake time', async () => {
    const clock = new ManualClock();
    const mailer = new FlakyMailer(2);
    await using t = createTestBus({
      handlers: [SendWelcomeEmail],
      providers: [[Mailer, mailer]],
      clock,
    });

    t.bus.emit(new UserRegistered('u1', 'ada@example.com'));
    await t.drain();

    expect(mailer.calls).toBe(3);
    expect(clock.now()).toBe(200 + 400);
    expect(t.errors().map((e) => e.retryInMs)).toEqual([200, 400]);
    expect(t).toHaveHandled('SendWelcomeEmail.send');
    expect(t.emitted(WelcomeEmailSent)).toEqual([new WelcomeEmailSent('u1')]);
  });

  test('a handler timeout fires on the fake clock', async () => {
    const clock = new ManualClock();
    const stuck = { welcome: () => new Promise<void>(() => {}) };
    await using t = createTestBus({
      handlers: [SendWelcomeEmail],
      providers: [[Mailer, stuck]],
      clock,
      defaultTimeoutMs: 1_000,
      defaultRetry: { attempts: 1 },
      disposeTimeoutMs: 10,
    });

    await t.dispatch(new UserRegistered('u1', 'ada@example.com'));

    // SendWelcomeEmail's own policy (3 attempts, 200 ms back-off) wins over the default.
    const [failure] = t.failed('SendWelcomeEmail.send');
    expect(failure?.error).toBeInstanceOf(HandlerTimeoutError);
    expect(failure?.attempts).toBe(3);
  });
});

describe('createTestBus: fakes', () => {
  test('fake([A]) records A without running its handlers, while other events run', async () => {
    const mailer = new Mailer();
    await using t = createTestBus({ handlers, providers: [[Mailer, mailer]] }).fake([
      UserRegistered,
    ]);

    t.bus.emit(new UserRegistered('u1', 'ada@example.com'));
    t.bus.emit(new WelcomeEmailSent('u2'));
    await t.drain();

    expect(mailer.sent).toEqual([]);
    expect(t.emitted(UserRegistered)).toHaveLength(1);
    expect(t.handled(UserRegistered)).toEqual([]);
    expect(t.handled('AuditLog.welcomed')).toHaveLength(1);
    expect(t.bus.resolver.get(AuditLog).entries).toEqual(['welcomed u2']);
  });

  test('fakeExcept([A]) runs only A; fake() fakes everything; unfake() restores', async () => {
    const mailer = new Mailer();
    await using t = createTestBus({ handlers, providers: [[Mailer, mailer]] });
    const audit = t.bus.resolver.get(AuditLog);

    t.fakeExcept([WelcomeEmailSent]);
    t.bus.emit(new OrderPlaced('o1'));
    t.bus.emit(new WelcomeEmailSent('u1'));
    await t.drain();
    expect(audit.entries).toEqual(['welcomed u1']);

    t.fake();
    t.bus.emit(new WelcomeEmailSent('u2'));
    await t.drain();
    expect(audit.entries).toEqual(['welcomed u1']);

    t.unfake();
    t.bus.emit(new WelcomeEmailSent('u3'));
    await t.drain();
    expect(audit.entries).toEqual(['welcomed u1', 'welcomed u3']);
  });

  test('the fake option fakes from the start', async () => {
    const mailer = new Mailer();
    await using t = createTestBus({ handlers, providers: [[Mailer, mailer]], fake: true });

    await t.dispatch(new UserRegistered('u1', 'ada@example.com'));

    expect(mailer.sent).toEqual([]);
    expect(t.emitted()).toEqual([new UserRegistered('u1', 'ada@example.com')]);
  });
});

describe('createTestBus: composition with your options', () => {
  test('your hooks still run (with their `this`), and your dispatchFilter still applies', async () => {
    const seen: string[] = [];
    const hooks = {
      prefix: 'hook',
      onEmitted(this: { prefix: string }, envelope: EventEnvelope) {
        seen.push(`${this.prefix}:emitted:${envelope.name}`);
      },
      onDispatched() {
        seen.push('dispatched');
      },
    };
    await using t = createTestBus({
      handlers: [AuditLog],
      hooks,
      dispatchFilter: (e) => !(e.event instanceof OrderPlaced),
    });

    t.bus.emit(new OrderPlaced('o1'));
    await t.drain();

    expect(seen).toEqual(['hook:emitted:OrderPlaced', 'dispatched']);
    expect(t.outcomes()).toEqual([]);
    expect(t.emitted(OrderPlaced)).toHaveLength(1);
  });

  test('discarded() lists what a failed scope dropped, with the reason', async () => {
    await using t = createTestBus({ handlers: [AuditLog] });

    await expect(
      t.bus.scope(() => {
        t.bus.emit(new OrderPlaced('o1'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await t.drain();

    expect(t.discarded(OrderPlaced)).toEqual([
      {
        envelope: expect.objectContaining({ event: new OrderPlaced('o1') }),
        reason: { kind: 'scope-failed', error: new Error('rolled back') },
      },
    ]);
    expect(t.handled()).toEqual([]);
  });

  test('clearRecording() forgets what was recorded', async () => {
    await using t = createTestBus({ handlers: [AuditLog] });
    await t.dispatch(new OrderPlaced('o1'));

    t.clearRecording();

    expect(t.emitted()).toEqual([]);
    expect(t.outcomes()).toEqual([]);
  });

  test('t.bus is a plain EventBus, and the one handlers injecting EventBus get', () => {
    const t = createTestBus({ handlers: [AuditLog] });
    expect(t.bus).toBeInstanceOf(EventBus);
    expect(t).not.toBeInstanceOf(EventBus);
    expect((t.bus.resolver.get(AuditLog) as unknown as { bus: unknown }).bus).toBe(t.bus);
  });

  test('new TestBus(bus, recording) records a bus you built from recording.instrument(options)', async () => {
    const recording = new EventRecording();
    const bus = createEventBus(recording.instrument({ handlers: [AuditLog] }));
    await using t = new TestBus(bus, recording);

    await t.dispatch(new OrderPlaced('o1'));

    expect(t).toHaveHandled('AuditLog.order');
    expect(recording.handled('AuditLog.order')).toHaveLength(1);
    expect(() => new TestBus(createEventBus(), recording)).toThrow(
      expect.objectContaining({
        code: 'KEB_TESTING_KIT',
        message: expect.stringContaining('not built from recording.instrument(options)'),
      }),
    );
  });
});

describe('createTestBus: disposal', () => {
  test('await using closes the bus when the block ends', async () => {
    let outside: TestBus | undefined;
    {
      await using t = createTestBus({ handlers: [AuditLog] });
      outside = t;
      t.bus.emit(new OrderPlaced('o1'));
    }
    expect(outside.handled('AuditLog.order')).toHaveLength(1);
    expect(() => outside?.bus.emit(new OrderPlaced('o2'))).toThrow(BusClosedError);
  });

  test('disposal on a ManualClock cancels retries still waiting after disposeTimeoutMs', async () => {
    const clock = new ManualClock();
    const mailer = new FlakyMailer(5);
    const t = createTestBus({
      handlers: [SendWelcomeEmail],
      providers: [[Mailer, mailer]],
      clock,
      disposeTimeoutMs: 100,
    });
    t.bus.emit(new UserRegistered('u1', 'ada@example.com'));

    await t[Symbol.asyncDispose]();

    expect(mailer.calls).toBe(1);
    expect(t.failed('SendWelcomeEmail.send')).toEqual([expect.objectContaining({ attempts: 1 })]);
  });
});
