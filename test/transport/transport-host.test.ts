import {
  type AttemptOutcome,
  createEventBus,
  type DiscardInfo,
  Event,
  type EventContext,
  type EventEnvelope,
  EventHandler,
  NonRetriableError,
  OnEvent,
  silentLogger,
  type Transport,
  type TransportHost,
} from 'koa-event-bus';
import { gate } from '../fixtures/gate';

// The bus side of the transport seam, seen by a broker-like transport: it
// publishes asynchronously, and consumes by running one handler attempt per
// delivery (`host.runAttempt`). Written against the public types only.

@Event('shop.order-placed', { version: 2 })
class OrderPlaced {
  constructor(readonly orderId: string) {}
}
@Event('shop.receipt-sent')
class ReceiptSent {
  constructor(readonly orderId: string) {}
}

const calls: string[] = [];
let failWith: Error | undefined;

@EventHandler()
class Receipts {
  @OnEvent(OrderPlaced, {
    id: 'receipts',
    retry: { attempts: 3, backoffMs: 100, strategy: 'fixed' },
  })
  send(e: OrderPlaced, ctx: EventContext) {
    calls.push(`receipts:${e.orderId}:${ctx.attempt}`);
    if (failWith) throw failWith;
    return new ReceiptSent(e.orderId);
  }

  @OnEvent(ReceiptSent, { id: 'audit' })
  audit(e: ReceiptSent) {
    calls.push(`audit:${e.orderId}`);
  }
}

/** A transport that records, confirms when told to, and never delivers locally. */
class BrokerLike implements Transport {
  host: TransportHost | undefined;
  published: EventEnvelope[][] = [];
  confirms: { resolve: () => void; reject: (e: Error) => void }[] = [];
  stoppedReceiving = 0;
  connect(host: TransportHost): Promise<void> {
    this.host = host;
    return Promise.resolve();
  }
  publish(envelopes: readonly EventEnvelope[]): Promise<void> {
    this.published.push([...envelopes]);
    return new Promise((resolve, reject) => this.confirms.push({ resolve, reject }));
  }
  async stopReceiving(): Promise<void> {
    this.stoppedReceiving++;
  }
  async close(): Promise<void> {}
}

function setup() {
  calls.length = 0;
  failWith = undefined;
  const transport = new BrokerLike();
  const discards: DiscardInfo[] = [];
  const bus = createEventBus({
    handlers: [Receipts],
    transport,
    logger: silentLogger,
    hooks: { onDiscard: (d) => discards.push(d) },
  });
  return { bus, transport, host: transport.host!, discards };
}

function received(host: TransportHost, attempt: number) {
  return host.receive({
    id: 'evt-1',
    eventClass: OrderPlaced,
    name: 'shop.order-placed',
    version: 2,
    occurredAt: new Date('2026-12-04T10:00:00.000Z'),
    correlationId: 'req-9',
    causationId: 'evt-0',
    depth: 1,
    attempt,
    event: new OrderPlaced('o-1'),
  });
}

describe('the transport host (what a broker transport is given)', () => {
  it('lists one binding per handler and event class, with wire names, versions and retry delays', async () => {
    const { bus, host } = setup();
    await bus.ready();
    const bindings = host.bindings.map((b) => ({
      id: b.handlerId,
      event: `${b.eventName}@${b.eventVersion}`,
      cls: b.eventClass,
      maxAttempts: b.maxAttempts,
      delays: [2, 3].map((n) => b.delayBeforeAttempt(n)),
    }));
    expect(bindings).toEqual([
      {
        id: 'receipts',
        event: 'shop.order-placed@2',
        cls: OrderPlaced,
        maxAttempts: 3,
        delays: [100, 100],
      },
      {
        id: 'audit',
        event: 'shop.receipt-sent@1',
        cls: ReceiptSent,
        maxAttempts: 1,
        delays: [0, 0],
      },
    ]);
    await bus.close();
  });

  it('an asynchronous publish is pending work until confirmed: drain() waits for the broker', async () => {
    const { bus, transport } = setup();
    bus.emit(new OrderPlaced('o-1'));
    expect(transport.published.map((b) => b.map((e) => e.name))).toEqual([['shop.order-placed']]);
    expect(bus.pending().publishing).toBe(1);
    let drained = false;
    const draining = bus.drain().then(() => {
      drained = true;
    });
    await Promise.resolve();
    expect(drained).toBe(false);
    transport.confirms[0]!.resolve();
    await draining;
    expect(bus.pending().publishing).toBe(0);
    expect(calls).toEqual([]); // a broker delivers; nothing ran in this process
  });

  it('a publish the broker rejects is reported by event id (onDiscard, publish-failed), never silently lost', async () => {
    const { bus, transport, discards } = setup();
    const env = bus.emit(new OrderPlaced('o-2'));
    transport.confirms[0]!.reject(new Error('channel closed'));
    await bus.drain();
    expect(discards.map((d) => [d.reason.kind, d.envelopes.map((e) => e.id)])).toEqual([
      ['publish-failed', [env.id]],
    ]);
  });

  it('a received envelope keeps its identity and lineage; its follow-ups are published with causation', async () => {
    const { bus, host, transport } = setup();
    const envelope = received(host, 1);
    expect({
      id: envelope.id,
      correlationId: envelope.correlationId,
      causationId: envelope.causationId,
      depth: envelope.depth,
      attempt: envelope.attempt,
      occurredAt: envelope.occurredAt.toISOString(),
    }).toEqual({
      id: 'evt-1',
      correlationId: 'req-9',
      causationId: 'evt-0',
      depth: 1,
      attempt: 1,
      occurredAt: '2026-12-04T10:00:00.000Z',
    });
    const outcome = await host.runAttempt(envelope, 'receipts');
    expect(outcome).toEqual<AttemptOutcome>({ status: 'succeeded', willRetry: false });
    expect(calls).toEqual(['receipts:o-1:1']);
    const followUp = transport.published.at(-1)![0]!;
    expect({
      name: followUp.name,
      causationId: followUp.causationId,
      correlationId: followUp.correlationId,
      depth: followUp.depth,
    }).toEqual({
      name: 'shop.receipt-sent',
      causationId: 'evt-1',
      correlationId: 'req-9',
      depth: 2,
    });
    transport.confirms.at(-1)!.resolve();
    await bus.drain();
  });

  it('a redelivered event re-emits its follow-ups under the same ids (so they can be de-duplicated)', async () => {
    const { bus, host, transport } = setup();
    await host.runAttempt(received(host, 1), 'receipts');
    await host.runAttempt(received(host, 1), 'receipts'); // the broker delivered it again
    const ids = transport.published.slice(-2).map((batch) => batch[0]!.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = setup();
    await other.host.runAttempt(received(other.host, 1), 'receipts');
    expect(other.transport.published.at(-1)![0]!.id).toBe(ids[0]); // same event, same handler: same id in any process
    for (const t of [transport, other.transport]) for (const c of t.confirms) c.resolve();
    await bus.drain();
    await other.bus.drain();
    // an event emitted in this process (not delivered by a broker) gets a random id
    const local = bus.emit(new OrderPlaced('o-9'));
    expect(local.id).not.toBe(ids[0]);
  });

  it('a failed attempt returns at once with willRetry until the last one, which is a dead letter', async () => {
    const { bus, host } = setup();
    failWith = new Error('smtp down');
    const outcomes = [];
    for (const attempt of [1, 2, 3])
      outcomes.push(await host.runAttempt(received(host, attempt), 'receipts'));
    expect(outcomes.map((o) => [o.status, o.willRetry, o.error?.message])).toEqual([
      ['failed', true, 'smtp down'],
      ['failed', true, 'smtp down'],
      ['failed', false, 'smtp down'],
    ]);
    expect(calls).toEqual(['receipts:o-1:1', 'receipts:o-1:2', 'receipts:o-1:3']);
    expect(bus.deadLetters.map((d) => [d.handlerId, d.attempts, d.envelope.id])).toEqual([
      ['receipts', 3, 'evt-1'],
    ]);
    expect(bus.pending().retrying).toBe(0); // no timer here: the broker waits
  });

  it('NonRetriableError is a dead letter on its first attempt', async () => {
    const { bus, host } = setup();
    failWith = new NonRetriableError('order o-1 was deleted');
    const outcome = await host.runAttempt(received(host, 1), 'receipts');
    expect([outcome.status, outcome.willRetry]).toEqual(['failed', false]);
    expect(bus.deadLetters).toHaveLength(1);
  });

  it('an attempt is pending work while it runs, so close() waits for it; close() stops receiving first', async () => {
    const { bus, host, transport } = setup();
    const g = gate();
    bus.on(OrderPlaced, () => g.opened, { id: 'slow' });
    const running = host.runAttempt(received(host, 1), 'slow');
    expect(bus.pending().dispatching).toBe(1);
    const closing = bus.close();
    await Promise.resolve();
    expect(transport.stoppedReceiving).toBe(1);
    let settled = false;
    void running.then(() => {
      settled = true;
    });
    await bus.drain(1).catch(() => {}); // still running: the drain times out
    expect(settled).toBe(false);
    g.open();
    expect(await running).toEqual({ status: 'succeeded', willRetry: false });
    expect((await closing).drained).toBe(true);
  });

  it('a transport whose connect() rejects: ready() rejects with the cause and it counts as a fault', async () => {
    const failing: Transport = {
      connect: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:5672')),
      publish: () => {},
      close: async () => {},
    };
    const bus = createEventBus({ transport: failing, logger: silentLogger });
    await expect(bus.ready()).rejects.toThrow('ECONNREFUSED');
    expect(bus.internalFaults).toBe(1);
  });
});
