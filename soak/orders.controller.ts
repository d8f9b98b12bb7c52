import { randomUUID } from 'node:crypto';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Body, Controller, EventBus, Header, HttpCode, Post } from 'koa-event-bus';
import { OrderPlaced, PaymentCaptured, ReceiptQueued } from './order-events';

/** Body of `POST /orders`. `failAfterEmit` makes the controller throw once it has emitted (→ 500). */
export class PlaceOrderDto {
  @IsString()
  @Length(1, 40)
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(99)
  quantity!: number;

  @IsOptional()
  @IsBoolean()
  failAfterEmit?: boolean;
}

@Controller('/orders')
export class OrdersController {
  constructor(private readonly bus: EventBus) {}

  /** Emits three events tagged with `x-soak-tag`; they run after the 201, or never (500). */
  @Post('/')
  @HttpCode(201)
  place(@Body(PlaceOrderDto) dto: PlaceOrderDto, @Header('x-soak-tag') tag: unknown) {
    const orderId = randomUUID();
    const t = typeof tag === 'string' ? tag : 'untagged';
    this.bus.emit(new OrderPlaced(orderId, t));
    this.bus.emit(new PaymentCaptured(orderId, t));
    this.bus.emit(new ReceiptQueued(orderId, t));
    if (dto.failAfterEmit) throw new Error('soak: failing after emit');
    return { orderId };
  }
}
