import { createEventBus, EventHandler, OnEvent } from 'koa-event-bus';
import { recordingLogger } from '../fixtures/recording-logger';

class OrderPlaced {
  constructor(readonly id: string) {}
}
class OrderShipped {
  constructor(readonly id: string) {}
}

@EventHandler()
class Orders {
  placed: string[] = [];
  @OnEvent(OrderPlaced)
  onPlaced(e: OrderPlaced): void {
    this.placed.push(e.id);
  }
}

const warnings = (logger: ReturnType<typeof recordingLogger>) =>
  logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg);

describe('an event nobody handles never vanishes silently', () => {
  test("'warn' (default outside production): one warning per event class, and describe() lists it", async () => {
    const logger = recordingLogger();
    const bus = createEventBus({ handlers: [Orders], logger });
    bus.emit(new OrderShipped('o-1'));
    bus.emit(new OrderShipped('o-2'));
    bus.emit(new OrderPlaced('o-3'));
    await bus.drain();
    expect(warnings(logger)).toEqual([
      expect.stringMatching(
        /^no handler is subscribed to OrderShipped: it is dispatched to nobody/,
      ),
    ]);
    expect(bus.describe().map((d) => [d.event, d.handlers.map((h) => h.id)])).toEqual([
      ['OrderPlaced', ['Orders.onPlaced']],
      ['OrderShipped', []],
    ]);
    // Subscribing later makes it handled: no longer listed as unhandled.
    bus.on(OrderShipped, () => {}, { id: 'late' });
    expect(
      bus
        .describe()
        .find((d) => d.event === 'OrderShipped')
        ?.handlers.map((h) => h.id),
    ).toEqual(['late']);
  });

  test("'throw': emit throws KEB_UNHANDLED_EVENT naming the event; dispatch rejects", async () => {
    const bus = createEventBus({
      handlers: [Orders],
      logger: recordingLogger(),
      onUnhandledEvent: 'throw',
    });
    expect(() => bus.emit(new OrderShipped('o-1'))).toThrow(
      expect.objectContaining({ code: 'KEB_UNHANDLED_EVENT', eventName: 'OrderShipped' }),
    );
    await expect(bus.dispatch(new OrderShipped('o-2'))).rejects.toMatchObject({
      code: 'KEB_UNHANDLED_EVENT',
    });
    expect(() => bus.emit(new OrderPlaced('o-3'))).not.toThrow();
    await bus.drain();
    expect(bus.resolver.get(Orders).placed).toEqual(['o-3']);
  });

  test("'ignore', and the default when NODE_ENV=production: nothing is logged", async () => {
    const previous = process.env.NODE_ENV;
    try {
      for (const options of [{ onUnhandledEvent: 'ignore' as const }, {}]) {
        process.env.NODE_ENV = 'production';
        const logger = recordingLogger();
        const bus = createEventBus({ handlers: [Orders], logger, ...options });
        bus.emit(new OrderShipped('o-1'));
        await bus.drain();
        expect(warnings(logger)).toEqual([]);
      }
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  test('a base-class handler with includeSubclasses counts as a handler', async () => {
    class Shipped extends OrderShipped {}
    const logger = recordingLogger();
    const bus = createEventBus({ logger, onUnhandledEvent: 'throw' });
    const seen: string[] = [];
    bus.on(OrderShipped, (e) => void seen.push(e.id), { includeSubclasses: true });
    bus.emit(new Shipped('o-1'));
    await bus.drain();
    expect(seen).toEqual(['o-1']);
  });
});
