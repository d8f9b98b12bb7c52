import { createTestBus, handlerHarness, type TestBus } from 'koa-event-bus/testing';
import {
  AuditLog,
  FlakyMailer,
  failureOf,
  Mailer,
  OrderPlaced,
  SendWelcomeEmail,
  UserRegistered,
  WelcomeEmailSent,
} from './fixtures';

let t: TestBus;
beforeEach(async () => {
  t = createTestBus({ handlers: [AuditLog] });
  t.bus.emit(new UserRegistered('u1', 'ada@example.com'));
  t.bus.emit(new OrderPlaced('o1'));
  await t.drain();
});
afterEach(() => t[Symbol.asyncDispose]());

describe('toHaveEmitted', () => {
  test('passes on the class, and on a partial (asymmetric matchers allowed)', () => {
    expect(t).toHaveEmitted(UserRegistered);
    expect(t).toHaveEmitted(UserRegistered, { email: 'ada@example.com' });
    expect(t).toHaveEmitted(UserRegistered, { userId: expect.stringMatching(/^u/) });
    expect(t).not.toHaveEmitted(WelcomeEmailSent);
    expect(t).not.toHaveEmitted(UserRegistered, { email: 'bob@example.com' });
  });

  test('failure lists the events of that class that did not match, then everything emitted', () => {
    const message = failureOf(() =>
      expect(t).toHaveEmitted(UserRegistered, { email: 'bob@example.com' }),
    );

    expect(message).toBe(
      [
        'expect(received).toHaveEmitted(EventClass, partial)',
        '',
        'Expected: UserRegistered matching {"email": "bob@example.com"}',
        'Received: UserRegistered, none matching (1):',
        '  1. UserRegistered {"email": "ada@example.com", "userId": "u1"}',
        '',
        'Emitted (4):',
        '  1. UserRegistered {"email": "ada@example.com", "userId": "u1"}',
        '  2. OrderPlaced {"orderId": "o1"}',
        '  3. AuditRecorded {"entry": "ctx u1"}',
        '  4. AuditRecorded {"entry": "bus u1"}',
      ].join('\n'),
    );
  });

  test('failure when no event of the class was emitted', async () => {
    await using empty = createTestBus();
    expect(failureOf(() => expect(empty).toHaveEmitted(WelcomeEmailSent))).toBe(
      [
        'expect(received).toHaveEmitted(EventClass)',
        '',
        'Expected: WelcomeEmailSent',
        'Received: no WelcomeEmailSent',
        '',
        'Emitted: nothing',
      ].join('\n'),
    );
  });

  test('.not failure lists the matching events', () => {
    const message = failureOf(() => expect(t).not.toHaveEmitted(OrderPlaced));
    expect(message).toContain(
      [
        'expect(received).not.toHaveEmitted(EventClass)',
        '',
        'Expected: no OrderPlaced',
        'Received (1):',
        '  1. OrderPlaced {"orderId": "o1"}',
      ].join('\n'),
    );
  });

  test('discarded and faked events are marked in the listing', async () => {
    await using faked = createTestBus({ handlers: [AuditLog], fake: [OrderPlaced] });
    faked.bus.emit(new OrderPlaced('o1'));
    await faked.bus
      .scope(() => {
        faked.bus.emit(new OrderPlaced('o2'));
        throw new Error('no');
      })
      .catch(() => {});
    await faked.drain();

    expect(failureOf(() => expect(faked).toHaveEmitted(UserRegistered))).toContain(
      [
        'Emitted (2):',
        '  1. OrderPlaced {"orderId": "o1"}  [faked]',
        '  2. OrderPlaced {"orderId": "o2"}  [discarded: scope-failed]',
      ].join('\n'),
    );
  });
});

describe('toHaveEmittedTimes', () => {
  test('counts matching events', () => {
    t.bus.emit(new OrderPlaced('o2'));
    expect(t).toHaveEmittedTimes(OrderPlaced, 2);
    expect(t).toHaveEmittedTimes(OrderPlaced, 1, { orderId: 'o2' });
    expect(t).toHaveEmittedTimes(WelcomeEmailSent, 0);
    expect(t).not.toHaveEmittedTimes(OrderPlaced, 3);
  });

  test('failure says how many matched and lists what was emitted', () => {
    const message = failureOf(() => expect(t).toHaveEmittedTimes(UserRegistered, 2));
    expect(message).toContain(
      [
        'expect(received).toHaveEmittedTimes(EventClass, times)',
        '',
        'Expected: 2 × UserRegistered',
        'Received: 1',
        '',
        'Emitted (4):',
      ].join('\n'),
    );
  });

  test('rejects a bad count', () => {
    expect(failureOf(() => expect(t).toHaveEmittedTimes(UserRegistered, -1))).toContain(
      'times must be a non-negative integer, got -1',
    );
  });
});

describe('toHaveHandled / toHaveFailed', () => {
  test('by handler id or by event class', async () => {
    await using h = handlerHarness(SendWelcomeEmail, {
      providers: [[Mailer, new FlakyMailer(9)]],
    });
    await h.run(new UserRegistered('u1', 'ada@example.com'));

    expect(t).toHaveHandled('AuditLog.record');
    expect(t).toHaveHandled(OrderPlaced);
    expect(t).not.toHaveHandled(WelcomeEmailSent);
    expect(t).not.toHaveFailed('AuditLog.record');
    expect(h).toHaveFailed('SendWelcomeEmail.send');
    expect(h).toHaveFailed(UserRegistered);
    expect(h).not.toHaveHandled(UserRegistered);
  });

  test('failure lists every handler outcome and what was emitted', async () => {
    await using h = handlerHarness(SendWelcomeEmail, {
      providers: [[Mailer, new FlakyMailer(9)]],
    });
    await h.run(new UserRegistered('u1', 'ada@example.com'));

    expect(failureOf(() => expect(h).toHaveHandled('SendWelcomeEmail.send'))).toBe(
      [
        'expect(received).toHaveHandled(handlerId)',
        '',
        'Expected: a successful invocation of SendWelcomeEmail.send',
        'Received: none',
        '',
        'Handler outcomes (1):',
        '  1. SendWelcomeEmail.send ← UserRegistered: failed after 3 attempts (Error: smtp down (call 3))',
        'Emitted (1):',
        '  1. UserRegistered {"email": "ada@example.com", "userId": "u1"}',
      ].join('\n'),
    );
    expect(failureOf(() => expect(h).not.toHaveFailed(UserRegistered))).toContain(
      [
        'Expected: no failed invocation of a handler for UserRegistered',
        'Received (1):',
        '  1. SendWelcomeEmail.send ← UserRegistered: failed after 3 attempts (Error: smtp down (call 3))',
      ].join('\n'),
    );
  });
});

describe('received values', () => {
  test('a HandlerRun: its follow-ups and its outcome', async () => {
    await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, new Mailer()]] });
    const run = await h.run(new UserRegistered('u1', 'ada@example.com'));

    expect(run).toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
    expect(run).not.toHaveEmitted(UserRegistered);
    expect(run).toHaveHandled('SendWelcomeEmail.send');
  });

  test('anything without a recording is a usage error, even under .not', () => {
    const plainBus = { emit() {} };
    const message = failureOf(() => expect(plainBus).not.toHaveEmitted(UserRegistered));
    expect(message).toContain('Received {"emit": [Function emit]}, which has no recording.');
    expect(message).toContain('Pass a TestBus (createTestBus)');
  });

  test("a TestBus's bus is a usage error that names the TestBus to pass instead", () => {
    const message = failureOf(() => expect(t.bus).toHaveEmitted(UserRegistered));
    expect(message).toContain(
      'Received an EventBus, which records nothing itself: pass the TestBus that createTestBus returned (expect(t), not expect(t.bus)).',
    );
  });

  test('a non-class first argument is a usage error', () => {
    expect(
      failureOf(() =>
        expect(t).toHaveEmitted('UserRegistered' as unknown as typeof UserRegistered),
      ),
    ).toContain('The first argument must be an event class, got "UserRegistered"');
  });
});
