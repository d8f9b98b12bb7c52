import type { DispatchReport, HandlerOutcome } from '../dispatch/dispatch-report';
import type { HandlerErrorInfo } from '../dispatch/hooks';
import type { Class } from '../types';
import { findHandlerMethod } from './find-handler-method';
import { HandlerRun } from './handler-run';
import { HoldingClock } from './holding-clock';
import type { ManualClock } from './manual-clock';
import { TestBus, type TestBusOptions } from './test-bus';

/**
 * Options of {@link handlerHarness}: the bus options a handler test may need.
 *
 * @example
 * ```ts
 * handlerHarness(SendWelcomeEmail, { providers: [[Mailer, fakeMailer]], retries: 'bypass', now: new Date('2025-01-01') });
 * ```
 */
export interface HandlerHarnessOptions
  extends Pick<
    TestBusOptions,
    'providers' | 'resolve' | 'defaultRetry' | 'defaultTimeoutMs' | 'random' | 'logger'
  > {
  /** Default for every run: `'apply'` (the method's retry policy, on the fake clock) or `'bypass'`. Default `'apply'`. */
  retries?: 'apply' | 'bypass';
  /** Initial fake time (epoch ms or Date). Default 0. */
  now?: number | Date;
}

/**
 * Options of one `harness.run`.
 *
 * @example
 * ```ts
 * await h.run(new UserRegistered('u1', 'ada@example.com'), { method: 'send', retries: 'bypass' });
 * ```
 */
export interface HandlerRunOptions<M extends string = string> {
  /** The `@OnEvent` method to run; required only when several methods handle the event. */
  method?: M;
  /**
   * `'apply'`: attempts follow the retry policy, back-offs pass on the fake
   * clock in no real time. `'bypass'`: stop after the first failed attempt
   * (the retry it scheduled is never run). Default: the harness's `retries`.
   */
  retries?: 'apply' | 'bypass';
}

// biome-ignore lint/suspicious/noExplicitAny: matches any method signature.
type AnyMethod = (...args: any[]) => unknown;
/**
 * Names of the methods of `H` (what `run`'s `method` accepts).
 *
 * @example
 * ```ts
 * const m: MethodName<SendWelcomeEmail> = 'send';
 * ```
 */
export type MethodName<H> = {
  [K in keyof H]-?: H[K] extends AnyMethod ? K : never;
}[keyof H] &
  string;
type EventParam<F> = F extends (event: infer E, ...rest: never[]) => unknown ? E : never;
type Resolved<F> = F extends (...args: never[]) => infer R ? Awaited<R> : unknown;

/**
 * One handler class, built with your providers on a real bus of its own, and
 * a `run(event)` that sends one event through it. Follow-up events are
 * recorded, not dispatched. Time is a {@link ManualClock}: retries run in
 * milliseconds. Build it per test (or use `await using`).
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
export class HandlerHarness<H extends object> {
  /** The handler instance, built once by the bus's resolver (your providers injected). */
  readonly instance: H;
  /** The recording bus the handler lives on (`EventBus` injections resolve to it). */
  readonly bus: TestBus;
  /** The fake clock of the bus. */
  readonly clock: ManualClock;
  private readonly holdingClock: HoldingClock;
  private readonly bypassing = new Map<string, (info: HandlerErrorInfo) => void>();
  private readonly retries: 'apply' | 'bypass';
  private runs = 0;

  constructor(
    private readonly handlerClass: Class<H>,
    options: HandlerHarnessOptions = {},
  ) {
    const { retries, now, ...busOptions } = options;
    this.retries = retries ?? 'apply';
    this.holdingClock = new HoldingClock(now);
    this.clock = this.holdingClock;
    this.bus = new TestBus({
      ...busOptions,
      handlers: [handlerClass],
      clock: this.holdingClock,
      // Only the run's own event reaches the handler; follow-ups are recorded.
      dispatchFilter: (envelope) => envelope.depth === 0,
      hooks: { onError: (info) => this.onError(info) },
    });
    this.instance = this.bus.resolver.get(handlerClass);
  }

  /**
   * Dispatches `event` to the handler and resolves with what happened. Never
   * rejects for a handler failure (see `run.status`/`run.error`); rejects with
   * `TestingKitError` when the class has no (or more than one, without
   * `method`) `@OnEvent` method for the event.
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
  run(event: object, options?: HandlerRunOptions<never>): Promise<HandlerRun>;
  async run(event: object, options: HandlerRunOptions = {}): Promise<HandlerRun> {
    const handlerId = findHandlerMethod(this.bus, this.handlerClass, event, options.method);
    const runId = `harness-run-${++this.runs}`;
    const startedAt = this.clock.now();
    let firstFailure: Promise<HandlerErrorInfo> | undefined;
    if ((options.retries ?? this.retries) === 'bypass') {
      firstFailure = new Promise((resolve) => {
        this.bypassing.set(runId, (info) => info.handlerId === handlerId && resolve(info));
      });
    }
    const scope = this.bus.openScope({ correlationId: runId });
    const dispatching = scope.run(() => this.bus.dispatch(event));
    scope.commit();
    try {
      const settled = await this.clock.runUntil(
        firstFailure ? Promise.race([dispatching, firstFailure]) : dispatching,
      );
      const failures = this.bus
        .errors(handlerId)
        .filter((e) => e.envelope.correlationId === runId && e.envelope.depth === 0);
      const elapsed = this.clock.now() - startedAt;
      if (isReport(settled)) {
        const outcome = settled.outcome(handlerId) ?? skipped(handlerId);
        return new HandlerRun(handlerId, settled.envelope, outcome, failures, elapsed, settled);
      }
      const outcome: HandlerOutcome = {
        handlerId,
        status: 'failed',
        attempts: 1,
        durationMs: 0,
        error: settled.error,
        followUps: [],
      };
      return new HandlerRun(handlerId, settled.envelope, outcome, failures, elapsed, undefined);
    } finally {
      this.bypassing.delete(runId);
    }
  }

  /** Closes the bus; retries held back by `'bypass'` runs are cancelled, not run. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.holdingClock.runUntil(this.bus.close(0));
  }

  private onError(info: HandlerErrorInfo): void {
    const bypass = this.bypassing.get(info.envelope.correlationId);
    if (!bypass || !info.willRetry || info.envelope.depth !== 0) return;
    // The bus arms the retry timer right after reporting the failure: hold it
    // so the retry never runs (close() still clears it).
    this.holdingClock.holdNextTimer();
    bypass(info);
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

function isReport(value: DispatchReport | HandlerErrorInfo): value is DispatchReport {
  return 'outcomes' in value;
}

function skipped(handlerId: string): HandlerOutcome {
  return { handlerId, status: 'skipped', attempts: 0, durationMs: 0, followUps: [] };
}
