import {
  type Attributes,
  type Context,
  context,
  type Link,
  type MeterProvider,
  metrics,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { DeadLetter, DiscardInfo, DiscardReason } from '../kernel/hooks';
import type {
  AttemptEnd,
  AttemptTelemetry,
  BusInstrumentation,
  Instrumentation,
  InstrumentedBus,
  PublishTelemetry,
} from '../kernel/instrumentation';
import { ATTR, errorType, IN_MEMORY_SYSTEM, messageAttributes } from './attributes';
import { BusMetrics } from './bus-metrics';
import { headersGetter } from './headers-carrier';

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

class OpenTelemetryInstrumentation implements Instrumentation {
  /** Made at the first bus (inside the bus's guard: a provider that throws is logged there). */
  private made: { tracer: Tracer; metrics: BusMetrics } | undefined;

  constructor(private readonly options: OpenTelemetryOptions) {}

  instrument(bus: InstrumentedBus): BusInstrumentation {
    if (!this.made) {
      const tracerProvider = this.options.tracerProvider ?? trace.getTracerProvider();
      const meterProvider = this.options.meterProvider ?? metrics.getMeterProvider();
      this.made = {
        tracer: tracerProvider.getTracer(SCOPE_NAME),
        metrics: new BusMetrics(meterProvider.getMeter(SCOPE_NAME)),
      };
    }
    const { tracer, metrics: instruments } = this.made;
    return new BusTracing(
      tracer,
      instruments,
      this.options.propagator,
      this.options.parentProcessSpan ?? false,
      bus.system ?? IN_MEMORY_SYSTEM,
      instruments.watch(() => bus.pending()),
    );
  }
}

/** One bus's spans and measurements. */
class BusTracing implements BusInstrumentation {
  /** The context each event was emitted in: its `send` span's parent. */
  private readonly emittedIn = new WeakMap<EventEnvelope, Context>();
  /** The context of each event's `send` span (here, or extracted from a received message). */
  private readonly sentIn = new WeakMap<EventEnvelope, Context>();

  constructor(
    private readonly tracer: Tracer,
    private readonly metrics: BusMetrics,
    private readonly propagator: TextMapPropagator | undefined,
    private readonly parentProcessSpan: boolean,
    private readonly system: string,
    readonly close: () => void,
  ) {}

  emitted(envelope: EventEnvelope): void {
    this.metrics.countEmitted(envelope);
    const active = context.active();
    if (active !== ROOT_CONTEXT) this.emittedIn.set(envelope, active);
  }

  publishing(envelopes: readonly EventEnvelope[]): PublishTelemetry {
    this.metrics.countCommitted(this.system, envelopes);
    const spans: Span[] = [];
    for (const envelope of envelopes) {
      const parent = this.emittedIn.get(envelope) ?? context.active();
      const span = this.tracer.startSpan(
        `send ${envelope.name}`,
        { kind: SpanKind.PRODUCER, attributes: messageAttributes(this.system, 'send', envelope) },
        parent,
      );
      this.sentIn.set(envelope, trace.setSpan(parent, span));
      spans.push(span);
    }
    return {
      end: (error?: unknown) => {
        for (const span of spans) {
          if (error !== undefined) failSpan(span, error);
          span.end();
        }
      },
    };
  }

  inject(envelope: EventEnvelope, carrier: Record<string, string>): void {
    const sent = this.sentIn.get(envelope) ?? context.active();
    if (this.propagator) this.propagator.inject(sent, carrier, defaultSetter);
    else propagation.inject(sent, carrier);
  }

  received(envelope: EventEnvelope, carrier: Readonly<Record<string, unknown>>): void {
    const extracted = this.propagator
      ? this.propagator.extract(ROOT_CONTEXT, carrier, headersGetter)
      : propagation.extract(ROOT_CONTEXT, carrier, headersGetter);
    if (trace.getSpanContext(extracted)) this.sentIn.set(envelope, extracted);
  }

  attempt(envelope: EventEnvelope, handlerId: string, attempt: number): AttemptTelemetry {
    const sent = this.sentIn.get(envelope);
    let parent: Context;
    let links: Link[] | undefined;
    if (!sent) {
      // Never published (bus.dispatch): the handlers run for the caller, as its children.
      parent = this.emittedIn.get(envelope) ?? context.active();
    } else if (this.parentProcessSpan) {
      parent = sent;
    } else {
      parent = ROOT_CONTEXT;
      const producer = trace.getSpanContext(sent);
      links = producer ? [{ context: producer }] : undefined;
    }
    const attributes = messageAttributes(this.system, 'process', envelope);
    attributes[ATTR.handlerId] = handlerId;
    attributes[ATTR.attempt] = attempt;
    const span = this.tracer.startSpan(
      `process ${envelope.name}`,
      { kind: SpanKind.CONSUMER, attributes, ...(links && { links }) },
      parent,
    );
    const measured: Attributes = {
      [ATTR.system]: this.system,
      [ATTR.operationName]: 'process',
      [ATTR.destination]: envelope.name,
      [ATTR.handlerId]: handlerId,
    };
    return new ProcessSpan(span, trace.setSpan(parent, span), this.metrics, measured);
  }

  discarded(info: DiscardInfo): void {
    const reason = info.reason;
    this.metrics.countDiscarded(info.envelopes, reason.kind);
    for (const envelope of info.envelopes) {
      const attributes = discardAttributes(envelope, reason);
      const emittedIn = this.emittedIn.get(envelope) ?? context.active();
      const emitter = trace.getSpan(emittedIn);
      if (emitter?.isRecording()) {
        emitter.addEvent('koa_event_bus.discard', attributes);
        continue;
      }
      // The span it was emitted in has ended (a request span ends before its
      // scope is discarded): a zero-length span under it carries the event.
      const span = this.tracer.startSpan(
        `discard ${envelope.name}`,
        { kind: SpanKind.INTERNAL, attributes: { [ATTR.destination]: envelope.name } },
        emittedIn,
      );
      span.addEvent('koa_event_bus.discard', attributes);
      span.end();
    }
  }

  deadLettered(letter: DeadLetter): void {
    this.metrics.countDeadLetter({
      [ATTR.destination]: letter.envelope.name,
      [ATTR.handlerId]: letter.handlerId,
      [ATTR.deadLetterReason]: letter.reason,
    });
  }
}

/** The `process` span of one attempt, and its duration for the histogram. */
class ProcessSpan implements AttemptTelemetry {
  private readonly started = performance.now();

  constructor(
    private readonly span: Span,
    private readonly active: Context,
    private readonly metrics: BusMetrics,
    private readonly measured: Attributes,
  ) {}

  run<T>(fn: () => T): T {
    return context.with(this.active, fn);
  }

  end(outcome: AttemptEnd): void {
    const seconds = (performance.now() - this.started) / 1000;
    const span = this.span;
    if (outcome.status === 'failed') {
      const type = errorType(outcome.error);
      this.metrics.duration.record(seconds, { ...this.measured, [ATTR.errorType]: type });
      failSpan(span, outcome.error);
      if (outcome.willRetry) this.metrics.countRetry(this.measured);
      if (outcome.deadLetter)
        span.addEvent('koa_event_bus.dead_letter', {
          [ATTR.deadLetterReason]: outcome.deadLetter,
          [ATTR.errorType]: type,
        });
    } else {
      this.metrics.duration.record(seconds, this.measured);
    }
    span.end();
  }
}

function failSpan(span: Span, error: unknown): void {
  span.setAttribute(ATTR.errorType, errorType(error));
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else span.setStatus({ code: SpanStatusCode.ERROR });
}

function discardAttributes(envelope: EventEnvelope, reason: DiscardReason): Attributes {
  const attributes: Attributes = {
    [ATTR.discardReason]: reason.kind,
    [ATTR.destination]: envelope.name,
    [ATTR.messageId]: envelope.id,
  };
  if ('status' in reason) attributes['http.response.status_code'] = reason.status;
  if ('error' in reason && reason.error !== undefined)
    attributes[ATTR.errorType] = errorType(reason.error);
  return attributes;
}

const defaultSetter = {
  set(carrier: Record<string, string>, key: string, value: string) {
    carrier[key] = value;
  },
};
