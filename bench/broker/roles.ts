import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { IsInt } from 'class-validator';
import {
  Body,
  Controller,
  createApp,
  createEventBus,
  Event,
  EventBus,
  EventHandler,
  OnEvent,
  Post,
  silentLogger,
  startWorker,
} from '../../src/index';
import { rabbitmqTransport } from '../../src/transport/rabbitmq/index';

// The processes of the broker bench (bench/broker/run.ts starts them):
//   web       createApp on RabbitMQ, POST /orders emits one OrderPlaced (durability from DURABILITY)
//   worker    startWorker; its handler records publish → handler latency, printed on SIGTERM
//   publisher a bus on RabbitMQ, no HTTP: N events from C concurrent scopes, until confirmed
// Every process prints one JSON line on stdout when it has something to say.

/** Wall-clock ms with sub-ms precision, comparable across processes on one machine. */
const now = () => performance.timeOrigin + performance.now();

@Event('bench.order-placed')
export class OrderPlaced {
  constructor(
    readonly n: number,
    /** When the request reached the controller (wall clock, ms). */
    readonly sentAt: number,
  ) {}
}

const latencies: number[] = [];

@EventHandler()
export class Fulfilment {
  @OnEvent(OrderPlaced, { id: 'fulfil' })
  fulfil(e: OrderPlaced): void {
    latencies.push(now() - e.sentAt);
  }
}

class OrderDto {
  @IsInt()
  n!: number;
}

@Controller('/orders')
class OrdersController {
  constructor(private readonly bus: EventBus) {}

  @Post('/')
  place(@Body(OrderDto) dto: OrderDto): { ok: true } {
    this.bus.emit(new OrderPlaced(dto.n, now()));
    return { ok: true };
  }
}

const app = process.env.APP ?? 'keb-bench';
const url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const print = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function web(): Promise<void> {
  const durability =
    process.env.DURABILITY === 'before-response' ? 'before-response' : 'after-response';
  const server = createApp({
    controllers: [OrdersController],
    handlers: [Fulfilment], // declares the queue: nothing is dropped before the worker is up
    transport: rabbitmqTransport({ app, url }),
    durability,
    logger: silentLogger,
    handleSignals: true,
  });
  await server.bus.ready();
  await server.listen(0);
  print({ role: 'web', port: server.port() });
}

async function worker(): Promise<void> {
  const w = await startWorker({
    handlers: [Fulfilment],
    transport: rabbitmqTransport({ app, url, consume: true, prefetch: 50 }),
    logger: silentLogger,
    handleSignals: false,
  });
  process.on('SIGTERM', () => {
    void w.close().then(() => {
      print({ role: 'worker', latencies });
      process.exit(0);
    });
  });
  print({ role: 'worker', ready: true });
}

async function publisher(): Promise<void> {
  const total = Number(process.env.EVENTS ?? 20_000);
  const concurrency = Number(process.env.CONCURRENCY ?? 100);
  const perScope = Number(process.env.PER_SCOPE ?? 1);
  const bus = createEventBus({
    handlers: [Fulfilment],
    transport: rabbitmqTransport({ app, url }),
    logger: silentLogger,
  });
  await bus.ready();
  let next = 0;
  const lanesOf = (n: number) => Array.from({ length: n }, lane);
  // C "requests" at a time, each a scope that commits perScope events, awaiting its publish
  // (as a before-response request does); the next one starts when one is confirmed.
  const lane = async () => {
    while (next < total) {
      const first = next;
      next += perScope;
      const scope = bus.openScope();
      scope.run(() => {
        for (let i = first; i < first + perScope && i < total; i++)
          bus.emit(new OrderPlaced(i, now()));
      });
      await scope.commitConfirmed(); // resolves when the broker confirmed this scope's events
    }
  };
  const warm = next;
  const started = now();
  await Promise.all(lanesOf(concurrency));
  await bus.drain();
  const ms = now() - started;
  print({ role: 'publisher', events: total - warm, ms, perSecond: ((total - warm) / ms) * 1000 });
  await bus.close();
}

// --- the floor: the same flow with amqplib by hand, no koa-event-bus -----------------
// raw-web: Koa + koa-bodyparser, POST /orders publishes {n, sentAt} on a confirm channel
// (after-response: publish and answer; before-response: answer once confirmed).
// raw-worker: one quorum queue bound to the exchange, prefetch 50, ack after the handler.

const QUEUE_ARGS = { 'x-queue-type': 'quorum' };
const routingKey = 'bench.order-placed';

async function rawTopology(ch: import('amqplib').Channel): Promise<string> {
  const exchange = `${app}.events`;
  await ch.assertExchange(exchange, 'topic', { durable: true });
  await ch.assertQueue(`${app}.fulfil`, { durable: true, arguments: QUEUE_ARGS });
  await ch.bindQueue(`${app}.fulfil`, exchange, routingKey);
  return exchange;
}

async function rawWeb(): Promise<void> {
  const { connect } = await import('amqplib');
  const { default: Koa } = await import('koa');
  const { default: bodyParser } = await import('koa-bodyparser');
  const before = process.env.DURABILITY === 'before-response';
  const conn = await connect(url);
  const ch = await conn.createConfirmChannel();
  const exchange = await rawTopology(ch);
  const publish = (body: object) =>
    new Promise<void>((resolve, reject) =>
      ch.publish(
        exchange,
        routingKey,
        Buffer.from(JSON.stringify(body)),
        { persistent: true, contentType: 'application/json' },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  const koa = new Koa();
  koa.use(bodyParser());
  koa.use(async (ctx) => {
    const n = (ctx.request.body as { n?: unknown }).n;
    if (ctx.method !== 'POST' || ctx.path !== '/orders' || !Number.isInteger(n)) {
      ctx.status = 400;
      return;
    }
    const confirmed = publish({ n, sentAt: now() });
    if (before) await confirmed;
    else confirmed.catch(() => {});
    ctx.body = { ok: true };
  });
  const server = koa.listen(0, () => {
    print({ role: 'raw-web', port: (server.address() as import('node:net').AddressInfo).port });
  });
  process.on('SIGTERM', () => {
    server.close();
    void conn.close().then(() => process.exit(0));
  });
}

async function rawWorker(): Promise<void> {
  const { connect } = await import('amqplib');
  const conn = await connect(url);
  const ch = await conn.createChannel();
  await rawTopology(ch);
  await ch.prefetch(50);
  const { consumerTag } = await ch.consume(`${app}.fulfil`, (msg) => {
    if (!msg) return;
    const { sentAt } = JSON.parse(msg.content.toString()) as { sentAt: number };
    latencies.push(now() - sentAt);
    ch.ack(msg);
  });
  process.on('SIGTERM', () => {
    void ch
      .cancel(consumerTag)
      .then(() => ch.close())
      .then(() => conn.close())
      .then(() => {
        print({ role: 'raw-worker', latencies });
        process.exit(0);
      });
  });
  print({ role: 'raw-worker', ready: true });
}

const roles: Record<string, () => Promise<void>> = {
  web,
  worker,
  publisher,
  'raw-web': rawWeb,
  'raw-worker': rawWorker,
};
const run = roles[process.argv[2] ?? ''];
if (!run) {
  console.error('usage: roles.ts web|worker|publisher|raw-web|raw-worker');
  process.exit(2);
}
run().catch((err) => {
  console.error(err);
  process.exit(1);
});
