import { BusClosedError, type EventEnvelope, HandlerTimeoutError } from 'koa-event-bus';
import { createTestBus, ManualClock, TestBus } from 'koa-event-bus/testing';
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
    await using bus = createTestBus({ handlers, providers: [[Mailer, new Mailer()]] });

    bus.emit(new UserRegistered('u1', 'ada@example.com'));
    await bus.drain();

    // AuditLog.record is synchronous; SendWelcomeEmail.send awaits the mailer first.
    expect(bus.emitted().map((e) => e.constructor.name)).toEqual([
      'UserRegistered',
      'AuditRecorded',
      'AuditRecorded',
      'WelcomeEmailSent',
    ]);
    const [registered] = bus.emitted(UserRegistered);
    expect(registered?.email).toBe('ada@example.com');
    expect(bus.emitted(AuditRecorded).map((e) => e.entry)).toEqual(['ctx u1', 'bus u1']);
    const [root] = bus.envelopes(UserRegistered);
    const [sent] = bus.envelopes(WelcomeEmailSent);
    expect(root?.name).toBe('user.registered');
    expect(sent?.causationId).toBe(root?.id);
    expect(sent?.correlationId).toBe(root?.correlationId);
  });

  test('handled() and failed() read the dispatch reports, by handler id or event class', async () => {
    const clock = new ManualClock();
    await using bus = createTestBus({ handlers, providers: [[Mailer, new FlakyMailer(5)]], clock });

    await bus.dispatch(new UserRegistered('u1', 'ada@example.com'));
    await bus.drain();

    expect(bus.handled('AuditLog.record')).toHaveLength(1);
    expect(bus.failed('SendWelcomeEmail.send')).toEqual([
      expect.objectContaining({ attempts: 3, error: new Error('smtp down (call 3)') }),
    ]);
    expect(bus.failed(UserRegistered).map((o) => o.handlerId)).toEqual(['SendWelcomeEmail.send']);
    expect(bus.errors('SendWelcomeEmail.send').map((e) => e.willRetry)).toEqual([
      true,
      true,
      false,
    ]);
    expect(bus.deadLetters).toHaveLength(1);
    // Reports arrive as dispatches finish: AuditLog's follow-ups (no handlers) before the retried root.
    expect(bus.reports().map((r) => r.envelope.name)).toEqual([
      'AuditRecorded',
      'AuditRecorded',
      'user.registered',
    ]);
  });

  test('with a ManualClock, drain() runs a 3-attempt exponential policy in fake time', async () => {
    const clock = new ManualClock();
    const mailer = new FlakyMailer(2);
    await using bus = createTestBus({
      handlers: [SendWelcomeEmail],
      providers: [[Mailer, mailer]],
      clock,
    });

    bus.emit(new UserRegistered('u1', 'ada@example.com'));
    await bus.drain();

    expect(mailer.calls).toBe(3);
    expect(clock.now()).toBe(200 + 400);
    expect(bus.errors().map((e) => e.retryInMs)).toEqual([200, 400]);
    expect(bus).toHaveHandled('SendWelcomeEmail.send');
    expect(bus.emitted(WelcomeEmailSent)).toEqual([new WelcomeEmailSent('u1')]);
  });

  test('a handler timeout fires on the fake clock', async () => {
    const clock = new ManualClock();
    const stuck = { welcome: () => new Promise<void>(() => {}) };
    await using bus = createTestBus({
      handlers: [SendWelcomeEmail],
      providers: [[Mailer, stuck]],
      clock,
      defaultTimeoutMs: 1_000,
      defaultRetry: { attempts: 1 },
      disposeTimeoutMs: 10,
    });

    await bus.dispatch(new UserRegistered('u1', 'ada@example.com'));

    // SendWelcomeEmail's own policy (3 attempts, 200 ms back-off) wins over the default.
    const [failure] = bus.failed('SendWelcomeEmail.send');
    expect(failure?.error).toBeInstanceOf(HandlerTimeoutError);
    expect(failure?.attempts).toBe(3);
  });
});

describe('createTestBus: fakes', () => {
  test('fake([A]) records A without running its handlers, while other events run', async () => {
    const mailer = new Mailer();
    await using bus = createTestBus({ handlers, providers: [[Mailer, mailer]] }).fake([
      UserRegistered,
    ]);

    bus.emit(new UserRegistered('u1', 'ada@example.com'));
    bus.emit(new WelcomeEmailSent('u2'));
    await bus.drain();

    expect(mailer.sent).toEqual([]);
    expect(bus.emitted(UserRegistered)).toHaveLength(1);
    expect(bus.handled(UserRegistered)).toEqual([]);
    expect(bus.handled('AuditLog.welcomed')).toHaveLength(1);
    expect(bus.resolver.get(AuditLog).entries).toEqual(['welcomed u2']);
  });

  test('fakeExcept([A]) runs only A; fake() fakes everything; unfake() restores', async () => {
    const mailer = new Mailer();
    await using bus = createTestBus({ handlers, providers: [[Mailer, mailer]] });
    const audit = bus.resolver.get(AuditLog);

    bus.fakeExcept([WelcomeEmailSent]);
    bus.emit(new OrderPlaced('o1'));
    bus.emit(new WelcomeEmailSent('u1'));
    await bus.drain();
    expect(audit.entries).toEqual(['welcomed u1']);

    bus.fake();
    bus.emit(new WelcomeEmailSent('u2'));
    await bus.drain();
    expect(audit.entries).toEqual(['welcomed u1']);

    bus.unfake();
    bus.emit(new WelcomeEmailSent('u3'));
    await bus.drain();
    expect(audit.entries).toEqual(['welcomed u1', 'welcomed u3']);
  });

  test('the fake option fakes from the start', async () => {
    const mailer = new Mailer();
    await using bus = createTestBus({ handlers, providers: [[Mailer, mailer]], fake: true });

    await bus.dispatch(new UserRegistered('u1', 'ada@example.com'));

    expect(mailer.sent).toEqual([]);
    expect(bus.emitted()).toEqual([new UserRegistered('u1', 'ada@example.com')]);
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
    await using bus = createTestBus({
      handlers: [AuditLog],
      hooks,
      dispatchFilter: (e) => !(e.event instanceof OrderPlaced),
    });

    bus.emit(new OrderPlaced('o1'));
    await bus.drain();

    expect(seen).toEqual(['hook:emitted:OrderPlaced', 'dispatched']);
    expect(bus.outcomes()).toEqual([]);
    expect(bus.emitted(OrderPlaced)).toHaveLength(1);
  });

  test('discarded() lists what a failed scope dropped, with the reason', async () => {
    await using bus = createTestBus({ handlers: [AuditLog] });

    await expect(
      bus.scope(() => {
        bus.emit(new OrderPlaced('o1'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await bus.drain();

    expect(bus.discarded(OrderPlaced)).toEqual([
      {
        envelope: expect.objectContaining({ event: new OrderPlaced('o1') }),
        reason: { kind: 'scope-failed', error: new Error('rolled back') },
      },
    ]);
    expect(bus.handled()).toEqual([]);
  });

  test('clearRecording() forgets what was recorded', async () => {
    await using bus = createTestBus({ handlers: [AuditLog] });
    await bus.dispatch(new OrderPlaced('o1'));

    bus.clearRecording();

    expect(bus.emitted()).toEqual([]);
    expect(bus.outcomes()).toEqual([]);
  });

  test('is an EventBus: handlers injecting EventBus get the test bus', () => {
    const bus = createTestBus({ handlers: [AuditLog] });
    expect(bus).toBeInstanceOf(TestBus);
    expect((bus.resolver.get(AuditLog) as unknown as { bus: unknown }).bus).toBe(bus);
  });
});

describe('createTestBus: disposal', () => {
  test('await using closes the bus when the block ends', async () => {
    let outside: TestBus | undefined;
    {
      await using bus = createTestBus({ handlers: [AuditLog] });
      outside = bus;
      bus.emit(new OrderPlaced('o1'));
    }
    expect(outside.handled('AuditLog.order')).toHaveLength(1);
    expect(() => outside?.emit(new OrderPlaced('o2'))).toThrow(BusClosedError);
  });

  test('disposal on a ManualClock cancels retries still waiting after disposeTimeoutMs', async () => {
    const clock = new ManualClock();
    const mailer = new FlakyMailer(5);
    const bus = createTestBus({
      handlers: [SendWelcomeEmail],
      providers: [[Mailer, mailer]],
      clock,
      disposeTimeoutMs: 100,
    });
    bus.emit(new UserRegistered('u1', 'ada@example.com'));

    await bus[Symbol.asyncDispose]();

    expect(mailer.calls).toBe(1);
    expect(bus.failed('SendWelcomeEmail.send')).toEqual([expect.objectContaining({ attempts: 1 })]);
  });
});
