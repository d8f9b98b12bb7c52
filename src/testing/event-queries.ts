import type {
  Class,
  DiscardReason,
  DispatchReport,
  EventEnvelope,
  HandlerErrorInfo,
} from '../index';
import { RECORDED, type Recorded, type RecordedOutcome, type RecordedView } from './recorded';

/**
 * What `handled()` / `failed()` select by: a handler id (`'SendWelcomeEmail.send'`) or an event class.
 *
 * @example
 * ```ts
 * t.failed('SendWelcomeEmail.send');   // one handler
 * t.handled(UserRegistered);           // every handler of the event
 * ```
 */
export type OutcomeTarget = string | Class<object>;

/**
 * Typed questions about a recording: what was emitted, handled, failed or
 * discarded. The one home of the queries: `TestBus`, `TestApp`,
 * `TestResponse`, `HandlerHarness` and `EventRecording` all extend it and
 * differ only in the part of the recording they answer for (`view()`).
 *
 * @example
 * ```ts
 * t.emitted(UserRegistered)[0]?.email;          // string
 * t.handled('SendWelcomeEmail.send').length;    // 1
 * ```
 */
export abstract class EventQueries implements Recorded {
  /** The recording as it is now. */
  protected abstract view(): RecordedView;

  /** Envelopes recorded, in emission order; only those of `eventClass` when given. */
  envelopes<C extends Class<object> = Class<object>>(
    eventClass?: C,
  ): EventEnvelope<InstanceType<C>>[] {
    const all = this.view().envelopes;
    return (eventClass ? all.filter((e) => isOf(e.event, eventClass)) : [...all]) as EventEnvelope<
      InstanceType<C>
    >[];
  }

  /** Events emitted (every accepted emit, dispatch and follow-up), in order; only those of `eventClass` when given. */
  emitted<C extends Class<object> = Class<object>>(eventClass?: C): InstanceType<C>[] {
    return this.envelopes(eventClass).map((e) => e.event);
  }

  /** Every handler outcome, in the order events finished dispatching. */
  outcomes(target?: OutcomeTarget): RecordedOutcome[] {
    const all = this.view().outcomes;
    return target === undefined ? [...all] : all.filter((o) => isTarget(o, target));
  }

  /** Successful invocations (of a handler id, or for an event class). */
  handled(target?: OutcomeTarget): RecordedOutcome[] {
    return this.outcomes(target).filter((o) => o.status === 'succeeded');
  }

  /** Invocations that failed their last attempt (of a handler id, or for an event class). */
  failed(target?: OutcomeTarget): RecordedOutcome[] {
    return this.outcomes(target).filter((o) => o.status === 'failed');
  }

  /** Envelopes dropped without dispatch (failed request or scope, overflow...), with the reason. */
  discarded<C extends Class<object> = Class<object>>(
    eventClass?: C,
  ): { envelope: EventEnvelope<InstanceType<C>>; reason: DiscardReason }[] {
    const view = this.view();
    return this.envelopes(eventClass).flatMap((envelope) => {
      const reason = view.discardReason(envelope);
      return reason ? [{ envelope, reason }] : [];
    });
  }

  /** Dispatch reports, in the order events finished dispatching. */
  reports(): DispatchReport[] {
    return [...this.view().reports];
  }

  /** Every failed attempt (retried or not), as `onError` saw it; only those of `handlerId` when given. */
  errors(handlerId?: string): HandlerErrorInfo[] {
    const all = this.view().errors;
    return handlerId === undefined ? [...all] : all.filter((e) => e.handlerId === handlerId);
  }

  [RECORDED](): RecordedView {
    return this.view();
  }
}

/** Queries over a view computed on each call (a filtered part of a recording). */
export function queriesOver(view: () => RecordedView): EventQueries {
  return new (class extends EventQueries {
    protected view(): RecordedView {
      return view();
    }
  })();
}

export function isOf(event: unknown, eventClass: Class<object>): boolean {
  return (event as object).constructor === eventClass;
}

export function isTarget(outcome: RecordedOutcome, target: OutcomeTarget): boolean {
  return typeof target === 'string'
    ? outcome.handlerId === target
    : isOf(outcome.envelope.event, target);
}
