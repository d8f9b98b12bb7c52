import {
  type Attributes,
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { DeadLetter, DiscardInfo, DiscardReason } from '../kernel/hooks';
import type {
  AttemptTelemetry,
  BusInstrumentation,
  InstrumentedEnvelope,
  PublishTelemetry,
} from '../kernel/instrumentation';
import { ATTR, errorType, messageAttributes } from './attributes';
import type { BusMetrics } from './bus-metrics';
import { headersGetter } from './headers-carrier';
import { failSpan, ProcessSpan } from './process-span';

/** What one bus's tracing is made of (shared by the buses of one `openTelemetry()`). */
export interface TracingSetup {
  readonly tracer: Tracer;
  /** False while no tracer provider is registered: no span work at all. */
  readonly tracing: () => boolean;
  /** Undefined when the meter is the API's no-op one. */
  readonly metrics: BusMetrics | undefined;
  readonly propagator: TextMapPropagator | undefined;
  readonly parentProcessSpan: boolean;
  readonly system: string;
}

/**
 * What an envelope's `telemetry` slot holds once the event was sent: its
 * `send` span's context (made here, or extracted from a received message).
 * Before that the slot holds the context the event was emitted in, if any.
 */
class Sent {
  constructor(
    readonly span: SpanContext,
    private made?: Context,
  ) {}

  get context(): Context {
    this.made ??= trace.setSpanContext(ROOT_CONTEXT, this.span);
    return this.made;
  }
}

/** The context an envelope was emitted in (its `send` span's parent), else the active one. */
function emittedIn(envelope: InstrumentedEnvelope): Context {
  const slot = envelope.telemetry;
  if (slot instanceof Sent) return slot.context;
  return (slot as Context | undefined) ?? context.active();
}

/** One bus's spans and measurements. */
export class BusTracing implements BusInstrumentation {
  constructor(
    private readonly s: TracingSetup,
    readonly close: () => void,
  ) {}

  emitted(envelope: InstrumentedEnvelope): void {
    this.s.metrics?.countEmitted(envelope);
    if (!this.s.tracing()) return;
    const active = context.active();
    if (active !== ROOT_CONTEXT) envelope.telemetry = active;
  }

  publishing(envelopes: readonly InstrumentedEnvelope[]): PublishTelemetry | undefined {
    const { metrics, system, tracer } = this.s;
    metrics?.countCommitted(system, envelopes);
    if (!this.s.tracing()) return undefined;
    const spans: Span[] = [];
    for (const envelope of envelopes) {
      const span = tracer.startSpan(
        `send ${envelope.name}`,
        { kind: SpanKind.PRODUCER, attributes: messageAttributes(system, 'send', envelope) },
        emittedIn(envelope),
      );
      envelope.telemetry = new Sent(span.spanContext());
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

  inject(envelope: InstrumentedEnvelope, carrier: Record<string, string>): void {
    if (!(envelope.telemetry instanceof Sent)) return;
    const sent = envelope.telemetry.context;
    if (this.s.propagator) this.s.propagator.inject(sent, carrier, defaultSetter);
    else propagation.inject(sent, carrier);
  }

  received(envelope: InstrumentedEnvelope, carrier: Readonly<Record<string, unknown>>): void {
    if (!this.s.tracing()) return;
    const propagator = this.s.propagator;
    const extracted = propagator
      ? propagator.extract(ROOT_CONTEXT, carrier, headersGetter)
      : propagation.extract(ROOT_CONTEXT, carrier, headersGetter);
    const span = trace.getSpanContext(extracted);
    if (span) envelope.telemetry = new Sent(span, extracted);
  }

  attempt(
    envelope: InstrumentedEnvelope,
    handlerId: string,
    attempt: number,
  ): AttemptTelemetry | undefined {
    const { metrics, system } = this.s;
    const measured = metrics?.measuredFor(system, envelope.name, handlerId);
    if (!this.s.tracing()) return metrics && new ProcessSpan(metrics, measured, undefined);
    const slot = envelope.telemetry;
    let parent: Context;
    let links: Link[] | undefined;
    if (!(slot instanceof Sent)) {
      // Never sent (bus.dispatch): the handlers run for the caller, as its children.
      parent = (slot as Context | undefined) ?? context.active();
    } else if (this.s.parentProcessSpan) {
      parent = slot.context;
    } else {
      parent = ROOT_CONTEXT;
      links = [{ context: slot.span }];
    }
    const attributes = messageAttributes(system, 'process', envelope);
    attributes[ATTR.handlerId] = handlerId;
    attributes[ATTR.attempt] = attempt;
    const span = this.s.tracer.startSpan(
      `process ${envelope.name}`,
      { kind: SpanKind.CONSUMER, attributes, ...(links && { links }) },
      parent,
    );
    return new ProcessSpan(metrics, measured, span, trace.setSpan(parent, span));
  }

  discarded(info: DiscardInfo): void {
    const reason = info.reason;
    this.s.metrics?.countDiscarded(info.envelopes, reason.kind);
    if (!this.s.tracing()) return;
    for (const envelope of info.envelopes as readonly InstrumentedEnvelope[]) {
      const attributes = discardAttributes(envelope, reason);
      const parent = emittedIn(envelope);
      const emitter = trace.getSpan(parent);
      if (emitter?.isRecording()) {
        emitter.addEvent('koa_event_bus.discard', attributes);
        continue;
      }
      // The span it was emitted in has ended (a request span ends before its
      // scope is discarded): a zero-length span under it carries the event.
      const span = this.s.tracer.startSpan(
        `discard ${envelope.name}`,
        { kind: SpanKind.INTERNAL, attributes: { [ATTR.destination]: envelope.name } },
        parent,
      );
      span.addEvent('koa_event_bus.discard', attributes);
      span.end();
    }
  }

  deadLettered(letter: DeadLetter): void {
    this.s.metrics?.countDeadLetter(letter.envelope.name, letter.handlerId, letter.reason);
  }
}

function discardAttributes(envelope: InstrumentedEnvelope, reason: DiscardReason): Attributes {
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
