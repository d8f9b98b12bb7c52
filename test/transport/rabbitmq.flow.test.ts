import type { ChannelModel } from 'amqplib';
import { Event, type EventContext, EventHandler, OnEvent } from 'koa-event-bus';
import { brokerConnection, rabbitBuses, uniqueApp, until } from '../fixtures/rabbitmq';

// Events across processes: a web bus publishes, a worker bus consumes; a
// worker's handler emits a follow-up that another handler receives with causation.

@Event('flow.order-placed')
class OrderPlaced {
  constructor(readonly orderId: string) {}
}
@Event('flow.receipt-sent')
class ReceiptSent {
  constructor(readonly orderId: string) {}
}

interface Seen {
  handler: string;
  orderId: string;
  id: string;
  causationId: string | null;
  correlationId: string;
}
const seen: Seen[] = [];
const record = (handler: string, orderId: string, ctx: EventContext) =>
  seen.push({
    handler,
    orderId,
    id: ctx.envelope.id,
    causationId: ctx.envelope.causationId,
    correlationId: ctx.envelope.correlationId,
  });

@EventHandler()
class Receipts {
  @OnEvent(OrderPlaced, { id: 'receipts' })
  send(e: OrderPlaced, ctx: EventContext): ReceiptSent {
    record('receipts', e.orderId, ctx);
    return new ReceiptSent(e.orderId);
  }
}

@EventHandler()
class Audit {
  @OnEvent(OrderPlaced, { id: 'audit.orders' })
  order(e: OrderPlaced, ctx: EventContext): void {
    record('audit.orders', e.orderId, ctx);
  }
  @OnEvent(ReceiptSent, { id: 'audit.receipts' })
  receipt(e: ReceiptSent, ctx: EventContext): void {
    record('audit.receipts', e.orderId, ctx);
  }
}

let broker: ChannelModel;
const buses = rabbitBuses(() => broker);
beforeAll(async () => {
  broker = await brokerConnection(); // fails loudly when RabbitMQ is down
});
beforeEach(() => {
  seen.length = 0;
});
afterEach(() => buses.cleanup());
afterAll(() => broker.close());

test("a worker's handler emits a follow-up; another handler receives it with causation", async () => {
  const app = uniqueApp('follow-up');
  const worker = buses.bus({
    handlers: [Receipts, Audit],
    transport: { app, consume: true, settleOnHandled: true },
  });
  await worker.ready();

  const root = worker.emit(new OrderPlaced('o-1'));
  await worker.drain();

  const receipt = seen.find((s) => s.handler === 'audit.receipts');
  expect(receipt).toMatchObject({
    orderId: 'o-1',
    causationId: root.id,
    correlationId: root.correlationId,
  });
  expect(seen.map((s) => s.handler).sort()).toEqual(['audit.orders', 'audit.receipts', 'receipts']);
});

test('a web bus (consume: false) publishes; a worker bus (consume: true) runs each handler once per event', async () => {
  const app = uniqueApp('web-worker');
  const worker = buses.bus({ handlers: [Receipts, Audit], transport: { app, consume: true } });
  const web = buses.bus({ handlers: [Receipts, Audit], transport: { app } });
  await Promise.all([worker.ready(), web.ready()]);

  const ids = [1, 2, 3, 4, 5].map((n) => web.emit(new OrderPlaced(`o-${n}`)).id);
  await web.drain(); // the broker confirmed all five
  await until('3 handlers x 5 events', () => seen.length >= 15);
  await worker.close(); // no late duplicate after this point

  const count = (handler: string) => seen.filter((s) => s.handler === handler).length;
  expect([count('receipts'), count('audit.orders'), count('audit.receipts')]).toEqual([5, 5, 5]);
  expect(new Set(seen.filter((s) => s.handler === 'receipts').map((s) => s.id))).toEqual(
    new Set(ids),
  );
  expect(web.pending()).toMatchObject({ publishing: 0 });
});
