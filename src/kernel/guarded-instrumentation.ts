import type { EventEnvelope } from './event-envelope';
import type { DeadLetter, DiscardInfo } from './hooks';
import type {
  AttemptEnd,
  AttemptTelemetry,
  BusInstrumentation,
  Instrumentation,
  InstrumentedBus,
  PublishTelemetry,
} from './instrumentation';
import type { Logger } from './logger';

/**
 * The bus's side of an {@link Instrumentation}: every call isolated, so a
 * throwing tracer, span processor or meter never breaks an emit, a dispatch or
 * a request. A member's first failure is logged with its error; later ones of
 * the same member are counted in `failures` only (an exporter that throws
 * would otherwise log once per event).
 */
export class GuardedInstrumentation {
  failures = 0;
  private readonly logged = new Set<string>();
  private readonly inner: BusInstrumentation;
  private readonly logger: Logger;

  /** Asks `instrumentation` for this bus's observer (one that throws here observes nothing). */
  constructor(instrumentation: Instrumentation, bus: InstrumentedBus) {
    this.logger = bus.logger;
    let inner: BusInstrumentation = {};
    try {
      inner = instrumentation.instrument(bus) ?? {};
    } catch (err) {
      this.failed('instrument', err);
    }
    this.inner = inner;
  }

  close(): void {
    try {
      this.inner.close?.();
    } catch (err) {
      this.failed('close', err);
    }
  }

  emitted(envelope: EventEnvelope): void {
    try {
      this.inner.emitted?.(envelope);
    } catch (err) {
      this.failed('emitted', err);
    }
  }

  publishing(envelopes: readonly EventEnvelope[]): PublishTelemetry | undefined {
    try {
      return this.inner.publishing?.(envelopes) ?? undefined;
    } catch (err) {
      return this.failed('publishing', err);
    }
  }

  published(telemetry: PublishTelemetry | undefined, error?: unknown): void {
    if (!telemetry) return;
    try {
      telemetry.end(error);
    } catch (err) {
      this.failed('publishing.end', err);
    }
  }

  /** The headers to add to `envelope`'s message, or undefined. */
  inject(envelope: EventEnvelope): Record<string, string> | undefined {
    if (!this.inner.inject) return undefined;
    try {
      const carrier: Record<string, string> = {};
      this.inner.inject(envelope, carrier);
      for (const _ in carrier) return carrier;
      return undefined;
    } catch (err) {
      return this.failed('inject', err);
    }
  }

  received(envelope: EventEnvelope, carrier: Readonly<Record<string, unknown>>): void {
    try {
      this.inner.received?.(envelope, carrier);
    } catch (err) {
      this.failed('received', err);
    }
  }

  attempt(
    envelope: EventEnvelope,
    handlerId: string,
    attempt: number,
  ): AttemptTelemetry | undefined {
    try {
      return this.inner.attempt?.(envelope, handlerId, attempt) ?? undefined;
    } catch (err) {
      return this.failed('attempt', err);
    }
  }

  /**
   * Runs `fn` through the attempt's `run`; if `run` itself fails before
   * calling `fn`, `fn` runs anyway (the handler is never skipped, nor run twice).
   */
  run<T>(telemetry: AttemptTelemetry, fn: () => T): T {
    let ran = false;
    try {
      return telemetry.run(() => {
        ran = true;
        return fn();
      });
    } catch (err) {
      if (ran) throw err; // the handler's own throw: the caller's to handle
      this.failed('attempt.run', err);
      return fn();
    }
  }

  ended(telemetry: AttemptTelemetry | undefined, outcome: AttemptEnd): void {
    if (!telemetry) return;
    try {
      telemetry.end(outcome);
    } catch (err) {
      this.failed('attempt.end', err);
    }
  }

  discarded(info: DiscardInfo): void {
    try {
      this.inner.discarded?.(info);
    } catch (err) {
      this.failed('discarded', err);
    }
  }

  deadLettered(letter: DeadLetter): void {
    try {
      this.inner.deadLettered?.(letter);
    } catch (err) {
      this.failed('deadLettered', err);
    }
  }

  private failed(member: string, err: unknown): undefined {
    this.failures++;
    if (this.logged.has(member)) return undefined;
    this.logged.add(member);
    try {
      this.logger.error(
        { err, member },
        `instrumentation ${member} threw (ignored: the bus goes on; further failures of ${member} are not logged)`,
      );
    } catch {
      // the logger is guarded by the bus; nothing more to do
    }
    return undefined;
  }
}
