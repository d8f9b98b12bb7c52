/** `POST /process-data/` received a payload to process in the background. */
export class DataReceived {
  constructor(readonly data: Record<string, unknown>) {}
}

/** `POST /send-email/` asked for a welcome email. */
export class EmailRequested {
  constructor(readonly email: string) {}
}

/** `POST /log-action/` reported an action to log. */
export class ActionReported {
  constructor(readonly action: string) {}
}
