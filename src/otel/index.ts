// koa-event-bus/otel: tracing and metrics with OpenTelemetry. Only this entry
// point loads @opentelemetry/api (an optional peer dependency).
export type { OpenTelemetryOptions } from './open-telemetry';
export { openTelemetry } from './open-telemetry';
