import type * as http from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ChannelModel } from 'amqplib';
import {
  type App,
  Controller,
  createApp,
  Event,
  EventBus,
  EventHandler,
  OnEvent,
  Post,
  silentLogger,
} from 'koa-event-bus';
import { openTelemetry } from 'koa-event-bus/otel';
import { RabbitMqTransport } from 'koa-event-bus/rabbitmq';
import request from 'supertest';
import {
  brokerConnection,
  deleteQueues,
  RABBITMQ_URL,
  rabbitBuses,
  uniqueApp,
} from '../fixtures/rabbitmq';
import { only, otelSdk, parentId, registerGlobals, spanId, tracedServer } from './otel-fixture';

// A web process (createApp on RabbitMQ, publishing only) and a worker (consuming), each
// with an SDK of its own as two processes would have: the trace context travels in the
// messages' headers (W3C traceparent), so the worker's spans point at the request's.

@Event('otel.order-placed')
class OrderPlaced {
  constructor(readonly orderId: string) {}
}
@Event('otel.receipt-sent')
class ReceiptSent {
  constructor(readonly orderId: string) {}
}

let failuresLeft = 0;

@EventHandler()
class Receipts {
  @OnEvent(OrderPlaced, { id: 'otel.receipts', retry: { attempts: 2, backoffMs: 10 } })
  send(e: OrderPlaced): ReceiptSent {
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error('printer jammed');
    }
    return new ReceiptSent(e.orderId);
  }

  @OnEvent(ReceiptSent, { id: 'otel.receipts-filed' })
  file(_: ReceiptSent): void {}
}

@Controller('/orders')
class OrdersController {
  constructor(private readonly bus: EventBus) {}

  @Post('/')
  place() {
    this.bus.emit(new OrderPlaced('o-1'));
    return { ok: true };
  }
}

let broker: ChannelModel;
const buses = rabbitBuses(() => broker);
const webs: { app: App; server: http.Server; transport: RabbitMqTransport }[] = [];
let restore: () => void;

beforeAll(async () => {
  restore = registerGlobals();
  broker = await brokerConnection(); // fails loudly when RabbitMQ is down
});
afterEach(async () => {
  failuresLeft = 0;
  for (const { app, server, transport } of webs.splice(0)) {
    server.close();
    await app.close();
    await deleteQueues(broker, transport.app, transport.queues);
  }
  await buses.cleanup();
});
afterAll(async () => {
  await broker.close();
  restore();
});

async function requestThroughBroker(parentProcessSpan: boolean) {
  const name = uniqueApp('otel');
  const webSdk = otelSdk();
  const workerSdk = otelSdk();
  const worker = buses.bus({
    handlers: [Receipts],
    transport: { app: name, consume: true },
    instrumentation: openTelemetry({
      tracerProvider: workerSdk.tracerProvider,
      meterProvider: workerSdk.meterProvider,
      parentProcessSpan,
    }),
  });
  await worker.ready();
  const transport = new RabbitMqTransport({ url: RABBITMQ_URL, app: name });
  const app = createApp({
    controllers: [OrdersController],
    handlers: [Receipts],
    logger: silentLogger,
    transport,
    durability: 'before-response',
    instrumentation: openTelemetry({
      tracerProvider: webSdk.tracerProvider,
      meterProvider: webSdk.meterProvider,
    }),
  });
  await app.bus.ready();
  const server = tracedServer(app, webSdk.tracerProvider);
  webs.push({ app, server, transport });

  const filed = worker.waitFor(ReceiptSent, { timeoutMs: 10_000 });
  const res = await request(server).post('/orders').set('x-request-id', 'req-9').send({});
  expect(res.status).toBe(200);
  await filed;
  await worker.drain();
  await app.bus.drain();
  return { web: webSdk.spans(), worker: workerSdk.spans() };
}

function sameSpan(a: { traceId: string; spanId: string }, b: ReadableSpan): void {
  expect({ traceId: a.traceId, spanId: a.spanId }).toEqual({
    traceId: b.spanContext().traceId,
    spanId: b.spanContext().spanId,
  });
}

test("a worker's process spans link to the send span of the web request that emitted the event", async () => {
  const { web, worker } = await requestThroughBroker(false);

  const server = only(web, 'POST /orders');
  const send = only(web, 'send otel.order-placed');
  expect(send.kind).toBe(SpanKind.PRODUCER);
  expect(parentId(send)).toBe(spanId(server));
  expect(send.attributes).toMatchObject({
    'messaging.system': 'rabbitmq',
    'messaging.operation.type': 'send',
    'messaging.destination.name': 'otel.order-placed',
    'messaging.rabbitmq.destination.routing_key': 'otel.order-placed',
    'messaging.message.conversation_id': 'req-9',
  });

  const process = only(worker, 'process otel.order-placed');
  expect(process.kind).toBe(SpanKind.CONSUMER);
  expect(parentId(process)).toBeUndefined();
  expect(process.links).toHaveLength(1);
  sameSpan(process.links[0]!.context, send);
  expect(process.attributes).toMatchObject({
    'messaging.system': 'rabbitmq',
    'messaging.operation.type': 'process',
    'messaging.destination.name': 'otel.order-placed',
    'messaging.message.id': send.attributes['messaging.message.id'],
    'messaging.message.conversation_id': 'req-9',
    'koa_event_bus.handler.id': 'otel.receipts',
    'koa_event_bus.attempt': 1,
  });

  // the worker's follow-up travels the same way, worker to worker
  const followSend = only(worker, 'send otel.receipt-sent');
  expect(parentId(followSend)).toBe(spanId(process));
  const followProcess = only(worker, 'process otel.receipt-sent');
  sameSpan(followProcess.links[0]!.context, followSend);
  expect(followProcess.attributes['messaging.message.conversation_id']).toBe('req-9');
});

test('with parentProcessSpan, the worker continues the request trace; a retry keeps the link', async () => {
  failuresLeft = 1;
  const { web, worker } = await requestThroughBroker(true);
  const server = only(web, 'POST /orders');
  const send = only(web, 'send otel.order-placed');
  const attempts = worker.filter((s) => s.name === 'process otel.order-placed');
  // attempt 2 came back from the wait queue: its headers still carry the traceparent
  expect(attempts.map((s) => s.attributes['koa_event_bus.attempt'])).toEqual([1, 2]);
  for (const attempt of attempts) {
    expect(attempt.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(parentId(attempt)).toBe(spanId(send));
  }
  expect(attempts[0]!.attributes['error.type']).toBe('Error');
  const everything = [...web, ...worker];
  expect(new Set(everything.map((s) => s.spanContext().traceId)).size).toBe(1);
});
