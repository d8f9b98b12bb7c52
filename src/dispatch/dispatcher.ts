import type { EventEnvelope } from '../bus/event-envelope';
import type { Route, SubscriptionMap } from '../handlers/subscription-map';
import { callHook, type DispatchDeps } from './dispatch-deps';
import { DispatchReport, type HandlerOutcome } from './dispatch-report';
import { invokeHandler } from './invoke-handler';

const RESOLVED = Promise.resolve();
const NO_HANDLERS: Route = { groups: [], size: 0 };

/** Called for every envelope as its dispatch starts (used by `waitFor`). */
export type DispatchObserver = (envelope: EventEnvelope) => void;

/**
 * Runs envelopes through their routes. `run()` dispatches one envelope now;
 * `enqueue()` appends to a FIFO drained by at most `concurrency` events at
 * once, so committed events start in emission order.
 */
export class Dispatcher {
  private readonly queue: EventEnvelope[] = [];
  private head = 0;
  private active = 0;
  private scheduled = false;
  private paused = false;
  readonly observers = new Set<DispatchObserver>();

  constructor(
    private readonly deps: DispatchDeps,
    private readonly subscriptions: SubscriptionMap,
    private readonly concurrency: number,
    private readonly filter?: (envelope: EventEnvelope) => boolean,
  ) {}

  /** Queues committed envelopes; dispatch starts on a microtask, never in the caller's stack. */
  enqueue(envelopes: readonly EventEnvelope[]): void {
    if (envelopes.length === 0) return;
    this.deps.tracker.add('queued', envelopes.length);
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

  /** Dispatches one envelope now and resolves with every handler's outcome. Never rejects. */
  async run(envelope: EventEnvelope): Promise<DispatchReport> {
    const started = performance.now();
    for (const observe of this.observers) {
      try {
        observe(envelope);
      } catch (err) {
        this.deps.logger.error({ err }, 'dispatch observer threw');
      }
    }
    const route =
      this.filter && !this.filter(envelope)
        ? NO_HANDLERS
        : this.subscriptions.route((envelope.event as object).constructor);
    const outcomes: HandlerOutcome[] = [];
    for (const group of route.groups) {
      if (group.length === 1) outcomes.push(await invokeHandler(this.deps, group[0]!, envelope));
      else
        outcomes.push(
          ...(await Promise.all(group.map((s) => invokeHandler(this.deps, s, envelope)))),
        );
    }
    if (route.size === 0)
      this.deps.logger.debug(
        { eventId: envelope.id, event: envelope.name },
        'no handler for event',
      );
    const report = new DispatchReport(envelope, outcomes, performance.now() - started);
    callHook(this.deps, 'onDispatched', report);
    return report;
  }

  /** Envelopes still waiting in the queue. */
  queued(): readonly EventEnvelope[] {
    return this.queue.slice(this.head);
  }

  /** Stops starting queued events and returns (and forgets) them. */
  stop(): EventEnvelope[] {
    this.paused = true;
    const left = this.queue.splice(this.head);
    this.queue.length = 0;
    this.head = 0;
    if (left.length > 0) this.deps.tracker.done('queued', left.length);
    return left;
  }

  private pump(): void {
    const { tracker } = this.deps;
    while (!this.paused && this.active < this.concurrency && this.head < this.queue.length) {
      const envelope = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as EventEnvelope;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.active++;
      tracker.add('dispatching');
      tracker.done('queued');
      this.run(envelope).then(
        () => this.settle(),
        (err: unknown) => {
          this.deps.logger.error({ err, eventId: envelope.id }, 'internal dispatch error');
          this.settle();
        },
      );
    }
  }

  private settle(): void {
    this.active--;
    this.deps.tracker.done('dispatching');
    if (this.head < this.queue.length) this.pump();
  }
}
