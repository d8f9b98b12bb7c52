import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { HandlerBinding, TransportHost } from '../transport';
import type { ConfirmPublisher } from './confirm-publisher';
import { attemptOf, deadLetterHeaders, ownHeaders } from './failure-headers';
import { declareWaitQueue, queueNames } from './topology';
import type { WireCodec } from './wire-codec';

/** What a consumer shares with the transport. */
export interface ConsumerDeps {
  readonly app: string;
  readonly prefetch: number;
  readonly host: TransportHost;
  readonly codec: WireCodec;
  readonly publisher: ConfirmPublisher;
  /** Called once a delivery is finished for good (acked, not retried). */
  readonly handled: (eventId: string, handlerId: string) => void;
  /** Called with every wait queue declared at retry time. */
  readonly declared: (queue: string) => void;
}

/**
 * Consumes one handler's queue on its own channel (prefetch = the handler's
 * concurrency). Each delivery: decode, one attempt through the bus, then its
 * follow-ups confirmed, then to the wait queue (a retry) or the DLQ (a dead
 * letter) confirmed, then ack. A crash before the ack redelivers it.
 *
 * @example
 * ```ts
 * const consumer = new HandlerConsumer('mailer', bindings, deps);
 * await consumer.start(model); // on every (re)connection
 * await consumer.stop();       // no new deliveries
 * ```
 */
export class HandlerConsumer {
  private channel: Channel | undefined;
  private tag: string | undefined;
  private readonly names: ReturnType<typeof queueNames>;

  constructor(
    private readonly handlerId: string,
    private readonly bindings: readonly HandlerBinding[],
    private readonly deps: ConsumerDeps,
  ) {
    this.names = queueNames(deps.app, handlerId);
  }

  async start(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (err: Error) =>
      this.deps.host.logger.warn(
        { err, handlerId: this.handlerId },
        'rabbitmq: consumer channel error',
      ),
    );
    await channel.prefetch(this.deps.prefetch);
    this.channel = channel;
    const { consumerTag } = await channel.consume(this.names.queue, (msg) => {
      if (msg) void this.handle(channel, msg);
    });
    this.tag = consumerTag;
  }

  async stop(): Promise<void> {
    const { channel, tag } = this;
    this.tag = undefined;
    if (channel && tag) await channel.cancel(tag).catch(() => {}); // a closed channel consumes nothing
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const { host, codec, publisher } = this.deps;
    const attempt = attemptOf(msg.properties);
    try {
      let received: Awaited<ReturnType<WireCodec['decode']>>;
      try {
        received = await codec.decode({ body: msg.content, properties: msg.properties });
      } catch (error) {
        const reason = String((error as { reason?: unknown }).reason ?? 'malformed');
        await this.toQueue(
          msg,
          this.names.dlq,
          deadLetterHeaders(msg.properties, {
            handlerId: this.handlerId,
            attempts: attempt,
            error,
            reason,
          }),
        );
        channel.ack(msg);
        return this.deps.handled(String(msg.properties.messageId), this.handlerId);
      }
      const outcome = await host.runAttempt(host.receive(received), this.handlerId);
      await publisher.settled(); // the follow-ups it emitted are confirmed before the ack
      if (outcome.status === 'failed' && outcome.willRetry) {
        const binding =
          this.bindings.find((b) => b.eventName === received.name) ?? this.bindings[0]!;
        const delay = Math.round(binding.delayBeforeAttempt(attempt + 1));
        const wait = await declareWaitQueue(channel, this.deps.app, this.handlerId, delay);
        this.deps.declared(wait);
        await this.toQueue(msg, wait, { ...ownHeaders(msg.properties), 'x-attempt': attempt + 1 });
      } else if (outcome.status === 'failed') {
        const headers = deadLetterHeaders(msg.properties, {
          handlerId: this.handlerId,
          attempts: attempt,
          error: outcome.error,
        });
        await this.toQueue(msg, this.names.dlq, headers);
      }
      channel.ack(msg);
      if (!(outcome.status === 'failed' && outcome.willRetry))
        this.deps.handled(received.id, this.handlerId);
    } catch (err) {
      // Not confirmed (or the channel is gone): the broker redelivers it, same attempt.
      host.logger.error(
        { err, handlerId: this.handlerId },
        'rabbitmq: delivery not settled; requeued',
      );
      try {
        channel.nack(msg, false, true);
      } catch {
        // the channel closed: the broker requeues it anyway
      }
    }
  }

  private toQueue(
    msg: ConsumeMessage,
    queue: string,
    headers: Record<string, unknown>,
  ): Promise<void> {
    const { headers: _, ...properties } = msg.properties;
    const options = { ...stripUndefined(properties), headers, persistent: true };
    return this.deps.publisher.send([
      { exchange: '', routingKey: queue, content: msg.content, options },
    ]);
  }
}

function stripUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
