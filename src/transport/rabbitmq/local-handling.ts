import type { EventEnvelope } from '../../kernel/event-envelope';
import type { HandlerBinding } from '../transport';

/**
 * The events this process published and its own handlers will run: a
 * promise per publish that settles when every local handler has finished
 * with each event (succeeded, skipped or dead-lettered; a retry is not
 * finished). With it a one-worker app's `drain()` waits for handlers, as
 * in memory. Released by `stopReceiving()`.
 *
 * @example
 * ```ts
 * const handled = local.expect(envelopes); // before publishing
 * local.handled(envelope.id, 'mailer');      // by the consumer, after the ack
 * ```
 */
export class LocalHandling {
  private readonly waiting = new Map<string, { handlers: Set<string>; done: () => void }>();
  private released = false;

  constructor(private readonly bindings: readonly HandlerBinding[]) {}

  expect(envelopes: readonly EventEnvelope[]): Promise<void> {
    if (this.released) return Promise.resolve();
    return Promise.all(envelopes.map((e) => this.expectOne(e))).then(() => {});
  }

  handled(eventId: string, handlerId: string): void {
    const entry = this.waiting.get(eventId);
    if (!entry?.handlers.delete(handlerId) || entry.handlers.size > 0) return;
    this.waiting.delete(eventId);
    entry.done();
  }

  /** Stops waiting for these events (their publish failed). */
  forget(envelopes: readonly EventEnvelope[]): void {
    for (const e of envelopes) this.waiting.get(e.id)?.done();
    for (const e of envelopes) this.waiting.delete(e.id);
  }

  /** Stops waiting at all (the transport stops receiving: nothing local will run them). */
  release(): void {
    this.released = true;
    for (const entry of this.waiting.values()) entry.done();
    this.waiting.clear();
  }

  private expectOne(e: EventEnvelope): Promise<void> {
    const handlers = new Set(
      this.bindings.filter((b) => b.eventName === e.name).map((b) => b.handlerId),
    );
    if (handlers.size === 0) return Promise.resolve();
    return new Promise((done) => this.waiting.set(e.id, { handlers, done }));
  }
}
