import type { Attributes, Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { PendingWork } from '../kernel/pending-work';
import { ATTR } from './attributes';

/** Boundaries the messaging conventions recommend for `messaging.process.duration` (seconds). */
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/**
 * Counts by attribute set, read by an observable counter when metrics are
 * collected. Counting here costs a Map lookup per event; a synchronous
 * counter's `add()` makes the SDK hash the attributes on every call (the
 * largest cost of an instrumented event in bench/otel).
 */
class Tally {
  private readonly counts = new Map<string, { attributes: Attributes; value: number }>();

  add(key: string, attributes: () => Attributes): void {
    const entry = this.counts.get(key);
    if (entry) entry.value++;
    else this.counts.set(key, { attributes: attributes(), value: 1 });
  }

  observe(result: ObservableResult): void {
    for (const { attributes, value } of this.counts.values()) result.observe(value, attributes);
  }
}

/**
 * The bus's instruments on one meter: the handler duration histogram, the
 * event counters and the pending-work gauge (summed over the buses it observes).
 */
export class BusMetrics {
  readonly duration: Histogram;
  private readonly emitted = new Tally();
  private readonly committed = new Tally();
  private readonly discarded = new Tally();
  private readonly retries = new Tally();
  private readonly deadLetters = new Tally();
  /** The histogram's attributes per handler and event: made once, not per attempt. */
  private readonly measured = new Map<string, Map<string, Attributes>>();
  private readonly pendingReaders = new Set<() => PendingWork>();

  constructor(meter: Meter) {
    this.duration = meter.createHistogram('messaging.process.duration', {
      description: 'Duration of one handler attempt.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    const counter = (name: string, tally: Tally, description: string, unit: string) =>
      meter
        .createObservableCounter(name, { description, unit })
        .addCallback((result) => tally.observe(result));
    counter(
      'koa_event_bus.events.emitted',
      this.emitted,
      'Events accepted by the bus (emit, dispatch, follow-ups).',
      '{event}',
    );
    counter(
      'koa_event_bus.events.committed',
      this.committed,
      'Events committed and handed to the transport.',
      '{event}',
    );
    counter(
      'koa_event_bus.events.discarded',
      this.discarded,
      'Events dropped without being dispatched, by reason.',
      '{event}',
    );
    counter(
      'koa_event_bus.handler.retries',
      this.retries,
      'Failed handler attempts that will be attempted again.',
      '{attempt}',
    );
    counter(
      'koa_event_bus.handler.dead_letters',
      this.deadLetters,
      'Events a handler gave up on (dead-lettered).',
      '{event}',
    );
    meter
      .createObservableGauge('koa_event_bus.pending', {
        description: 'Work the bus has not finished, by state (what drain() waits for).',
        unit: '{event}',
      })
      .addCallback((result) => this.observePending(result));
  }

  /** Starts summing `read()` into the pending gauge; returns the function that stops it. */
  watch(read: () => PendingWork): () => void {
    this.pendingReaders.add(read);
    return () => this.pendingReaders.delete(read);
  }

  /** The histogram's attributes of one handler for one event (the same object every time). */
  measuredFor(system: string, eventName: string, handlerId: string): Attributes {
    let byEvent = this.measured.get(handlerId);
    if (!byEvent) {
      byEvent = new Map();
      this.measured.set(handlerId, byEvent);
    }
    let attributes = byEvent.get(eventName);
    if (!attributes) {
      attributes = {
        [ATTR.system]: system,
        [ATTR.operationName]: 'process',
        [ATTR.destination]: eventName,
        [ATTR.handlerId]: handlerId,
      };
      byEvent.set(eventName, attributes);
    }
    return attributes;
  }

  countEmitted(envelope: EventEnvelope): void {
    const name = envelope.name;
    this.emitted.add(name, () => ({ [ATTR.destination]: name }));
  }

  countCommitted(system: string, envelopes: readonly EventEnvelope[]): void {
    for (const { name } of envelopes)
      this.committed.add(name, () => ({ [ATTR.system]: system, [ATTR.destination]: name }));
  }

  countDiscarded(envelopes: readonly EventEnvelope[], reason: string): void {
    for (const { name } of envelopes)
      this.discarded.add(`${name}\0${reason}`, () => ({
        [ATTR.destination]: name,
        [ATTR.discardReason]: reason,
      }));
  }

  countRetry(measured: Attributes): void {
    const key = `${measured[ATTR.destination]}\0${measured[ATTR.handlerId]}`;
    this.retries.add(key, () => measured);
  }

  countDeadLetter(eventName: string, handlerId: string, reason: string): void {
    this.deadLetters.add(`${eventName}\0${handlerId}\0${reason}`, () => ({
      [ATTR.destination]: eventName,
      [ATTR.handlerId]: handlerId,
      [ATTR.deadLetterReason]: reason,
    }));
  }

  private observePending(result: ObservableResult): void {
    if (this.pendingReaders.size === 0) return;
    const sums: Record<string, number> = {};
    for (const read of this.pendingReaders)
      for (const [state, n] of Object.entries(read())) sums[state] = (sums[state] ?? 0) + n;
    for (const [state, n] of Object.entries(sums))
      result.observe(n, { [ATTR.pendingState]: state });
  }
}
