import type { EventEnvelope } from '../kernel/event-envelope';
import type { Deliver, Transport } from './transport';

/**
 * The default transport: committed envelopes go straight to this process's
 * dispatcher, in order, with no serialization.
 *
 * @example
 * ```ts
 * createEventBus({ handlers, transport: new InMemoryTransport() }); // same as leaving it out
 * ```
 */
export class InMemoryTransport implements Transport {
  private deliver: Deliver | undefined;

  connect(deliver: Deliver): void {
    this.deliver = deliver;
  }

  publish(envelopes: readonly EventEnvelope[]): void {
    if (!this.deliver)
      throw new Error(
        'InMemoryTransport.publish() before connect(): pass the transport to createEventBus().',
      );
    this.deliver(envelopes);
  }

  async close(): Promise<void> {
    this.deliver = undefined;
  }
}
