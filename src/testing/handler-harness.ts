import type { Class, EventBus, HandlerOutcome, RetryDecision } from '../index';
import { createTestBus } from './create-test-bus';
import { EventQueries } from './event-queries';
import { findHandlerMethod } from './find-handler-method';
import type {
  EventParam,
  HandledEvents,
  HandlerHarnessOptions,
  HandlerRunOptions,
  MethodName,
  Resolved,
} from './handler-harness-options';
import { HandlerRun } from './handler-run';
import { ManualClock } from './manual-clock';
import { RECORDED, type RecordedView } from './recorded';
import type { TestBus } from './test-bus';

/**
 * One handler class, built with your providers on a real bus of its own, and
 * a `run(event)` that sends one event through it. Follow-up events are
 * recorded, not dispatched. Time is a {@link ManualClock}: retries run in
 * milliseconds. Build it per test (or use `await using`). The harness answers
 * the queries and matchers for every run so far (`h.handled(...)`); a
 * `HandlerRun` for its own.
 *
 * @typeParam H - the handler class's instance type.
 *
 * @example
 * ```ts
 * await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, new FlakyMailer(2)]] });
 * const run = await h.run(new UserRegistered('u1', 'ada@example.com'));
 * expect(run.attempts).toBe(3);
 * expect(run.retryDelays).toEqual([200, 400]); // exponential, in fake time
 * ```
 */
export class HandlerHarness<H extends object> extends EventQueries implements AsyncDisposable {
  /** The handler instance, built once by the bus's resolver (your providers injected). */
  readonly instance: H;
  /** The bus the handler lives on (`EventBus` injections resolve to it). */
  readonly bus: EventBus;
  /** The fake clock of the bus. */
  readonly clock: ManualClock;
  /** Run id → handler id of the runs whose retries are bypassed. */
  private readonly bypassing = new Map<string, string>();
  private readonly retries: 'apply' | 'bypass';
  private readonly events: TestBus;
  private runs = 0;

  constructor(
    private readonly handlerClass: Class<H>,
    options: HandlerHarnessOptions = {},
  ) {
    super();
    const { retries, now, ...busOptions } = options;
    this.retries = retries ?? 'apply';
    this.clock = new ManualClock(now);
    const userVeto = busOptions.shouldRetry;
    this.events = createTestBus({
      ...busOptions,
      handlers: [handlerClass],
      clock: this.clock,
      // Only the run's own event reaches the handler; follow-ups are recorded.
      dispatchFilter: (envelope) => envelope.depth === 0,
      shouldRetry: (info) => !this.bypassed(info) && (userVeto ? userVeto(info) : true),
    });
    this.bus = this.events.bus;
    this.instance = this.bus.resolver.get(handlerClass);
  }

  /**
   * Dispatches `event` to the handler and resolves with what happened. Never
   * rejects for a handler failure (see `run.status`/`run.error`); rejects with
   * `TestingKitError` when the class has no (or more than one, without
   * `method`) `@OnEvent` method for the event. `event` is typed: only the
   * events the class's methods take (`HandledEvents<H>`) compile.
   *
   * @example
   * ```ts
   * const run = await h.run(new UserRegistered('u1', 'ada@example.com'), { method: 'send' });
   * expect(run.status).toBe('succeeded');
   * expect(run.followUps.of(WelcomeEmailSent)).toEqual([new WelcomeEmailSent('u1')]);
   * ```
   */
  run<M extends MethodName<H>>(
    event: EventParam<H[M]> & object,
    options: HandlerRunOptions<M> & { method: M },
  ): Promise<HandlerRun<Resolved<H[M]>>>;
  run(event: HandledEvents<H>, options?: HandlerRunOptions<never>): Promise<HandlerRun>;
  async run(event: object, options: HandlerRunOptions = {}): Promise<HandlerRun> {
    const handlerId = findHandlerMethod(this.bus, this.handlerClass, event, options.method);
    const runId = `harness-run-${++this.runs}`;
    const startedAt = this.clock.now();
    if ((options.retries ?? this.retries) === 'bypass') this.bypassing.set(runId, handlerId);
    const scope = this.bus.openScope({ correlationId: runId });
    const dispatching = scope.run(() => this.bus.dispatch(event));
    scope.commit();
    try {
      const report = await this.clock.runUntil(dispatching);
      const failures = this.events
        .errors(handlerId)
        .filter((e) => e.envelope.correlationId === runId && e.envelope.depth === 0);
      const outcome = report.outcome(handlerId) ?? skipped(handlerId);
      return new HandlerRun(
        handlerId,
        report.envelope,
        outcome,
        failures,
        this.clock.now() - startedAt,
        report,
      );
    } finally {
      this.bypassing.delete(runId);
    }
  }

  /** Closes the bus (pending retry timers are cancelled). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.clock.runUntil(this.bus.close(0));
  }

  protected view(): RecordedView {
    return this.events[RECORDED]();
  }

  /** Retries of a `'bypass'` run's own handler are vetoed through the bus's `shouldRetry`. */
  private bypassed(info: RetryDecision): boolean {
    return (
      this.bypassing.get(info.envelope.correlationId) === info.handlerId &&
      info.envelope.depth === 0
    );
  }
}

/**
 * Builds a {@link HandlerHarness}: the handler class with its dependencies
 * overridden, on a real bus of its own, no Koa.
 *
 * @example
 * ```ts
 * const mailer = { sent: [] as string[], async welcome(to: string) { this.sent.push(to); } };
 * await using h = handlerHarness(SendWelcomeEmail, { providers: [[Mailer, mailer]] });
 * const run = await h.run(new UserRegistered('u1', 'ada@example.com'));
 * expect(mailer.sent).toEqual(['ada@example.com']);
 * expect(run).toHaveEmitted(WelcomeEmailSent, { userId: 'u1' });
 * ```
 */
export function handlerHarness<H extends object>(
  handlerClass: Class<H>,
  options: HandlerHarnessOptions = {},
): HandlerHarness<H> {
  return new HandlerHarness(handlerClass, options);
}

function skipped(handlerId: string): HandlerOutcome {
  return { handlerId, status: 'skipped', attempts: 0, durationMs: 0, followUps: [] };
}
