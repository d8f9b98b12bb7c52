import type { Channel, ChannelModel } from 'amqplib';
import fc from 'fast-check';
import { Event, type EventContext, EventHandler, NonRetriableError, OnEvent } from 'koa-event-bus';
import { waitQueueDeclarer } from '../../src/transport/rabbitmq/process-delivery';
import {
  handlerQueueArguments,
  queueNames,
  WAIT_QUEUE_REDECLARE_MS,
  waitBucket,
  waitQueueArguments,
  waitQueueExpiresMs,
} from '../../src/transport/rabbitmq/topology';
import {
  brokerConnection,
  freshChannel,
  nextMessage,
  rabbitBuses,
  uniqueApp,
} from '../fixtures/rabbitmq';

// A real broker (never mocked): topology, retries through the wait queue,
// dead letters with their headers. Unique names per run, deleted afterwards.

@Event('rmq.order-placed')
class OrderPlaced {
  constructor(readonly orderId: string) {}
}

let broker: ChannelModel;
let channel: Channel;
const buses = rabbitBuses(() => broker);

beforeAll(async () => {
  broker = await brokerConnection(); // fails loudly when RabbitMQ is down
});
beforeEach(async () => {
  channel = await freshChannel(broker);
});
afterEach(() => buses.cleanup());
afterAll(() => broker.close());

const attempts: string[] = [];
let failUntil = 0;

@EventHandler()
class Billing {
  @OnEvent(OrderPlaced, { id: 'charge', retry: { attempts: 3, backoffMs: 300, strategy: 'fixed' } })
  charge(e: OrderPlaced, ctx: EventContext): void {
    attempts.push(`${e.orderId}#${ctx.attempt}`);
    if (e.orderId === 'bad') throw new NonRetriableError('card number is not a number');
    if (ctx.attempt < failUntil) throw new Error(`gateway busy (${ctx.attempt})`);
  }
}

beforeEach(() => {
  attempts.length = 0;
  failUntil = 0;
});

test('topology: quorum queue with its arguments, a DLQ, a wait queue per delay, bound by wire name', async () => {
  const app = uniqueApp('topology');
  const web = buses.bus({ handlers: [Billing], transport: { app } });
  await web.ready();
  const names = queueNames(app, 'charge');

  // Re-declaring with the same arguments succeeds; with one changed the broker refuses.
  await channel.assertQueue(names.queue, {
    durable: true,
    arguments: handlerQueueArguments(app, 'charge', 20),
  });
  await channel.assertQueue(names.wait(300), {
    durable: true,
    arguments: waitQueueArguments(app, 'charge', 300),
  });
  await channel.checkQueue(names.dlq);
  await expect(
    channel.assertQueue(names.queue, {
      durable: true,
      arguments: { ...handlerQueueArguments(app, 'charge', 20), 'x-queue-type': 'classic' },
    }),
  ).rejects.toThrow(/PRECONDITION_FAILED.*x-queue-type/);

  // A web process publishes and consumes nothing: the event waits in the queue, persistent.
  const env = web.emit(new OrderPlaced('o-1'));
  await web.drain();
  const msg = await nextMessage(await freshChannel(broker), names.queue);
  expect(msg.properties).toMatchObject({
    messageId: env.id,
    type: 'rmq.order-placed',
    deliveryMode: 2,
  });
  expect(attempts).toEqual([]);
});

test('a failing handler goes through the wait queue and is retried with attempt 2', async () => {
  failUntil = 2;
  const app = uniqueApp('retry');
  const worker = buses.bus({
    handlers: [Billing],
    transport: { app, consume: true, settleOnHandled: true },
  });
  await worker.ready();

  const started = Date.now();
  worker.emit(new OrderPlaced('o-2'));
  await worker.drain();

  expect(attempts).toEqual(['o-2#1', 'o-2#2']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(300); // the wait queue's TTL, not a consumer slot
  expect(worker.deadLetters).toEqual([]);
});

test('NonRetriableError goes straight to the DLQ with the headers', async () => {
  const app = uniqueApp('dlq');
  const worker = buses.bus({
    handlers: [Billing],
    transport: { app, consume: true, settleOnHandled: true },
  });
  await worker.ready();

  const env = worker.emit(new OrderPlaced('bad'));
  await worker.drain();

  expect(attempts).toEqual(['bad#1']);
  const letter = await nextMessage(channel, queueNames(app, 'charge').dlq);
  expect(letter.properties.messageId).toBe(env.id);
  expect(letter.properties.headers).toMatchObject({
    'x-handler-id': 'charge',
    'x-attempts': 1,
    'x-error-code': 'KEB_NON_RETRIABLE',
    'x-error': expect.stringContaining('card number is not a number'),
    'x-error-stack': expect.stringContaining('NonRetriableError'),
  });
  expect(JSON.parse(letter.content.toString())).toEqual({ orderId: 'bad' });
});

test('an undecodable message (unknown event, malformed body) lands in the DLQ with its reason', async () => {
  const app = uniqueApp('decode');
  const worker = buses.bus({ handlers: [Billing], transport: { app, consume: true } });
  await worker.ready();
  const exchange = `${app}.events`;
  const base = {
    persistent: true,
    headers: { 'x-event-version': 1, 'x-occurred-at': new Date().toISOString(), 'x-attempt': 1 },
  };

  channel.publish(exchange, 'rmq.order-placed', Buffer.from('{}'), {
    ...base,
    messageId: 'm-1',
    type: 'rmq.nope',
  });
  channel.publish(exchange, 'rmq.order-placed', Buffer.from('{not json'), {
    ...base,
    messageId: 'm-2',
    type: 'rmq.order-placed',
  });

  const dlq = queueNames(app, 'charge').dlq;
  const letters = [await nextMessage(channel, dlq), await nextMessage(channel, dlq)];
  expect(
    letters.map((m) => [
      m.properties.messageId,
      m.properties.headers?.['x-reason'],
      m.properties.headers?.['x-handler-id'],
    ]),
  ).toEqual([
    ['m-1', 'unknown-event', 'charge'],
    ['m-2', 'malformed', 'charge'],
  ]);
  expect(attempts).toEqual([]);
});

@Event('rmq.label-printed')
class LabelPrinted {
  constructor(readonly orderId: string) {}
}
const labelAttempts: number[] = [];

@EventHandler()
class Labels {
  @OnEvent(LabelPrinted, {
    id: 'label',
    retry: { attempts: 2, backoffMs: 1_000, strategy: 'fixed', jitter: 0.5 },
  })
  print(_e: LabelPrinted, ctx: EventContext): void {
    labelAttempts.push(ctx.attempt);
    if (ctx.attempt === 1) throw new Error('printer jammed');
  }
}

test('a jittered retry waits the delay onError was told, in a wait queue bucketed to 2 digits that expires when unused', async () => {
  labelAttempts.length = 0;
  const app = uniqueApp('jitter');
  const told: number[] = [];
  const worker = buses.bus({
    handlers: [Labels],
    // The 1st draw is the startup declaration's (1400 ms); the 2nd, the retry's: 1000 · (0.5 + 0.123) = 623 ms.
    random: (
      (draws) => () =>
        draws.shift() ?? 0.5
    )([0.9, 0.123]),
    hooks: { onError: (e) => told.push(e.retryInMs ?? -1) },
    transport: { app, consume: true, settleOnHandled: true },
  });
  await worker.ready();

  const started = Date.now();
  worker.emit(new LabelPrinted('o-7'));
  await worker.drain();

  expect(labelAttempts).toEqual([1, 2]);
  expect(told).toEqual([623]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(620);
  const queues = buses.transportOf(worker).queues;
  expect(queues).toContain(queueNames(app, 'label').wait(1400));
  expect(queues).toContain(queueNames(app, 'label').wait(620)); // 623 → 620, declared at retry time
  // Declared with x-expires = 2 · 620 + 60 000: the same arguments are accepted again.
  expect(waitQueueArguments(app, 'label', 620)).toMatchObject({ 'x-expires': 61_240 });
  await channel.assertQueue(queueNames(app, 'label').wait(620), {
    durable: true,
    arguments: waitQueueArguments(app, 'label', 620),
  });
});

test('wait buckets: two significant digits, at most 5 % off, and a wait queue outlives its messages', () => {
  expect([0, 7, 87.4, 99.6, 100, 1234, 56_789].map(waitBucket)).toEqual([
    0, 7, 87, 100, 100, 1200, 57_000,
  ]);
  fc.assert(
    fc.property(fc.double({ min: 0, max: 86_400_000, noNaN: true }), (ms) => {
      const b = waitBucket(ms);
      expect(waitBucket(b)).toBe(b);
      expect(Math.abs(b - ms)).toBeLessThanOrEqual(Math.max(0.5, ms * 0.05));
      // Redeclared at least every WAIT_QUEUE_REDECLARE_MS: a message put in
      // just before a redeclaration is due still expires before the queue can.
      expect(waitQueueExpiresMs(b) - b).toBeGreaterThan(WAIT_QUEUE_REDECLARE_MS);
    }),
  );
});

test('a wait queue is declared again once its last declaration is older than the redeclare interval', async () => {
  const app = uniqueApp('redeclare');
  let now = 1_000_000;
  const declare = waitQueueDeclarer(
    app,
    'label',
    () => broker,
    () => now,
  );
  const name = queueNames(app, 'label').wait(500);
  const exists = async () => {
    const probe = await freshChannel(broker);
    return probe.checkQueue(name).then(
      () => true,
      () => false,
    );
  };
  try {
    expect(await declare(500)).toBe(name);
    expect(await exists()).toBe(true);
    await channel.deleteQueue(name);
    now += WAIT_QUEUE_REDECLARE_MS - 1;
    await declare(500); // declared recently: not again
    expect(await exists()).toBe(false);
    now += 1;
    await declare(500);
    expect(await exists()).toBe(true);
  } finally {
    await (await freshChannel(broker)).deleteQueue(name);
  }
});
