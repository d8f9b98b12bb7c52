import 'reflect-metadata';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import {
  createEventBus,
  type EventBusOptions,
  EventHandler,
  OnEvent,
  silentLogger,
} from '../../src/index';
import { openTelemetry } from '../../src/otel/index';

// One configuration, one workload, in a process of its own: prints {"nsPerEvent": n} (the
// median of REPS timed runs of N events, after a warm-up). Usage:
//   worker.ts <none|api|sdk> <emit|request>
// none: no instrumentation. api: openTelemetry() with no SDK registered (the API's no-op
// providers). sdk: the SDK registered as the Node SDK does (AsyncLocalStorage context manager,
// W3C propagator, a BasicTracerProvider with a BatchSpanProcessor, a MeterProvider with a
// periodic reader), every exporter a no-op.

const [config = 'none', workload = 'emit'] = process.argv.slice(2);
const N = Number(process.env.OTEL_BENCH_N ?? 20_000);
const REPS = Number(process.env.OTEL_BENCH_REPS ?? 7);

class Ping {
  constructor(readonly n: number) {}
}
class Ponged {
  constructor(readonly n: number) {}
}
let handled = 0;

@EventHandler()
class Handlers {
  @OnEvent(Ping)
  async ping(e: Ping) {
    handled++;
    return workload === 'request' ? new Ponged(e.n) : undefined;
  }

  @OnEvent(Ponged)
  pong(_: Ponged) {
    handled++;
  }
}

const noopSpanExporter: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
};
const noopMetricExporter: PushMetricExporter = {
  export: (_metrics, done) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
};

function options(): EventBusOptions {
  const base: EventBusOptions = { handlers: [Handlers], logger: silentLogger };
  if (config === 'none') return base;
  if (config === 'sdk') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopSpanExporter)] }),
    );
    const reader = new PeriodicExportingMetricReader({
      exporter: noopMetricExporter,
      exportIntervalMillis: 1_000,
    });
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  }
  return { ...base, instrumentation: openTelemetry() };
}

async function main() {
  const bus = createEventBus(options());
  const perEvent = workload === 'request' ? 2 : 1;
  // emit: root events, each published at once. request: one scope per "request" (as the Koa
  // middleware opens), one emit, committed; its handler returns a follow-up.
  const run = async (n: number) => {
    const target = handled + n * perEvent;
    if (workload === 'request') {
      for (let i = 0; i < n; i++) {
        const scope = bus.openScope();
        scope.run(() => bus.emit(new Ping(i)));
        scope.commit();
      }
    } else for (let i = 0; i < n; i++) bus.emit(new Ping(i));
    await bus.drain();
    if (handled !== target) throw new Error(`handled ${handled}, expected ${target}`);
  };
  await run(N); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = process.hrtime.bigint();
    await run(N);
    samples.push(Number(process.hrtime.bigint() - t0) / N);
  }
  samples.sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ nsPerEvent: samples[samples.length >> 1] })}\n`);
  await bus.close();
  process.exit(0);
}

void main();
