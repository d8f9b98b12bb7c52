import {
  createEventBus,
  type EventBus,
  EventBus as EventBusToken,
  type EventContext,
  type EventEnvelope,
  EventHandler,
  Injectable,
  OnEvent,
  silentLogger,
} from 'koa-event-bus';

class OrderPlaced {
  constructor(readonly orderId: string) {}
}
class ReceiptSent {
  constructor(readonly orderId: string) {}
}

/** A service that emits through the bus it was given. */
@Injectable()
class Receipts {
  constructor(readonly bus: EventBusToken) {}
  send(orderId: string) {
    this.bus.emit(new ReceiptSent(orderId));
  }
}

// A bus reachable without injection, as a module-level singleton would be.
let moduleBus: EventBus | undefined;

@EventHandler()
class ViaService {
  constructor(private readonly receipts: Receipts) {}
  @OnEvent(OrderPlaced)
  async place(e: OrderPlaced) {
    await Promise.resolve();
    this.receipts.send(e.orderId);
  }
}

@EventHandler()
class ViaModuleSingleton {
  @OnEvent(OrderPlaced)
  async place(e: OrderPlaced) {
    await Promise.resolve();
    moduleBus?.emit(new ReceiptSent(e.orderId));
  }
}

function record(bus: EventBus) {
  const receipts: EventEnvelope[] = [];
  bus.on(ReceiptSent, (_e, ctx: EventContext) => {
    receipts.push(ctx.envelope);
  });
  return receipts;
}

describe('handler scopes: every invocation is a scope', () => {
  test('a bus injected through a service (transitively) still emits follow-ups, with causation', async () => {
    const bus = createEventBus({ handlers: [ViaService], logger: silentLogger });
    const receipts = record(bus);
    const report = await bus.dispatch(new OrderPlaced('o-1'));
    await bus.drain();
    expect(receipts.map((r) => r.causationId)).toEqual([report.envelope.id]);
    expect(report.outcomes[0]?.followUps).toHaveLength(1);
  });

  test("a module-level singleton's emit inside a handler is a follow-up: every invocation has its own scope", async () => {
    const bus = createEventBus({ handlers: [ViaModuleSingleton], logger: silentLogger });
    moduleBus = bus;
    const receipts = record(bus);
    const report = await bus.dispatch(new OrderPlaced('o-3'));
    await bus.drain();
    expect(receipts.map((r) => r.causationId)).toEqual([report.envelope.id]);
    expect(report.outcomes[0]?.followUps).toHaveLength(1);
  });

  test("a module-level singleton's emit from a handler that fails is discarded with it", async () => {
    @EventHandler()
    class EmitsThenFails {
      @OnEvent(OrderPlaced)
      async place(e: OrderPlaced) {
        moduleBus?.emit(new ReceiptSent(e.orderId));
        throw new Error('after emitting');
      }
    }
    const discarded: string[] = [];
    const bus = createEventBus({
      handlers: [EmitsThenFails],
      logger: silentLogger,
      hooks: {
        onDiscard: ({ envelopes, reason }) =>
          discarded.push(`${envelopes[0]?.name}:${reason.kind}`),
      },
    });
    moduleBus = bus;
    const receipts = record(bus);
    await bus.dispatch(new OrderPlaced('o-3b'));
    await bus.drain();
    expect(receipts).toEqual([]);
    expect(discarded).toEqual(['ReceiptSent:handler-failed']);
  });

  test("a handler built by the user's container gets a scope (we cannot see what it injected)", async () => {
    const bus = createEventBus({
      handlers: [ViaModuleSingleton],
      logger: silentLogger,
      resolve: (token) => (token === ViaModuleSingleton ? new ViaModuleSingleton() : undefined),
    });
    moduleBus = bus;
    const receipts = record(bus);
    const report = await bus.dispatch(new OrderPlaced('o-4'));
    await bus.drain();
    expect(receipts.map((r) => r.causationId)).toEqual([report.envelope.id]);
  });

  test('ctx.emit and returned events are follow-ups whatever the policy', async () => {
    @EventHandler()
    class Plain {
      @OnEvent(OrderPlaced)
      place(e: OrderPlaced, ctx: EventContext) {
        ctx.emit(new ReceiptSent(`${e.orderId}/ctx`));
        return new ReceiptSent(`${e.orderId}/returned`);
      }
    }
    const bus = createEventBus({ handlers: [Plain], logger: silentLogger });
    const receipts = record(bus);
    const report = await bus.dispatch(new OrderPlaced('o-5'));
    await bus.drain();
    expect(receipts.map((r) => [(r.event as ReceiptSent).orderId, r.causationId])).toEqual([
      ['o-5/ctx', report.envelope.id],
      ['o-5/returned', report.envelope.id],
    ]);
  });
});
