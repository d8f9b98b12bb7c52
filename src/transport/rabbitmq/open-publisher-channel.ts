import type { ChannelModel } from 'amqplib';
import type { Logger } from '../../kernel/logger';
import type { ConfirmPublisher } from './confirm-publisher';

/**
 * Opens the publisher's confirm channel and hands it to `publisher` (which
 * writes again what was not confirmed). A channel the broker closes while
 * the connection lives (a refused publish) is reopened after `delayMs`; the
 * connection's own loss reconnects instead.
 *
 * @example
 * ```ts
 * await openPublisherChannel(model, publisher, logger, () => !closed && conn.current === model, 100);
 * ```
 */
export async function openPublisherChannel(
  model: ChannelModel,
  publisher: ConfirmPublisher,
  logger: Logger,
  stillWanted: () => boolean,
  delayMs: number,
): Promise<void> {
  const channel = await model.createConfirmChannel();
  channel.on('error', (err: Error) => logger.warn({ err }, 'rabbitmq: publisher channel error'));
  channel.on('close', () => {
    if (!stillWanted()) return;
    setTimeout(() => {
      // the connection went too: its reconnect opens the next channel
      openPublisherChannel(model, publisher, logger, stillWanted, delayMs).catch(() => {});
    }, delayMs);
  });
  publisher.attach(channel);
}
