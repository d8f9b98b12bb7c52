import type { ChannelModel } from 'amqplib';
import { RabbitMqTransport } from 'koa-event-bus/rabbitmq';
import { brokerConnection, deleteQueues, RABBITMQ_URL, uniqueApp } from '../fixtures/rabbitmq';
import { runTransportContract } from './contract';

// One worker that publishes and consumes, settling a publish when its own
// handlers are done (settleOnHandled): drain() then means what it means in memory.
const made: RabbitMqTransport[] = [];
let broker: ChannelModel;

beforeAll(async () => {
  broker = await brokerConnection(); // fails loudly when RabbitMQ is down
});

afterAll(async () => {
  for (const t of made) await deleteQueues(broker, t.app, t.queues);
  await broker.close();
});

runTransportContract(
  'rabbitmq',
  () => {
    const transport = new RabbitMqTransport({
      url: RABBITMQ_URL,
      app: uniqueApp('contract'),
      consume: true,
      settleOnHandled: true,
    });
    made.push(transport);
    return transport;
  },
  { realTimeRetries: true },
);
