import type { ChannelModel, GetMessage, MessageProperties, Options } from 'amqplib';
import { deadLetterHeaders, ownHeaders } from '../../transport/rabbitmq/failure-headers';
import { queueNames } from '../../transport/rabbitmq/topology';
import { CliError, ExitCode } from '../cli-error';
import { checkQueue } from './open-broker';

/** What `dlq replay` did. */
export interface ReplayReport {
  readonly from: string;
  readonly to: string;
  readonly replayed: number;
}

// The headers deadLetterHeaders() adds (x-error, x-error-stack, x-error-code,
// x-attempts, x-handler-id, x-reason), read from the function itself so a
// new one is dropped too.
const FAILURE_HEADERS: readonly string[] = Object.keys(
  deadLetterHeaders({ headers: {} } as MessageProperties, {
    handlerId: '',
    attempts: 0,
    error: { message: '', stack: '', code: '' },
    reason: '',
  }),
);
// The attempt header the consumer reads (failure-headers.ts attemptOf).
const ATTEMPT_HEADER = 'x-attempt';
const BATCH = 100;

/**
 * Moves dead letters from `<app>.<handlerId>.dlq` back to the handler's queue
 * `<app>.<handlerId>` (default exchange, routing key = the queue), oldest
 * first, as attempt 1 without the failure headers, keeping every property
 * (the message id is the event id). On a confirm channel: a dead letter is
 * acked (removed) only once its copy is confirmed, so a failure midway
 * leaves it in the DLQ — at worst a message is in both, never in neither.
 *
 * @example
 * ```ts
 * const { replayed } = await replayDeadLetters(model, { app: 'shop', handlerId: 'mailer' });
 * ```
 */
export async function replayDeadLetters(
  model: ChannelModel,
  target: { app: string; handlerId: string; limit?: number | undefined },
): Promise<ReplayReport> {
  const { queue: to, dlq: from } = queueNames(target.app, target.handlerId);
  const total = await checkQueue(model, from, target);
  await checkQueue(model, to, target);
  const wanted = Math.min(target.limit ?? total, total);
  const channel = await model.createConfirmChannel();
  channel.on('error', () => {}); // a failed call rejects; the broker requeues what was not acked
  const returned = new Set<unknown>();
  channel.on('return', (msg: GetMessage) => returned.add(msg.properties.messageId));
  let replayed = 0;
  try {
    while (replayed < wanted) {
      const batch: GetMessage[] = [];
      while (batch.length < Math.min(BATCH, wanted - replayed)) {
        const msg = await channel.get(from, { noAck: false });
        if (!msg) break;
        batch.push(msg);
      }
      if (batch.length === 0) break;
      for (const msg of batch) channel.publish('', to, msg.content, replayOptions(msg.properties));
      await channel.waitForConfirms(); // rejects on a nack: the batch stays in the DLQ
      for (const msg of batch) {
        if (returned.has(msg.properties.messageId)) channel.nack(msg, false, true);
        else channel.ack(msg);
      }
      if (returned.size > 0)
        throw new CliError(
          `${returned.size} message(s) could not be routed to '${to}' and stay in '${from}'.`,
          ExitCode.Failure,
        );
      replayed += batch.length;
    }
    await channel.close();
  } catch (err) {
    await channel.close().catch(() => {});
    if (err instanceof CliError) throw err;
    throw new CliError(
      `Replay stopped after ${replayed} message(s): ${(err as Error).message}. The rest stay in '${from}' (a message of the last batch may be in both queues).`,
      ExitCode.Failure,
      { cause: err },
    );
  }
  return { from, to, replayed };
}

function replayOptions(properties: MessageProperties): Options.Publish {
  const headers = ownHeaders(properties);
  for (const name of FAILURE_HEADERS) delete headers[name];
  headers[ATTEMPT_HEADER] = 1;
  const { headers: _, ...rest } = properties;
  const kept = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  // mandatory: a copy the broker cannot route comes back (a 'return'), not silently dropped.
  return { ...kept, headers, persistent: true, mandatory: true };
}
