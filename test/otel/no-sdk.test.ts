import { trace } from '@opentelemetry/api';
import { createEventBus, EventHandler, OnEvent, silentLogger } from 'koa-event-bus';
import { openTelemetry } from 'koa-event-bus/otel';
import { otelSdk, registerGlobals } from './otel-fixture';

class Tick {
  constructor(readonly n: number) {}
}
const seen: number[] = [];

@EventHandler()
class Ticks {
  @OnEvent(Tick)
  on(e: Tick) {
    seen.push(e.n);
  }
}

// openTelemetry() with the global providers: before an SDK is registered the bus does no span
// work (the API's no-op tracer); once one is registered, the next events are traced.
test('no SDK registered: handlers run, nothing is traced; an SDK registered later is picked up', async () => {
  const restore = registerGlobals();
  const bus = createEventBus({
    handlers: [Ticks],
    logger: silentLogger,
    instrumentation: openTelemetry(),
  });
  try {
    const before = bus.emit(new Tick(1)) as { telemetry?: unknown };
    await bus.drain();
    expect(seen).toEqual([1]);
    expect(before.telemetry).toBeUndefined(); // no span work at all

    const sdk = otelSdk();
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    bus.emit(new Tick(2));
    await bus.drain();
    expect(seen).toEqual([1, 2]);
    expect(sdk.spans().map((s) => s.name)).toEqual(['send Tick', 'process Tick']);
  } finally {
    await bus.close();
    trace.disable();
    restore();
  }
});
