import { Router } from '@koa/router';
import Koa from 'koa';
import {
  ConstructorResolver,
  Controller,
  createEventBus,
  EventBus,
  EventHandler,
  eventScope,
  HttpCode,
  httpErrors,
  mountControllers,
  OnEvent,
  Param,
  Post,
} from 'koa-event-bus';

export class OrderShipped {
  constructor(readonly orderId: string) {}
}

export class Notifications {
  readonly sent: string[] = [];
}

@EventHandler()
export class NotifyCustomer {
  constructor(private readonly notifications: Notifications) {}

  @OnEvent(OrderShipped)
  notify(event: OrderShipped): void {
    this.notifications.sent.push(`order ${event.orderId} shipped`);
  }
}

@Controller('/orders')
export class OrdersController {
  constructor(private readonly bus: EventBus) {}

  @Post('/:id/ship')
  @HttpCode(202)
  ship(@Param('id') id: string): { id: string; status: string } {
    this.bus.emit(new OrderShipped(id));
    return { id, status: 'shipping' };
  }
}

/**
 * An app you already have: your Koa instance, your router, your middleware.
 * Add `eventScope(bus)` (first) and `httpErrors()`, and mount the controllers.
 */
export function buildExistingApp() {
  const notifications = new Notifications();
  const resolver = new ConstructorResolver([[Notifications, notifications]]);
  const bus = createEventBus({ handlers: [NotifyCustomer], resolver });

  const koa = new Koa();
  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { ok: true }; // a hand-written route lives next to the controllers
  });
  mountControllers(router, [OrdersController], { resolver });

  koa.use(eventScope(bus));
  koa.use(httpErrors({ logger: bus.logger }));
  koa.use(router.routes()).use(router.allowedMethods());
  return { koa, bus, notifications };
}
