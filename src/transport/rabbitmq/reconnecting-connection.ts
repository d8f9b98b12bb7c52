import { type ChannelModel, connect } from 'amqplib';
import type { Logger } from '../../kernel/logger';

/** What to run on every (re)connection: declare, open channels, consume. */
export type OnConnected = (model: ChannelModel) => Promise<void>;

/**
 * One AMQP connection kept open: on loss it reconnects with exponential
 * backoff and runs `onConnected` again. Connection errors are logged, never
 * thrown at the process (no unhandled 'error' events).
 *
 * @example
 * ```ts
 * const conn = new ReconnectingConnection(url, { initialDelayMs: 100, maxDelayMs: 30_000 }, logger, setup);
 * await conn.start(); // the first connection (rejects if it failed; retries go on)
 * await conn.close();
 * ```
 */
export class ReconnectingConnection {
  private model: ChannelModel | undefined;
  private closing = false;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private first: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly backoff: { initialDelayMs: number; maxDelayMs: number },
    private readonly logger: Logger,
    private readonly onConnected: OnConnected,
  ) {}

  /** Connects; rejects with the first attempt's error (reconnecting goes on in the background). */
  start(): Promise<void> {
    this.first ??= this.attempt();
    return this.first;
  }

  /** The open connection, if any. */
  get current(): ChannelModel | undefined {
    return this.model;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    const model = this.model;
    this.model = undefined;
    await model?.close().catch(() => {}); // already closed by the broker: nothing left to close
  }

  private async attempt(): Promise<void> {
    let model: ChannelModel | undefined;
    try {
      model = await connect(this.url);
      model.on('error', (err: Error) =>
        this.logger.warn({ err }, 'rabbitmq: connection error (reconnecting)'),
      );
      model.on('close', () => this.lost(model!));
      if (this.closing) {
        await model.close();
        return;
      }
      this.model = model;
      await this.onConnected(model);
      this.failures = 0;
    } catch (err) {
      this.logger.error({ err }, 'rabbitmq: could not connect and declare the topology');
      if (model)
        await model.close().catch(() => {}); // its 'close' schedules the retry
      else this.schedule();
      throw err;
    }
  }

  private lost(model: ChannelModel): void {
    if (this.model === model) this.model = undefined;
    if (!this.closing) this.schedule();
  }

  private schedule(): void {
    if (this.closing || this.timer) return;
    const delay = Math.min(
      this.backoff.maxDelayMs,
      this.backoff.initialDelayMs * 2 ** this.failures,
    );
    this.failures++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.attempt().catch(() => {}); // logged in attempt(); the next retry is scheduled
    }, delay);
  }
}
