import type {
  BusHooks,
  Class,
  DiscardReason,
  DispatchReport,
  EventBusOptions,
  EventEnvelope,
  HandlerErrorInfo,
} from '../index';
import { EventQueries, queriesOver } from './event-queries';
import type { RecordedOutcome, RecordedView } from './recorded';

/**
 * Marks the hooks object and the `dispatchFilter` that `instrument` returns
 * with the recording they feed, so `assertWired` can tell whether a bus was
 * built from them (a spread copy of the hooks keeps the mark).
 */
export const RECORDING_OF: unique symbol = Symbol('koa-event-bus/testing recording');

/**
 * Records what a bus does, through its public seams only: `hooks.onEmitted`
 * (every accepted envelope), `onDispatched` (outcomes), `onDiscard`,
 * `onError`, and `dispatchFilter` (for `fake`). `instrument(options)` returns
 * bus options with these wired in and yours still called, so any bus (one
 * that `createApp` builds, say) can be recorded.
 *
 * @example
 * ```ts
 * const recording = new EventRecording();
 * const bus = createEventBus(recording.instrument({ handlers: [SendWelcomeEmail] }));
 * bus.emit(new UserRegistered('u1', 'ada@example.com'));
 * await bus.drain();
 * recording.handled('SendWelcomeEmail.send'); // one outcome
 * const t = new TestBus(bus, recording);        // the same, with t.drain() on a ManualClock and await using
 * ```
 */
export class EventRecording extends EventQueries {
  private readonly log: EventEnvelope[] = [];
  private readonly outcomeLog: RecordedOutcome[] = [];
  private readonly reportLog: DispatchReport[] = [];
  private readonly errorLog: HandlerErrorInfo[] = [];
  private readonly discards = new Map<EventEnvelope, DiscardReason>();
  private readonly faked = new WeakSet<EventEnvelope>();
  private fakes: ((eventClass: Function) => boolean) | undefined;

  /** @param fake - events to fake from the start (`true`: all of them), as `fake()` would. */
  constructor(fake?: true | readonly Class<object>[]) {
    super();
    if (fake) this.fake(fake === true ? undefined : fake);
  }

  /** Returns `options` with recording hooks and the fake filter added; your hooks and filter still run. */
  instrument<O extends EventBusOptions>(options: O): O {
    const user: BusHooks = options.hooks ?? {};
    const userFilter = options.dispatchFilter;
    const hooks: BusHooks & { [RECORDING_OF]: EventRecording } = {
      ...user,
      [RECORDING_OF]: this,
      onEmitted: (envelope) => {
        this.log.push(envelope);
        return user.onEmitted?.call(user, envelope);
      },
      onDispatched: (report) => {
        this.reportLog.push(report);
        for (const o of report.outcomes) this.outcomeLog.push({ ...o, envelope: report.envelope });
        return user.onDispatched?.call(user, report);
      },
      onDiscard: (info) => {
        for (const e of info.envelopes) this.discards.set(e, info.reason);
        return user.onDiscard?.call(user, info);
      },
      onError: (info) => {
        this.errorLog.push(info);
        return user.onError?.call(user, info);
      },
    };
    const dispatchFilter = (envelope: EventEnvelope) => {
      if (userFilter && !userFilter(envelope)) return false;
      if (!this.fakes?.((envelope.event as object).constructor)) return true;
      this.faked.add(envelope);
      return false;
    };
    return {
      ...options,
      hooks,
      dispatchFilter: Object.assign(dispatchFilter, { [RECORDING_OF]: this }),
    };
  }

  /**
   * Records events of these classes without running their handlers (all
   * events when called without classes). Replaces any earlier `fake` call.
   */
  fake(eventClasses?: readonly Class<object>[]): void {
    const only = eventClasses && new Set<Function>(eventClasses);
    this.fakes = only ? (c) => only.has(c) : () => true;
  }

  /** Fakes every event except these classes, whose handlers still run. */
  fakeExcept(eventClasses: readonly Class<object>[]): void {
    const kept = new Set<Function>(eventClasses);
    this.fakes = (c) => !kept.has(c);
  }

  /** Stops faking: every event reaches its handlers again. */
  unfake(): void {
    this.fakes = undefined;
  }

  /** Forgets everything recorded so far (fakes stay). */
  clear(): void {
    this.log.length = 0;
    this.outcomeLog.length = 0;
    this.reportLog.length = 0;
    this.errorLog.length = 0;
    this.discards.clear();
  }

  /** A read-only view of the part of the recording `keep` selects (one request, one run). */
  filtered(keep: (envelope: EventEnvelope) => boolean): EventQueries {
    return queriesOver(() => {
      const all = this.view();
      return {
        ...all,
        envelopes: all.envelopes.filter(keep),
        outcomes: all.outcomes.filter((o) => keep(o.envelope)),
        reports: all.reports.filter((r) => keep(r.envelope)),
        errors: all.errors.filter((e) => keep(e.envelope)),
      };
    });
  }

  protected view(): RecordedView {
    return {
      envelopes: this.log,
      outcomes: this.outcomeLog,
      reports: this.reportLog,
      errors: this.errorLog,
      discardReason: (e) => this.discards.get(e),
      isFaked: (e) => this.faked.has(e),
    };
  }
}
