import { IsEmail, IsString, Length } from 'class-validator';
import { Body, Controller, EventBus, HttpError, Post, Query } from 'koa-event-bus';
import { ActionReported, DataReceived, EmailRequested } from './events';

export class SendEmailQuery {
  @IsEmail()
  email!: string;
}

export class LogActionQuery {
  @IsString()
  @Length(1, 200)
  action!: string;
}

/** FastAPI's `@app.post(...)` endpoints with `background_tasks.add_task(...)`, ported. */
@Controller()
export class BackgroundController {
  constructor(private readonly bus: EventBus) {}

  @Post('/process-data/')
  processData(@Body() data: unknown): { status: string } {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new HttpError(400, 'Expected a JSON object');
    }
    this.bus.emit(new DataReceived(data as Record<string, unknown>));
    return { status: 'Data received' };
  }

  @Post('/send-email/')
  sendEmail(@Query(SendEmailQuery) query: SendEmailQuery): { message: string } {
    this.bus.emit(new EmailRequested(query.email));
    return { message: 'Email will be sent' };
  }

  @Post('/log-action/')
  logAction(@Query(LogActionQuery) query: LogActionQuery): { message: string } {
    this.bus.emit(new ActionReported(query.action));
    return { message: 'Action logged' };
  }
}
