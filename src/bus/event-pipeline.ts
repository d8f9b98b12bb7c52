import type { DispatchHost } from '../dispatch/dispatch-host';
import { Dispatcher } from '../dispatch/dispatcher';
import { startedAt } from '../dispatch/elapsed';
import { type AttemptResult, invokeHandler } from '../dispatch/invoke-handler';
import { RunningInvocations } from '../dispatch/running-invocations';
import type { Subscription } from '../handlers/subscription';
import type { SubscriptionMap } from '../handlers/subscription-map';
import { callHook } from '../kernel/call-hook';
import type { Clock } from '../kernel/clock';
import { DispatchReport } from '../kernel/dispatch-report';
import type { Envelope } from '../kernel/envelope';
import { BusClosedError, BusOverflowError } from '../kernel/errors';
import { type EventEnvelope, NO_ENVELOPES } from '../kernel/event-envelope';
import type { GuardedInstrumentation } from '../kernel/guarded-instrumentation';
import type { BusHooks, DeadLetter, DiscardReason, RetryDecision } from '../kernel/hooks';
import type { Logger } from '../kernel/logger';
import type { PendingWork } from '../kernel/pending-work';
import type { Transport } from '../transport/transport';
import type { EmitOptions } from './emit-options';
import type { EnvelopeFactory } from './envelope-factory';
import { EventScope, type ScopeLineage } from './event-scope';
import { RetryTimers } from './retry-timers';
import { ScopeStorage } from './scope-storage';
import { stableFollowUpIds } from './stable-follow-up-ids';
import { BusTransportHost } from './transport-host';
import { WorkTracker } from './work-tracker';

/** Lineage of root events emitted outside any scope: each is its own correlation. */
export const ROOT: ScopeLineage = Object.freeze({});

export interface EventPipelineOptions
  extends Pick<
    DispatchHost,
    'logger' | 'hooks' | 'instrumentation' | 'clock' | 'random' | 'shouldRetry' | 'timed'
  > {
  readonly subscriptions: SubscriptionMap;
  readonly envelopes: EnvelopeFactory;
  readonly transport: Transport;
  readonly concurrency: number;
  readonly dispatchFilter: ((envelope: EventEnvelope) => boolean) | undefined;
  readonly maxInFlight: number;
  readonly overflow: 'throw' | 'drop';
  readonly deadLetterLimit: number;
}

/**
 * The one owner of an event's life in a bus: scope buffer → commit or discard
 * → publish (transport) → queue → dispatch → follow-ups → report, and of the
 * pending-work count that `drain()` waits on. Scopes, handler attempts and the
 * dispatcher are handed this object itself (the dispatcher as its
 * `DispatchHost`); every count changes here.
 */
export class EventPipeline implements DispatchHost {
  readonly logger: Logger;
  readonly hooks: BusHooks;
  readonly instrumentation: GuardedInstrumentation | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly shouldRetry: ((info: RetryDecision) => boolean) | undefined;
  readonly timed: boolean;
  readonly running = new RunningInvocations();
  readonly envelopes: EnvelopeFactory;
  readonly dispatcher: Dispatcher;
  readonly work = new WorkTracker();
  /** Scopes still open (requests in progress, `bus.scope` calls): what close() discards if it must. */
  readonly openScopes = new Set<EventScope>();
  readonly storage = new ScopeStorage();
  readonly timers: RetryTimers;
  readonly letters: DeadLetter[] = [];
  /** Faults of the bus itself (`bus.internalFaults`). */
  faults = 0;
  /** close() was called: no new root events or scopes. */
  closing = false;
  /** close() gave up waiting: no more retries. */
  stopping = false;
  /** The transport is closed: a late commit is a reported discard. */
  stopped = false;
  private readonly transport: Transport;
  private readonly o: EventPipelineOptions;
  private readonly released = () => this.settled();
  private connection: Promise<void> = Promise.resolve();

  constructor(options: EventPipelineOptions) {
    this.o = options;
    this.logger = options.logger;
    this.hooks = options.hooks;
    this.instrumentation = options.instrumentation;
    this.clock = options.clock;
    this.random = options.random;
    this.shouldRetry = options.shouldRetry;
    this.timed = options.timed;
    this.envelopes = options.envelopes;
    this.timers = new RetryTimers(options.clock, () => this.work.done('retrying'));
    this.dispatcher = new Dispatcher(
      this,
      options.subscriptions,
      options.concurrency,
      options.dispatchFilter,
    );
    this.transport = options.transport;
  }

  /**
   * Connects the transport, once the bus's handlers are subscribed (a broker
   * transport declares a queue per handler). A failed connection is logged
   * and counted as a fault; `ready()` rejects with it.
   */
  connect(): void {
    let connected: void | Promise<void>;
    try {
      connected = this.transport.connect(new BusTransportHost(this, this.o.subscriptions));
    } catch (err) {
      this.connection = Promise.reject(err);
      this.connection.catch(() => {}); // reported here; ready() rethrows it
      this.faultWith(err, {}, 'transport.connect() threw: events cannot be published');
      return;
    }
    if (connected instanceof Promise) {
      this.connection = connected;
      connected.catch((err) =>
        this.faultWith(err, {}, 'transport.connect() failed: events cannot be published'),
      );
    }
  }

  /** Resolves when the transport is connected; rejects with its connection error. */
  ready(): Promise<void> {
    return this.connection;
  }

  // --- emit: admission, envelope, buffer or publish ---------------------------

  /** Emits into the current scope (buffered), or publishes a root event. */
  emit(event: object, options: EmitOptions | undefined): EventEnvelope {
    const scope = this.storage.current();
    const dropped = this.admit(event, scope, this.o.overflow);
    if (dropped) return dropped;
    if (scope) return scope.add(event, options);
    const envelope = this.envelopes.create(event, ROOT);
    this.publish([envelope]);
    return envelope;
  }

  /** Runs every handler of `event` now (`bus.dispatch`); throws what refuses it. */
  dispatchNow(event: object): DispatchReport | Promise<DispatchReport> {
    const scope = this.storage.current();
    this.admit(event, scope, 'throw'); // a dispatch() caller awaits a report: never dropped silently
    const envelope = this.envelopes.create(event, scope?.lineage ?? ROOT);
    const cut = this.envelopes.cut(envelope);
    if (cut) {
      this.discard([envelope], cut);
      throw cut.error;
    }
    this.work.add('dispatching');
    return this.dispatcher.runGuarded(envelope, this.released);
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
    overflow: 'throw' | 'drop',
  ): Envelope | undefined {
    if (scope?.lineage.causedBy !== undefined) return undefined;
    // During close(), open scopes (requests still running) may still emit: drain waits for them.
    if (this.closing && !scope) throw new BusClosedError(this.nameOf(event));
    if (this.work.inFlight() < this.o.maxInFlight) return undefined;
    const error = new BusOverflowError(this.o.maxInFlight, this.nameOf(event));
    if (overflow === 'throw') throw error;
    const dropped = this.envelopes.create(event, ROOT);
    this.discard([dropped], { kind: 'overflow', error });
    return dropped;
  }

  private nameOf(event: object): string {
    return this.envelopes.nameOf(event);
  }

  // --- scopes -----------------------------------------------------------------

  /** Opens a counted scope (a request, `bus.scope`); `parent` is the scope it commits into. */
  openScope(lineage: ScopeLineage, parent: EventScope | undefined): EventScope {
    const scope = new EventScope(this, lineage, parent, true);
    this.openScopes.add(scope);
    this.work.add('openScopes');
    return scope;
  }

  /** A counted scope committed or discarded. */
  scopeEnded(scope: EventScope): void {
    this.openScopes.delete(scope);
    this.work.done('openScopes');
  }

  /** Events entered (+n) or left (-n) a scope's buffer. */
  buffered(delta: number): void {
    if (delta > 0) this.work.add('buffered', delta);
    else this.work.done('buffered', -delta);
  }

  /** The scope of one handler attempt: not counted (the running handler keeps the bus busy). */
  followUps(envelope: EventEnvelope, handlerId: string): EventScope {
    const causedBy = envelope as Envelope;
    const lineage: ScopeLineage = causedBy.isReceived
      ? { causedBy, followUpId: stableFollowUpIds(causedBy.id, handlerId) }
      : { causedBy };
    return new EventScope(this, lineage, undefined, false);
  }

  runIn<A, B, T>(source: { scope(): EventScope }, fn: (a: A, b: B) => T, a: A, b: B): T {
    return this.storage.runWith(source, fn, a, b);
  }

  // --- publish → queue → dispatch ---------------------------------------------

  /**
   * Hands committed envelopes to the transport (a late or failed publish is a
   * reported discard). Returns, for an asynchronous transport, a promise of the
   * outcome: undefined once stored (confirmed), else the error (already
   * reported). It never rejects.
   */
  publish(envelopes: readonly EventEnvelope[]): Promise<unknown> | undefined {
    if (envelopes.length === 0) return undefined;
    if (this.stopped) {
      // A scope that outlived close() committed: nothing can run it any more.
      this.logger.warn(
        { events: envelopes.map((e) => ({ id: e.id, event: e.name })) },
        `${envelopes.length} event(s) committed after the bus was closed were discarded (reason closed): a request or scope outlived close(); give close() a longer timeout`,
      );
      this.discard(envelopes, { kind: 'closed', state: 'late' });
      return undefined;
    }
    const traced = this.instrumentation;
    const sending = traced?.publishing(envelopes);
    let published: void | Promise<void>;
    try {
      published = this.transport.publish(envelopes);
    } catch (err) {
      traced?.published(sending, err);
      this.publishFailed(envelopes, err);
      return Promise.resolve(err);
    }
    if (!(published instanceof Promise)) {
      traced?.published(sending);
      return undefined;
    }
    const n = envelopes.length;
    this.work.add('publishing', n);
    return published.then(
      () => {
        traced?.published(sending);
        this.work.done('publishing', n);
        return undefined;
      },
      (err: unknown) => {
        traced?.published(sending, err ?? new Error('publish rejected'));
        this.publishFailed(envelopes, err);
        this.work.done('publishing', n);
        return err ?? new Error('publish rejected');
      },
    );
  }

  /** What could not be published is reported by event id, never silently lost. */
  private publishFailed(envelopes: readonly EventEnvelope[], err: unknown): void {
    this.logger.error(
      { err, events: envelopes.map((e) => ({ id: e.id, event: e.name })) },
      `${envelopes.length} event(s) could not be published (reported to onDiscard, reason publish-failed)`,
    );
    this.discard(envelopes, { kind: 'publish-failed', error: err });
  }

  /** The transport's local delivery: envelopes to run in this process, through every handler. */
  deliver(envelopes: readonly EventEnvelope[]): void {
    if (envelopes.length === 0) return;
    this.work.add('queued', envelopes.length);
    this.dispatcher.enqueue(envelopes);
  }

  /** One attempt of one handler for a received envelope (a broker's delivery), counted as dispatching. */
  /**
   * One attempt of one handler for a received envelope. Its final outcome
   * (not one the broker will deliver again) is reported to `onDispatched` as
   * a report with that one outcome: on a broker each handler is a delivery.
   * An envelope the dispatch filter keeps from its handlers is reported with
   * no outcome, as a local dispatch is, and skipped.
   */
  async runOnce(sub: Subscription, envelope: EventEnvelope): Promise<AttemptResult> {
    this.work.add('dispatching');
    try {
      if (!this.admitsReceived(envelope)) {
        if (this.hooks.onDispatched)
          callHook(this, 'onDispatched', new DispatchReport(envelope, [], 0));
        return {
          handlerId: sub.id,
          status: 'skipped',
          attempts: 0,
          durationMs: 0,
          followUps: NO_ENVELOPES,
        };
      }
      const r = await invokeHandler(this, sub, envelope, startedAt(this.timed), true);
      if (this.hooks.onDispatched && !r.willRetry && !r.closed) {
        const { willRetry: _, retryInMs: __, closed: ___, ...outcome } = r;
        callHook(this, 'onDispatched', new DispatchReport(envelope, [outcome], r.durationMs));
      }
      return r;
    } finally {
      this.work.done('dispatching');
    }
  }

  private admitsReceived(envelope: EventEnvelope): boolean {
    try {
      return this.dispatcher.received(envelope);
    } catch (err) {
      this.fault(err, envelope); // a throwing dispatchFilter: the handler runs (nothing is lost)
      return true;
    }
  }

  started(): void {
    this.work.add('dispatching');
    this.work.done('queued');
  }

  settled(): void {
    this.work.done('dispatching');
  }

  /** Stops the queue; returns (and uncounts) the envelopes that never started. */
  takeQueued(): EventEnvelope[] {
    const left = this.dispatcher.stop();
    if (left.length > 0) this.work.done('queued', left.length);
    return left;
  }

  sleep(ms: number, envelope: EventEnvelope, handlerId: string): Promise<boolean> {
    this.work.add('retrying');
    return this.timers.sleep(ms, envelope, handlerId);
  }

  // --- outcomes -----------------------------------------------------------------

  /** Reports envelopes that will not be dispatched (`onDiscard`). */
  discard(envelopes: readonly EventEnvelope[], reason: DiscardReason): void {
    this.logger.debug(
      { events: envelopes.map((e) => e.name), reason: reason.kind },
      'events discarded',
    );
    callHook(this, 'onDiscard', { envelopes, reason });
    if (this.instrumentation) this.instrumentation.discarded({ envelopes, reason });
  }

  deadLetter(letter: DeadLetter): void {
    this.letters.push(letter);
    if (this.letters.length > this.o.deadLetterLimit) this.letters.shift();
  }

  fault(err: unknown, envelope: EventEnvelope | undefined): void {
    this.faultWith(
      err,
      { eventId: envelope?.id, event: envelope?.name },
      'koa-event-bus internal fault (the slot was released; please report this with the log line)',
    );
  }

  /** One place counts (`internalFaults`) and logs a fault of the bus itself. */
  private faultWith(err: unknown, fields: object, message: string): void {
    this.faults++;
    this.logger.error({ err, ...fields }, message);
  }

  /** close() started: a broker transport stops taking deliveries (in-flight ones finish). */
  async stopReceiving(): Promise<void> {
    try {
      await this.transport.stopReceiving?.();
    } catch (err) {
      this.faultWith(err, {}, 'transport.stopReceiving() failed');
    }
  }

  /** After close(): a late commit becomes a reported discard, then the transport stops. */
  closeTransport(): Promise<void> {
    this.stopped = true;
    return this.transport.close();
  }

  /** Pending work by kind (a copy). */
  pending(): PendingWork {
    return this.work.snapshot();
  }
}
