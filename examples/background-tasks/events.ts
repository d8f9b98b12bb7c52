/** `POST /items/` received an item (the seed's `background_tasks.add_task(process_item, item)`). */
export class ItemReceived {
  constructor(readonly item: Record<string, unknown>) {}
}

/** `POST /send-email/` asked for the welcome email (the seed's `add_task(send_email)`). */
export class WelcomeEmailRequested {
  /** The seed sends to no one in particular; an address is optional here. */
  constructor(readonly email?: string) {}
}

/** `POST /log-action/` logged a user action (the seed's `add_task(log_action, action)`). */
export class UserActionLogged {
  constructor(readonly action: string) {}
}

/** `POST /process-data/` received data (the seed's `add_task(handle_event, data)`). */
export class DataReceived {
  constructor(readonly data: Record<string, unknown>) {}
}
