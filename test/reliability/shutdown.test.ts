import { Agent, request } from 'node:http';
import Koa from 'koa';
import {
  createApp,
  createEventBus,
  type DiscardInfo,
  type EventContext,
  EventHandler,
  eventScope,
  OnEvent,
} from 'koa-event-bus';
import supertest from 'supertest';
import { gate } from '../fixtures/gate';
import { recordingLogger } from '../fixtures/recording-logger';

class OrderPlaced {
  constructor(readonly n: number) {}
}
class ReceiptSent {
  constructor(readonly n: number) {}
}

const handled: number[] = [];
@EventHandler()
class Receipts {
  @OnEvent(OrderPlaced)
  placed(e: OrderPlaced): void {
    handled.push(e.n);
  }
}

function get(port: number, path: string, agent?: Agent) {
  return new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
    request(
      { host: '127.0.0.1', port, path, method: 'POST', ...(agent ? { agent } : {}) },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    )
      .on('error', reject)
      .end();
  });
}

beforeEach(() => {
  handled.length = 0;
});

describe('app.close() under keep-alive load', () => {
  test('resolves when the last in-flight request is done (not at keepAliveTimeout); its response closes the connection; its events run', async () => {
    const app = createApp({ handlers: [Receipts], logger: recordingLogger() });
    const inHandler = gate();
    const release = gate();
    let calls = 0;
    app.router.post('/slow', async (ctx) => {
      calls++;
      app.bus.emit(new OrderPlaced(calls));
      inHandler.open();
      await release.opened;
      ctx.status = 201;
    });
    await app.listen(0, '127.0.0.1');
    app.server!.keepAliveTimeout = 30_000;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const port = app.port();
      const response = get(port, '/slow', agent);
      await inHandler.opened;
      const started = performance.now();
      const closed = app.close(20_000);
      release.open();
      const { status, headers } = await response;
      const report = await closed;
      const elapsed = performance.now() - started;
      expect(status).toBe(201);
      expect(headers.connection).toBe('close');
      expect(elapsed).toBeLessThan(2_000); // keepAliveTimeout is 30 s
      expect(report).toMatchObject({ drained: true, lost: [], connectionsForced: false });
      expect(handled).toEqual([1]);
      // Nothing is served any more, on any connection.
      await expect(get(port, '/slow', agent)).rejects.toThrow();
      expect(calls).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  test('a request still running at the timeout: its connection is cut, its events are reported by id as lost, and what it emits later is a reported discard', async () => {
    const discards: DiscardInfo[] = [];
    const logger = recordingLogger();
    const app = createApp({
      handlers: [Receipts],
      logger,
      hooks: { onDiscard: (d) => discards.push(d) },
    });
    const inHandler = gate();
    const release = gate();
    let emitted: string | undefined;
    let lateEmitError: unknown = 'none';
    app.router.post('/stuck', async (ctx) => {
      emitted = app.bus.emit(new OrderPlaced(7))?.id;
      inHandler.open();
      await release.opened;
      try {
        app.bus.emit(new OrderPlaced(8));
      } catch (err) {
        lateEmitError = err;
      }
      ctx.status = 201;
    });
    await app.listen(0, '127.0.0.1');
    const response = get(app.port(), '/stuck').catch((err: Error) => err);
    await inHandler.opened;
    const report = await app.close(100);
    expect(report.connectionsForced).toBe(true);
    expect(report.drained).toBe(false);
    expect(report.lost).toEqual([
      {
        eventId: emitted,
        event: 'OrderPlaced',
        correlationId: expect.any(String),
        state: 'buffered',
        handlerIds: ['Receipts.placed'],
      },
    ]);
    expect(discards.map((d) => [d.reason, d.envelopes.map((e) => e.id)])).toEqual([
      [{ kind: 'closed', state: 'buffered' }, [emitted]],
    ]);
    // The client saw its connection cut (the error comes from Node's realm, not Jest's: no instanceof).
    expect(await response).toMatchObject({
      message: expect.stringMatching(/socket hang up|ECONNRESET/),
    });
    release.open();
    await app.bus.drain(1_000);
    // The request went on after close: its late emit is discarded and reported, never thrown.
    expect(lateEmitError).toBe('none');
    expect(discards.at(-1)?.reason).toEqual({ kind: 'closed', state: 'buffered' });
    expect(handled).toEqual([]);
  });
});

describe('bus.close() names every event it could not see through', () => {
  test('a handler that never settles: lost as running, by event and handler id; its signal aborts; a follow-up it commits later is a reported late discard', async () => {
    const discards: DiscardInfo[] = [];
    const logger = recordingLogger();
    const release = gate();
    const aborted: unknown[] = [];
    const bus = createEventBus({ logger, hooks: { onDiscard: (d) => discards.push(d) } });
    bus.on(
      OrderPlaced,
      async (_e, ctx: EventContext) => {
        ctx.signal.addEventListener('abort', () => aborted.push(ctx.signal.reason));
        await release.opened;
        ctx.emit(new ReceiptSent(1));
      },
      { id: 'hangs' },
    );
    const envelope = bus.emit(new OrderPlaced(1));
    const report = await bus.close(50);
    expect(report.lost).toEqual([
      {
        eventId: envelope?.id,
        event: 'OrderPlaced',
        correlationId: envelope?.correlationId,
        state: 'running',
        handlerIds: ['hangs'],
      },
    ]);
    expect(aborted).toEqual([expect.objectContaining({ code: 'KEB_BUS_CLOSED' })]);
    release.open();
    await bus.drain(1_000);
    const late = discards.find((d) => (d.reason as { state?: string }).state === 'late');
    expect(late?.envelopes.map((e) => e.name)).toEqual(['ReceiptSent']);
    expect(
      logger.lines.some(
        (l) => l.level === 'warn' && /committed after the bus was closed/.test(l.msg),
      ),
    ).toBe(true);
    expect(logger.lines.some((l) => /before connect/.test(l.msg))).toBe(false);
    expect(bus.internalFaults).toBe(0);
  });

  test('a running handler that rejects once its signal aborts is dead-lettered with reason closed', async () => {
    const bus = createEventBus({ logger: recordingLogger() });
    bus.on(
      OrderPlaced,
      (_e, ctx: EventContext) =>
        new Promise<void>((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        ),
      { id: 'aborts' },
    );
    bus.emit(new OrderPlaced(2));
    const report = await bus.close(30);
    expect(report.lost.map((l) => [l.state, l.handlerIds])).toEqual([['running', ['aborts']]]);
    await bus.drain(1_000);
    expect(
      bus.deadLetters.map((l) => [l.handlerId, l.reason, (l.error as { code?: string }).code]),
    ).toEqual([['aborts', 'closed', 'KEB_BUS_CLOSED']]);
  });

  test('during a graceful close, open scopes may still emit; only new root work is refused', async () => {
    const bus = createEventBus({ handlers: [Receipts], logger: recordingLogger() });
    const release = gate();
    const job = bus.scope(async () => {
      await release.opened;
      bus.emit(new OrderPlaced(3)); // emitted after close() began
    });
    const closed = bus.close(5_000);
    expect(() => bus.emit(new OrderPlaced(4))).toThrow(
      expect.objectContaining({ code: 'KEB_BUS_CLOSED' }),
    );
    await expect(bus.scope(async () => {})).rejects.toMatchObject({ code: 'KEB_BUS_CLOSED' });
    release.open();
    await job;
    expect(await closed).toMatchObject({ drained: true, lost: [] });
    expect(handled).toEqual([3]);
  });

  test('an existing Koa app whose bus is closed answers 503 KEB_BUS_CLOSED with Connection: close, and runs nothing', async () => {
    const bus = createEventBus({ handlers: [Receipts], logger: recordingLogger() });
    const koa = new Koa();
    let reached = false;
    koa.use(eventScope(bus));
    koa.use((ctx) => {
      reached = true;
      ctx.status = 204;
    });
    await bus.close();
    const res = await supertest(koa.callback()).post('/');
    expect(res.status).toBe(503);
    expect(res.headers.connection).toBe('close');
    expect(res.body.error.code).toBe('KEB_BUS_CLOSED');
    expect(reached).toBe(false);
  });
});
