import {
  createEventBus,
  type DiscardInfo,
  EventBus,
  type EventContext,
  type EventEnvelope,
  EventHandler,
  OnEvent,
  silentLogger,
} from 'koa-event-bus';

class OrderPlaced {
  constructor(readonly orderId: string) {}
}
class PaymentCaptured {
  constructor(readonly orderId: string) {}
}
class ReceiptSent {
  constructor(readonly orderId: string) {}
}
class Ping {
  constructor(readonly n: number) {}
}
class Pong {
  constructor(readonly n: number) {}
}

const envelopes: EventEnvelope[] = [];
beforeEach(() => {
  envelopes.length = 0;
});

@EventHandler()
class Checkout {
  @OnEvent(OrderPlaced)
  capture(e: OrderPlaced, ctx: EventContext) {
    envelopes.push(ctx.envelope);
    ctx.emit(new PaymentCaptured(e.orderId)); // emitted through the context
  }
  @OnEvent(PaymentCaptured)
  receipt(e: PaymentCaptured, ctx: EventContext) {
    envelopes.push(ctx.envelope);
    return [new ReceiptSent(e.orderId), 'not an event', { plain: true }]; // returned
  }
  @OnEvent(ReceiptSent)
  done(_e: ReceiptSent, ctx: EventContext) {
    envelopes.push(ctx.envelope);
  }
}

describe('follow-up events', () => {
  test('emitted or returned follow-ups run after their parent, with causation and correlation', async () => {
    const bus = createEventBus({ handlers: [Checkout], logger: silentLogger });
    const report = await bus.dispatch(new OrderPlaced('o-1'));
    await bus.drain();
    expect(envelopes.map((e) => e.name)).toEqual(['OrderPlaced', 'PaymentCaptured', 'ReceiptSent']);
    const [placed, captured, receipt] = envelopes as [EventEnvelope, EventEnvelope, EventEnvelope];
    expect(captured.causationId).toBe(placed.id);
    expect(receipt.causationId).toBe(captured.id);
    expect(new Set(envelopes.map((e) => e.correlationId))).toEqual(new Set([placed.correlationId]));
    expect(envelopes.map((e) => e.depth)).toEqual([0, 1, 2]);
    expect(report.outcomes[0]?.followUps.map((f) => f.id)).toEqual([captured.id]);
  });

  test('a bus injected into the handler emits follow-ups too (the invocation is the current scope)', async () => {
    const seen: EventEnvelope[] = [];

    @EventHandler()
    class ViaInjectedBus {
      constructor(private readonly bus: EventBus) {}
      @OnEvent(OrderPlaced)
      async place(e: OrderPlaced) {
        await Promise.resolve();
        this.bus.emit(new ReceiptSent(e.orderId));
      }
      @OnEvent(ReceiptSent)
      sent(_e: ReceiptSent, ctx: EventContext) {
        seen.push(ctx.envelope);
      }
    }
    const bus = createEventBus({ handlers: [ViaInjectedBus], logger: silentLogger });
    const report = await bus.dispatch(new OrderPlaced('o-2'));
    await bus.drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.causationId).toBe(report.envelope.id);
    expect(seen[0]?.correlationId).toBe(report.envelope.correlationId);
  });

  test("follow-ups of a failed attempt are discarded; only the successful attempt's are dispatched", async () => {
    const discards: DiscardInfo[] = [];
    const receipts: string[] = [];
    const bus = createEventBus({
      logger: silentLogger,
      hooks: { onDiscard: (d) => discards.push(d) },
    });
    bus.on(
      OrderPlaced,
      (e, ctx) => {
        ctx.emit(new ReceiptSent(`${e.orderId}#${ctx.attempt}`));
        if (ctx.attempt === 1) throw new Error('first attempt fails after emitting');
      },
      { retry: { attempts: 2 } },
    );
    bus.on(ReceiptSent, (e) => {
      receipts.push(e.orderId);
    });
    await bus.dispatch(new OrderPlaced('o-3'));
    await bus.drain();
    expect(receipts).toEqual(['o-3#2']);
    expect(discards).toHaveLength(1);
    expect(discards[0]?.reason).toMatchObject({
      kind: 'handler-failed',
      handlerId: 'on(OrderPlaced)#1',
    });
    expect(discards[0]?.envelopes.map((e) => (e.event as ReceiptSent).orderId)).toEqual(['o-3#1']);
  });

  test('a handler that finally fails has its follow-ups discarded', async () => {
    const receipts: string[] = [];
    const bus = createEventBus({ logger: silentLogger });
    bus.on(OrderPlaced, (e, ctx) => {
      ctx.emit(new ReceiptSent(e.orderId));
      throw new Error('nope');
    });
    bus.on(ReceiptSent, (e) => {
      receipts.push(e.orderId);
    });
    bus.emit(new OrderPlaced('o-4'));
    await bus.drain();
    expect(receipts).toEqual([]);
  });

  test('a cycle is cut at maxCausationDepth with KEB_CAUSATION_DEPTH_EXCEEDED naming the chain', async () => {
    const discards: DiscardInfo[] = [];
    let pings = 0;
    const bus = createEventBus({
      logger: silentLogger,
      maxCausationDepth: 5,
      hooks: { onDiscard: (d) => discards.push(d) },
    });
    bus.on(Ping, (e) => {
      pings++;
      return new Pong(e.n + 1);
    });
    bus.on(Pong, (e) => new Ping(e.n + 1));
    bus.emit(new Ping(0));
    await bus.drain();
    expect(pings).toBe(3); // depths 0, 2, 4
    expect(discards).toHaveLength(1);
    const reason = discards[0]!.reason;
    expect(reason.kind).toBe('causation-depth');
    const error = (reason as { error: Error & { code: string; depth: number } }).error;
    expect(error.code).toBe('KEB_CAUSATION_DEPTH_EXCEEDED');
    expect(error.depth).toBe(6);
    expect(error.message).toContain('Ping -> Pong -> Ping -> Pong -> Ping -> Pong');
  });
});
