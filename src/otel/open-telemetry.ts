import {
  createNoopMeter,
  type MeterProvider,
  metrics,
  ProxyTracerProvider,
  type TextMapPropagator,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type {
  BusInstrumentation,
  Instrumentation,
  InstrumentedBus,
} from '../kernel/instrumentation';
import { IN_MEMORY_SYSTEM } from './attributes';
import { BusMetrics } from './bus-metrics';
import { BusTracing } from './bus-tracing';

const SCOPE_NAME = 'koa-event-bus';

/**
 * Options of {@link openTelemetry}. Everything defaults to what the
 * OpenTelemetry API has registered globally (what the Node SDK's `start()`
 * registers).
 *
 * @example
 * ```ts
 * openTelemetry({ tracerProvider, meterProvider, parentProcessSpan: true });
 * ```
 */
export interface OpenTelemetryOptions {
  /** Default: the global tracer provider. */
  tracerProvider?: TracerProvider;
  /** Default: the global meter provider. */
  meterProvider?: MeterProvider;
  /** How trace context is written to and read from broker headers. Default: the global propagator (W3C `traceparent`). */
  propagator?: TextMapPropagator;
  /**
   * Make each `process` span a child of the `send` span of its event (one
   * trace from the request to every handler) instead of the root of its own
   * trace with a link to it (the default, as the messaging conventions
   * recommend: a handler's work is not part of the request's latency).
   */
  parentProcessSpan?: boolean;
}

/**
 * Tracing and metrics for the bus with OpenTelemetry (`@opentelemetry/api`
 * only): a `send {Event}` PRODUCER span when committed events are handed to
 * the transport (a child of the span active where they were emitted), a
 * `process {Event}` CONSUMER span per handler attempt linked to it, the trace
 * context carried in RabbitMQ headers, and the bus's metrics. See
 * docs/guide/observability.md.
 *
 * @example
 * ```ts
 * import { openTelemetry } from 'koa-event-bus/otel';
 * const app = createApp({ controllers, handlers, instrumentation: openTelemetry() });
 * ```
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Instrumentation {
  return new OpenTelemetryInstrumentation(options);
}

/** What the API hands out while no SDK is registered. */
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
const NOOP_METER = createNoopMeter();

/**
 * True while the tracer provider is the API's no-op one (no SDK registered):
 * the bus then skips span work altogether (its spans would record nothing and
 * propagate nothing). Asked per event, since an SDK may be registered later.
 */
function noTracing(provider: TracerProvider): boolean {
  if (provider === NOOP_TRACER_PROVIDER) return true;
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_TRACER_PROVIDER;
}

class OpenTelemetryInstrumentation implements Instrumentation {
  /** Made at the first bus (inside the bus's guard: a provider that throws is logged there). */
  private made: { provider: TracerProvider; metrics: BusMetrics | undefined } | undefined;

  constructor(private readonly options: OpenTelemetryOptions) {}

  instrument(bus: InstrumentedBus): BusInstrumentation {
    if (!this.made) {
      const meter = (this.options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE_NAME);
      this.made = {
        provider: this.options.tracerProvider ?? trace.getTracerProvider(),
        metrics: meter === NOOP_METER ? undefined : new BusMetrics(meter),
      };
    }
    const { provider, metrics: instruments } = this.made;
    const tracer = provider.getTracer(SCOPE_NAME);
    const unwatch = instruments?.watch(() => bus.pending());
    return new BusTracing(
      {
        tracer,
        tracing: () => !noTracing(provider),
        metrics: instruments,
        propagator: this.options.propagator,
        parentProcessSpan: this.options.parentProcessSpan ?? false,
        system: bus.system ?? IN_MEMORY_SYSTEM,
      },
      () => unwatch?.(),
    );
  }
}
