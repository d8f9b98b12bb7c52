import { type EventContext, EventHandler, OnEvent } from 'koa-event-bus';
import { DataReceived, ItemReceived, UserActionLogged, WelcomeEmailRequested } from './events';
import { pythonRepr } from './python-repr';
import { ActionLogFile } from './services';

/**
 * The seed's four background tasks, one `@OnEvent` method each (named as the
 * seed's functions). They run after the response; their `print(...)` is an
 * info line of the logger (see `printLogger`).
 */
@EventHandler()
export class BackgroundTasks {
  constructor(private readonly actionsLog: ActionLogFile) {}

  /** `def process_item(item: dict): print(f"Processing item: {item}")` */
  @OnEvent(ItemReceived)
  processItem(event: ItemReceived, ctx: EventContext): void {
    ctx.logger.info({}, `Processing item: ${pythonRepr(event.item)}`);
  }

  /** `def send_email(): print("Sending welcome email...")` */
  @OnEvent(WelcomeEmailRequested)
  sendEmail(event: WelcomeEmailRequested, ctx: EventContext): void {
    const to = event.email === undefined ? '' : ` to ${event.email}`;
    ctx.logger.info({}, `Sending welcome email${to}...`);
  }

  /** `def log_action(action: str): open("actions.log", "a").write(f"Action: {action}\n")` */
  @OnEvent(UserActionLogged)
  async logAction(event: UserActionLogged): Promise<void> {
    await this.actionsLog.append(`Action: ${event.action}\n`);
  }

  /** `def handle_event(data: dict): print(f"Event received with data: {data}")` */
  @OnEvent(DataReceived)
  handleEvent(event: DataReceived, ctx: EventContext): void {
    ctx.logger.info({}, `Event received with data: ${pythonRepr(event.data)}`);
  }
}
