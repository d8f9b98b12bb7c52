import type { EventContext } from '../handlers/event-context';
import { type EventEnvelope, NO_ENVELOPES } from '../kernel/event-envelope';
import type { DiscardReason } from '../kernel/hooks';
import type { AttemptEnd, AttemptTelemetry } from '../kernel/instrumentation';
import type { Logger } from '../kernel/logger';
import type { DispatchHost, FollowUpScope } from './dispatch-host';

/** The verdict of an attempt that succeeded before emitting anything. */
const COMMITTED = Symbol('committed');
const SUCCEEDED: AttemptEnd = Object.freeze({ status: 'succeeded' });

/**
 * The `EventContext` of one attempt. The AbortController is created only when
 * a handler reads `signal` or a timeout fires, keeping the hot path free of it.
 */
export class InvocationContext implements EventContext {
  private controller: AbortController | undefined;
  private childLogger: Logger | undefined;

  private followUps: FollowUpScope | undefined;
  /** Links of the running list (see RunningInvocations). */
  runningPrev: InvocationContext | undefined;
  runningNext: InvocationContext | undefined;
  isRunning = false;
  /** The instrumentation's view of this attempt (its span), when the bus is instrumented. */
  telemetry: AttemptTelemetry | undefined;
  /**
   * The attempt's verdict, when it ended before anything was emitted (the
   * scope is then opened late, already ended): `COMMITTED` or the discard reason.
   */
  private verdict: DiscardReason | typeof COMMITTED | undefined;

  constructor(
    readonly envelope: EventEnvelope,
    readonly handlerId: string,
    readonly attempt: number,
    /** The envelope as dispatched (attempt 1): what follow-ups are caused by. */
    readonly causedBy: EventEnvelope,
    private readonly host: DispatchHost,
  ) {}

  /** The scope collecting this attempt's follow-ups, opened on first use. */
  scope(): FollowUpScope {
    if (!this.followUps) {
      this.followUps = this.host.followUps(this.causedBy, this.handlerId);
      // Something emits after the attempt ended (a timer it left behind): the
      // scope keeps the attempt's verdict, like any ended scope.
      if (this.verdict === COMMITTED) this.followUps.commit();
      else if (this.verdict) this.followUps.discard(this.verdict);
    }
    return this.followUps;
  }

  /** Dispatches the follow-ups (none: nothing to do): the attempt succeeded. */
  commit(): readonly EventEnvelope[] {
    let committed = NO_ENVELOPES;
    if (this.followUps) committed = this.followUps.commit();
    else this.verdict = COMMITTED;
    if (this.telemetry) this.ended(SUCCEEDED);
    return committed;
  }

  /** Runs `fn` inside the attempt's telemetry (its span active), as the handler ran. */
  inTelemetry(fn: () => void): void {
    const telemetry = this.telemetry;
    const instrumentation = this.host.instrumentation;
    if (telemetry && instrumentation) instrumentation.run(telemetry, fn);
    else fn();
  }

  /** Tells the instrumentation how the attempt ended (once; after its follow-ups were published). */
  ended(outcome: AttemptEnd): void {
    const telemetry = this.telemetry;
    if (!telemetry) return;
    this.telemetry = undefined;
    this.host.instrumentation?.ended(telemetry, outcome);
  }

  /** Drops the follow-ups of a failed attempt. */
  discard(reason: DiscardReason): void {
    if (this.followUps) this.followUps.discard(reason);
    else this.verdict = reason;
  }

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
      const base = this.host.logger;
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
    this.scope().add(event);
  }

  /** Aborts `signal` (timeout or bus close). */
  abort(reason: Error): void {
    this.ensureController().abort(reason);
  }

  /** The attempt has settled: it is no longer running. */
  release(): void {
    this.host.running.delete(this);
  }

  private ensureController(): AbortController {
    if (!this.controller) this.controller = new AbortController();
    return this.controller;
  }
}
