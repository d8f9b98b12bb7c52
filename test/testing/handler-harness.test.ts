import { EventHandler, HandlerTimeoutError, OnEvent } from 'koa-event-bus';
import { type HandlerHarness, handlerHarness, TestingKitError } from 'koa-event-bus/testing';
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

class Pinged {
  constructor(readonly n: number) {}
}
class Ponged {
  constructor(readonly n: number) {}
}

@EventHandler()
class PingPong {
  readonly calls: string[] = [];
  @OnEvent(Pinged)
  ping(e: Pinged) {
    this.calls.push(`ping ${e.n}`);
    return new Ponged(e.n);
  }
  @OnEvent(Ponged)
  pong(e: Ponged) {
    this.calls.push(`pong ${e.n}`);
  }
}

@EventHandler()
class TwoWays {
  readonly calls: string[] = [];
  private failures = 1;
  @OnEvent(Pinged, { retry: { attempts: 2, backoffMs: 10 } })
  flaky() {
    this.calls.push('flaky');
    if (this.failures-- > 0) throw new Error('once');
  }
  @OnEvent(Pinged)
  steady() {
    this.calls.push('steady');
  }
}

let ping: HandlerHarness<PingPong>;
beforeEach(() => {
  ping = handlerHarness(PingPong);
});
afterEach(() => ping[Symbol.asyncDispose]());

describe('handlerHarness', () => {
  test('runs one event through the handler with overridden dependencies', async () => {
    const mailer = new Mailer();
    await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, mailer]] });

    const run = await h.run(new UserRegistered('u1', 'ada@example.com'), { method: 'send' });

    expect(mailer.sent).toEqual(['ada@example.com']);
    expect(run.status).toBe('succeeded');
    expect(run.result).toEqual(new WelcomeEmailSent('u1'));
    expect(run.result?.userId).toBe('u1'); // typed from SendWelcomeEmail.send
    expect(run.followUps).toEqual([new WelcomeEmailSent('u1')]);
    expect(run.followUps.of(WelcomeEmailSent)[0]?.userId).toBe('u1');
    expect(run.attempts).toBe(1);
    expect(run.error).toBeUndefined();
    expect(run.handlerId).toBe('SendWelcomeEmail.send');
    expect(run.followUpEnvelopes[0]?.causationId).toBe(run.envelope.id);
    expect(run).toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
  });

  test('collects follow-ups emitted through ctx.emit and an injected EventBus, without dispatching them', async () => {
    await using h = handlerHarness(AuditLog);

    const run = await h.run(new UserRegistered('u1', 'ada@example.com'));

    expect(run.followUps.of(AuditRecorded).map((e) => e.entry)).toEqual(['ctx u1', 'bus u1']);
    expect(h.handled(AuditRecorded)).toEqual([]);
    expect(h.instance.entries).toEqual(['registered u1']);
  });

  test('follow-ups are recorded, not run through the class, even when it handles them', async () => {
    const run = await ping.run(new Pinged(1));

    expect(run.followUps).toEqual([new Ponged(1)]);
    expect(ping.instance.calls).toEqual(['ping 1']);
  });

  test("retries: 'apply' follows the method's policy on the fake clock, in no real time", async () => {
    const mailer = new FlakyMailer(2);
    await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, mailer]] });

    const run = await h.run(new UserRegistered('u1', 'ada@example.com'));

    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(3);
    expect(run.errors.map((e) => e.message)).toEqual(['smtp down (call 1)', 'smtp down (call 2)']);
    expect(run.retryDelays).toEqual([200, 400]);
    expect(run.elapsedMs).toBe(600);
    expect(mailer.sent).toEqual(['ada@example.com']);
  });

  test("retries: 'apply' reports the last error and no follow-ups when every attempt fails", async () => {
    await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, new FlakyMailer(9)]] });

    const run = await h.run(new UserRegistered('u1', 'ada@example.com'));

    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(3);
    expect(run.error?.message).toBe('smtp down (call 3)');
    expect(run.followUps).toEqual([]);
    expect(run).toHaveFailed('SendWelcomeEmail.send');
    expect(h.bus.deadLetters).toHaveLength(1);
  });

  test("retries: 'bypass' stops after the first failed attempt; the retry never runs", async () => {
    const mailer = new FlakyMailer(1);
    await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, mailer]] });

    const failed = await h.run(new UserRegistered('u1', 'ada@example.com'), { retries: 'bypass' });

    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.error?.message).toBe('smtp down (call 1)');
    expect(failed.report.ok).toBe(false);
    expect(failed.elapsedMs).toBe(0);
    expect(h.bus.deadLetters.map((l) => l.attempts)).toEqual([1]); // a bypassed failure is final

    // Time passing does not bring a retry back.
    await h.clock.advance(60_000);
    expect(mailer.calls).toBe(1);

    // The next run works normally (the mailer has recovered).
    const ok = await h.run(new UserRegistered('u2', 'bob@example.com'), { retries: 'bypass' });
    expect(ok.status).toBe('succeeded');
    expect(mailer.sent).toEqual(['bob@example.com']);
  });

  test("the harness option retries: 'bypass' applies to every run", async () => {
    const mailer = new FlakyMailer(9);
    await using h = handlerHarness(SendWelcomeEmail, {
      providers: [[Mailer, mailer]],
      retries: 'bypass',
    });

    const run = await h.run(new UserRegistered('u1', 'ada@example.com'));

    expect(run.attempts).toBe(1);
    expect(mailer.calls).toBe(1);
  });

  test("'bypass' holds back only the chosen method's retry; other methods on the event retry as usual", async () => {
    await using h = handlerHarness(TwoWays);

    const run = await h.run(new Pinged(1), { method: 'steady', retries: 'bypass' });

    expect(run.status).toBe('succeeded');
    expect(h.instance.calls).toEqual(['flaky', 'steady', 'flaky']);
    expect(run.report?.outcome('TwoWays.flaky')?.attempts).toBe(2);
  });

  test('a handler timeout is reached on the fake clock', async () => {
    const stuck = { welcome: () => new Promise<void>(() => {}) };
    await using h = handlerHarness(SendWelcomeEmail, {
      providers: [[Mailer, stuck]],
      defaultTimeoutMs: 5_000,
    });

    const run = await h.run(new UserRegistered('u1', 'ada@example.com'), { retries: 'bypass' });

    expect(run.error).toBeInstanceOf(HandlerTimeoutError);
    expect(run.elapsedMs).toBe(5_000);
  });

  test("a `when` predicate that returns false gives status 'skipped'", async () => {
    await using h = handlerHarness(AuditLog);

    const run = await h.run(new OrderPlaced('ignored'), { method: 'order' });

    expect(run.status).toBe('skipped');
    expect(run.attempts).toBe(0);
  });

  test('method picks one of several methods handling the event (others run too, as on a real bus)', async () => {
    await using h = handlerHarness(AuditLog);

    const run = await h.run(new OrderPlaced('o1'), { method: 'order' });

    expect(run.handlerId).toBe('AuditLog.order');
    expect(run.result).toBe(2);
    expect(run.report?.outcomes.map((o) => o.handlerId)).toEqual([
      'AuditLog.order',
      'audit.orders-twice',
    ]);
    const again = await h.run(new OrderPlaced('o2'), { method: 'orderAgain' });
    expect(again.handlerId).toBe('audit.orders-twice');
  });

  test('misuse is a TestingKitError naming the methods that would do', async () => {
    await using h = handlerHarness(AuditLog);

    await expect(h.run(new OrderPlaced('o1'))).rejects.toThrow(
      new TestingKitError(
        'Several methods of AuditLog handle OrderPlaced: order, orderAgain.',
        "Pass { method: 'order' } (or another of them) to run().",
      ),
    );
    await expect(h.run(new UserRegistered('u1', 'a@b.c'), { method: 'welcomed' })).rejects.toThrow(
      'AuditLog.welcomed does not handle UserRegistered. Methods of AuditLog that handle UserRegistered: record.',
    );
    // @ts-expect-error AuditLog does not handle AuditRecorded (a compile error too)
    await expect(h.run(new AuditRecorded('x'))).rejects.toMatchObject({
      code: 'KEB_TESTING_KIT',
      message: expect.stringContaining(
        'AuditLog has no @OnEvent method for AuditRecorded; it handles UserRegistered, WelcomeEmailSent, OrderPlaced.',
      ),
    });
  });

  test('the instance is built once and kept across runs', async () => {
    await using h = handlerHarness(AuditLog);

    await h.run(new UserRegistered('u1', 'a@b.c'));
    await h.run(new UserRegistered('u2', 'c@d.e'));

    expect(h.instance.entries).toEqual(['registered u1', 'registered u2']);
    expect(h.bus.resolver.get(AuditLog)).toBe(h.instance);
  });

  test('disposing after a bypassed run cancels the held retry', async () => {
    const mailer = new FlakyMailer(9);
    const h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, mailer]] });
    await h.run(new UserRegistered('u1', 'ada@example.com'), { retries: 'bypass' });

    await h[Symbol.asyncDispose]();

    expect(mailer.calls).toBe(1);
    expect(h.bus.pending()).toEqual({
      buffered: 0,
      openScopes: 0,
      queued: 0,
      dispatching: 0,
      retrying: 0,
      publishing: 0,
    });
  });
});
