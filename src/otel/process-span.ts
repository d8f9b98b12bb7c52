import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanStatusCode,
} from '@opentelemetry/api';
import type { AttemptEnd, AttemptTelemetry } from '../kernel/instrumentation';
import { ATTR, errorType } from './attributes';
import type { BusMetrics } from './bus-metrics';

/** The `process` span of one attempt (when tracing), and its duration (when measuring). */
export class ProcessSpan implements AttemptTelemetry {
  private readonly started = performance.now();

  constructor(
    private readonly metrics: BusMetrics | undefined,
    private readonly measured: Attributes | undefined,
    private readonly span: Span | undefined,
    private readonly active?: Context,
  ) {}

  run<T>(fn: () => T): T {
    return this.active ? context.with(this.active, fn) : fn();
  }

  end(outcome: AttemptEnd): void {
    const { metrics, measured, span } = this;
    const seconds = (performance.now() - this.started) / 1000;
    if (outcome.status === 'failed') {
      const type = errorType(outcome.error);
      metrics?.duration.record(seconds, { ...measured, [ATTR.errorType]: type });
      if (outcome.willRetry) metrics?.countRetry(measured!);
      if (!span) return;
      failSpan(span, outcome.error);
      if (outcome.deadLetter)
        span.addEvent('koa_event_bus.dead_letter', {
          [ATTR.deadLetterReason]: outcome.deadLetter,
          [ATTR.errorType]: type,
        });
    } else metrics?.duration.record(seconds, measured);
    span?.end();
  }
}

/** Marks a span failed: `error.type`, the exception event, status ERROR with the message. */
export function failSpan(span: Span, error: unknown): void {
  span.setAttribute(ATTR.errorType, errorType(error));
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else span.setStatus({ code: SpanStatusCode.ERROR });
}
