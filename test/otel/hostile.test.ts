import type { Context } from '@opentelemetry/api';
import type {
  ReadableSpan,
  Span,
  SpanExporter,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  Controller,
  createApp,
  createEventBus,
  EventBus,
  EventHandler,
  type Instrumentation,
  OnEvent,
  Post,
} from 'koa-event-bus';
import { openTelemetry } from 'koa-event-bus/otel';
import request from 'supertest';
import { recordingLogger } from '../fixtures/recording-logger';
import { otelSdk, registerGlobals, tracedServer } from './otel-fixture';

class Paid {
  constructor(readonly id: string) {}
}
class Receipted {
  constructor(readonly id: string) {}
}

const ran: string[] = [];

@EventHandler()
class Receipts {
  @OnEvent(Paid)
  async send(event: Paid) {
    ran.push(`send ${event.id}`);
    return new Receipted(event.id);
  }

  @OnEvent(Receipted)
  file(event: Receipted) {
    ran.push(`file ${event.id}`);
  }
}

@Controller('/pay')
class PayController {
  constructor(private readonly bus: EventBus) {}

  @Post('/')
  pay() {
    this.bus.emit(new Paid('p1'));
    return { ok: true };
  }
}

let restore: () => void;
beforeAll(() => {
  restore = registerGlobals();
});
afterAll(() => restore());
beforeEach(() => {
  ran.length = 0;
});

const throwing = (where: string) => () => {
  throw new Error(`${where} is broken`);
};

/** A span processor that throws from every callback. */
const hostileProcessor: SpanProcessor = {
  onStart: throwing('onStart') as (span: Span, parent: Context) => void,
  onEnd: throwing('onEnd') as (span: ReadableSpan) => void,
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** An exporter that throws synchronously. */
const hostileExporter: SpanExporter = {
  export: throwing('export'),
  shutdown: async () => {},
};

async function requestThrough(instrumentation: Instrumentation) {
  const sdk = otelSdk();
  const logger = recordingLogger();
  const app = createApp({
    controllers: [PayController],
    handlers: [Receipts],
    logger,
    instrumentation,
  });
  const server = tracedServer(app, sdk.tracerProvider);
  try {
    const res = await request(server).post('/pay').send({});
    await app.bus.drain();
    return { status: res.status, logger, faults: app.bus.internalFaults };
  } finally {
    server.close();
    await app.close();
  }
}

function errorsLogged(logger: ReturnType<typeof recordingLogger>): string[] {
  return logger.lines.filter((l) => l.level === 'error').map((l) => String(l.obj.member));
}

describe('a broken instrumentation never breaks a request or a dispatch', () => {
  it('a span processor that throws from onStart and onEnd', async () => {
    const sdk = otelSdk([hostileProcessor]);
    const { status, logger, faults } = await requestThrough(
      openTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider }),
    );
    expect(status).toBe(200);
    expect(ran).toEqual(['send p1', 'file p1']);
    expect(faults).toBe(0);
    // each failing member logged once, however many events went through it
    const members = errorsLogged(logger);
    expect(members).toEqual([...new Set(members)]);
    expect(members).toEqual(expect.arrayContaining(['publishing', 'attempt']));
  });

  it('an exporter that throws', async () => {
    const sdk = otelSdk([new SimpleSpanProcessor(hostileExporter)]);
    const { status } = await requestThrough(
      openTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider }),
    );
    expect(status).toBe(200);
    expect(ran).toEqual(['send p1', 'file p1']);
  });

  it('providers that throw', async () => {
    const provider = { getTracer: throwing('getTracer'), getMeter: throwing('getMeter') };
    const { status, logger } = await requestThrough(
      openTelemetry({ tracerProvider: provider as never, meterProvider: provider as never }),
    );
    expect(status).toBe(200);
    expect(ran).toEqual(['send p1', 'file p1']);
    expect(errorsLogged(logger)).toEqual(['instrument']);
  });

  it('an instrumentation that throws from every member; run() that throws before the handler', async () => {
    let runs = 0;
    const hostile: Instrumentation = {
      instrument: () => ({
        emitted: throwing('emitted'),
        publishing: throwing('publishing'),
        discarded: throwing('discarded'),
        deadLettered: throwing('deadLettered'),
        close: throwing('close'),
        attempt: () => ({
          run: () => {
            runs++;
            throw new Error('run is broken');
          },
          end: throwing('end'),
        }),
      }),
    };
    const { status, logger } = await requestThrough(hostile);
    expect(status).toBe(200);
    expect(runs).toBe(3); // two handlers, and the event one of them returned
    expect(ran).toEqual(['send p1', 'file p1']); // each handler ran once, not twice
    expect(errorsLogged(logger)).toEqual([
      'emitted',
      'publishing',
      'attempt.run',
      'attempt.end',
      'close',
    ]);
  });

  it('a handler that throws inside run() is the handler failing, not the instrumentation', async () => {
    const logger = recordingLogger();
    const bus = createEventBus({
      handlers: [],
      logger,
      instrumentation: {
        instrument: () => ({ attempt: () => ({ run: (fn) => fn(), end: () => {} }) }),
      },
    });
    bus.on(Paid, () => {
      throw new Error('handler says no');
    });
    const report = await bus.dispatch(new Paid('p2'));
    expect(report.failed.map((o) => o.error?.message)).toEqual(['handler says no']);
    expect(logger.lines.filter((l) => String(l.msg).startsWith('instrumentation'))).toEqual([]);
    await bus.close();
  });
});
