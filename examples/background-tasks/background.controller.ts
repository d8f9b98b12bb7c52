import { IsEmail, IsOptional, IsString } from 'class-validator';
import type { Context } from 'koa';
import { Body, Controller, Ctx, EventBus, Post, Query, ValidationFailedError } from 'koa-event-bus';
import { DataReceived, ItemReceived, UserActionLogged, WelcomeEmailRequested } from './events';

/** `/send-email/` takes no parameter in the seed; an address may be given. */
export class SendEmailQuery {
  @IsOptional()
  @IsEmail()
  email?: string;
}

/** The seed's `action: str`, a required query parameter. */
export class LogActionQuery {
  @IsString()
  action!: string;
}

/**
 * The seed's `@app.post(...)` endpoints: each answers at once and emits an
 * event; its handler in `BackgroundTasks` runs after the response is sent.
 */
@Controller()
export class BackgroundController {
  constructor(private readonly bus: EventBus) {}

  @Post('/items/')
  createItem(@Body() item: unknown, @Ctx() ctx: Context): { message: string } {
    this.bus.emit(new ItemReceived(asDict('item', item, ctx)));
    return { message: 'Item received' };
  }

  @Post('/send-email/')
  sendWelcomeEmail(@Query(SendEmailQuery) query: SendEmailQuery): { message: string } {
    this.bus.emit(new WelcomeEmailRequested(query.email));
    return { message: 'Email will be sent' };
  }

  @Post('/log-action/')
  logUserAction(@Query(LogActionQuery) query: LogActionQuery): { message: string } {
    this.bus.emit(new UserActionLogged(query.action));
    return { message: 'Action logged' };
  }

  @Post('/process-data/')
  processData(@Body() data: unknown, @Ctx() ctx: Context): { status: string } {
    this.bus.emit(new DataReceived(asDict('data', data, ctx)));
    return { status: 'Data received' };
  }
}

/** The seed's `item: dict` / `data: dict`: a JSON object is required (FastAPI: 422, here 400). */
function asDict(field: string, body: unknown, ctx: Context): Record<string, unknown> {
  // Without a body `@Body()` gives `{}`; the raw text tells "no body" from a real `{}`.
  if (!ctx.request.rawBody) {
    throw new ValidationFailedError('body', [
      { field, constraints: { isDefined: `${field} should not be null or undefined` } },
    ]);
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationFailedError('body', [
      { field, constraints: { isObject: `${field} must be an object` } },
    ]);
  }
  return body as Record<string, unknown>;
}
