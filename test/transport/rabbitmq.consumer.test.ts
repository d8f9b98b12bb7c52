import type { ChannelModel } from 'amqplib';
import { Event, type EventContext, EventHandler, OnEvent } from 'koa-event-bus';
import { queueNames } from '../../src/transport/rabbitmq/topology';
import { gate } from '../fixtures/gate';
import {
  brokerConnection,
  freshChannel,
  rabbitBuses,
  uniqueApp,
  until,
} from '../fixtures/rabbitmq';
import { recordingLogger } from '../fixtures/recording-logger';

// A worker's consumer against the real broker: prefetch is the handler's
// concurrency, close() takes no new delivery and lets the running ones finish,
// and an attempt close() gives up on goes back to the queue (not to the DLQ).

@Event('rmq.upload-received')
class UploadReceived {
  constructor(readonly n: number) {}
}

const started: string[] = [];
const gates = new Map<number, ReturnType<typeof gate>>();
const doorOf = (n: number) => {
  const g = gates.get(n) ?? gate();
  gates.set(n, g);
  return g;
};

@EventHandler()
class Thumbnails {
  @OnEvent(UploadReceived, { id: 'thumbnail' })
  async make(e: UploadReceived, ctx: EventContext): Promise<void> {
    started.push(`${e.n}#${ctx.attempt}`);
    const aborted = new Promise<never>((_, reject) => {
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
    });
    await Promise.race([doorOf(e.n).opened, aborted]);
  }
}

let broker: ChannelModel;
const buses = rabbitBuses(() => broker);

beforeAll(async () => {
  broker = await brokerConnection();
});
beforeEach(() => {
  started.length = 0;
  gates.clear();
});
afterEach(async () => {
  for (const g of gates.values()) g.open();
  await buses.cleanup();
});
afterAll(() => broker.close());

/** What the broker holds in a queue: ready messages and consumers. */
async function queueState(queue: string) {
  const channel = await freshChannel(broker);
  const { messageCount, consumerCount } = await channel.checkQueue(queue);
  await channel.close();
  return { ready: messageCount, consumers: consumerCount };
}

async function publishUploads(app: string, count: number): Promise<void> {
  const web = buses.bus({ handlers: [Thumbnails], transport: { app } });
  await web.ready();
  for (let n = 1; n <= count; n++) web.emit(new UploadReceived(n));
  await web.drain(); // confirmed by the broker
}

test('prefetch is the concurrency: with prefetch 2, two run and the broker holds the rest', async () => {
  const app = uniqueApp('prefetch');
  await publishUploads(app, 5);
  const worker = buses.bus({
    handlers: [Thumbnails],
    transport: { app, consume: true, prefetch: 2 },
  });
  await worker.ready();
  const queue = queueNames(app, 'thumbnail').queue;

  await until('two handlers running', () => started.length === 2);
  await until('three messages still ready', async () => (await queueState(queue)).ready === 3);
  expect(started).toEqual(['1#1', '2#1']);

  doorOf(1).open(); // one slot frees: exactly one more delivery comes
  await until('a third handler running', () => started.length === 3);
  await until('two messages still ready', async () => (await queueState(queue)).ready === 2);
  expect(started).toEqual(['1#1', '2#1', '3#1']);

  for (let n = 2; n <= 5; n++) doorOf(n).open();
  await until('all five handled', async () => (await queueState(queue)).ready === 0);
  await worker.drain();
  expect([...started].sort()).toEqual(['1#1', '2#1', '3#1', '4#1', '5#1']);
});

test('close() cancels the consumer, lets running handlers finish, and leaves the rest in the queue', async () => {
  const app = uniqueApp('close');
  await publishUploads(app, 4);
  const logger = recordingLogger();
  const worker = buses.bus({
    handlers: [Thumbnails],
    logger,
    transport: { app, consume: true, prefetch: 2 },
  });
  await worker.ready();
  const queue = queueNames(app, 'thumbnail').queue;
  await until('two handlers running', () => started.length === 2);

  const closing = worker.close(10_000);
  // (A quorum queue still counts a cancelled consumer while its deliveries are unacked.)
  await until('the consumer cancelled', () =>
    logger.lines.some((l) => l.msg.startsWith('rabbitmq: stopped consuming 1 queue(s)')),
  );
  doorOf(1).open();
  doorOf(2).open();
  const report = await closing;

  expect(report.lost).toEqual([]);
  expect(started).toEqual(['1#1', '2#1']); // nothing new was taken after close() began
  expect(await queueState(queue)).toEqual({ ready: 2, consumers: 0 });

  // Another worker takes what is left.
  doorOf(3).open();
  doorOf(4).open();
  const next = buses.bus({ handlers: [Thumbnails], transport: { app, consume: true } });
  await next.ready();
  await until('the rest handled', () => started.length === 4);
  expect(started.slice(2).sort()).toEqual(['3#1', '4#1']);
});

test('an attempt close() gives up on is requeued as the same attempt, never dead-lettered', async () => {
  const app = uniqueApp('cut');
  await publishUploads(app, 1);
  const worker = buses.bus({ handlers: [Thumbnails], transport: { app, consume: true } });
  await worker.ready();
  const names = queueNames(app, 'thumbnail');
  await until('the handler running', () => started.length === 1);

  const report = await worker.close(50); // gives up: the handler's signal aborts
  expect(report.lost).toEqual([
    expect.objectContaining({ event: 'rmq.upload-received', state: 'running' }),
  ]);
  expect(worker.deadLetters).toEqual([]);
  expect(await queueState(names.dlq)).toEqual({ ready: 0, consumers: 0 });
  expect(await queueState(names.queue)).toEqual({ ready: 1, consumers: 0 });

  // The next worker runs it again, as attempt 1 (close() was not the handler's failure).
  doorOf(1).open();
  const next = buses.bus({ handlers: [Thumbnails], transport: { app, consume: true } });
  await next.ready();
  await until('handled by the next worker', () => started.length === 2);
  expect(started).toEqual(['1#1', '1#1']);
  await until('acked', async () => (await queueState(names.queue)).ready === 0);
  expect(next.deadLetters).toEqual([]);
});
