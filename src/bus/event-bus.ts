import { randomUUID } from 'node:crypto';
import { ConstructorResolver } from '../container/constructor-resolver';
import type { Resolver } from '../container/provider';
import { callHook, type DispatchDeps } from '../dispatch/dispatch-deps';
import { Dispatcher } from '../dispatch/dispatcher';
import { RetryTimers } from '../dispatch/retry-timers';
import { RunningInvocations } from '../dispatch/running-invocations';
import { WorkTracker } from '../dispatch/work-tracker';
import {
  buildSubscriptions,
  makeSubscription,
  type SubscriptionDefaults,
} from '../handlers/build-subscriptions';
import { discoverHandlers } from '../handlers/discover-handlers';
import type { EventContext } from '../handlers/event-context';
import type { OnEventOptions } from '../handlers/handler-options';
import { SubscriptionMap } from '../handlers/subscription-map';
import type { Class } from '../kernel/class';
import { type Clock, systemClock } from '../kernel/clock';
import type { DispatchReport } from '../kernel/dispatch-report';
import { classOf, Envelope } from '../kernel/envelope';
import {
  BusClosedError,
  BusOverflowError,
  CausationDepthExceededError,
  DrainTimeoutError,
  FollowUpBudgetExceededError,
  UnhandledEventError,
} from '../kernel/errors';
import type { EventEnvelope } from '../kernel/event-envelope';
import { guardLogger } from '../kernel/guard-logger';
import type { BusHooks, DeadLetter, DiscardReason } from '../kernel/hooks';
import { consoleLogger, type Logger } from '../kernel/logger';
import type { PendingWork } from '../kernel/pending-work';
import { InMemoryTransport } from '../transport/in-memory-transport';
import type { Transport } from '../transport/transport';
import type { EventBusOptions } from './bus-options';
import type { CloseReport, EventDescription, LostEvent, LostState } from './close-report';
import { describeSubscriptions } from './describe-subscriptions';
import type { EmitOptions } from './emit-options';
import { EventNames } from './event-names';
import { EventScope, type ScopeHost, type ScopeLineage } from './event-scope';
import { ScopeStorage } from './scope-storage';
import { type WaitForOptions, waitForEvent } from './wait-for';

/** Lineage of root events emitted outside any scope: each is its own correlation. */
const ROOT: ScopeLineage = Object.freeze({});

/**
 * The typed in-memory event bus. Each verb has one meaning:
 * `emit` (fire-and-forget, deferred inside a scope), `dispatch` (run now, get a
 * report), `scope` (unit of work), `on` (runtime subscription), `waitFor`,
 * `drain`, `close`, `describe`. Create it with `createEventBus()` (or
 * `createApp()`); inject it into handlers and controllers by its class.
 *
 * @example
 * ```ts
 * const bus = createEventBus({ handlers: [SendWelcomeEmail] });
 * bus.emit(new UserRegistered('u1', 'ada@example.com'));
 * await bus.drain();
 * ```
 */
export class EventBus {
  /** The resolver that built the handlers; share it to build controllers. */
  readonly resolver: Resolver;
  /** Logger in use. */
  readonly logger: Logger;
  /**
   * The options this bus was created with, as given (read-only): what the
   * testing kit checks to tell that an app was built from the options it
   * handed to your factory.
   */
  readonly options: Readonly<EventBusOptions>;
  private readonly subscriptions = new SubscriptionMap();
  private readonly tracker = new WorkTracker();
  private readonly storage = new ScopeStorage();
  private readonly dispatcher: Dispatcher;
  private readonly transport: Transport;
  private readonly hooks: BusHooks;
  private readonly clock: Clock;
  private readonly names = new EventNames();
  private readonly letters: DeadLetter[] = [];
  /** One error per root event that blew its follow-up budget (logged once, shared by its discards). */
  private readonly overBudget = new WeakMap<Envelope, FollowUpBudgetExceededError>();
  private readonly retryTimers: RetryTimers;
  private readonly running = new RunningInvocations();
  /** Scopes still open (requests in progress, `bus.scope` calls): what close() discards if it must. */
  private readonly openScopes = new Set<EventScope>();
  private readonly host: ScopeHost;
  private readonly newId: () => string;
  private readonly opts: Required<
    Pick<
      EventBusOptions,
      'maxInFlight' | 'overflow' | 'maxCausationDepth' | 'maxFollowUpsPerRoot' | 'deadLetterLimit'
    >
  >;
  private readonly defaults: SubscriptionDefaults;
  private readonly hookDeps: Pick<DispatchDeps, 'hooks' | 'logger'>;
  private readonly dispatched = () => this.tracker.done('dispatching');
  private onCount = 0;
  private readonly unhandledPolicy: 'ignore' | 'warn' | 'throw';
  /** Event classes emitted while no handler was subscribed to them (warned once each). */
  private readonly unhandled = new Set<Function>();
  private faults = 0;
  private closing = false;
  private stopping = false;
  /** The transport is closed: a late commit is a reported discard. */
  private stopped = false;
  private closed: Promise<CloseReport> | undefined;

  constructor(options: EventBusOptions = {}) {
    this.options = options;
    // Every call into the user's logger is guarded: one that throws never reaches the bus.
    this.logger = guardLogger(options.logger ?? consoleLogger);
    this.hooks = options.hooks ?? {};
    this.unhandledPolicy =
      options.onUnhandledEvent ?? (process.env.NODE_ENV === 'production' ? 'ignore' : 'warn');
    this.clock = options.clock ?? systemClock;
    this.newId = options.generateId ?? randomUUID;
    this.opts = {
      maxInFlight: options.maxInFlight ?? 100_000,
      overflow: options.overflow ?? 'throw',
      maxCausationDepth: options.maxCausationDepth ?? 32,
      maxFollowUpsPerRoot: options.maxFollowUpsPerRoot ?? 10_000,
      deadLetterLimit: options.deadLetterLimit ?? 1000,
    };
    this.resolver =
      options.resolver ??
      new ConstructorResolver([[EventBus, this], ...(options.providers ?? [])], options.resolve);
    if (options.resolver instanceof ConstructorResolver)
      options.resolver.register([EventBus, this]);
    this.hookDeps = { hooks: this.hooks, logger: this.logger };
    this.retryTimers = new RetryTimers(this.clock, this.tracker);
    this.host = this.makeHost();
    this.dispatcher = new Dispatcher(
      this.makeDeps(options.random ?? Math.random, options.shouldRetry),
      this.subscriptions,
      options.concurrency ?? 1000,
      options.dispatchFilter,
    );
    this.transport = options.transport ?? new InMemoryTransport();
    this.transport.connect((envelopes) => this.dispatcher.enqueue(envelopes));

    const classes = [
      ...(options.handlers ?? []),
      ...discoverHandlers(options.discover ?? [], {
        ...(options.discoverCwd ? { cwd: options.discoverCwd } : {}),
      }),
    ];
    this.defaults = {
      ...(options.defaultRetry ? { retry: options.defaultRetry } : {}),
      ...(options.defaultTimeoutMs ? { timeoutMs: options.defaultTimeoutMs } : {}),
    };
    for (const cls of new Set(classes))
      this.subscriptions.add(buildSubscriptions(cls, this.resolver, this.defaults));
  }

  /**
   * Fire-and-forget. Inside a scope (a request, `bus.scope`, a handler) the
   * event is buffered until the scope commits; outside any scope it is queued
   * and dispatched in the background (never in the caller's stack). Returns
   * the envelope, always: also for an event the bus did not take, which is
   * then reported to `onDiscard` (overflow `'drop'` at `maxInFlight`, a
   * follow-up cut by the causation guards, an emit into a discarded scope).
   * What the bus refuses outright throws instead (`KEB_BUS_CLOSED`, overflow
   * `'throw'`, `KEB_UNHANDLED_EVENT` with `onUnhandledEvent: 'throw'`).
   *
   * @example
   * ```ts
   * bus.emit(new UserRegistered(user.id, user.email));            // after the response
   * bus.emit(new LoginFailed(email), { when: 'always' });          // even if the request fails
   * ```
   */
  emit<E extends object>(event: E, options?: EmitOptions): EventEnvelope<E> {
    const scope = this.storage.current();
    const dropped = this.admit(event, scope);
    if (dropped) return dropped as EventEnvelope<E>;
    if (scope) return scope.add(event, options) as EventEnvelope<E>;
    const envelope = this.createEnvelope(event, ROOT);
    this.publish([envelope]);
    return envelope as EventEnvelope<E>;
  }

  /**
   * Runs every handler of the event now and resolves when all have finished
   * (retries included) with one outcome per handler. It does not reject for
   * handler failures: use `report.throwIfFailed()`. Follow-up events are queued,
   * not awaited (use `drain()`).
   *
   * @example
   * ```ts
   * const report = await bus.dispatch(new InvoiceDue('inv-1'));
   * if (!report.ok) console.error(report.failed);
   * ```
   */
  dispatch<E extends object>(event: E): Promise<DispatchReport> {
    let envelope: Envelope;
    let started: number;
    try {
      const scope = this.storage.current();
      this.admit(event, scope, 'throw'); // a dispatch() caller awaits a report: never dropped silently
      envelope = this.createEnvelope(event, scope?.lineage ?? ROOT);
      const cut = this.cut(envelope);
      if (cut) throw cut.error;
      started = performance.now(); // a dispatch() caller gets the report: durations are measured
    } catch (err) {
      return Promise.reject(err);
    }
    this.tracker.add('dispatching');
    const report = this.dispatcher.runGuarded(envelope, this.dispatched, started);
    return report instanceof Promise ? report : Promise.resolve(report);
  }

  /**
   * Runs `fn` as a unit of work: events emitted inside are dispatched if it
   * resolves and discarded (reported to `onDiscard`) if it throws. A scope
   * inside another commits into it.
   *
   * @example
   * ```ts
   * await bus.scope(async () => {
   *   await db.transaction(async (tx) => { await tx.insert(order); bus.emit(new OrderPlaced(order.id)); });
   * }); // OrderPlaced is dispatched only if the transaction committed
   * ```
   */
  async scope<T>(fn: () => T | Promise<T>, options: { correlationId?: string } = {}): Promise<T> {
    const scope = this.openScope(options);
    let result: T;
    try {
      result = await scope.run(fn);
    } catch (error) {
      scope.discard({ kind: 'scope-failed', error });
      throw error;
    }
    scope.commit();
    return result;
  }

  /**
   * Opens a scope you commit or discard yourself (what the Koa middleware
   * uses). Enter it with `scope.run(fn)`.
   */
  openScope(options: { correlationId?: string } = {}): EventScope {
    const parent = this.storage.current();
    // New units of work stop at close(); those already open (and scopes nested in them) go on.
    if (this.closing && !parent) throw new BusClosedError('(a new scope)');
    const lineage: ScopeLineage = parent?.lineage ?? {
      correlationId: options.correlationId ?? this.newId(),
    };
    return new EventScope(this.host, lineage, parent);
  }

  /** The scope `emit` would buffer into right now, if any. */
  currentScope(): EventScope | undefined {
    return this.storage.current();
  }

  /**
   * Subscribes a function at runtime; returns the unsubscribe function.
   *
   * @example
   * ```ts
   * const off = bus.on(UserRegistered, (e, ctx) => console.log(e.email, ctx.envelope.id));
   * off();
   * ```
   */
  on<C extends Class<object>>(
    eventClass: C,
    fn: (event: InstanceType<C>, ctx: EventContext<InstanceType<C>>) => unknown,
    options: OnEventOptions<InstanceType<C>> = {},
  ): () => void {
    const source = `bus.on#${++this.onCount}`;
    const sub = makeSubscription({
      id: options.id ?? `on(${this.names.ofClass(eventClass).name})#${this.onCount}`,
      source,
      eventClass,
      options: options as OnEventOptions<unknown>,
      invoke: fn as (e: unknown, ctx: EventContext) => unknown,
      defaults: this.defaults,
    });
    this.subscriptions.add([sub]);
    let active = true;
    return () => {
      if (active) this.subscriptions.remove(sub);
      active = false;
    };
  }

  /**
   * Resolves with the next event of this class whose dispatch starts (after
   * commit), optionally matching `where`; rejects with `WaitForTimeoutError`.
   *
   * @example
   * ```ts
   * const sent = bus.waitFor(WelcomeEmailSent, { where: (e) => e.userId === id, timeoutMs: 1_000 });
   * await request(app.callback()).post('/users').send(body);
   * expect((await sent).userId).toBe(id);
   * ```
   */
  waitFor<C extends Class<object>>(
    eventClass: C,
    options: WaitForOptions<InstanceType<C>> = {},
  ): Promise<InstanceType<C>> {
    const { name } = this.names.ofClass(eventClass);
    return waitForEvent(this.dispatcher.observers, this.clock, name, eventClass, options);
  }

  /**
   * Resolves when nothing is buffered, queued, running or waiting for a retry
   * (follow-ups included). With `timeoutMs`, rejects with `DrainTimeoutError`
   * saying what was left.
   *
   * @example
   * ```ts
   * await request(app.callback()).post('/users').send(body).expect(201);
   * await bus.drain();            // every handler (and follow-up) has run
   * ```
   */
  drain(timeoutMs?: number): Promise<void> {
    const idle = this.tracker.whenIdle();
    if (timeoutMs === undefined) return idle;
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () =>
          reject(
            new DrainTimeoutError(
              timeoutMs,
              this.tracker.snapshot() as unknown as Record<string, number>,
            ),
          ),
        timeoutMs,
      );
      idle.then(() => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Stops accepting new root events, drains with a timeout (default 10 s), and
   * reports what was left; queued events that never started are discarded
   * (reason `closed`), retries are cancelled, running handlers' signals abort.
   */
  close(timeoutMs = 10_000): Promise<CloseReport> {
    this.closed ??= this.doClose(timeoutMs);
    return this.closed;
  }

  /** Counts of pending work (what `drain` waits for). */
  pending(): PendingWork {
    return this.tracker.snapshot();
  }

  /**
   * Faults of the bus itself, outside any handler invocation (each is also
   * logged at error level). Handler failures are outcomes, not faults; a
   * healthy bus keeps this at 0.
   */
  get internalFaults(): number {
    return this.faults;
  }

  /** Invocations that failed their last attempt, oldest first (bounded by `deadLetterLimit`). */
  get deadLetters(): readonly DeadLetter[] {
    return this.letters;
  }

  /** Event → handlers table: what is wired, for logs and startup checks. */
  describe(): EventDescription[] {
    return describeSubscriptions(this.subscriptions, this.names, this.unhandled);
  }

  private async doClose(timeoutMs: number): Promise<CloseReport> {
    this.closing = true;
    let drained = true;
    let stopped: { discarded: EventEnvelope[]; lost: LostEvent[] } = { discarded: [], lost: [] };
    try {
      await this.drain(timeoutMs);
    } catch {
      drained = false;
      stopped = this.stop();
    }
    const pending = this.tracker.snapshot();
    this.stopped = true;
    await this.transport.close();
    if (!drained)
      this.logger.warn(
        { pending, lost: stopped.lost },
        `bus closed after ${timeoutMs} ms with ${stopped.lost.length} event(s) not handled: ${stopped.lost
          .slice(0, 10)
          .map((l) => `${l.event} ${l.eventId} (${l.state}: ${l.handlerIds.join(', ')})`)
          .join('; ')}${stopped.lost.length > 10 ? '; ...' : ''}`,
      );
    return { drained, pending, discarded: stopped.discarded, lost: stopped.lost };
  }

  /**
   * close() gave up waiting: names every event that will not be handled and
   * where it was, and reports it (onDiscard with reason `closed`, dead letters
   * for cancelled retries); running handlers' signals abort.
   */
  private stop(): { discarded: EventEnvelope[]; lost: LostEvent[] } {
    this.stopping = true;
    const lost: LostEvent[] = [];
    const note = (envelope: EventEnvelope, state: LostState, handlerIds: readonly string[]) =>
      lost.push({
        eventId: envelope.id,
        event: envelope.name,
        correlationId: envelope.correlationId,
        state,
        handlerIds,
      });
    const buffered: EventEnvelope[] = [];
    for (const scope of [...this.openScopes]) {
      for (const e of scope.discard({ kind: 'closed', state: 'buffered' })) {
        buffered.push(e);
        note(e, 'buffered', this.handlerIdsOf(e));
      }
    }
    const queued = this.dispatcher.stop(); // includes 'always' events forwarded just above
    if (queued.length > 0) this.reportDiscard(queued, { kind: 'closed', state: 'queued' });
    for (const e of queued) note(e, 'queued', this.handlerIdsOf(e));
    for (const { envelope, handlerId } of this.retryTimers.cancelAll())
      note(envelope, 'retrying', [handlerId]);
    const running = new Map<EventEnvelope, string[]>();
    for (const ctx of this.running.list()) {
      const ids = running.get(ctx.causedBy) ?? [];
      ids.push(ctx.handlerId);
      running.set(ctx.causedBy, ids);
      ctx.abort(new BusClosedError(`(handler ${ctx.handlerId} still running)`));
    }
    for (const [envelope, ids] of running) note(envelope, 'running', ids);
    if (running.size > 0)
      this.reportDiscard([...running.keys()], { kind: 'closed', state: 'running' });
    return { discarded: [...buffered, ...queued], lost };
  }

  private handlerIdsOf(envelope: EventEnvelope): string[] {
    try {
      const route = this.subscriptions.route(classOf(envelope));
      return route.groups.flatMap((g) => g.map((s) => s.id));
    } catch {
      return [];
    }
  }

  /**
   * maxInFlight / closed checks for events entering from outside any handler
   * (follow-ups of running handlers are always accepted). Returns undefined
   * when the event is admitted, or the envelope of an event dropped by
   * overflow 'drop' (reported to onDiscard).
   */
  private admit(
    event: object,
    scope: EventScope | undefined,
    overflow = this.opts.overflow,
  ): Envelope | undefined {
    if (scope?.lineage.causedBy !== undefined) return undefined;
    // During close(), open scopes (requests still running) may still emit: drain waits for them.
    if (this.closing && !scope) throw new BusClosedError(this.names.of(event).name);
    if (this.tracker.inFlight() < this.opts.maxInFlight) return undefined;
    const error = new BusOverflowError(this.opts.maxInFlight, this.names.of(event).name);
    if (overflow === 'throw') throw error;
    const dropped = this.createEnvelope(event, ROOT);
    this.reportDiscard([dropped], { kind: 'overflow', error });
    return dropped;
  }

  private reportUnhandled(eventClass: Function, name: string): void {
    if (this.unhandledPolicy === 'throw') throw new UnhandledEventError(name);
    if (this.unhandled.has(eventClass)) return;
    this.unhandled.add(eventClass);
    this.logger.warn(
      { event: name },
      `no handler is subscribed to ${name}: it is dispatched to nobody (warned once per event class; set onUnhandledEvent: 'ignore' if intended, 'throw' to fail fast)`,
    );
  }

  private createEnvelope(event: object, lineage: ScopeLineage): Envelope {
    const eventClass = this.names.classOf(event);
    const { name, version } = this.names.ofClass(eventClass);
    if (this.unhandledPolicy !== 'ignore' && this.subscriptions.route(eventClass).size === 0)
      this.reportUnhandled(eventClass, name);
    const cause = lineage.causedBy; // a follow-up inherits correlation and lineage from its cause
    const envelope = new Envelope(
      name,
      version,
      this.clock.now(),
      cause ? cause.correlationId : lineage.correlationId,
      cause ? cause.depth + 1 : 0,
      event,
      this.newId,
      cause,
    );
    envelope.eventClass = eventClass;
    if (this.hooks.onEmitted) callHook(this.hookDeps, 'onEmitted', envelope);
    return envelope;
  }

  /**
   * The guards on follow-ups, checked as each is emitted: causation depth (a
   * chain) and the per-root budget (a fan-out, all generations together).
   * Returns the reason when the envelope is cut (and reports it), else undefined.
   */
  private cut(envelope: Envelope): Extract<DiscardReason, { error: Error }> | undefined {
    const root = envelope.root;
    if (root === envelope) return undefined;
    let reason: Extract<DiscardReason, { error: Error }> | undefined;
    if (envelope.depth > this.opts.maxCausationDepth) {
      const chain = envelope.parent ? envelope.parent.chain() : [];
      const error = new CausationDepthExceededError(envelope.name, envelope.depth, chain);
      this.logger.error(
        { err: error, eventId: envelope.id, correlationId: envelope.correlationId },
        error.message,
      );
      reason = { kind: 'causation-depth', error };
    } else if (++root.descendants > this.opts.maxFollowUpsPerRoot) {
      let error = this.overBudget.get(root);
      if (!error) {
        error = new FollowUpBudgetExceededError(
          root.id,
          root.name,
          this.opts.maxFollowUpsPerRoot,
          envelope.chain(),
        );
        this.overBudget.set(root, error);
        this.logger.error(
          { err: error, rootEventId: root.id, correlationId: envelope.correlationId },
          error.message,
        );
      }
      reason = { kind: 'follow-up-budget', error };
    }
    if (reason) this.reportDiscard([envelope], reason);
    return reason;
  }

  private publish(envelopes: readonly EventEnvelope[]): void {
    if (envelopes.length === 0) return;
    if (this.stopped) {
      // A scope that outlived close() committed: nothing can run it any more.
      this.logger.warn(
        { events: envelopes.map((e) => ({ id: e.id, event: e.name })) },
        `${envelopes.length} event(s) committed after the bus was closed were discarded (reason closed): a request or scope outlived close(); give close() a longer timeout`,
      );
      this.reportDiscard(envelopes, { kind: 'closed', state: 'late' });
      return;
    }
    try {
      this.transport.publish(envelopes);
    } catch (err) {
      this.fault(
        err,
        { events: envelopes.map((e) => ({ id: e.id, event: e.name })) },
        'transport.publish() threw: these events were not published',
      );
      this.reportDiscard(envelopes, { kind: 'publish-failed', error: err });
    }
  }

  private reportDiscard(envelopes: readonly EventEnvelope[], reason: DiscardReason): void {
    this.logger.debug(
      { events: envelopes.map((e) => e.name), reason: reason.kind },
      'events discarded',
    );
    callHook(this.hookDeps, 'onDiscard', { envelopes, reason });
  }

  private makeHost(): ScopeHost {
    return {
      createEnvelope: (event, scope) => this.createEnvelope(event, scope.lineage),
      cut: (envelope) => this.cut(envelope as Envelope) !== undefined,
      publish: (envelopes) => this.publish(envelopes),
      reportDiscard: (envelopes, reason) => this.reportDiscard(envelopes, reason),
      track: (kind, delta) =>
        delta > 0 ? this.tracker.add(kind, delta) : this.tracker.done(kind, -delta),
      opened: (scope) => {
        this.openScopes.add(scope);
        this.tracker.add('openScopes');
      },
      ended: (scope) => {
        this.openScopes.delete(scope);
        this.tracker.done('openScopes');
      },
      runIn: (scope, fn) => this.storage.run(scope, fn),
    };
  }

  private makeDeps(
    random: () => number,
    shouldRetry: EventBusOptions['shouldRetry'],
  ): DispatchDeps {
    return {
      tracker: this.tracker,
      clock: this.clock,
      logger: this.logger,
      hooks: this.hooks,
      random,
      running: this.running,
      openInvocationScope: (envelope) =>
        new EventScope(this.host, { causedBy: envelope as Envelope }, undefined, false),
      runIn: (source, fn, event, ctx) => this.storage.runWith(source, fn, event, ctx),
      keepDeadLetter: (letter) => {
        this.letters.push(letter);
        if (this.letters.length > this.opts.deadLetterLimit) this.letters.shift();
      },
      shouldRetry,
      isStopping: () => this.stopping,
      sleep: (ms, envelope, handlerId) => this.retryTimers.sleep(ms, envelope, handlerId),
      fault: (err, envelope) =>
        this.fault(
          err,
          { eventId: envelope?.id, event: envelope?.name },
          'koa-event-bus internal fault (the slot was released; please report this with the log line)',
        ),
    };
  }

  /** One place counts (`internalFaults`) and logs a fault of the bus itself. */
  private fault(err: unknown, fields: object, message: string): void {
    this.faults++;
    this.logger.error({ err, ...fields }, message);
  }
}
