import type { Route, SubscriptionMap } from '../handlers/subscription-map';
import { callHook } from '../kernel/call-hook';
import { DispatchReport, type HandlerOutcome } from '../kernel/dispatch-report';
import { classOf } from '../kernel/envelope';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { DispatchHost } from './dispatch-host';
import { elapsedSince, startedAt } from './elapsed';
import { invokeHandler } from './invoke-handler';

const RESOLVED = Promise.resolve();
// Captured at load: a test that installs Jest's fake timers must not freeze dispatch.
const realSetImmediate = setImmediate;

/**
 * How long the dispatcher may keep the event loop in one turn before it
 * yields to I/O (a `setImmediate`, after the poll phase). The clock is read
 * every `CHECK_EVERY` starts. Measured (docs/reliability.md, 2-core VM): with
 * 10 ms the event-loop gaps during a storm had a median of 10–23 ms, with 2 ms
 * 2–3 ms; a health checker's p99 stays well under 50 ms during a
 * 1,000,000-event burst. The cost is one timer per busy turn, and no clock
 * read in a turn that starts fewer than `CHECK_EVERY` events (the common case
 * of a request's few events): the budget is timed from the `CHECK_EVERY`-th
 * start, so a turn yields after at most 2 × `CHECK_EVERY` starts plus the budget.
 */
const TURN_BUDGET_MS = 2;
const CHECK_EVERY = 64;
const NO_HANDLERS: Route = { groups: [], size: 0 };
const NO_OUTCOMES: readonly HandlerOutcome[] = Object.freeze([]);

/** Called for every envelope as its dispatch starts (used by `waitFor`). */
export type DispatchObserver = (envelope: EventEnvelope) => void;

/**
 * Runs envelopes through their routes. `run()` dispatches one envelope now;
 * `enqueue()` appends to a FIFO drained by at most `concurrency` events at
 * once, so committed events start in emission order.
 *
 * `run()` returns the report synchronously when every handler returned
 * synchronously; promises appear only where a handler is async.
 */
export class Dispatcher {
  private readonly queue: (EventEnvelope | undefined)[] = [];
  private head = 0;
  private active = 0;
  private scheduled = false;
  private paused = false;
  private pumping = false;
  /** Events started in this macrotask turn, and when the turn's first one started. */
  private turnStarts = 0;
  private turnStartedAt = 0;
  /** True once the turn budget is spent: the pump waits for `newTurn`. */
  private yielding = false;
  private readonly pumped = () => this.settle();
  private readonly newTurn = () => {
    this.turnStarts = 0;
    this.yielding = false;
    if (this.head < this.queue.length) this.pump();
  };
  readonly observers = new Set<DispatchObserver>();

  constructor(
    private readonly host: DispatchHost,
    private readonly subscriptions: SubscriptionMap,
    private readonly concurrency: number,
    private readonly filter?: (envelope: EventEnvelope) => boolean,
  ) {}

  /**
   * Queues committed envelopes (the host has counted them as queued); dispatch
   * starts on a microtask, never in the caller's stack.
   */
  enqueue(envelopes: readonly EventEnvelope[]): void {
    if (envelopes.length === 0) return;
    for (const e of envelopes) this.queue.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      // A resolved promise, not queueMicrotask: Jest's fake timers fake
      // queueMicrotask, and emitted events must not wait for a fake clock tick.
      RESOLVED.then(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  /**
   * Dispatches one envelope now; every handler's outcome is in the report.
   * Never throws or rejects. `after` runs when the report is ready (before
   * the returned promise settles), without a promise of its own.
   *
   * `started` is the clock reading durations count from, or `UNTIMED` when
   * the bus does not measure durations (a clock read costs ~70–100 ns on a VM,
   * so nobody pays for durations no one reads).
   */
  run(
    envelope: EventEnvelope,
    after?: () => void,
    started: number = startedAt(this.host.timed),
  ): DispatchReport | Promise<DispatchReport> {
    if (this.observers.size > 0) this.notify(envelope);
    const route =
      this.filter && !this.filter(envelope)
        ? NO_HANDLERS
        : this.subscriptions.route(classOf(envelope));
    const groups = route.groups;
    if (groups.length === 0) {
      this.host.logger.debug(
        { eventId: envelope.id, event: envelope.name },
        'no handler for event',
      );
      return this.finish(envelope, NO_OUTCOMES, started, after);
    }
    if (groups.length === 1) {
      const group = groups[0]!;
      if (group.length === 1) {
        // One handler: the report lasted as long as its invocation (no second clock read).
        const outcome = invokeHandler(this.host, group[0]!, envelope, started);
        return outcome instanceof Promise
          ? outcome.then((o) => this.finish(envelope, [o], started, after, o.durationMs))
          : this.finish(envelope, [outcome], started, after, outcome.durationMs);
      }
      const outcomes = group.map((s) => invokeHandler(this.host, s, envelope, started));
      return outcomes.some((o) => o instanceof Promise)
        ? Promise.all(outcomes).then((os) => this.finish(envelope, os, started, after))
        : this.finish(envelope, outcomes as HandlerOutcome[], started, after);
    }
    return this.runGroups(envelope, groups, started, after);
  }

  /**
   * `run()`, with the promise that `release` is called exactly once whatever
   * happens: a fault outside any handler invocation (a bug of ours) is logged
   * and counted as an internal fault and the dispatch slot is released, never
   * leaked. `run()` calls `release` as the last step of `finish()`, so a throw
   * out of it means `release` has not run. The asynchronous path needs no guard
   * of its own: `invokeHandler`'s promises never reject.
   */
  runGuarded(
    envelope: EventEnvelope,
    release: () => void,
    started?: number,
  ): DispatchReport | Promise<DispatchReport> {
    try {
      return this.run(envelope, release, started);
    } catch (err) {
      this.host.fault(err, envelope);
      release();
      return new DispatchReport(envelope, NO_OUTCOMES, 0);
    }
  }

  /** Stops starting queued events and returns (and forgets) them; the host uncounts them. */
  stop(): EventEnvelope[] {
    this.paused = true;
    const left = this.queue.splice(this.head) as EventEnvelope[];
    this.queue.length = 0;
    this.head = 0;
    return left;
  }

  private async runGroups(
    envelope: EventEnvelope,
    groups: Route['groups'],
    started: number,
    after: (() => void) | undefined,
  ): Promise<DispatchReport> {
    const outcomes: HandlerOutcome[] = [];
    for (const group of groups) {
      outcomes.push(
        ...(await Promise.all(group.map((s) => invokeHandler(this.host, s, envelope, started)))),
      );
    }
    return this.finish(envelope, outcomes, started, after);
  }

  private finish(
    envelope: EventEnvelope,
    outcomes: readonly HandlerOutcome[],
    started: number,
    after: (() => void) | undefined,
    durationMs = elapsedSince(started),
  ): DispatchReport {
    const report = new DispatchReport(envelope, outcomes, durationMs);
    if (this.host.hooks.onDispatched) callHook(this.host, 'onDispatched', report);
    after?.();
    return report;
  }

  /**
   * A broker delivered `envelope` to one of this bus's handlers: observers
   * (`waitFor`) see it, as they see a local dispatch; returns whether the
   * dispatch filter lets it reach a handler.
   */
  received(envelope: EventEnvelope): boolean {
    if (this.observers.size > 0) this.notify(envelope);
    return !this.filter || this.filter(envelope);
  }

  private notify(envelope: EventEnvelope): void {
    for (const observe of this.observers) {
      try {
        observe(envelope);
      } catch (err) {
        this.host.logger.error({ err }, 'dispatch observer threw');
      }
    }
  }

  private pump(): void {
    // A loop, not recursion: synchronous handlers settle inside it (settle()
    // sees `pumping` and leaves the next event to the loop), so a long queue of
    // sync events cannot grow the stack.
    this.pumping = true;
    while (!this.paused && this.active < this.concurrency && this.head < this.queue.length) {
      if (this.spentTurn()) break;
      const envelope = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.active++;
      this.host.started();
      this.runGuarded(envelope, this.pumped);
    }
    this.pumping = false;
  }

  /**
   * Storms never starve I/O: a turn that has started events for longer than
   * TURN_BUDGET_MS stops here and resumes on the next `setImmediate`, so
   * sockets, timers and health checks get their turn. The first start of a turn
   * arms that `setImmediate`, which also begins the next turn; the budget's
   * clock starts at the turn's `CHECK_EVERY`-th start (no clock read before).
   */
  private spentTurn(): boolean {
    if (this.yielding) return true;
    if (this.turnStarts++ === 0) {
      realSetImmediate(this.newTurn);
      return false;
    }
    if (this.turnStarts % CHECK_EVERY !== 0) return false;
    if (this.turnStarts === CHECK_EVERY) {
      this.turnStartedAt = performance.now();
      return false;
    }
    if (performance.now() - this.turnStartedAt < TURN_BUDGET_MS) return false;
    this.yielding = true;
    return true;
  }

  private settle(): void {
    this.active--;
    this.host.settled();
    if (!this.pumping && this.head < this.queue.length) this.pump();
  }
}
