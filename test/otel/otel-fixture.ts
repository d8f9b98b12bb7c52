import * as http from 'node:http';
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { App } from 'koa-event-bus';

/** A MetricReader the test collects from by hand. */
export class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/**
 * The OpenTelemetry SDK as a test sees it: spans end in memory (one
 * SimpleSpanProcessor), metrics are collected on demand. The context manager
 * and the W3C propagator are registered globally, as the Node SDK does.
 */
export function otelSdk(extraProcessors: SpanProcessor[] = []) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [...extraProcessors, new SimpleSpanProcessor(exporter)],
  });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    exporter,
    tracerProvider,
    meterProvider,
    reader,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    async metrics(): Promise<ResourceMetrics> {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics;
    },
  };
}

/** Registers the AsyncLocalStorage context manager and W3C propagation (undo with the returned function). */
export function registerGlobals(): () => void {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return () => {
    context.disable();
    propagation.disable();
  };
}

/**
 * An HTTP server around the app's Koa callback that does what an HTTP
 * instrumentation does: a SERVER span per request, active while Koa runs it,
 * ended when the response finishes.
 */
export function tracedServer(app: App, provider: BasicTracerProvider): http.Server {
  const tracer = provider.getTracer('test-http');
  const handle = app.koa.callback();
  return http.createServer((req, res) => {
    const span = tracer.startSpan(
      `${req.method} ${req.url}`,
      { kind: SpanKind.SERVER },
      ROOT_CONTEXT,
    );
    res.on('finish', () => span.end());
    const active: Context = trace.setSpan(ROOT_CONTEXT, span);
    context.with(active, () => handle(req, res));
  });
}

/** The span named `name` (exactly one). */
export function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1)
    throw new Error(`${found.length} spans named ${name}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

export function spanId(span: ReadableSpan): string {
  return span.spanContext().spanId;
}

export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/**
 * The spans as an indented tree (children by start time), one line per span:
 * `name (KIND)`, and `↗ linked to <name>` for links. What the guide shows.
 */
export function spanTree(spans: readonly ReadableSpan[]): string {
  const byId = new Map(spans.map((s) => [spanId(s), s]));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const s of spans) {
    const p = parentId(s);
    const key = p && byId.has(p) ? p : undefined;
    children.set(key, [...(children.get(key) ?? []), s]);
  }
  const order = (a: ReadableSpan, b: ReadableSpan) =>
    a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];
  const lines: string[] = [];
  const walk = (s: ReadableSpan, depth: number) => {
    const links = s.links
      .map((l) => byId.get(l.context.spanId)?.name)
      .filter((n) => n !== undefined)
      .map((n) => `  ↗ linked to ${n}`)
      .join('');
    lines.push(`${'  '.repeat(depth)}${s.name} (${SpanKind[s.kind]})${links}`);
    for (const c of (children.get(spanId(s)) ?? []).sort(order)) walk(c, depth + 1);
  };
  for (const root of (children.get(undefined) ?? []).sort(order)) walk(root, 0);
  return lines.join('\n');
}
