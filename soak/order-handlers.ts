import { setTimeout as sleep } from 'node:timers/promises';
import { type EventContext, EventHandler, OnEvent } from 'koa-event-bus';
import { Journal } from './journal';
import { OrderPlaced, PaymentCaptured, ReceiptQueued } from './order-events';

/** A random delay of 0–5 ms, cut short (with a rejection) when the bus aborts the handler. */
function jitter(signal: AbortSignal): Promise<void> {
  return sleep(Math.random() * 5, undefined, { signal });
}

/** Synchronous: journals at once. */
@EventHandler()
export class RecordOrder {
  constructor(private readonly journal: Journal) {}

  @OnEvent(OrderPlaced)
  record(event: OrderPlaced, ctx: EventContext): void {
    this.journal.write('handled', ctx.envelope.id, ctx.handlerId, event.tag);
  }
}

/** Async; 2% of first attempts fail, so retries run (and must not journal twice). */
@EventHandler()
export class CapturePayment {
  constructor(private readonly journal: Journal) {}

  @OnEvent(PaymentCaptured, { retry: { attempts: 3, backoffMs: 10 } })
  async capture(event: PaymentCaptured, ctx: EventContext): Promise<void> {
    await jitter(ctx.signal);
    if (ctx.attempt === 1 && Math.random() < 0.02) throw new Error('payment gateway busy');
    this.journal.write('handled', ctx.envelope.id, ctx.handlerId, event.tag);
  }
}

/** Async; 1 receipt in 500 takes 4 s (longer than the shutdown timeout), so close() can lose one. */
@EventHandler()
export class QueueReceipt {
  constructor(private readonly journal: Journal) {}

  @OnEvent(ReceiptQueued)
  async queue(event: ReceiptQueued, ctx: EventContext): Promise<void> {
    if (Math.random() < 0.002) await sleep(4_000, undefined, { signal: ctx.signal });
    else await jitter(ctx.signal);
    this.journal.write('handled', ctx.envelope.id, ctx.handlerId, event.tag);
  }
}
