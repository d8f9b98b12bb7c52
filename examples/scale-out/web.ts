import 'reflect-metadata';
import { rabbitmqTransport } from 'koa-event-bus/rabbitmq';
import { createUsersApp } from '../users/app';

// The web process: the users controllers publish to RabbitMQ and never run a
// handler (`consume: false`). The handler classes are still listed: the web
// process declares their queues, so an event published before any worker is
// up waits in its queue instead of being dropped by the exchange.
async function main(): Promise<void> {
  const app = createUsersApp({
    transport: rabbitmqTransport({
      app: process.env.APP ?? 'users',
      consume: false,
      ...(process.env.RABBITMQ_URL ? { url: process.env.RABBITMQ_URL } : {}),
    }),
    handleSignals: true,
  });
  await app.bus.ready(); // connected, topology declared (rejects when RabbitMQ is down)
  await app.listen(Number(process.env.PORT ?? 3000));
  console.log(`web ${process.pid} listening on http://localhost:${app.port()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
