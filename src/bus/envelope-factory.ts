import type { SubscriptionMap } from '../handlers/subscription-map';
import { callHook } from '../kernel/call-hook';
import type { Clock } from '../kernel/clock';
import { Envelope } from '../kernel/envelope';
import {
  CausationDepthExceededError,
  FollowUpBudgetExceededError,
  UnhandledEventError,
} from '../kernel/errors';
import type { GuardedInstrumentation } from '../kernel/guarded-instrumentation';
import type { BusHooks, DiscardReason } from '../kernel/hooks';
import type { Logger } from '../kernel/logger';
import type { ReceivedEnvelope } from '../transport/transport';
import type { EventNames } from './event-names';
import type { ScopeLineage } from './event-scope';

/** A follow-up cut by the guards, and why. */
export type CutReason = Extract<DiscardReason, { kind: 'causation-depth' | 'follow-up-budget' }>;

export interface EnvelopeFactoryOptions {
  readonly names: EventNames;
  readonly subscriptions: SubscriptionMap;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly hooks: BusHooks;
  readonly instrumentation: GuardedInstrumentation | undefined;
  readonly logger: Logger;
  readonly onUnhandledEvent: 'ignore' | 'warn' | 'throw';
  readonly maxCausationDepth: number;
  readonly maxFollowUpsPerRoot: number;
}

/**
 * Makes every envelope of a bus (name, time, lineage; `onEmitted`), warns once
 * per event class nobody handles, and applies the guards on follow-ups:
 * causation depth (a chain) and the per-root budget (a fan-out, all
 * generations together).
 */
export class EnvelopeFactory {
  /** Event classes emitted while no handler was subscribed to them (warned once each). */
  readonly unhandled = new Set<Function>();
  /** One error per root event that blew its follow-up budget (logged once, shared by its discards). */
  private readonly overBudget = new WeakMap<Envelope, FollowUpBudgetExceededError>();

  constructor(private readonly o: EnvelopeFactoryOptions) {}

  /** The envelope of an event emitted with this lineage (a follow-up when `causedBy` is set). */
  create(event: object, lineage: ScopeLineage): Envelope {
    const o = this.o;
    const eventClass = o.names.classOf(event);
    const { name, version } = o.names.ofClass(eventClass);
    if (o.onUnhandledEvent !== 'ignore' && o.subscriptions.route(eventClass).size === 0)
      this.reportUnhandled(eventClass, name);
    const envelope = new Envelope(
      {
        event,
        eventClass,
        name,
        version,
        occurredAt: o.clock.now(),
        newId: o.newId,
        parent: lineage.causedBy,
        correlationId: lineage.correlationId,
      },
      1,
      lineage.followUpId?.(),
    );
    if (o.hooks.onEmitted) callHook(o, 'onEmitted', envelope);
    if (o.instrumentation) o.instrumentation.emitted(envelope);
    return envelope;
  }

  /** Rebuilds an envelope received from a broker (ids and lineage as they travelled). */
  receive(r: ReceivedEnvelope): Envelope {
    return new Envelope(
      {
        event: r.event,
        eventClass: r.eventClass,
        name: r.name,
        version: r.version,
        occurredAt: r.occurredAt.getTime(),
        newId: this.o.newId,
        correlationId: r.correlationId,
        received: { id: r.id, causationId: r.causationId, depth: r.depth },
      },
      r.attempt,
    );
  }

  /** Wire name and version of an event class. */
  nameOfClass(eventClass: Function): { name: string; version: number } {
    return this.o.names.ofClass(eventClass);
  }

  /** The wire name of an emitted value (throws `InvalidEventError` for non-events). */
  nameOf(event: object): string {
    return this.o.names.of(event).name;
  }

  /**
   * The guards on follow-ups, checked as each is emitted. Returns why the
   * envelope is cut (the error is logged once), else undefined.
   */
  cut(envelope: Envelope): CutReason | undefined {
    const root = envelope.root;
    if (root === envelope) return undefined;
    const o = this.o;
    if (envelope.depth > o.maxCausationDepth) {
      const chain = envelope.parent ? envelope.parent.chain() : [];
      const error = new CausationDepthExceededError(envelope.name, envelope.depth, chain);
      o.logger.error(
        { err: error, eventId: envelope.id, correlationId: envelope.correlationId },
        error.message,
      );
      return { kind: 'causation-depth', error };
    }
    if (++root.descendants <= o.maxFollowUpsPerRoot) return undefined;
    let error = this.overBudget.get(root);
    if (!error) {
      error = new FollowUpBudgetExceededError(
        root.id,
        root.name,
        o.maxFollowUpsPerRoot,
        envelope.chain(),
      );
      this.overBudget.set(root, error);
      o.logger.error(
        { err: error, rootEventId: root.id, correlationId: envelope.correlationId },
        error.message,
      );
    }
    return { kind: 'follow-up-budget', error };
  }

  private reportUnhandled(eventClass: Function, name: string): void {
    if (this.o.onUnhandledEvent === 'throw') throw new UnhandledEventError(name);
    if (this.unhandled.has(eventClass)) return;
    this.unhandled.add(eventClass);
    this.o.logger.warn(
      { event: name },
      `no handler is subscribed to ${name}: it is dispatched to nobody (warned once per event class; set onUnhandledEvent: 'ignore' if intended, 'throw' to fail fast)`,
    );
  }
}
