import type { ConfirmChannel, Options } from 'amqplib';
import { RabbitMqErrorCode, RabbitMqTransportError } from './rabbitmq-transport-error';

/** One message to publish: where to, and what. */
export interface Outgoing {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly options: Options.Publish;
}

interface Pending extends Outgoing {
  readonly settle: (err?: Error) => void;
  /** The channel it was last written to (a reconnect writes it again). */
  sentOn: ConfirmChannel | undefined;
}

/**
 * Publishes on one confirm channel and resolves each `send()` when the broker
 * confirmed all of its messages. Until then a message stays pending: written
 * again, with the same messageId, on the next channel if the connection is
 * lost; waiting for 'drain' while the channel pushes back.
 *
 * @example
 * ```ts
 * publisher.attach(await model.createConfirmChannel());
 * await publisher.send([{ exchange: 'shop.events', routingKey: 'user.registered', content, options }]);
 * ```
 */
export class ConfirmPublisher {
  private channel: ConfirmChannel | undefined;
  private readonly pending = new Set<Pending>();
  private blocked = false;
  private readonly batches = new Set<Promise<void>>();

  constructor(private readonly timeoutMs: number) {}

  /** Resolves when every message is confirmed; rejects on a nack or after `timeoutMs`. */
  send(messages: readonly Outgoing[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const sent = this.write(messages);
    this.batches.add(sent);
    const forget = () => this.batches.delete(sent);
    sent.then(forget, forget);
    return sent;
  }

  /** Resolves when everything sent so far is settled (confirmed, refused or timed out). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.batches]);
  }

  private write(messages: readonly Outgoing[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const batch = new Set<Pending>();
      const timer = setTimeout(() => {
        for (const p of batch) this.pending.delete(p);
        reject(
          new RabbitMqTransportError(
            RabbitMqErrorCode.PublishTimeout,
            `RabbitMQ did not confirm ${batch.size} message(s) within ${this.timeoutMs} ms.`,
            'Check the broker is reachable (the transport reconnects and republishes), or raise publishTimeoutMs.',
          ),
        );
      }, this.timeoutMs);
      const settle = (p: Pending, err?: Error) => {
        if (!batch.delete(p)) return;
        this.pending.delete(p);
        if (err) {
          for (const other of batch) this.pending.delete(other);
          batch.clear();
        }
        if (err || batch.size === 0) {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        }
      };
      for (const m of messages) {
        const p: Pending = { ...m, sentOn: undefined, settle: (err) => settle(p, err) };
        batch.add(p);
        this.pending.add(p);
      }
      this.flush();
    });
  }

  /** A new channel (after a (re)connection): writes every unconfirmed message on it. */
  attach(channel: ConfirmChannel): void {
    this.channel = channel;
    this.blocked = false;
    channel.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    this.flush();
  }

  private flush(): void {
    const channel = this.channel;
    for (const p of this.pending) {
      if (!channel || this.blocked) return;
      if (p.sentOn === channel) continue;
      try {
        this.blocked = !channel.publish(p.exchange, p.routingKey, p.content, p.options, (err) => {
          if (!err) p.settle();
          // A closed channel fails its unconfirmed messages ('channel closed'): they
          // stay pending, for the next channel. Only a nack is the broker's refusal.
          else if ((err as Error).message === 'message nacked') p.settle(refused(err));
        });
        p.sentOn = channel;
      } catch {
        return; // the channel is closing: the next one gets it
      }
    }
  }
}

function refused(cause: unknown): RabbitMqTransportError {
  return new RabbitMqTransportError(
    RabbitMqErrorCode.PublishRejected,
    'RabbitMQ refused a message (nack).',
    'A queue it routes to may be full (x-overflow reject-publish) or unavailable; see the cause.',
    { cause },
  );
}
