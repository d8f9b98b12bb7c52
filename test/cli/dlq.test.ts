import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { Channel, ChannelModel, MessageProperties } from 'amqplib';
import { runCli } from '../../src/cli/run-cli';
import { deadLetterHeaders } from '../../src/transport/rabbitmq/failure-headers';
import { handlerQueueArguments, queueNames } from '../../src/transport/rabbitmq/topology';
import {
  brokerConnection,
  freshChannel,
  nextMessage,
  RABBITMQ_URL,
  uniqueApp,
} from '../fixtures/rabbitmq';

// The CLI on the real broker: a handler queue and its DLQ declared as a
// worker declares them, dead letters carrying the headers the consumer
// writes, then `dlq list` and `dlq replay` through runCli (what main.ts runs).

let model: ChannelModel;
let channel: Channel;
const created: string[] = [];

beforeAll(async () => {
  model = await brokerConnection();
  channel = await freshChannel(model);
});

afterAll(async () => {
  const cleanup = await freshChannel(model);
  for (const q of created) await cleanup.deleteQueue(q);
  await model.close();
});

async function handlerWithDeadLetters(label: string, count: number) {
  const app = uniqueApp(label);
  const names = queueNames(app, 'mailer');
  await channel.assertQueue(names.dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(names.queue, {
    durable: true,
    arguments: handlerQueueArguments(app, 'mailer', 20),
  });
  created.push(names.dlq, names.queue);
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `evt-${i}-${app}`;
    ids.push(id);
    const own = {
      headers: {
        'x-event-version': 1,
        'x-occurred-at': `2026-12-04T10:00:0${i}.000Z`,
        'x-attempt': 3,
      },
    } as unknown as MessageProperties;
    const error = Object.assign(new Error(`bounce ${i}`), { code: 'KEB_NON_RETRIABLE' });
    channel.sendToQueue(names.dlq, Buffer.from(JSON.stringify({ n: i })), {
      messageId: id,
      type: 'user.registered',
      correlationId: 'corr-1',
      contentType: 'application/json',
      persistent: true,
      headers: deadLetterHeaders(own, { handlerId: 'mailer', attempts: 3, error }),
    });
  }
  await until(async () => (await channel.checkQueue(names.dlq)).messageCount === count);
  return { app, names, ids };
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i > 200) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function cli(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

test('dlq list --json shows each dead letter, oldest first, and leaves them in the same order', async () => {
  const { app, names, ids } = await handlerWithDeadLetters('list', 3);

  const first = await cli('dlq', 'list', 'mailer', '--app', app, '--url', RABBITMQ_URL, '--json');
  expect(first).toMatchObject({ code: 0, stderr: '' });
  const letters = JSON.parse(first.stdout);
  expect(letters).toEqual(
    ids.map((id, i) => ({
      eventId: id,
      eventName: 'user.registered',
      handlerId: 'mailer',
      attempts: 3,
      errorCode: 'KEB_NON_RETRIABLE',
      error: `bounce ${i + 1}`,
      reason: 'handler-failed',
      occurredAt: `2026-12-04T10:00:0${i + 1}.000Z`,
      deadLetteredAt: null,
    })),
  );

  const again = await cli('dlq', 'list', 'mailer', '--app', app, '--url', RABBITMQ_URL, '--json');
  expect(JSON.parse(again.stdout).map((l: { eventId: string }) => l.eventId)).toEqual(ids);
  expect((await channel.checkQueue(names.dlq)).messageCount).toBe(3);
});

test('dlq list prints a readable block per dead letter; --limit shows the first N of the total', async () => {
  const { app, ids } = await handlerWithDeadLetters('text', 3);

  const { code, stdout } = await cli('dlq', 'list', 'mailer', '--app', app, '--limit', '2');

  expect(code).toBe(0);
  expect(stdout.split('\n')).toEqual([
    `3 dead letters in ${app}.mailer.dlq; the first 2:`,
    '',
    `1. user.registered  id ${ids[0]}  attempts 3  reason handler-failed`,
    '   KEB_NON_RETRIABLE: bounce 1',
    '   occurred 2026-12-04T10:00:01.000Z',
    '',
    `2. user.registered  id ${ids[1]}  attempts 3  reason handler-failed`,
    '   KEB_NON_RETRIABLE: bounce 2',
    '   occurred 2026-12-04T10:00:02.000Z',
  ]);
});

test('dlq replay moves every dead letter back to the handler queue, in order, as attempt 1 without failure headers', async () => {
  const { app, names, ids } = await handlerWithDeadLetters('replay', 3);

  const { code, stdout } = await cli('dlq', 'replay', 'mailer', '--app', app);

  expect({ code, stdout }).toEqual({
    code: 0,
    stdout: `Replayed 3 messages from ${names.dlq} to ${names.queue}.`,
  });
  expect((await channel.checkQueue(names.dlq)).messageCount).toBe(0);
  const back = [];
  for (const _ of ids) back.push(await nextMessage(channel, names.queue));
  expect(back.map((m) => m.properties.messageId)).toEqual(ids);
  for (const [i, m] of back.entries()) {
    expect(m.properties).toMatchObject({
      type: 'user.registered',
      correlationId: 'corr-1',
      deliveryMode: 2,
    });
    // No failure header, attempt 1, and the handler queue's delivery count starts afresh.
    expect(m.properties.headers).toEqual({
      'x-attempt': 1,
      'x-delivery-count': 0,
      'x-event-version': 1,
      'x-occurred-at': `2026-12-04T10:00:0${i + 1}.000Z`,
    });
    expect(JSON.parse(m.content.toString())).toEqual({ n: i + 1 });
  }
});

test('dlq replay --limit moves only the oldest N', async () => {
  const { app, names, ids } = await handlerWithDeadLetters('replay-limit', 3);

  const { code, stdout } = await cli('dlq', 'replay', 'mailer', '--app', app, '--limit', '1');

  expect(code).toBe(0);
  expect(stdout).toBe(`Replayed 1 message from ${names.dlq} to ${names.queue}.`);
  expect((await nextMessage(channel, names.queue)).properties.messageId).toBe(ids[0]);
  expect((await channel.checkQueue(names.dlq)).messageCount).toBe(2);
});

test('an unknown queue exits with code 2 and names the queue and the likely cause', async () => {
  const app = uniqueApp('nope');

  const list = await cli('dlq', 'list', 'mailer', '--app', app);
  const replay = await cli('dlq', 'replay', 'mailer', '--app', app);

  for (const run of [list, replay]) {
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Queue '${app}.mailer.dlq' does not exist`);
    expect(run.stderr).toContain(`Check --app '${app}' and the handler id 'mailer'`);
  }
});

test('dlq replay to a handler queue that does not exist exits 2 and leaves the DLQ as it was', async () => {
  const app = uniqueApp('no-handler-queue');
  const { dlq, queue } = queueNames(app, 'mailer');
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  created.push(dlq);
  channel.sendToQueue(dlq, Buffer.from('{}'), { messageId: 'e1', type: 'user.registered' });
  await until(async () => (await channel.checkQueue(dlq)).messageCount === 1);

  const { code, stderr } = await cli('dlq', 'replay', 'mailer', '--app', app);

  expect(code).toBe(2);
  expect(stderr).toContain(`Queue '${queue}' does not exist`);
  expect((await channel.checkQueue(dlq)).messageCount).toBe(1);
});

test('a broker that refuses the connection exits with code 1 and says where it tried', async () => {
  const { code, stderr } = await cli(
    'dlq',
    'list',
    'mailer',
    '--app',
    'shop',
    '--url',
    'amqp://guest:secret@127.0.0.1:1',
  );

  expect(code).toBe(1);
  expect(stderr).toBe(
    'Cannot connect to RabbitMQ at amqp://guest:***@127.0.0.1:1 (connection refused: is RabbitMQ running there?). Check --url (or $RABBITMQ_URL).',
  );
});

// The entry point as npm's bin runs it (here through ts-node, without a build):
// its stdout and its exit code.
function runMain(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = path.join(__dirname, '..', '..');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...argv],
      { cwd: root, env: { ...process.env, RABBITMQ_URL }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('the koa-event-bus entry point prints the listing on stdout and exits 0; an unknown queue exits 2', async () => {
  const { app, ids } = await handlerWithDeadLetters('main', 2);

  const [listed, unknown] = await Promise.all([
    runMain('dlq', 'list', 'mailer', '--app', app, '--json'),
    runMain('dlq', 'list', 'nobody', '--app', app),
  ]);

  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout).map((l: { eventId: string }) => l.eventId)).toEqual(ids);
  expect(unknown).toMatchObject({ code: 2, stdout: '' });
  expect(unknown.stderr).toContain(`Queue '${app}.nobody.dlq' does not exist`);
}, 30_000);
