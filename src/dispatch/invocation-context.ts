import type { EventEnvelope } from '../bus/event-envelope';
import type { EventScope } from '../bus/event-scope';
import type { EventContext } from '../handlers/event-context';
import type { Logger } from './logger';

/**
 * The `EventContext` of one attempt. The AbortController is created only when
 * a handler reads `signal` or a timeout fires, keeping the hot path free of it.
 */
export class InvocationContext implements EventContext {
  private controller: AbortController | undefined;
  private childLogger: Logger | undefined;

  constructor(
    readonly envelope: EventEnvelope,
    readonly handlerId: string,
    readonly attempt: number,
    private readonly scope: EventScope,
    private readonly baseLogger: Logger,
    private readonly liveControllers: Set<AbortController>,
  ) {}

  get signal(): AbortSignal {
    return this.ensureController().signal;
  }

  get logger(): Logger {
    if (!this.childLogger) {
      const fields = {
        handlerId: this.handlerId,
        eventId: this.envelope.id,
        event: this.envelope.name,
        correlationId: this.envelope.correlationId,
        attempt: this.attempt,
      };
      const base = this.baseLogger;
      this.childLogger = {
        error: (o, m) => base.error({ ...fields, ...o }, m),
        warn: (o, m) => base.warn({ ...fields, ...o }, m),
        info: (o, m) => base.info({ ...fields, ...o }, m),
        debug: (o, m) => base.debug({ ...fields, ...o }, m),
      };
    }
    return this.childLogger;
  }

  emit(event: object): void {
    this.scope.add(event);
  }

  /** Aborts `signal` (timeout or bus close). */
  abort(reason: Error): void {
    this.ensureController().abort(reason);
  }

  /** Forgets the controller once the attempt has settled. */
  release(): void {
    if (this.controller) this.liveControllers.delete(this.controller);
  }

  private ensureController(): AbortController {
    if (!this.controller) {
      this.controller = new AbortController();
      this.liveControllers.add(this.controller);
    }
    return this.controller;
  }
}
