import { isThenable } from '../kernel/is-thenable';
import type { InvocationContext } from './invocation-context';

/** Returned event instances (or arrays of them) become follow-ups; other return values are results only. */
export function collectReturnedEvents(result: unknown, ctx: InvocationContext): void {
  if (result === undefined || result === null || typeof result !== 'object') return;
  // Emitted as if from inside the handler: in its span, when the bus is instrumented.
  if (ctx.telemetry) ctx.inTelemetry(() => collect(result, ctx));
  else collect(result, ctx);
}

function collect(result: object, ctx: InvocationContext): void {
  if (Array.isArray(result)) {
    for (const item of result) if (isEventInstance(item)) ctx.emit(item);
  } else if (isEventInstance(result)) ctx.emit(result);
}

function isEventInstance(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (
    proto !== null &&
    proto !== Object.prototype &&
    proto !== Array.prototype &&
    !isThenable(value) &&
    !(value instanceof Error)
  );
}
