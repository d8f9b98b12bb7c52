import type { ChannelModel, GetMessage } from 'amqplib';
import { queueNames } from '../../transport/rabbitmq/topology';
import { type DeadLetter, describeDeadLetter } from './dead-letter';
import { checkQueue } from './open-broker';

/** What `dlq list` found. */
export interface DeadLetterListing {
  readonly queue: string;
  /** Messages in the DLQ when the listing started. */
  readonly total: number;
  /** The first `limit` of them, oldest first. */
  readonly letters: readonly DeadLetter[];
}

/**
 * Reads the first `limit` dead letters of `<app>.<handlerId>.dlq` (default:
 * all of them) and leaves them there, in the same order.
 *
 * A queue cannot be browsed: this takes each message unacknowledged
 * (basic.get), then gives all of them back with one nack (multiple, requeue),
 * so they return to the head of the queue in their order. Meanwhile other
 * consumers do not see them; if this process dies, the broker returns them
 * (nothing is lost). The broker counts the return as a delivery
 * (`x-delivery-count` + 1): harmless on a DLQ, which has no delivery limit,
 * and `dlq replay` drops that header.
 *
 * @example
 * ```ts
 * const { total, letters } = await listDeadLetters(model, { app: 'shop', handlerId: 'mailer' });
 * ```
 */
export async function listDeadLetters(
  model: ChannelModel,
  target: { app: string; handlerId: string; limit?: number | undefined },
): Promise<DeadLetterListing> {
  const queue = queueNames(target.app, target.handlerId).dlq;
  const total = await checkQueue(model, queue, target);
  const wanted = Math.min(target.limit ?? total, total);
  const channel = await model.createChannel();
  const taken: GetMessage[] = [];
  try {
    while (taken.length < wanted) {
      const msg = await channel.get(queue, { noAck: false });
      if (!msg) break;
      taken.push(msg);
    }
    const last = taken.at(-1);
    if (last) channel.nack(last, true, true);
    await channel.close(); // after the nack is sent: closing returns anything unacked anyway
  } catch (err) {
    await channel.close().catch(() => {});
    throw err;
  }
  return { queue, total, letters: taken.map((m) => describeDeadLetter(m.properties)) };
}
