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
  /** Confirmed (no error), refused by a nack, or its batch failed. */
  readonly settle: (err?: Error) => void;
}

/**
 * Publishes on one confirm channel and resolves each `send()` when the broker
 * confirmed all of its messages. Until then a message stays pending: written
 * again, with the same messageId, on the next channel if the connection is
 * lost; held back while the channel pushes back (until 'drain'). Everything
 * sent in one turn of the event loop shares one timeout.
 *
 * @example
 * ```ts
 * publisher.attach(await model.createConfirmChannel());
 * await publisher.send([{ exchange: 'shop.events', routingKey: 'user.registered', content, options }]);
 * ```
 */
export class ConfirmPublisher {
  private channel: ConfirmChannel | undefined;
  /** Unconfirmed, in publish order. */
  private readonly pending = new Set<Pending>();
  /** Not yet written on the current channel, in publish order. */
  private unsent: Pending[] = [];
  /** The first of `unsent` not written yet. */
  private head = 0;
  private blocked = false;
  private readonly batches = new Set<Promise<void>>();
  /** The timeouts of the batches sent in this turn (one timer for all). */
  private turn: Set<() => void> | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Resolves when every message is confirmed; rejects on a nack or after `timeoutMs`. */
  send(messages: readonly Outgoing[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const sent = new Promise<void>((resolve, reject) => this.write(messages, resolve, reject));
    this.batches.add(sent);
    const forget = () => this.batches.delete(sent);
    sent.then(forget, forget);
    return sent;
  }

  /** Resolves when everything sent so far is settled (confirmed, refused or timed out). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.batches]);
  }

  /** A new channel (after a (re)connection): writes every unconfirmed message on it. */
  attach(channel: ConfirmChannel): void {
    this.channel = channel;
    this.blocked = false;
    this.unsent = [...this.pending];
    this.head = 0;
    channel.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    this.flush();
  }

  private write(messages: readonly Outgoing[], resolve: () => void, reject: (e: Error) => void) {
    const batch = new Set<Pending>();
    const turn = this.currentTurn();
    const finish = (err?: Error) => {
      for (const p of batch) this.pending.delete(p);
      batch.clear();
      turn.delete(expire);
      if (err) reject(err);
      else resolve();
    };
    const expire = () => finish(timeoutError(batch.size, this.timeoutMs));
    turn.add(expire);
    for (const m of messages) {
      const p: Pending = {
        ...m,
        settle: (err) => {
          if (!batch.delete(p)) return;
          this.pending.delete(p);
          if (err || batch.size === 0) finish(err);
        },
      };
      batch.add(p);
      this.pending.add(p);
      this.unsent.push(p);
    }
    this.flush();
  }

  private currentTurn(): Set<() => void> {
    if (this.turn) return this.turn;
    const turn = new Set<() => void>();
    this.turn = turn;
    const timer = setTimeout(() => {
      for (const expire of [...turn]) expire();
    }, this.timeoutMs);
    timer.unref(); // an open channel keeps the process alive, not a timeout
    queueMicrotask(() => {
      this.turn = undefined;
    });
    return turn;
  }

  private flush(): void {
    const channel = this.channel;
    for (; this.head < this.unsent.length && channel && !this.blocked; this.head++) {
      const p = this.unsent[this.head]!;
      if (!this.pending.has(p)) continue; // timed out or its batch failed
      try {
        this.blocked = !channel.publish(p.exchange, p.routingKey, p.content, p.options, (err) => {
          if (!err) p.settle();
          // A closed channel fails its unconfirmed messages ('channel closed'): they
          // stay pending, for the next channel. Only a nack is the broker's refusal.
          else if ((err as Error).message === 'message nacked') p.settle(refused(err));
        });
      } catch {
        break; // the channel is closing: attach() of the next one writes it
      }
    }
    if (this.head === this.unsent.length) {
      this.unsent = [];
      this.head = 0;
    }
  }
}

function timeoutError(count: number, timeoutMs: number): RabbitMqTransportError {
  return new RabbitMqTransportError(
    RabbitMqErrorCode.PublishTimeout,
    `RabbitMQ did not confirm ${count} message(s) within ${timeoutMs} ms.`,
    'Check the broker is reachable (the transport reconnects and republishes), or raise publishTimeoutMs.',
  );
}

function refused(cause: unknown): RabbitMqTransportError {
  return new RabbitMqTransportError(
    RabbitMqErrorCode.PublishRejected,
    'RabbitMQ refused a message (nack).',
    'A queue it routes to may be full (x-overflow reject-publish) or unavailable; see the cause.',
    { cause },
  );
}
