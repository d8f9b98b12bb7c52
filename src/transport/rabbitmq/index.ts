// The koa-event-bus/rabbitmq entry point: a subpath of its own, so that
// amqplib (an optional peer dependency) is loaded only by apps that use it.

export { RabbitMqTransport, rabbitmqTransport } from './rabbitmq-transport';
export {
  RabbitMqErrorCode,
  RabbitMqTransportError,
} from './rabbitmq-transport-error';
export type { RabbitMqTransportOptions } from './rabbitmq-transport-options';
export type { CodecFactory, WireCodec, WireMessage, WireProperties } from './wire-codec';
