import { type Channel, type ChannelModel, connect } from 'amqplib';
import { CliError, ExitCode } from '../cli-error';

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Connects to the broker, or throws a `CliError` (exit 1) that says where it
 * tried and why it failed.
 *
 * @example
 * ```ts
 * const model = await openBroker('amqp://guest:guest@127.0.0.1:5672');
 * ```
 */
export async function openBroker(url: string): Promise<ChannelModel> {
  try {
    const model = await connect(url);
    model.on('error', () => {}); // a dropped connection fails the command's next call
    return model;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused: is RabbitMQ running there?'
        : (err as Error).message;
    throw new CliError(
      `Cannot connect to RabbitMQ at ${safeUrl(url)} (${why}). Check --url (or $RABBITMQ_URL).`,
      ExitCode.Failure,
      { cause: err },
    );
  }
}

/**
 * Checks that `queue` exists (passive declare) and returns its ready message
 * count. A missing queue is a `CliError` (exit 2) naming it and the likely
 * cause. Uses a channel of its own: a 404 closes the channel.
 */
export async function checkQueue(
  model: ChannelModel,
  queue: string,
  context: { app: string; handlerId: string },
): Promise<number> {
  const channel: Channel = await model.createChannel();
  channel.on('error', () => {}); // the 404 closes it; the rejection below says why
  try {
    const { messageCount } = await channel.checkQueue(queue);
    await channel.close();
    return messageCount;
  } catch (err) {
    if ((err as { code?: unknown }).code === 404)
      throw new CliError(
        `Queue '${queue}' does not exist (404 NOT_FOUND). Check --app '${context.app}' and the handler id '${context.handlerId}': the queues are <app>.<handler-id> and <app>.<handler-id>.dlq, declared when a worker of that app starts (the handler id is @OnEvent's \`id\`, by default ClassName.method).`,
        ExitCode.Usage,
        { cause: err },
      );
    throw err;
  }
}
