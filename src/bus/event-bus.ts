import { randomUUID } from 'node:crypto';
import { ConstructorResolver } from '../container/constructor-resolver';
import type { Resolver } from '../container/provider';
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
import { systemClock } from '../kernel/clock';
import type { DispatchReport } from '../kernel/dispatch-report';
import { BusClosedError, DrainTimeoutError } from '../kernel/errors';
import type { EventEnvelope } from '../kernel/event-envelope';
import { guardLogger } from '../kernel/guard-logger';
import { GuardedInstrumentation } from '../kernel/guarded-instrumentation';
import type { DeadLetter } from '../kernel/hooks';
import { consoleLogger, type Logger } from '../kernel/logger';
import type { PendingWork } from '../kernel/pending-work';
import { InMemoryTransport } from '../transport/in-memory-transport';
import type { Transport } from '../transport/transport';
import type { EventBusOptions } from './bus-options';
import type { CloseReport, EventDescription, LostEvent } from './close-report';
import { describeSubscriptions } from './describe-subscriptions';
import type { EmitOptions } from './emit-options';
import { EnvelopeFactory } from './envelope-factory';
import { EventNames } from './event-names';
import { EventPipeline } from './event-pipeline';
import type { EventScope, ScopeLineage } from './event-scope';
import { stopPipeline } from './stop-pipeline';
import { type WaitForOptions, waitForEvent } from './wait-for';

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
  private readonly names = new EventNames();
  private readonly pipeline: EventPipeline;
  private readonly defaults: SubscriptionDefaults;
  private readonly newId: () => string;
  private onCount = 0;
  private closed: Promise<CloseReport> | undefined;
  /** Tracing and metrics, when configured: told at close (its pending-work gauge stops). */
  private readonly instrumentation: GuardedInstrumentation | undefined;

  constructor(options: EventBusOptions = {}) {
    this.options = options;
    // Every call into the user's logger is guarded: one that throws never reaches the bus.
    this.logger = guardLogger(options.logger ?? consoleLogger);
    const hooks = options.hooks ?? {};
    const clock = options.clock ?? systemClock;
    const transport: Transport = options.transport ?? new InMemoryTransport();
    this.instrumentation = options.instrumentation
      ? new GuardedInstrumentation(options.instrumentation, {
          system: transport.system,
          pending: () => this.pipeline.pending(),
          logger: this.logger,
        })
      : undefined;
    const instrumentation = this.instrumentation;
    this.newId = options.generateId ?? randomUUID;
    this.resolver =
      options.resolver ??
      new ConstructorResolver([[EventBus, this], ...(options.providers ?? [])], options.resolve);
    if (options.resolver instanceof ConstructorResolver)
      options.resolver.register([EventBus, this]);
    const envelopes = new EnvelopeFactory({
      names: this.names,
      subscriptions: this.subscriptions,
      clock,
      newId: this.newId,
      hooks,
      instrumentation,
      logger: this.logger,
      onUnhandledEvent:
        options.onUnhandledEvent ?? (process.env.NODE_ENV === 'production' ? 'ignore' : 'warn'),
      maxCausationDepth: options.maxCausationDepth ?? 32,
      maxFollowUpsPerRoot: options.maxFollowUpsPerRoot ?? 10_000,
    });
    this.pipeline = new EventPipeline({
      logger: this.logger,
      hooks,
      instrumentation,
      clock,
      random: options.random ?? Math.random,
      shouldRetry: options.shouldRetry,
      timed: options.measureDurations ?? hooks.onDispatched !== undefined,
      subscriptions: this.subscriptions,
      envelopes,
      transport,
      concurrency: options.concurrency ?? 1000,
      dispatchFilter: options.dispatchFilter,
      maxInFlight: options.maxInFlight ?? 100_000,
      overflow: options.overflow ?? 'throw',
      deadLetterLimit: options.deadLetterLimit ?? 1000,
    });
    this.defaults = {
      ...(options.defaultRetry ? { retry: options.defaultRetry } : {}),
      ...(options.defaultTimeoutMs ? { timeoutMs: options.defaultTimeoutMs } : {}),
    };
    const classes = [
      ...(options.handlers ?? []),
      ...discoverHandlers(options.discover ?? [], {
        ...(options.discoverCwd ? { cwd: options.discoverCwd } : {}),
      }),
    ];
    for (const cls of new Set(classes))
      this.subscriptions.add(buildSubscriptions(cls, this.resolver, this.defaults));
    this.pipeline.connect();
    this.logWiring();
  }

  /** The event → handlers table at debug level, once, when the bus starts (`npx koa-event-bus list` prints the same). */
  private logWiring(): void {
    const events = this.describe();
    const handlers = events.reduce((n, e) => n + e.handlers.length, 0);
    this.logger.debug(
      { events },
      `wired ${handlers} handler(s) for ${events.length} event(s)${events.length ? ': ' : ''}${events
        .map((e) => `${e.event} → ${e.handlers.map((h) => h.id).join(', ') || '(none)'}`)
        .join('; ')}`,
    );
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
    return this.pipeline.emit(event, options) as EventEnvelope<E>;
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
    try {
      const report = this.pipeline.dispatchNow(event);
      return report instanceof Promise ? report : Promise.resolve(report);
    } catch (err) {
      return Promise.reject(err);
    }
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
    const parent = this.pipeline.storage.current();
    // New units of work stop at close(); those already open (and scopes nested in them) go on.
    if (this.pipeline.closing && !parent) throw new BusClosedError('(a new scope)');
    const lineage: ScopeLineage = parent?.lineage ?? {
      correlationId: options.correlationId ?? this.newId(),
    };
    return this.pipeline.openScope(lineage, parent);
  }

  /** The scope `emit` would buffer into right now, if any. */
  currentScope(): EventScope | undefined {
    return this.pipeline.storage.current();
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
    return waitForEvent(
      this.pipeline.dispatcher.observers,
      this.pipeline.clock,
      name,
      eventClass,
      options,
    );
  }

  /**
   * Resolves when the transport is connected (at once for the in-memory
   * transport); rejects with a broker transport's connection error. A worker
   * awaits it before it reports itself ready.
   *
   * @example
   * ```ts
   * const bus = createEventBus({ handlers, transport: rabbitmqTransport({ app: 'shop', consume: true }) });
   * await bus.ready();
   * ```
   */
  ready(): Promise<void> {
    return this.pipeline.ready();
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
    const idle = this.pipeline.work.whenIdle();
    if (timeoutMs === undefined) return idle;
    return new Promise((resolve, reject) => {
      const clock = this.pipeline.clock;
      const timer = clock.setTimeout(
        () =>
          reject(
            new DrainTimeoutError(
              timeoutMs,
              this.pipeline.pending() as unknown as Record<string, number>,
            ),
          ),
        timeoutMs,
      );
      idle.then(() => {
        clock.clearTimeout(timer);
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
    return this.pipeline.pending();
  }

  /**
   * Faults of the bus itself, outside any handler invocation (each is also
   * logged at error level). Handler failures are outcomes, not faults; a
   * healthy bus keeps this at 0.
   */
  get internalFaults(): number {
    return this.pipeline.faults;
  }

  /** Invocations that failed their last attempt, oldest first (bounded by `deadLetterLimit`). */
  get deadLetters(): readonly DeadLetter[] {
    return this.pipeline.letters;
  }

  /** Event → handlers table: what is wired, for logs and startup checks. */
  describe(): EventDescription[] {
    return describeSubscriptions(this.subscriptions, this.names, this.pipeline.envelopes.unhandled);
  }

  private async doClose(timeoutMs: number): Promise<CloseReport> {
    const pipeline = this.pipeline;
    pipeline.closing = true;
    await pipeline.stopReceiving();
    let drained = true;
    let stopped: { discarded: EventEnvelope[]; lost: LostEvent[] } = { discarded: [], lost: [] };
    try {
      await this.drain(timeoutMs);
    } catch {
      drained = false;
      stopped = stopPipeline(pipeline, this.subscriptions);
    }
    const pending = pipeline.pending();
    await pipeline.closeTransport();
    this.instrumentation?.close();
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
}
