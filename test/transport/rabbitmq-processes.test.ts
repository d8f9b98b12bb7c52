import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChannelModel } from 'amqplib';
import {
  amqpPortsOf,
  dropConnectionsOf,
  type Proc,
  queuesOf,
  type Report,
  spawnScript,
  until,
} from '../fixtures/processes';
import {
  brokerConnection,
  deleteQueues,
  freshChannel,
  RABBITMQ_URL,
  uniqueApp,
} from '../fixtures/rabbitmq';

// The RabbitMQ transport across real processes: examples/scale-out/web.ts
// serves POST /users and publishes; fixture workers (test/fixtures/processes.ts
// run as a script) consume and print a JSON line per handler run. Every wait
// is on something observable: a line printed, a queue's message count.

// One app for the file: the web process and two recording workers are shared
// (a process takes seconds to start under ts-node); a test that needs other
// handlers starts its own workers, which bind their own queues to the same exchange.
const app = uniqueApp('processes');
let broker: ChannelModel;
let web: Proc;
let url: string;
let recorders: Proc[];
const started: Proc[] = [];
let ownWorkers: Proc[] = [];

beforeAll(async () => {
  broker = await brokerConnection(); // fails loudly when RabbitMQ is down
  web = spawnScript('examples/scale-out/web.ts', { APP: app, PORT: '0', RABBITMQ_URL });
  started.push(web);
  recorders = [startWorker('record'), startWorker('record')];
  [, url = ''] = await web.waitFor(/listening on (http:\/\/localhost:\d+)/);
  await Promise.all(recorders.map((w) => w.waitFor(/consuming/)));
}, 90_000);
afterEach(async () => {
  await Promise.all(ownWorkers.map((p) => p.stop('SIGKILL')));
  ownWorkers = [];
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop('SIGKILL')));
  await deleteQueues(broker, app, [...(await queuesOf(app)).keys()]);
  await broker.close();
});

type Handlers = 'record' | 'block' | 'crash';

function startWorker(handlers: Handlers, env: Record<string, string> = {}): Proc {
  const worker = spawnScript('test/fixtures/processes.ts', {
    APP: app,
    HANDLERS: handlers,
    RABBITMQ_URL,
    ...env,
  });
  started.push(worker);
  return worker;
}

/** Workers of this test only, consuming; killed after it. */
async function ownWorkersOf(handlers: Handlers, n: number, env: Record<string, string> = {}) {
  const workers = Array.from({ length: n }, () => startWorker(handlers, env));
  ownWorkers.push(...workers);
  await Promise.all(workers.map((w) => w.waitFor(/consuming/)));
  return workers;
}

let registered = 0;
/** POST /users; resolves with the new user's id (the UserRegistered event's userId). */
async function register(url: string): Promise<string> {
  const n = ++registered;
  const res = await fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `user-${n}@example.com`, name: `User ${n}` }),
  });
  if (res.status !== 201) throw new Error(`POST /users: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

const registerMany = (url: string, n: number) =>
  Promise.all(Array.from({ length: n }, () => register(url)));

/**
 * Registers users from `lanes` concurrent loops until `stop()`, which resolves
 * with their ids: a steady load, so that deliveries are in flight (handled,
 * not yet acknowledged) whenever the connections drop.
 */
function keepRegistering(url: string, lanes = 4) {
  const ids: string[] = [];
  let going = true;
  const lane = async () => {
    while (going) ids.push(await register(url));
  };
  const done = Promise.all(Array.from({ length: lanes }, lane)).then(() => ids);
  return {
    ids,
    stop: () => {
      going = false;
      return done;
    },
  };
}

const reportsOf = (workers: readonly Proc[]): Report[] => workers.flatMap((w) => w.reports());

/** Resolves when every queue of the app whose name passes `filter` holds no message (ready or unacked). */
async function queuesEmpty(filter: (queue: string) => boolean) {
  await until(`the queues of ${app} to be empty`, async () =>
    [...(await queuesOf(app))].every(([q, messages]) => !filter(q) || messages === 0),
  );
}

/** For each handler: userId → the event ids it handled. */
function handledBy(reports: readonly Report[], handler: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const r of reports.filter((r) => r.handler === handler && r.phase === 'handled'))
    seen.set(r.userId, [...(seen.get(r.userId) ?? []), r.eventId]);
  return seen;
}

const RECORDED = ['record.registered', 'record.welcomed'];

/** Resolves when both recording handlers reported every one of these users' events. */
async function recorded(userIds: readonly string[]): Promise<void> {
  await until('each event handled by both recording handlers', () =>
    RECORDED.every((h) => {
      const seen = handledBy(reportsOf(recorders), h);
      return userIds.every((id) => seen.has(id));
    }),
  );
  await queuesEmpty((q) => q.includes('.record.')); // nothing unacked, nothing to redeliver
}

test('one web process, two workers: each of 40 events reaches each handler exactly once', async () => {
  const userIds = await registerMany(url, 40);

  await recorded(userIds);
  for (const handler of RECORDED) {
    const seen = handledBy(reportsOf(recorders), handler);
    for (const id of userIds) expect(seen.get(id)).toHaveLength(1); // exactly once
  }
  // Scaled out: both workers took a share of these events.
  const mine = reportsOf(recorders).filter((r) => userIds.includes(r.userId));
  expect(new Set(mine.map((r) => r.pid))).toEqual(new Set(recorders.map((w) => w.pid)));
}, 60_000);

test('a worker killed (-9) mid-handler: the event is redelivered to the other worker and completed', async () => {
  const flag = path.join(os.tmpdir(), `keb-flag-${process.pid}-${Date.now()}`);
  const workers = await ownWorkersOf('block', 2, { FLAG: flag });

  const userId = await register(url);
  await until('the handler to start in a worker', () =>
    reportsOf(workers).some((r) => r.phase === 'started'),
  );
  const first = workers.find((w) => w.reports().some((r) => r.phase === 'started'))!;
  const other = workers.find((w) => w !== first)!;
  expect(await first.stop('SIGKILL')).toBe('SIGKILL');
  await until('the redelivery to start in the other worker', () =>
    other.reports().some((r) => r.phase === 'started'),
  );
  writeFileSync(flag, 'go');
  await until('the handler to finish', () => other.reports().some((r) => r.phase === 'done'));
  await queuesEmpty((q) => q.endsWith('.block.slow'));

  const eventId = first.reports()[0]?.eventId;
  const view = (w: Proc) => w.reports().map((r) => [r.phase, r.eventId, r.userId]);
  expect(view(first)).toEqual([['started', eventId, userId]]);
  expect(view(other)).toEqual([
    ['started', eventId, userId],
    ['done', eventId, userId],
  ]);
}, 60_000);

test('an event that crashes every worker taking it is dead-lettered after the delivery limit', async () => {
  const env = { DELIVERY_LIMIT: '1' }; // one redelivery: two deliveries in all
  const [worker] = await ownWorkersOf('crash', 1, env);
  // A supervisor: the crashed worker is replaced once, as a process manager would.
  const replaced = worker!.exited.then(() => {
    const replacement = startWorker('crash', env); // not awaited: it may crash before it says so
    ownWorkers.push(replacement);
    return replacement;
  });

  const userId = await register(url);
  const dlq = `${app}.crash.always.dlq`;
  await until(`a dead letter in ${dlq}`, async () => {
    const channel = await freshChannel(broker);
    const { messageCount } = await channel.checkQueue(dlq);
    await channel.close();
    return messageCount === 1;
  });
  const replacement = await replaced;

  const channel = await freshChannel(broker);
  const letter = await channel.get(dlq, { noAck: true });
  await channel.close();
  if (!letter) throw new Error(`${dlq} counted a message but gave none`);
  const crashes = [worker!, replacement].flatMap((w) => w.reports());
  expect(crashes.map((r) => [r.pid, r.phase, r.userId])).toEqual([
    [worker!.pid, 'crashing', userId],
    [replacement.pid, 'crashing', userId],
  ]);
  expect(await replacement.exited).toBe(3); // the second delivery took the replacement down too
  expect(letter.properties.messageId).toBe(crashes[0]!.eventId);
  expect(crashes[1]!.eventId).toBe(crashes[0]!.eventId);
  const deaths = (letter.properties.headers?.['x-death'] ?? []) as { reason: string }[];
  expect(deaths.map((d) => d.reason)).toContain('delivery_limit');
  await queuesEmpty((q) => q.endsWith('.crash.always'));
}, 60_000);

test('the broker drops every connection: web and workers reconnect, nothing is lost', async () => {
  const all = [web, ...recorders];
  const before = await Promise.all(all.map((p) => amqpPortsOf(p.pid)));
  expect(before.map((ports) => ports.length)).toEqual([1, 1, 1]);

  const stream = keepRegistering(url); // requests before, during and after the drop
  await until('some requests before the drop', () => stream.ids.length >= 5);
  const dropped = await dropConnectionsOf(all.map((p) => p.pid));
  await until('web and workers to reconnect', async () => {
    const now = await Promise.all(all.map((p) => amqpPortsOf(p.pid)));
    return now.every((ports, i) => ports.length > 0 && !ports.some((p) => before[i]!.includes(p)));
  });
  const streamed = await stream.stop();
  const after = await registerMany(url, 10);
  const userIds = [...streamed, ...after];

  expect(dropped).toBe(3);
  await recorded(userIds);
  const handled = RECORDED.flatMap((handler) => {
    const seen = handledBy(reportsOf(recorders), handler);
    return userIds.map((userId) => ({ handler, userId, eventIds: seen.get(userId) ?? [] }));
  });
  expect(handled.filter((h) => h.eventIds.length === 0)).toEqual([]); // nothing lost
  // A duplicate (a redelivery) is the same event: one event id per (handler, user).
  expect(handled.filter((h) => new Set(h.eventIds).size > 1)).toEqual([]);
}, 60_000);
