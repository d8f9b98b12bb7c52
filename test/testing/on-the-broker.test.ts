import type { ChannelModel } from 'amqplib';
import { rabbitmqTransport } from 'koa-event-bus/rabbitmq';
import { createTestBus, testApp } from 'koa-event-bus/testing';
import { createUsersApp } from '../../examples/users/app';
import { AuditLog } from '../../examples/users/audit-log';
import { UserRegistered, WelcomeEmailSent } from '../../examples/users/events';
import { AuditTrail } from '../../examples/users/handlers/audit.handler';
import { SendWelcomeEmail } from '../../examples/users/handlers/send-welcome-email.handler';
import { Mailer } from '../../examples/users/mailer';
import { queuesOf } from '../fixtures/processes';
import { brokerConnection, deleteQueues, RABBITMQ_URL, uniqueApp } from '../fixtures/rabbitmq';

// The testing kit, unchanged, on handlers that run on the broker: the same
// kit calls as on the in-memory bus (examples/users/users.test.ts), only the
// transport differs. One process publishes and consumes (`consume: true`,
// `settleOnHandled: true`: drain() and each response wait until the broker
// delivered the events and the handlers ran), against the real RabbitMQ.

let broker: ChannelModel;
const apps: string[] = [];
function transport() {
  const app = uniqueApp('kit');
  apps.push(app);
  return rabbitmqTransport({ app, url: RABBITMQ_URL, consume: true, settleOnHandled: true });
}

beforeAll(async () => {
  broker = await brokerConnection();
});
afterAll(async () => {
  for (const app of apps) await deleteQueues(broker, app, [...(await queuesOf(app)).keys()]);
  await broker.close();
});

test('createTestBus: queries and matchers see the broker round trip, follow-ups included', async () => {
  const mailer = new Mailer();
  await using t = createTestBus({
    handlers: [SendWelcomeEmail, AuditTrail],
    providers: [[Mailer, mailer]],
    transport: transport(),
  });
  await t.bus.ready();

  const sent = t.bus.emit(new UserRegistered('u1', 'ada@example.com', 'Ada'));
  await t.drain();

  expect(t).toHaveHandled('SendWelcomeEmail.send');
  expect(t).toHaveEmitted(WelcomeEmailSent, { userId: 'u1', email: 'ada@example.com' });
  expect(t.envelopes(WelcomeEmailSent)[0]?.causationId).toBe(sent.id);
  expect(t).toHaveHandled('AuditTrail.record');
  expect(mailer.sent).toEqual([{ to: 'ada@example.com', subject: 'Welcome, Ada!' }]);
  expect(t.bus.resolver.get(AuditLog).lines).toEqual([
    `user.registered ada@example.com [${sent.correlationId}]`,
    `user.welcome-email-sent ada@example.com [${sent.correlationId}]`,
  ]);
});

test('createTestBus: a retried handler is reported attempt by attempt, through the wait queue', async () => {
  const mailer = new Mailer();
  mailer.failFirstAttempts = 1;
  await using t = createTestBus({
    handlers: [SendWelcomeEmail, AuditTrail],
    providers: [[Mailer, mailer]],
    transport: transport(),
  });
  await t.bus.ready();

  t.bus.emit(new UserRegistered('u2', 'bo@example.com', 'Bo'));
  await t.drain();

  expect(t.errors('SendWelcomeEmail.send')).toEqual([
    expect.objectContaining({ attempt: 1, willRetry: true, retryInMs: 50 }),
  ]);
  expect(t.failed()).toEqual([]);
  expect(t.outcomes('SendWelcomeEmail.send')).toEqual([
    expect.objectContaining({ status: 'succeeded', attempts: 2 }),
  ]);
  expect(t).toHaveEmitted(WelcomeEmailSent, { userId: 'u2' });
});

test('testApp.fromFactory: each response waits for the handlers the request triggered, via the broker', async () => {
  const mailer = new Mailer();
  await using t = testApp.fromFactory(createUsersApp, {
    providers: [[Mailer, mailer]],
    transport: transport(),
  });
  await t.bus.ready();

  const res = await t.post(
    '/users',
    { email: 'Cy@Example.com', name: 'Cy' },
    { headers: { 'x-request-id': 'req-7' } },
  );

  expect(res.status).toBe(201);
  expect(res).toHaveHandled('SendWelcomeEmail.send');
  expect(res).toHaveEmitted(WelcomeEmailSent, { email: 'cy@example.com' });
  expect(mailer.sent).toEqual([{ to: 'cy@example.com', subject: 'Welcome, Cy!' }]);
  expect((await t.get('/stats')).json()).toEqual({ registered: 1, welcomeEmailsSent: 1 });
});

test('fake() and waitFor work on received events: a faked follow-up is recorded, its handlers do not run', async () => {
  const mailer = new Mailer();
  await using t = createTestBus({
    handlers: [SendWelcomeEmail, AuditTrail],
    providers: [[Mailer, mailer]],
    transport: transport(),
    fake: [WelcomeEmailSent],
  });
  await t.bus.ready();

  const welcomed = t.bus.waitFor(WelcomeEmailSent);
  const sent = t.bus.emit(new UserRegistered('u3', 'di@example.com', 'Di'));
  await t.drain();

  expect((await welcomed).userId).toBe('u3');
  expect(t).toHaveEmitted(WelcomeEmailSent, { userId: 'u3' });
  expect(t.handled(WelcomeEmailSent)).toEqual([]);
  expect(t.bus.resolver.get(AuditLog).lines).toEqual([
    `user.registered di@example.com [${sent.correlationId}]`,
  ]);
});
