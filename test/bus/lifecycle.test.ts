import { createEventBus, type DiscardInfo, type EventContext, silentLogger } from 'koa-event-bus';
import { gate } from '../fixtures/gate';
import { nextTurn } from '../fixtures/next-turn';
import { recordingLogger } from '../fixtures/recording-logger';

class Job {
  constructor(readonly id: number) {}
}

describe('bounded in-flight work', () => {
  test("overflow 'throw': emit beyond maxInFlight throws KEB_BUS_OVERFLOW to the caller; nothing is lost silently", async () => {
    const ran: number[] = [];
    const bus = createEventBus({ logger: silentLogger, maxInFlight: 3 });
    bus.on(Job, (e) => {
      ran.push(e.id);
    });
    for (const id of [1, 2, 3]) bus.emit(new Job(id));
    expect(() => bus.emit(new Job(4))).toThrow(
      expect.objectContaining({ code: 'KEB_BUS_OVERFLOW', limit: 3 }),
    );
    await expect(bus.dispatch(new Job(5))).rejects.toMatchObject({ code: 'KEB_BUS_OVERFLOW' });
    await bus.drain();
    expect(ran).toEqual([1, 2, 3]);
    bus.emit(new Job(6)); // capacity is back once the work finished
    await bus.drain();
    expect(ran).toEqual([1, 2, 3, 6]);
  });

  test("overflow 'drop': the event is dropped and reported to onDiscard", async () => {
    const discards: DiscardInfo[] = [];
    const bus = createEventBus({
      logger: silentLogger,
      maxInFlight: 1,
      overflow: 'drop',
      hooks: { onDiscard: (d) => discards.push(d) },
    });
    bus.on(Job, () => {});
    expect(bus.emit(new Job(1))).toBeDefined();
    // emit() always returns the envelope: here, the one reported as dropped.
    const dropped = bus.emit(new Job(2));
    await bus.drain();
    expect(discards.map((d) => [d.reason.kind, (d.envelopes[0]!.event as Job).id])).toEqual([
      ['overflow', 2],
    ]);
    expect(discards[0]?.envelopes[0]).toBe(dropped);
  });

  test('events buffered in open scopes count toward the limit', async () => {
    const bus = createEventBus({ logger: silentLogger, maxInFlight: 2 });
    const scope = bus.openScope();
    scope.run(() => {
      bus.emit(new Job(1));
      bus.emit(new Job(2));
      expect(() => bus.emit(new Job(3))).toThrow(
        expect.objectContaining({ code: 'KEB_BUS_OVERFLOW' }),
      );
    });
    scope.commit();
    await bus.drain();
  });

  test('follow-ups of running handlers are always accepted, so chains are never cut in half', async () => {
    class Child {
      constructor(readonly n: number) {}
    }
    const children: number[] = [];
    const bus = createEventBus({ logger: silentLogger, maxInFlight: 1 });
    bus.on(Job, (_e, ctx) => {
      for (let n = 0; n < 5; n++) ctx.emit(new Child(n));
    });
    bus.on(Child, (e) => {
      children.push(e.n);
    });
    bus.emit(new Job(1));
    await bus.drain();
    expect(children).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('drain and close', () => {
  test('drain(timeoutMs) rejects with KEB_DRAIN_TIMEOUT saying what is still pending', async () => {
    const bus = createEventBus({ logger: silentLogger });
    const release = gate();
    bus.on(Job, () => release.opened);
    bus.emit(new Job(1));
    await expect(bus.drain(20)).rejects.toMatchObject({
      code: 'KEB_DRAIN_TIMEOUT',
      pending: expect.objectContaining({ dispatching: 1 }),
    });
    release.open();
    await bus.drain();
  });

  test('close drains, then refuses new events with KEB_BUS_CLOSED', async () => {
    const ran: number[] = [];
    const bus = createEventBus({ logger: silentLogger });
    bus.on(Job, async (e) => {
      await nextTurn();
      ran.push(e.id);
    });
    bus.emit(new Job(1));
    bus.emit(new Job(2));
    const report = await bus.close();
    expect(report).toEqual({
      drained: true,
      pending: expect.objectContaining({ dispatching: 0, queued: 0 }),
      discarded: [],
      lost: [],
    });
    expect(ran).toEqual([1, 2]);
    expect(() => bus.emit(new Job(3))).toThrow(expect.objectContaining({ code: 'KEB_BUS_CLOSED' }));
    expect(await bus.close()).toBe(report);
  });

  test('close with a timeout reports what was left: queued events discarded, retries cancelled, signals aborted', async () => {
    const logger = recordingLogger();
    const discards: DiscardInfo[] = [];
    const aborted: unknown[] = [];
    const bus = createEventBus({
      logger,
      concurrency: 1,
      hooks: { onDiscard: (d) => discards.push(d) },
    });
    bus.on(Job, (e, ctx: EventContext) => {
      if (e.id === 1) {
        return new Promise<void>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted.push(ctx.signal.reason);
            resolve();
          });
        });
      }
      return undefined;
    });
    bus.on(
      Job,
      () => {
        throw new Error('always fails');
      },
      { retry: { attempts: 5, backoffMs: 60_000 }, id: 'slow-retry' },
    );
    bus.emit(new Job(1));
    bus.emit(new Job(2));
    const report = await bus.close(30);
    expect(report.drained).toBe(false);
    expect(report.discarded.map((e) => (e.event as Job).id)).toEqual([2]);
    // Every event that will not be handled, by event id and handler id, and where it was.
    const job = (id: number) =>
      report.discarded
        .concat(discards.flatMap((d) => d.envelopes))
        .find((e) => (e.event as Job).id === id)?.id;
    expect(report.lost).toEqual([
      {
        eventId: job(2),
        event: 'Job',
        correlationId: expect.any(String),
        state: 'queued',
        handlerIds: ['on(Job)#1', 'slow-retry'],
      },
      {
        eventId: job(1),
        event: 'Job',
        correlationId: expect.any(String),
        state: 'retrying',
        handlerIds: ['slow-retry'],
      },
      {
        eventId: job(1),
        event: 'Job',
        correlationId: expect.any(String),
        state: 'running',
        handlerIds: ['on(Job)#1'],
      },
    ]);
    expect(discards.map((d) => [d.reason, d.envelopes.map((e) => (e.event as Job).id)])).toEqual([
      [{ kind: 'closed', state: 'queued' }, [2]],
      [{ kind: 'closed', state: 'running' }, [1]],
    ]);
    expect(aborted).toHaveLength(1);
    expect(aborted[0]).toMatchObject({ code: 'KEB_BUS_CLOSED' });
    expect(bus.deadLetters.map((l) => [l.handlerId, l.attempts, l.reason])).toEqual([
      ['slow-retry', 1, 'closed'],
    ]);
    expect(
      logger.lines.filter((l) => l.level !== 'debug').map((l) => `${l.level}: ${l.msg}`),
    ).toEqual([
      'warn: handler slow-retry failed (attempt 1), retrying in 30000 ms',
      'error: handler slow-retry: retry cancelled by close(), dead-lettered',
      `warn: bus closed after 30 ms with 3 event(s) not handled: Job ${job(2)} (queued: on(Job)#1, slow-retry); Job ${job(1)} (retrying: slow-retry); Job ${job(1)} (running: on(Job)#1)`,
    ]);
    await bus.drain();
  });
});

describe('isolation between buses', () => {
  test('two buses in one process never see each other’s handlers or scopes', async () => {
    const a: number[] = [];
    const b: number[] = [];
    const busA = createEventBus({ logger: silentLogger });
    const busB = createEventBus({ logger: silentLogger });
    busA.on(Job, (e) => {
      a.push(e.id);
    });
    busB.on(Job, (e) => {
      b.push(e.id);
    });
    await busA.scope(async () => {
      busA.emit(new Job(1));
      busB.emit(new Job(2)); // busB has no scope open: dispatched right away
      await busB.drain();
      expect(b).toEqual([2]);
      expect(a).toEqual([]);
    });
    await busA.drain();
    expect(a).toEqual([1]);
    expect(b).toEqual([2]);
  });
});
