import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  createEventBus,
  type EventBus,
  type EventBusOptions,
  EventHandler,
  OnEvent,
  silentLogger,
} from 'koa-event-bus';
import { openTelemetry } from 'koa-event-bus/otel';
import { gate } from '../fixtures/gate';
import { only, otelSdk, parentId, registerGlobals, spanId } from './otel-fixture';

class OrderPlaced {
  constructor(readonly orderId: string) {}
}
class InvoiceRequested {
  constructor(readonly orderId: string) {}
}

class SmtpError extends Error {
  override name = 'SmtpError';
}

const behaviour = {
  failures: 0,
  calls: 0,
  blocked: undefined as Promise<void> | undefined,
  called: () => {},
};

@EventHandler()
class Mailer {
  @OnEvent(OrderPlaced, { retry: { attempts: 2, backoffMs: 0 } })
  async confirm(_: OrderPlaced) {
    behaviour.calls++;
    behaviour.called();
    if (behaviour.blocked) await behaviour.blocked;
    if (behaviour.calls <= behaviour.failures) throw new SmtpError('smtp down');
  }
}

@EventHandler()
class Invoicing {
  @OnEvent(InvoiceRequested)
  issue(_: InvoiceRequested, ctx: { emit(e: object): void }) {
    ctx.emit(new OrderPlaced('follow-up of a failed attempt'));
    throw new Error('ledger locked');
  }
}

let restore: () => void;
beforeAll(() => {
  restore = registerGlobals();
});
afterAll(() => restore());

const buses: EventBus[] = [];
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
  behaviour.failures = 0;
  behaviour.calls = 0;
  behaviour.blocked = undefined;
  behaviour.called = () => {};
});

function tracedBus(options: EventBusOptions = {}) {
  const sdk = otelSdk();
  const bus = createEventBus({
    handlers: [Mailer, Invoicing],
    logger: silentLogger,
    instrumentation: openTelemetry({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    }),
    ...options,
  });
  buses.push(bus);
  return { sdk, bus };
}

function processSpans(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans.filter((s) => s.name === 'process OrderPlaced');
}

async function metric(sdk: ReturnType<typeof otelSdk>, name: string): Promise<MetricData> {
  const all = (await sdk.metrics()).scopeMetrics.flatMap((s) => s.metrics);
  const found = all.find((m) => m.descriptor.name === name);
  if (!found) throw new Error(`no metric ${name}: ${all.map((m) => m.descriptor.name).join(', ')}`);
  return found;
}

function points(m: MetricData): { attributes: object; value: unknown }[] {
  return (m.dataPoints as DataPoint<unknown>[]).map((p) => ({
    attributes: p.attributes,
    value: p.value,
  }));
}

describe('a failing handler', () => {
  it('every attempt is a failed process span; the last one carries the dead letter', async () => {
    behaviour.failures = 2;
    const { sdk, bus } = tracedBus();
    bus.emit(new OrderPlaced('o1'));
    await bus.drain();
    const spans = sdk.spans();
    const send = only(spans, 'send OrderPlaced');
    const attempts = processSpans(spans);
    expect(attempts.map((s) => s.attributes['koa_event_bus.attempt'])).toEqual([1, 2]);
    for (const span of attempts) {
      expect(span.links.map((l) => l.context)).toEqual([send.spanContext()]);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'smtp down' });
      expect(span.attributes['error.type']).toBe('SmtpError');
      expect(span.attributes['koa_event_bus.handler.id']).toBe('Mailer.confirm');
      expect(span.events[0]).toMatchObject({
        name: 'exception',
        attributes: { 'exception.type': 'SmtpError', 'exception.message': 'smtp down' },
      });
    }
    expect(attempts[0]!.events.map((e) => e.name)).toEqual(['exception']);
    expect(attempts[1]!.events.map((e) => [e.name, e.attributes])).toEqual([
      ['exception', expect.anything()],
      [
        'koa_event_bus.dead_letter',
        { 'koa_event_bus.dead_letter.reason': 'failed', 'error.type': 'SmtpError' },
      ],
    ]);

    const common = {
      'messaging.system': 'koa-event-bus',
      'messaging.destination.name': 'OrderPlaced',
      'koa_event_bus.handler.id': 'Mailer.confirm',
    };
    expect(points(await metric(sdk, 'koa_event_bus.handler.retries'))).toEqual([
      { attributes: { ...common, 'messaging.operation.name': 'process' }, value: 1 },
    ]);
    expect(points(await metric(sdk, 'koa_event_bus.handler.dead_letters'))).toEqual([
      {
        attributes: {
          'messaging.destination.name': 'OrderPlaced',
          'koa_event_bus.handler.id': 'Mailer.confirm',
          'koa_event_bus.dead_letter.reason': 'failed',
        },
        value: 1,
      },
    ]);
    const duration = await metric(sdk, 'messaging.process.duration');
    expect(duration.descriptor.unit).toBe('s');
    const [point] = duration.dataPoints as DataPoint<Histogram>[];
    expect(point!.attributes).toEqual({
      ...common,
      'messaging.operation.name': 'process',
      'error.type': 'SmtpError',
    });
    expect(point!.value.count).toBe(2);
  });

  it('a retry that succeeds: a failed span, then a successful one', async () => {
    behaviour.failures = 1;
    const { sdk, bus } = tracedBus();
    bus.emit(new OrderPlaced('o1'));
    await bus.drain();
    const attempts = processSpans(sdk.spans());
    expect(attempts.map((s) => [s.attributes['koa_event_bus.attempt'], s.status.code])).toEqual([
      [1, SpanStatusCode.ERROR],
      [2, SpanStatusCode.UNSET],
    ]);
    expect(attempts[1]!.events).toEqual([]);
    const duration = await metric(sdk, 'messaging.process.duration');
    const counts = (duration.dataPoints as DataPoint<Histogram>[]).map((p) => [
      p.attributes['error.type'],
      p.value.count,
    ]);
    expect(counts).toEqual([
      ['SmtpError', 1],
      [undefined, 1],
    ]);
  });

  it('the follow-ups of a failed attempt are discarded: a span event on its process span', async () => {
    const { sdk, bus } = tracedBus();
    bus.emit(new InvoiceRequested('o1'));
    await bus.drain();
    const spans = sdk.spans();
    const attempt = only(spans, 'process InvoiceRequested');
    expect(attempt.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'koa_event_bus.discard',
        {
          'koa_event_bus.discard.reason': 'handler-failed',
          'messaging.destination.name': 'OrderPlaced',
          'messaging.message.id': expect.any(String),
          'error.type': 'Error',
        },
      ],
      ['exception', expect.anything()],
      ['koa_event_bus.dead_letter', expect.anything()],
    ]);
    expect(spans.filter((s) => s.name === 'send OrderPlaced')).toEqual([]);
    expect(points(await metric(sdk, 'koa_event_bus.events.discarded'))).toEqual([
      {
        attributes: {
          'messaging.destination.name': 'OrderPlaced',
          'koa_event_bus.discard.reason': 'handler-failed',
        },
        value: 1,
      },
    ]);
  });
});

describe('metrics', () => {
  it('counts emitted and committed events, and gauges pending work by state', async () => {
    const { sdk, bus } = tracedBus();
    const door = gate();
    behaviour.blocked = door.opened;
    const bothRunning = new Promise<void>((resolve) => {
      behaviour.called = () => behaviour.calls === 2 && resolve();
    });
    await bus.scope(async () => {
      bus.emit(new OrderPlaced('o1'));
      bus.emit(new OrderPlaced('o2'));
    });
    await bothRunning;
    const pending = points(await metric(sdk, 'koa_event_bus.pending'));
    expect(pending).toContainEqual({
      attributes: { 'koa_event_bus.pending.state': 'dispatching' },
      value: 2,
    });
    door.open();
    await bus.drain();
    expect(points(await metric(sdk, 'koa_event_bus.events.emitted'))).toEqual([
      { attributes: { 'messaging.destination.name': 'OrderPlaced' }, value: 2 },
    ]);
    expect(points(await metric(sdk, 'koa_event_bus.events.committed'))).toEqual([
      {
        attributes: {
          'messaging.system': 'koa-event-bus',
          'messaging.destination.name': 'OrderPlaced',
        },
        value: 2,
      },
    ]);
    expect(points(await metric(sdk, 'koa_event_bus.pending'))).toContainEqual({
      attributes: { 'koa_event_bus.pending.state': 'dispatching' },
      value: 0,
    });
    await bus.close();
    const after = points(await metric(sdk, 'koa_event_bus.pending'));
    expect(after.map((p) => p.value)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('bus.dispatch()', () => {
  it('runs its handlers as children of the caller span (nothing was sent)', async () => {
    const { sdk, bus } = tracedBus();
    const tracer = sdk.tracerProvider.getTracer('test');
    await tracer.startActiveSpan('job', async (job) => {
      await bus.dispatch(new OrderPlaced('o1'));
      job.end();
    });
    const spans = sdk.spans();
    const job = only(spans, 'job');
    const attempt = only(spans, 'process OrderPlaced');
    expect(parentId(attempt)).toBe(spanId(job));
    expect(attempt.links).toEqual([]);
    expect(spans.filter((s) => s.name.startsWith('send'))).toEqual([]);
  });
});

test('without a span in context, send spans are roots', async () => {
  const { sdk, bus } = tracedBus();
  expect(trace.getSpan(context.active())).toBeUndefined();
  bus.emit(new OrderPlaced('o1'));
  await bus.drain();
  expect(parentId(only(sdk.spans(), 'send OrderPlaced'))).toBeUndefined();
});
