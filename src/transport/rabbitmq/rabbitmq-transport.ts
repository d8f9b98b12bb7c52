import type { ChannelModel } from 'amqplib';
import type { EventEnvelope } from '../../kernel/event-envelope';
import type { Logger } from '../../kernel/logger';
import { EventCodec } from '../codec/event-codec';
import type { Transport, TransportHost } from '../transport';
import { ConfirmPublisher, type Outgoing } from './confirm-publisher';
import { createConsumers } from './create-consumers';
import type { HandlerConsumer } from './handler-consumer';
import { LocalHandling } from './local-handling';
import { openPublisherChannel } from './open-publisher-channel';
import { transportClosedError } from './rabbitmq-transport-error';
import {
  type RabbitMqTransportOptions,
  type ResolvedRabbitMqOptions,
  resolveRabbitMqOptions,
} from './rabbitmq-transport-options';
import { ReconnectingConnection } from './reconnecting-connection';
import { declareTopology, exchangeName } from './topology';
import type { CodecFactory, WireCodec } from './wire-codec';

/**
 * The RabbitMQ transport: events are published, persistent and confirmed, to
 * the topic exchange `<app>.events`; a worker (`consume: true`) runs each
 * handler from its own quorum queue, retries through TTL wait queues and
 * dead-letters to `<queue>.dlq`.
 *
 * @example
 * ```ts
 * const bus = createEventBus({ handlers, transport: rabbitmqTransport({ app: 'shop', consume: true }) });
 * await bus.ready();
 * ```
 */
export class RabbitMqTransport implements Transport {
  readonly system = 'rabbitmq';
  private readonly options: ResolvedRabbitMqOptions;
  private readonly publisher: ConfirmPublisher;
  private connection: ReconnectingConnection | undefined;
  private codec: WireCodec | undefined;
  private consumers: HandlerConsumer[] = [];
  private receiving: boolean;
  private local: LocalHandling | undefined;
  private readonly declared = new Set<string>();
  private closed = false;
  private logger: Logger | undefined;
  private host: TransportHost | undefined;

  private readonly makeCodec: CodecFactory;

  constructor(options: RabbitMqTransportOptions) {
    this.options = resolveRabbitMqOptions(options);
    this.makeCodec = options.codec ?? defaultCodec;
    this.publisher = new ConfirmPublisher(this.options.publishTimeoutMs);
    this.receiving = this.options.consume;
  }

  connect(host: TransportHost): Promise<void> {
    const { app, prefetch, url, initialDelayMs, maxDelayMs } = this.options;
    const types = host.bindings.map((b) => ({
      eventClass: b.eventClass,
      name: b.eventName,
      version: b.eventVersion,
    }));
    const codec = this.makeCodec(types);
    this.codec = codec;
    this.logger = host.logger;
    this.host = host;
    const backoff = { initialDelayMs, maxDelayMs };
    const connection = new ReconnectingConnection(url, backoff, host.logger, (model) =>
      this.opened(model, host),
    );
    this.connection = connection;
    if (this.options.consume) {
      const local = new LocalHandling(host.bindings);
      if (this.options.settleOnHandled) this.local = local;
      this.consumers = createConsumers({
        ...{ app, prefetch, host, codec, publisher: this.publisher, retryDelayMs: initialDelayMs },
        model: () => connection.current,
        handled: (id, handlerId) => local.handled(id, handlerId),
        declared: (queue) => this.declared.add(queue),
      });
    }
    return connection.start();
  }

  publish(envelopes: readonly EventEnvelope[]): Promise<void> {
    if (this.closed || !this.codec) return Promise.reject(transportClosedError());
    let messages: Outgoing[];
    try {
      messages = envelopes.map((e) => this.outgoing(e));
    } catch (err) {
      return Promise.reject(err); // an event the codec cannot encode: this publish fails
    }
    const confirmed = this.publisher.send(messages);
    const local = this.local;
    if (!local) return confirmed;
    const handled = local.expect(envelopes);
    confirmed.catch(() => local.forget(envelopes));
    return Promise.all([confirmed, handled]).then(() => {});
  }

  /** The open AMQP connection, if any (for operators: blocked/unblocked events; for tests). */
  get amqpConnection(): ChannelModel | undefined {
    return this.connection?.current;
  }

  /** The app: the exchange `<app>.events`, the queues `<app>.<handlerId>`. */
  get app(): string {
    return this.options.app;
  }

  /** The queues this transport declared (handler, DLQ and wait queues): for operators and tests. */
  get queues(): readonly string[] {
    return [...this.declared];
  }

  async stopReceiving(): Promise<void> {
    const was = this.receiving;
    this.receiving = false;
    this.local?.release();
    await Promise.all(this.consumers.map((c) => c.stop()));
    if (was && this.consumers.length > 0)
      this.logger?.info(
        { app: this.options.app, queues: this.consumers.length },
        `rabbitmq: stopped consuming ${this.consumers.length} queue(s); deliveries in flight finish, the rest stay queued`,
      );
  }

  async close(): Promise<void> {
    await this.stopReceiving();
    await Promise.all(this.consumers.map((c) => c.close()));
    await this.publisher.settled();
    this.closed = true;
    await this.connection?.close();
  }

  /** On every (re)connection: the topology, the publisher's channel, the consumers. */
  private async opened(model: ChannelModel, host: TransportHost): Promise<void> {
    const setup = await model.createChannel();
    const queues = await declareTopology(
      setup,
      this.options.app,
      host.bindings,
      this.options.deliveryLimit,
    );
    for (const q of queues) this.declared.add(q);
    await setup.close();
    const wanted = () => !this.closed && this.connection?.current === model;
    const { initialDelayMs } = this.options;
    await openPublisherChannel(model, this.publisher, host.logger, wanted, initialDelayMs);
    if (this.receiving) for (const c of this.consumers) await c.start(model);
  }

  private outgoing(envelope: EventEnvelope): Outgoing {
    const { body, properties } = this.codec!.encode(envelope);
    // A trace context (W3C traceparent) travels in the headers when the bus is instrumented.
    const traced = this.host?.propagationHeaders?.(envelope);
    const headers = traced ? { ...properties.headers, ...traced } : properties.headers;
    return {
      exchange: exchangeName(this.options.app),
      routingKey: envelope.name,
      content: body,
      options: { ...properties, headers, persistent: true },
    };
  }
}

/**
 * A RabbitMQ transport for `createEventBus`: a web process publishes, a worker
 * (`consume: true`) also runs its handlers from their queues.
 *
 * @example
 * ```ts
 * // web process
 * createEventBus({ handlers, transport: rabbitmqTransport({ app: 'shop' }) });
 * // worker
 * createEventBus({ handlers, transport: rabbitmqTransport({ app: 'shop', consume: true, prefetch: 20 }) });
 * ```
 */
export function rabbitmqTransport(options: RabbitMqTransportOptions): RabbitMqTransport {
  return new RabbitMqTransport(options);
}

const defaultCodec: CodecFactory = (types) => new EventCodec(types);
