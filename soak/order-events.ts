import { Event } from 'koa-event-bus';

/** The three events every successful `POST /orders` commits; `tag` is the driver's `x-soak-tag`. */
@Event('order.placed')
export class OrderPlaced {
  constructor(
    readonly orderId: string,
    readonly tag: string,
  ) {}
}

@Event('order.payment-captured')
export class PaymentCaptured {
  constructor(
    readonly orderId: string,
    readonly tag: string,
  ) {}
}

@Event('order.receipt-queued')
export class ReceiptQueued {
  constructor(
    readonly orderId: string,
    readonly tag: string,
  ) {}
}
