import type { ChannelModel } from 'amqplib';
import { type DiscardInfo, Event, type EventContext, EventHandler, OnEvent } from 'koa-event-bus';
import { brokerConnection, rabbitBuses, uniqueApp } from '../fixtures/rabbitmq';

// The publishing side: confirms, failures reported by event id, and a lost
// connection that reconnects and republishes what was not confirmed.

@Event('pub.tick')
class Tick {
  constructor(readonly n: number | bigint) {}
}

const handled: string[] = [];
@EventHandler()
class Ticks {
  @OnEvent(Tick, { id: 'ticks' })
  on(_e: Tick, ctx: EventContext): void {
    handled.push(ctx.envelope.id);
  }
}

let broker: ChannelModel;
const buses = rabbitBuses(() => broker);
beforeAll(async () => {
  broker = await brokerConnection(); // fails loudly when RabbitMQ is down
});
beforeEach(() => {
  handled.length = 0;
});
afterEach(() => buses.cleanup());
afterAll(() => broker.close());

test('a broker that cannot be reached: ready() rejects, a publish times out and is reported by event id', async () => {
  const discards: DiscardInfo[] = [];
  const bus = buses.bus({
    handlers: [Ticks],
    hooks: { onDiscard: (d) => discards.push(d) },
    transport: {
      app: uniqueApp('down'),
      url: 'amqp://guest:guest@127.0.0.1:1', // nothing listens on port 1
      publishTimeoutMs: 200,
      reconnect: { initialDelayMs: 50, maxDelayMs: 100 },
    },
  });
  await expect(bus.ready()).rejects.toThrow(/ECONNREFUSED/);

  const env = bus.emit(new Tick(1));
  await bus.drain();

  expect(discards.map((d) => [d.reason.kind, d.envelopes.map((e) => e.id)])).toEqual([
    ['publish-failed', [env.id]],
  ]);
  expect(discards[0]!.reason).toMatchObject({ error: { code: 'KEB_TRANSPORT_PUBLISH_TIMEOUT' } });
});

test('an event the codec cannot encode rejects that publish (publish-failed), others go through', async () => {
  const discards: DiscardInfo[] = [];
  const bus = buses.bus({
    handlers: [Ticks],
    hooks: { onDiscard: (d) => discards.push(d) },
    transport: { app: uniqueApp('encode'), consume: true, settleOnHandled: true },
  });
  await bus.ready();

  const bad = bus.emit(new Tick(10n)); // JSON has no BigInt
  const good = bus.emit(new Tick(2));
  await bus.drain();

  expect(discards.map((d) => [d.reason.kind, d.envelopes.map((e) => e.id)])).toEqual([
    ['publish-failed', [bad.id]],
  ]);
  expect(handled).toEqual([good.id]);
});

test('a lost connection: the transport reconnects and republishes what was not confirmed', async () => {
  const bus = buses.bus({
    handlers: [Ticks],
    transport: {
      app: uniqueApp('reconnect'),
      consume: true,
      settleOnHandled: true,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    },
  });
  await bus.ready();
  const transport = buses.transportOf(bus);
  const before = transport.amqpConnection!;

  const ids = Array.from({ length: 50 }, (_, n) => bus.emit(new Tick(n)).id);
  // The socket fails under the publisher (no clean close): unconfirmed messages are republished.
  const socket = (before.connection as unknown as { stream: { destroy(e: Error): void } }).stream;
  socket.destroy(new Error('simulated network failure'));
  await bus.drain();

  expect(transport.amqpConnection).toBeDefined();
  expect(transport.amqpConnection).not.toBe(before);
  expect(new Set(handled)).toEqual(new Set(ids)); // every event, some perhaps twice (same id)
});

test('2 000 events published one by one are all confirmed', async () => {
  const bus = buses.bus({ handlers: [Ticks], transport: { app: uniqueApp('rate') } });
  await bus.ready();
  for (let n = 0; n < 2_000; n++) bus.emit(new Tick(n));
  await bus.drain();
  expect(bus.pending()).toMatchObject({ publishing: 0 });
});
