import { createEventBus, EventHandler, OnEvent, type EventContext, silentLogger } from 'koa-event-bus';

class Pinged { constructor(readonly n: number) {} }
class Ponged { constructor(readonly n: number) {} }

@EventHandler()
class PingHandler {
  calls: number[] = [];
  @OnEvent(Pinged)
  ping(e: Pinged, ctx: EventContext) {
    this.calls.push(e.n);
    ctx.emit(new Ponged(e.n));
    return 'ok';
  }
  @OnEvent(Ponged)
  pong(e: Ponged) {
    this.calls.push(-e.n);
  }
}

test('smoke', async () => {
  const bus = createEventBus({ handlers: [PingHandler], logger: silentLogger });
  const h = bus.resolver.get(PingHandler);
  const report = await bus.dispatch(new Pinged(1));
  expect(report.ok).toBe(true);
  expect(report.outcomes[0]?.result).toBe('ok');
  bus.emit(new Pinged(2));
  await bus.drain();
  expect(h.calls).toEqual([1, -1, 2, -2]);
});
