import { createEventBus, EventHandler, OnEvent, silentLogger } from 'koa-event-bus';

class PaymentEvent {
  constructor(readonly amount: number) {}
}
class CardPaymentSucceeded extends PaymentEvent {}
class WirePaymentSucceeded extends PaymentEvent {}

describe('subclass delivery', () => {
  test('is by class identity unless a handler opts in; opted-in handlers get each event once', async () => {
    const log: string[] = [];
    @EventHandler()
    class Payments {
      @OnEvent(PaymentEvent)
      exact(e: PaymentEvent) {
        log.push(`exact ${e.constructor.name}`);
      }
      @OnEvent(PaymentEvent, { includeSubclasses: true })
      all(e: PaymentEvent) {
        log.push(`all ${e.constructor.name}`);
      }
      // subscribed to the subclass AND (through includeSubclasses) its base: still delivered once
      @OnEvent([CardPaymentSucceeded, PaymentEvent], { includeSubclasses: true })
      cards(e: PaymentEvent) {
        log.push(`cards ${e.constructor.name}`);
      }
    }
    const bus = createEventBus({ handlers: [Payments], logger: silentLogger });
    await bus.dispatch(new CardPaymentSucceeded(10));
    await bus.dispatch(new WirePaymentSucceeded(20));
    await bus.dispatch(new PaymentEvent(30));
    expect(log).toEqual([
      'cards CardPaymentSucceeded',
      'all CardPaymentSucceeded',
      'all WirePaymentSucceeded',
      'cards WirePaymentSucceeded',
      'exact PaymentEvent',
      'all PaymentEvent',
      'cards PaymentEvent',
    ]);
  });

  test('a same-shaped class is a different event', async () => {
    class Lookalike {
      constructor(readonly amount: number) {}
    }
    const log: string[] = [];
    const bus = createEventBus({ logger: silentLogger });
    bus.on(PaymentEvent, () => {
      log.push('payment');
    });
    await bus.dispatch(new Lookalike(1));
    expect(log).toEqual([]);
  });
});
