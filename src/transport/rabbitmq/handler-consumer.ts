import type { Channel, ChannelModel } from 'amqplib';
import { type DeliveryContext, processDelivery } from './process-delivery';
import { queueNames } from './topology';

/**
 * Consumes one handler's queue on its own channel (prefetch = the handler's
 * concurrency), running each delivery with `processDelivery`. A channel the
 * broker closes while the connection lives is reopened; `stop()` cancels the
 * consumer and `idle()` waits for the deliveries still being processed.
 *
 * @example
 * ```ts
 * const consumer = new HandlerConsumer(context, 10, logger);
 * await consumer.start(model); // on every (re)connection
 * await consumer.stop();       // no new deliveries
 * await consumer.idle();       // the last acks sent
 * await consumer.close();      // ...and processed by the broker
 * ```
 */
export class HandlerConsumer {
  private channel: Channel | undefined;
  private tag: string | undefined;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly context: DeliveryContext,
    private readonly prefetch: number,
    private readonly retryDelayMs: number,
  ) {}

  async start(model: ChannelModel): Promise<void> {
    if (this.stopped) return;
    const { handlerId, host } = this.context;
    const channel = await model.createChannel();
    channel.on('error', (err: Error) =>
      host.logger.warn({ err, handlerId }, 'rabbitmq: consumer channel error'),
    );
    channel.on('close', () => this.reopen(model, channel));
    await channel.prefetch(this.prefetch);
    this.channel = channel;
    const queue = queueNames(this.context.app, handlerId).queue;
    const { consumerTag } = await channel.consume(queue, (msg) => {
      if (!msg) return; // cancelled by the broker (queue deleted): the channel's close reopens
      const done = processDelivery(this.context, channel, msg);
      this.inFlight.add(done);
      void done.finally(() => this.inFlight.delete(done));
    });
    this.tag = consumerTag;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const { channel, tag } = this;
    this.tag = undefined;
    if (channel && tag) await channel.cancel(tag).catch(() => {}); // a closed channel consumes nothing
  }

  /** Resolves when every delivery taken so far is acked, requeued or lost with its channel. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Stops, waits for the deliveries in flight, then closes the channel: its
   * close-ok comes after the broker processed the acks sent on it. (Closing
   * the connection right after an ack loses the ack: amqplib may send the
   * connection's close before the channel's pending frames, and the broker
   * redelivers.)
   */
  async close(): Promise<void> {
    await this.stop();
    await this.idle();
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close().catch(() => {}); // closed with its connection already
  }

  // The broker closed this channel (a refused operation); the connection's own loss restarts us.
  private reopen(model: ChannelModel, channel: Channel): void {
    if (this.channel !== channel || this.stopped) return;
    this.channel = undefined;
    setTimeout(() => {
      this.start(model).catch(() => {}); // the connection is gone too: its reconnect restarts us
    }, this.retryDelayMs);
  }
}
