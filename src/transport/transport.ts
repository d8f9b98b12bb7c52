import type { EventEnvelope } from '../kernel/event-envelope';

/**
 * Hands envelopes to the local dispatcher (what a transport calls on delivery).
 *
 * @example
 * ```ts
 * class MyTransport implements Transport {
 *   private deliver?: Deliver;
 *   connect(deliver: Deliver) { this.deliver = deliver; }
 *   publish(envelopes: readonly EventEnvelope[]) { this.deliver?.(envelopes); }
 *   async close() {}
 * }
 * ```
 */
export type Deliver = (envelopes: readonly EventEnvelope[]) => void;

/**
 * The seam between committed events and whoever runs their handlers. The
 * in-memory transport (default) delivers straight to this process's
 * dispatcher; a broker transport publishes and lets workers consume.
 *
 * @example
 * ```ts
 * const bus = createEventBus({ handlers, transport: new InMemoryTransport() });
 * ```
 */
export interface Transport {
  /** Called once by the bus with its local delivery function. */
  connect(deliver: Deliver): void;
  /** Publishes committed envelopes (in emission order). */
  publish(envelopes: readonly EventEnvelope[]): void;
  /** Stops the transport; called by `bus.close()` after draining. */
  close(): Promise<void>;
}
