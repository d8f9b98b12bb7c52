import { EventHandler, OnEvent } from 'koa-event-bus';
import { ActionReported, DataReceived, EmailRequested } from './events';
import { ActionLogFile, Mailer, ProcessedData } from './services';

/** The three background tasks of FastAPI's tutorial, as event handlers. */
@EventHandler()
export class BackgroundTasks {
  constructor(
    private readonly processed: ProcessedData,
    private readonly mailer: Mailer,
    private readonly logFile: ActionLogFile,
  ) {}

  @OnEvent(DataReceived)
  async processData(event: DataReceived): Promise<void> {
    this.processed.items.push({ ...event.data, processed: true });
  }

  @OnEvent(EmailRequested, { retry: { attempts: 3, backoffMs: 100 } })
  async sendEmail(event: EmailRequested): Promise<void> {
    await this.mailer.sendWelcome(event.email);
  }

  @OnEvent(ActionReported)
  async logAction(event: ActionReported): Promise<void> {
    await this.logFile.append(`Action: ${event.action}`);
  }
}
