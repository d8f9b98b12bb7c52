import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { HandlerBinding, TransportHost } from '../transport';
import type { ConfirmPublisher } from './confirm-publisher';
import { attemptOf, deadLetterHeaders, ownHeaders } from './failure-headers';
import { declareWaitQueue, queueNames, WAIT_QUEUE_REDECLARE_MS, waitBucket } from './topology';
import type { WireCodec } from './wire-codec';

/** What processing a delivery needs: the bus, the codec, the publisher, the handler's names. */
export interface DeliveryContext {
  readonly app: string;
  readonly handlerId: string;
  readonly bindings: readonly HandlerBinding[];
  readonly host: TransportHost;
  readonly codec: WireCodec;
  readonly publisher: ConfirmPublisher;
  /** Called once a delivery is finished for good (acked, not retried). */
  readonly handled: (eventId: string, handlerId: string) => void;
  /** Declares a wait queue on a channel of its own (a refused declaration closes its channel). */
  readonly declareWait: (delayMs: number) => Promise<string>;
}

/**
 * One delivery of a handler's queue: decode, one attempt through the bus,
 * its follow-ups confirmed, then a retry (to the wait queue, `x-attempt` + 1)
 * or a dead letter (to the DLQ, with why) confirmed, then the ack. Anything
 * unconfirmed requeues it (same attempt; the delivery limit ends a crash loop).
 *
 * @example
 * ```ts
 * channel.consume(queue, (msg) => msg && processDelivery(context, channel, msg));
 * ```
 */
export async function processDelivery(
  c: DeliveryContext,
  channel: Channel,
  msg: ConsumeMessage,
): Promise<void> {
  const attempt = attemptOf(msg.properties);
  const dlq = queueNames(c.app, c.handlerId).dlq;
  try {
    let received: Awaited<ReturnType<WireCodec['decode']>>;
    try {
      received = await c.codec.decode({ body: msg.content, properties: msg.properties });
    } catch (error) {
      const reason = String((error as { reason?: unknown }).reason ?? 'malformed');
      const why = { handlerId: c.handlerId, attempts: attempt, error, reason };
      await copyTo(c, msg, dlq, deadLetterHeaders(msg.properties, why));
      channel.ack(msg);
      return c.handled(String(msg.properties.messageId), c.handlerId);
    }
    const envelope = c.host.receive(received, msg.properties.headers);
    const outcome = await c.host.runAttempt(envelope, c.handlerId);
    if (outcome.status === 'closed') return requeue(channel, msg); // cut by close(): same attempt again
    await c.publisher.settled(); // the follow-ups it emitted are confirmed before the ack
    const retry = outcome.status === 'failed' && outcome.willRetry;
    if (retry) {
      const binding = c.bindings.find((b) => b.eventName === received.name) ?? c.bindings[0]!;
      const delay = outcome.retryInMs ?? binding.delayBeforeAttempt(attempt + 1);
      const wait = await c.declareWait(waitBucket(delay));
      await copyTo(c, msg, wait, { ...ownHeaders(msg.properties), 'x-attempt': attempt + 1 });
    } else if (outcome.status === 'failed') {
      const why = { handlerId: c.handlerId, attempts: attempt, error: outcome.error };
      await copyTo(c, msg, dlq, deadLetterHeaders(msg.properties, why));
    }
    channel.ack(msg);
    if (!retry) c.handled(received.id, c.handlerId);
  } catch (err) {
    c.host.logger.error(
      { err, handlerId: c.handlerId },
      'rabbitmq: delivery not settled; requeued',
    );
    requeue(channel, msg);
  }
}

function requeue(channel: Channel, msg: ConsumeMessage): void {
  try {
    channel.nack(msg, false, true);
  } catch {
    // the channel is closed: the broker requeues it anyway
  }
}

/**
 * Declares a wait queue on a short-lived channel, once per delay, and again
 * when the last declaration is older than {@link WAIT_QUEUE_REDECLARE_MS}: a
 * wait queue expires when unused (`x-expires`), and a redeclaration is what
 * keeps one in use while messages still wait in it.
 */
export function waitQueueDeclarer(
  app: string,
  handlerId: string,
  model: () => ChannelModel | undefined,
  now: () => number = Date.now,
) {
  const declared = new Map<number, { name: Promise<string>; at: number }>();
  return (delayMs: number): Promise<string> => {
    const last = declared.get(delayMs);
    if (last && now() - last.at < WAIT_QUEUE_REDECLARE_MS) return last.name;
    const name = declareOnce(app, handlerId, delayMs, model());
    declared.set(delayMs, { name, at: now() });
    name.catch(() => declared.delete(delayMs));
    return name;
  };
}

async function declareOnce(
  app: string,
  handlerId: string,
  delayMs: number,
  model: ChannelModel | undefined,
) {
  if (!model) throw new Error('rabbitmq: not connected (wait queue not declared)');
  const channel = await model.createChannel();
  channel.on('error', () => {}); // the rejected declaration below says it
  const name = await declareWaitQueue(channel, app, handlerId, delayMs);
  await channel.close();
  return name;
}

function copyTo(c: DeliveryContext, msg: ConsumeMessage, queue: string, headers: object) {
  const { headers: _, ...properties } = msg.properties;
  const defined = Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== undefined));
  const options = { ...defined, headers, persistent: true };
  return c.publisher.send([{ exchange: '', routingKey: queue, content: msg.content, options }]);
}
