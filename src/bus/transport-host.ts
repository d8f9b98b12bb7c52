import { retryDelay } from '../dispatch/retry-delay';
import type { Subscription } from '../handlers/subscription';
import type { SubscriptionMap } from '../handlers/subscription-map';
import { classOf } from '../kernel/envelope';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { Logger } from '../kernel/logger';
import type {
  AttemptOutcome,
  HandlerBinding,
  ReceivedEnvelope,
  TransportHost,
} from '../transport/transport';
import type { EventPipeline } from './event-pipeline';

/**
 * What a bus offers its transport (`transport.connect(host)`): local delivery
 * for the in-memory transport; bindings, received envelopes and one handler
 * attempt per delivery for a broker transport. Everything goes through the
 * pipeline, which owns the event's life and the pending-work count.
 */
export class BusTransportHost implements TransportHost {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly subscriptions: SubscriptionMap,
  ) {}

  get logger(): Logger {
    return this.pipeline.logger;
  }

  deliver(envelopes: readonly EventEnvelope[]): void {
    this.pipeline.deliver(envelopes);
  }

  /** One binding per (handler, event class): what a broker transport declares queues for. */
  get bindings(): readonly HandlerBinding[] {
    const out: HandlerBinding[] = [];
    for (const [eventClass, subs] of this.subscriptions.entries()) {
      const { name, version } = this.pipeline.envelopes.nameOfClass(eventClass);
      for (const sub of subs)
        out.push({
          handlerId: sub.id,
          eventClass,
          eventName: name,
          eventVersion: version,
          maxAttempts: sub.retry.attempts,
          delayBeforeAttempt: (n) => retryDelay(sub.retry, n, this.pipeline.random),
        });
    }
    return out;
  }

  receive(received: ReceivedEnvelope, headers?: Readonly<Record<string, unknown>>): EventEnvelope {
    const envelope = this.pipeline.envelopes.receive(received);
    const instrumentation = this.pipeline.instrumentation;
    if (instrumentation && headers) instrumentation.received(envelope, headers);
    return envelope;
  }

  propagationHeaders(envelope: EventEnvelope): Readonly<Record<string, string>> | undefined {
    return this.pipeline.instrumentation?.inject(envelope);
  }

  /** One attempt of one handler for a received envelope (a broker's delivery). */
  async runAttempt(envelope: EventEnvelope, handlerId: string): Promise<AttemptOutcome> {
    let sub: Subscription | undefined;
    try {
      for (const group of this.subscriptions.route(classOf(envelope)).groups)
        sub ??= group.find((s) => s.id === handlerId);
    } catch (err) {
      this.pipeline.fault(err, envelope);
    }
    if (!sub) {
      const error = new Error(
        `no handler "${handlerId}" for ${envelope.name} in this process: deploy the worker with that handler, or delete its queue`,
      );
      this.pipeline.logger.error({ err: error, eventId: envelope.id, handlerId }, error.message);
      return { status: 'failed', error, willRetry: false };
    }
    const r = await this.pipeline.runOnce(sub, envelope);
    if (r.closed) return { status: 'closed', ...(r.error && { error: r.error }), willRetry: false };
    if (!r.error) return { status: r.status, willRetry: false };
    const retry = r.willRetry === true;
    return {
      status: r.status,
      error: r.error,
      willRetry: retry,
      ...(retry && r.retryInMs !== undefined && { retryInMs: r.retryInMs }),
    };
  }
}
