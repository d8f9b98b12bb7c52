import type { Attributes, Counter, Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { PendingWork } from '../kernel/pending-work';
import { ATTR } from './attributes';

/** Boundaries the messaging conventions recommend for `messaging.process.duration` (seconds). */
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/**
 * The bus's instruments on one meter: the handler duration histogram, the
 * event counters and the pending-work gauge (summed over the buses it observes).
 */
export class BusMetrics {
  readonly duration: Histogram;
  private readonly emitted: Counter;
  private readonly committed: Counter;
  private readonly discardedCount: Counter;
  private readonly retries: Counter;
  private readonly deadLetters: Counter;
  private readonly pendingReaders = new Set<() => PendingWork>();

  constructor(meter: Meter) {
    this.duration = meter.createHistogram('messaging.process.duration', {
      description: 'Duration of one handler attempt.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.emitted = meter.createCounter('koa_event_bus.events.emitted', {
      description: 'Events accepted by the bus (emit, dispatch, follow-ups).',
      unit: '{event}',
    });
    this.committed = meter.createCounter('koa_event_bus.events.committed', {
      description: 'Events committed and handed to the transport.',
      unit: '{event}',
    });
    this.discardedCount = meter.createCounter('koa_event_bus.events.discarded', {
      description: 'Events dropped without being dispatched, by reason.',
      unit: '{event}',
    });
    this.retries = meter.createCounter('koa_event_bus.handler.retries', {
      description: 'Failed handler attempts that will be attempted again.',
      unit: '{attempt}',
    });
    this.deadLetters = meter.createCounter('koa_event_bus.handler.dead_letters', {
      description: 'Events a handler gave up on (dead-lettered).',
      unit: '{event}',
    });
    const pending = meter.createObservableGauge('koa_event_bus.pending', {
      description: 'Work the bus has not finished, by state (what drain() waits for).',
      unit: '{event}',
    });
    pending.addCallback((result) => this.observePending(result));
  }

  /** Starts summing `read()` into the pending gauge; returns the function that stops it. */
  watch(read: () => PendingWork): () => void {
    this.pendingReaders.add(read);
    return () => this.pendingReaders.delete(read);
  }

  countEmitted(envelope: EventEnvelope): void {
    this.emitted.add(1, { [ATTR.destination]: envelope.name });
  }

  countCommitted(system: string, envelopes: readonly EventEnvelope[]): void {
    for (const e of envelopes)
      this.committed.add(1, { [ATTR.system]: system, [ATTR.destination]: e.name });
  }

  countDiscarded(envelopes: readonly EventEnvelope[], reason: string): void {
    for (const e of envelopes)
      this.discardedCount.add(1, { [ATTR.destination]: e.name, [ATTR.discardReason]: reason });
  }

  countRetry(attributes: Attributes): void {
    this.retries.add(1, attributes);
  }

  countDeadLetter(attributes: Attributes): void {
    this.deadLetters.add(1, attributes);
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
