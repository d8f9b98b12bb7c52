import type { EventEnvelope } from '../kernel/event-envelope';
import type { Transport, TransportHost } from './transport';

/**
 * The default transport: what a scope commits runs in this process, through
 * every local handler, with no serialization and nothing to connect.
 *
 * @example
 * ```ts
 * createEventBus({ handlers, transport: new InMemoryTransport() }); // same as leaving it out
 * ```
 */
export class InMemoryTransport implements Transport {
  private host: TransportHost | undefined;

  connect(host: TransportHost): void {
    this.host = host;
  }

  publish(envelopes: readonly EventEnvelope[]): void {
    if (!this.host)
      throw new Error(
        'InMemoryTransport.publish() before connect(): pass the transport to createEventBus().',
      );
    this.host.deliver(envelopes);
  }

  async close(): Promise<void> {
    this.host = undefined;
  }
}
