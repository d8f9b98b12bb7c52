import {
  createEventBus,
  type EventContext,
  EventHandler,
  type HandlerErrorInfo,
  isNonRetriable,
  NonRetriableError,
  OnEvent,
  type RetryPolicy,
  silentLogger,
} from 'koa-event-bus';
import { ManualClock } from 'koa-event-bus/testing';

class Charge {
  constructor(readonly orderId: string) {}
}
class Charged {
  constructor(readonly orderId: string) {}
}

/**
 * Runs a handler that always fails under `retry` on a ManualClock and returns
 * the waits between its attempts, read from the clock, and the delays the
 * onError hook announced: the two must agree.
 */
async function retryWaits(retry: RetryPolicy, random?: () => number) {
  const clock = new ManualClock();
  const startedAt: number[] = [];
  const announced: (number | undefined)[] = [];
  const bus = createEventBus({
    logger: silentLogger,
    clock,
    ...(random ? { random } : {}),
    hooks: { onError: (i) => i.willRetry && announced.push(i.retryInMs) },
  });
  bus.on(
    Charge,
    () => {
      startedAt.push(clock.now());
      throw new Error('gateway busy');
    },
    { retry },
  );
  const report = await clock.runUntil(bus.dispatch(new Charge('o-1')));
  expect(report.outcomes[0]).toMatchObject({ status: 'failed', attempts: retry.attempts });
  const waits = startedAt.slice(1).map((at, i) => at - startedAt[i]!);
  expect(announced).toEqual(waits);
  return waits;
}

describe('retry delays', () => {
  test('fixed waits backoffMs every time', async () => {
    expect(await retryWaits({ attempts: 4, backoffMs: 50, strategy: 'fixed' })).toEqual([
      50, 50, 50,
    ]);
  });

  test('exponential (the default strategy) doubles and is capped by maxDelayMs', async () => {
    expect(await retryWaits({ attempts: 6, backoffMs: 100, maxDelayMs: 500 })).toEqual([
      100, 200, 400, 500, 500,
    ]);
  });

  test('full jitter spreads over 0..delay, drawn from the `random` option', async () => {
    const full: RetryPolicy = { attempts: 3, backoffMs: 100, jitter: true };
    expect(await retryWaits(full, () => 0)).toEqual([0, 0]);
    expect(await retryWaits(full, () => 0.5)).toEqual([50, 100]);
  });

  test('fractional jitter f spreads over delay·(1±f)', async () => {
    const part: RetryPolicy = { attempts: 3, backoffMs: 100, jitter: 0.2 };
    expect(await retryWaits(part, () => 0)).toEqual([80, 160]);
    expect(await retryWaits(part, () => 0.999999)).toEqual([120, 240]);
  });
});

describe('retries', () => {
  afterEach(() => jest.useRealTimers());

  test('a 3-attempt exponential policy retries after 100 then 200 ms and then succeeds', async () => {
    jest.useFakeTimers({ now: 0 });
    const attempts: { attempt: number; at: number; envelopeAttempt: number }[] = [];
    const errors: HandlerErrorInfo[] = [];

    @EventHandler()
    class Flaky {
      @OnEvent(Charge, { retry: { attempts: 3, backoffMs: 100, strategy: 'exponential' } })
      charge(e: Charge, ctx: EventContext) {
        attempts.push({
          attempt: ctx.attempt,
          at: Date.now(),
          envelopeAttempt: ctx.envelope.attempt,
        });
        if (ctx.attempt < 3) throw new Error(`gateway busy (${ctx.attempt})`);
        return new Charged(e.orderId);
      }
    }

    const bus = createEventBus({
      handlers: [Flaky],
      logger: silentLogger,
      hooks: { onError: (i) => errors.push(i) },
    });
    const charged = bus.waitFor(Charged, { timeoutMs: 10_000 });
    const done = bus.dispatch(new Charge('o-1'));
    await jest.advanceTimersByTimeAsync(1_000);
    const report = await done;
    await bus.drain();

    expect(attempts).toEqual([
      { attempt: 1, at: 0, envelopeAttempt: 1 },
      { attempt: 2, at: 100, envelopeAttempt: 2 },
      { attempt: 3, at: 300, envelopeAttempt: 3 },
    ]);
    expect(errors.map((e) => [e.attempt, e.willRetry, e.retryInMs, e.error.message])).toEqual([
      [1, true, 100, 'gateway busy (1)'],
      [2, true, 200, 'gateway busy (2)'],
    ]);
    expect(report.outcomes[0]).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(await charged).toEqual(new Charged('o-1'));
    expect(bus.deadLetters).toEqual([]);
  });

  test('after the last attempt the invocation is dead-lettered, and drain waited for every retry timer', async () => {
    jest.useFakeTimers({ now: 0 });
    const bus = createEventBus({
      logger: silentLogger,
      defaultRetry: { attempts: 2, backoffMs: 500, strategy: 'fixed' },
    });
    bus.on(Charge, () => {
      throw new Error('card declined');
    });
    bus.emit(new Charge('o-2'));
    let drained = false;
    const drain = bus.drain().then(() => {
      drained = true;
    });
    await jest.advanceTimersByTimeAsync(499);
    expect(drained).toBe(false);
    expect(bus.pending()).toMatchObject({ retrying: 1, dispatching: 1 });
    await jest.advanceTimersByTimeAsync(1);
    await drain;
    expect(bus.deadLetters).toHaveLength(1);
    expect(bus.deadLetters[0]).toMatchObject({
      handlerId: 'on(Charge)#1',
      attempts: 2,
      error: { message: 'card declined' },
    });
    expect(bus.deadLetters[0]!.envelope.event).toEqual(new Charge('o-2'));
  });

  test('a timeout counts as a failed attempt and is retried', async () => {
    jest.useFakeTimers({ now: 0 });
    const seen: number[] = [];
    const bus = createEventBus({ logger: silentLogger });
    bus.on(
      Charge,
      (_e, ctx) => {
        seen.push(ctx.attempt);
        return ctx.attempt === 1 ? new Promise(() => {}) : 'fast';
      },
      { timeoutMs: 1_000, retry: { attempts: 2, backoffMs: 10 } },
    );
    const done = bus.dispatch(new Charge('o-3'));
    await jest.advanceTimersByTimeAsync(1_010);
    const report = await done;
    expect(seen).toEqual([1, 2]);
    expect(report.outcomes[0]).toMatchObject({ status: 'succeeded', attempts: 2, result: 'fast' });
  });
});

describe('shouldRetry', () => {
  class PermanentFailure extends Error {}

  test('vetoes retries for errors no retry can fix; other errors retry as the policy says', async () => {
    const attempts: string[] = [];
    const bus = createEventBus({
      logger: silentLogger,
      defaultRetry: { attempts: 3 },
      shouldRetry: ({ error }) => !(error instanceof PermanentFailure),
    });
    bus.on(Charge, (e, ctx) => {
      attempts.push(`${e.orderId}#${ctx.attempt}`);
      if (e.orderId === 'bad-card') throw new PermanentFailure('card number invalid');
      if (ctx.attempt < 3) throw new Error('gateway busy');
    });
    const bad = await bus.dispatch(new Charge('bad-card'));
    const busy = await bus.dispatch(new Charge('busy'));
    expect(attempts).toEqual(['bad-card#1', 'busy#1', 'busy#2', 'busy#3']);
    expect(bad.outcomes[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(busy.outcomes[0]).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(bus.deadLetters.map((l) => l.error.message)).toEqual(['card number invalid']);
  });

  test('a shouldRetry that throws means no retry (and is logged)', async () => {
    const bus = createEventBus({
      logger: silentLogger,
      defaultRetry: { attempts: 3 },
      shouldRetry: () => {
        throw new Error('broken veto');
      },
    });
    bus.on(Charge, () => {
      throw new Error('x');
    });
    const report = await bus.dispatch(new Charge('o'));
    expect(report.outcomes[0]?.attempts).toBe(1);
  });
});

describe('NonRetriableError', () => {
  it('fails the attempt and dead-letters it at once, whatever the retry policy', async () => {
    const errors: HandlerErrorInfo[] = [];
    const bus = createEventBus({ logger: silentLogger, hooks: { onError: (i) => errors.push(i) } });
    let calls = 0;
    bus.on(
      Charge,
      (e) => {
        calls++;
        throw new NonRetriableError(`order ${e.orderId} no longer exists`);
      },
      { id: 'charge', retry: { attempts: 5, backoffMs: 1_000 } },
    );
    const report = await bus.dispatch(new Charge('o-1'));
    expect(calls).toBe(1);
    expect(report.outcomes).toMatchObject([{ handlerId: 'charge', status: 'failed', attempts: 1 }]);
    expect(errors.map((e) => [e.attempt, e.willRetry, e.error.message])).toEqual([
      [1, false, expect.stringContaining('order o-1 no longer exists')],
    ]);
    expect(bus.deadLetters).toMatchObject([{ handlerId: 'charge', attempts: 1, reason: 'failed' }]);
    expect(isNonRetriable(bus.deadLetters[0]?.error)).toBe(true);
    expect(bus.deadLetters[0]?.error).toMatchObject({ code: 'KEB_NON_RETRIABLE' });
  });

  it('is recognised by its code: an error from another copy of the package is not retried either', async () => {
    const bus = createEventBus({ logger: silentLogger });
    let calls = 0;
    bus.on(
      Charge,
      () => {
        calls++;
        throw Object.assign(new Error('foreign copy'), { code: 'KEB_NON_RETRIABLE' });
      },
      { retry: { attempts: 3 } },
    );
    await bus.dispatch(new Charge('o-2'));
    expect(calls).toBe(1);
  });
});
