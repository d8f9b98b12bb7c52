import type { ChannelModel } from 'amqplib';
import type { HandlerBinding, TransportHost } from '../transport';
import type { ConfirmPublisher } from './confirm-publisher';
import { HandlerConsumer } from './handler-consumer';
import { waitQueueDeclarer } from './process-delivery';
import type { WireCodec } from './wire-codec';

/** What a worker's consumers share. */
export interface ConsumersInit {
  readonly app: string;
  readonly prefetch: number;
  readonly retryDelayMs: number;
  readonly host: TransportHost;
  readonly codec: WireCodec;
  readonly publisher: ConfirmPublisher;
  /** The open connection (for declaring wait queues at retry time). */
  readonly model: () => ChannelModel | undefined;
  readonly handled: (eventId: string, handlerId: string) => void;
  readonly declared: (queue: string) => void;
}

/**
 * One consumer per handler id (a handler's queue carries every event it handles).
 *
 * @example
 * ```ts
 * const consumers = createConsumers({ app: 'shop', prefetch: 10, retryDelayMs: 100, host, codec, publisher, model, handled, declared });
 * for (const c of consumers) await c.start(model);
 * ```
 */
export function createConsumers(init: ConsumersInit): HandlerConsumer[] {
  const byHandler = new Map<string, HandlerBinding[]>();
  for (const b of init.host.bindings)
    byHandler.set(b.handlerId, [...(byHandler.get(b.handlerId) ?? []), b]);
  return [...byHandler].map(([handlerId, bindings]) => {
    const declare = waitQueueDeclarer(init.app, handlerId, init.model);
    const context = {
      app: init.app,
      handlerId,
      bindings,
      host: init.host,
      codec: init.codec,
      publisher: init.publisher,
      handled: init.handled,
      declareWait: async (delayMs: number) => {
        const name = await declare(delayMs);
        init.declared(name);
        return name;
      },
    };
    return new HandlerConsumer(context, init.prefetch, init.retryDelayMs);
  });
}
