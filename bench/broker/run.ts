import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { connect } from 'amqplib';

// The broker bench (issue 11): publish rate per web process, and publish →
// handler latency at a fixed request rate for both durability points. Fresh
// processes per round, configurations interleaved within each round, medians
// with min–max over rounds. Usage:
//   npm run bench:broker [-- --rounds 5 --seconds 5 --out bench/results/broker.md]

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = opt('rounds', 5);
const SECONDS = opt('seconds', 5);
const outIndex = args.indexOf('--out');
const OUT = outIndex >= 0 ? args[outIndex + 1] : undefined;
const URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const ROLES = `${__dirname}/roles.ts`;

interface Child {
  proc: ChildProcess;
  lines: Promise<Record<string, unknown>>[];
}

/** Starts a role of roles.ts; each JSON line it prints is the next of `lines`. */
function startRole(role: string, env: Record<string, string>): Child {
  const proc = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE === role
        ? ['--cpu-prof', '--cpu-prof-dir=.cache/broker-profile']
        : []),
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      ROLES,
      role,
    ],
    { env: { ...process.env, ...env, RABBITMQ_URL: URL }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const waiting: ((o: Record<string, unknown>) => void)[] = [];
  const lines = Array.from(
    { length: 4 },
    () => new Promise<Record<string, unknown>>((r) => waiting.push(r)),
  );
  let buffer = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      waiting.shift()?.(JSON.parse(line));
    }
  });
  proc.on('exit', (code) => {
    if (code) for (const w of waiting.splice(0)) w({ error: `${role} exited ${code}` });
  });
  return { proc, lines };
}

async function cleanup(app: string): Promise<void> {
  const model = await connect(URL);
  const ch = await model.createChannel();
  for (const q of ['fulfil', 'fulfil.dlq']) await ch.deleteQueue(`${app}.${q}`);
  await ch.deleteExchange(`${app}.events`);
  await model.close();
}

/** CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1e6) / 100; // USER_HZ is 100 on Linux
}

const pct = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const median = (xs: number[]) =>
  pct(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
const spread = (xs: number[], digits = 1) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

// --- publish rate ---------------------------------------------------------------

const PUBLISH = [
  { label: '1 request at a time, 1 event each', concurrency: 1, perScope: 1, events: 2_000 },
  { label: '10 concurrent requests, 1 event each', concurrency: 10, perScope: 1, events: 10_000 },
  { label: '100 concurrent requests, 1 event each', concurrency: 100, perScope: 1, events: 30_000 },
  {
    label: '100 concurrent requests, 10 events each',
    concurrency: 100,
    perScope: 10,
    events: 50_000,
  },
];

async function publishRound(c: (typeof PUBLISH)[number]): Promise<number> {
  const app = `keb-bench-${randomUUID().slice(0, 8)}`;
  const child = startRole('publisher', {
    APP: app,
    EVENTS: String(c.events),
    CONCURRENCY: String(c.concurrency),
    PER_SCOPE: String(c.perScope),
  });
  const result = await child.lines[0]!;
  await cleanup(app);
  if (typeof result.perSecond !== 'number') throw new Error(JSON.stringify(result));
  return result.perSecond;
}

// --- latency at a fixed rate ----------------------------------------------------------

type Stack = 'koa-event-bus' | 'amqplib by hand';

interface LatencyRound {
  requestP50: number;
  requestP99: number;
  handlerP50: number;
  handlerP99: number;
  handled: number;
  sent: number;
  errors: number;
  /** CPU µs per request of the web process / per event of the worker, over the measured window. */
  webCpu: number;
  workerCpu: number;
}

async function latencyRound(stack: Stack, durability: string, rate: number): Promise<LatencyRound> {
  const app = `keb-bench-${randomUUID().slice(0, 8)}`;
  const prefix = stack === 'amqplib by hand' ? 'raw-' : '';
  const worker = startRole(`${prefix}worker`, { APP: app });
  await worker.lines[0];
  const web = startRole(`${prefix}web`, { APP: app, DURABILITY: durability });
  const started = (await web.lines[0]!) as { port?: number; error?: string };
  if (!started.port) throw new Error(`web did not start: ${started.error}`);
  const port = started.port;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const body = JSON.stringify({ n: 1 });
  const post = () =>
    new Promise<number>((resolve) => {
      const t0 = performance.now();
      const req = request(
        {
          port,
          method: 'POST',
          path: '/orders',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : -1));
        },
      );
      req.on('error', () => resolve(-1));
      req.end(body);
    });

  // Open loop: request k is sent at start + k/rate, whatever the responses do.
  const run = async (seconds: number) => {
    const total = Math.round(rate * seconds);
    const done: Promise<number>[] = [];
    const start = performance.now();
    for (let k = 0; k < total; ) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; k < due; k++) done.push(post());
      await new Promise((r) => setTimeout(r, 1));
    }
    return Promise.all(done);
  };
  await run(1); // warm-up: JIT, connections, queue
  const cpu0 = [cpuMicros(web.proc.pid!), cpuMicros(worker.proc.pid!)];
  const measured = await run(SECONDS);
  await new Promise((r) => setTimeout(r, 300)); // the last deliveries reach the worker
  const cpu1 = [cpuMicros(web.proc.pid!), cpuMicros(worker.proc.pid!)];
  web.proc.kill('SIGTERM');
  worker.proc.kill('SIGTERM');
  const { latencies } = (await worker.lines[1]!) as { latencies: number[] };
  agent.destroy();
  await new Promise((r) => web.proc.once('exit', r));
  await cleanup(app);
  const ok = measured.filter((x) => x >= 0).sort((a, b) => a - b);
  // The worker saw warm-up and measured events: the measured ones are the last ones.
  const handler = latencies.slice(-measured.length).sort((a, b) => a - b);
  return {
    requestP50: pct(ok, 0.5),
    requestP99: pct(ok, 0.99),
    handlerP50: pct(handler, 0.5),
    handlerP99: pct(handler, 0.99),
    handled: latencies.length,
    sent: measured.length + rate,
    errors: measured.length - ok.length,
    webCpu: (cpu1[0]! - cpu0[0]!) / measured.length,
    workerCpu: (cpu1[1]! - cpu0[1]!) / measured.length,
  };
}

async function main(): Promise<void> {
  const out: string[] = [];
  const log = (s = '') => {
    out.push(s);
    console.log(s);
  };
  log(`# RabbitMQ transport bench (issue 11)`);
  log();
  log(
    `Node ${process.version}, RabbitMQ at ${URL.replace(/\/\/.*@/, '//')}, ${ROUNDS} rounds, configurations interleaved within each round, fresh processes per round. Command: \`npm run bench:broker -- --rounds ${ROUNDS} --seconds ${SECONDS}\`.`,
  );
  log();

  const rates: number[][] = PUBLISH.map(() => []);
  const LAT: { stack: Stack; durability: string; rate: number }[] = [];
  for (const rate of [200, 1000])
    for (const stack of ['koa-event-bus', 'amqplib by hand'] as const)
      for (const durability of ['after-response', 'before-response'])
        LAT.push({ stack, durability, rate });
  const lat: LatencyRound[][] = LAT.map(() => []);
  for (let round = 1; round <= ROUNDS; round++) {
    if (!args.includes('--latency-only'))
      for (const [i, c] of PUBLISH.entries()) rates[i]!.push(await publishRound(c));
    // Alternate which durability goes first, so neither always runs on a warmer machine.
    const order = LAT.map((_, i) => i);
    if (round % 2 === 0) order.reverse();
    for (const i of order)
      lat[i]!.push(await latencyRound(LAT[i]!.stack, LAT[i]!.durability, LAT[i]!.rate));
    console.error(`round ${round}/${ROUNDS} done`);
  }

  if (!args.includes('--latency-only')) printPublish();
  function printPublish() {
    log('## Publish rate per process (events confirmed by the broker per second)');
    log();
    log(
      'Each "request" is a scope whose events are published with a confirm and awaited (what a `before-response` request does); a request starts when a previous one is confirmed. Median (min–max) over rounds.',
    );
    log();
    log('| load | events/s |');
    log('| --- | --- |');
    for (const [i, c] of PUBLISH.entries()) log(`| ${c.label} | ${spread(rates[i]!, 0)} |`);
    log();
  }
  log(`## Latency at a fixed request rate (${SECONDS} s measured after 1 s warm-up, open loop)`);
  log();
  log(
    'Request: client-side response time of `POST /orders` (keep-alive). Publish → handler: from the controller\'s `emit` to the worker\'s handler starting (wall clock, same machine). "amqplib by hand" is the floor: plain Koa publishing on a confirm channel to a quorum queue and a plain amqplib consumer (no envelope, no validation, no retry topology). Times in ms; CPU from /proc/<pid>/stat over the measured window (less sensitive to neighbours than times). Median (min–max) over rounds.',
  );
  log();
  log(
    '| rate | stack | durability | request p50 | request p99 | publish → handler p50 | publish → handler p99 | web CPU µs/request | worker CPU µs/event | errors |',
  );
  log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [i, c] of LAT.entries()) {
    const r = lat[i]!;
    log(
      `| ${c.rate}/s | ${c.stack} | ${c.durability} | ${spread(
        r.map((x) => x.requestP50),
        2,
      )} | ${spread(
        r.map((x) => x.requestP99),
        2,
      )} | ${spread(
        r.map((x) => x.handlerP50),
        2,
      )} | ${spread(
        r.map((x) => x.handlerP99),
        2,
      )} | ${spread(
        r.map((x) => x.webCpu),
        0,
      )} | ${spread(
        r.map((x) => x.workerCpu),
        0,
      )} | ${r.reduce((a, x) => a + x.errors, 0)} |`,
    );
  }
  log();
  log("`before-response` − `after-response` request p99, per round (the same round's pair), ms:");
  log();
  const find = (stack: Stack, durability: string, rate: number) =>
    lat[LAT.findIndex((c) => c.stack === stack && c.rate === rate && c.durability === durability)]!;
  for (const rate of [200, 1000])
    for (const stack of ['koa-event-bus', 'amqplib by hand'] as const) {
      const a = find(stack, 'after-response', rate);
      const b = find(stack, 'before-response', rate);
      log(
        `- ${rate}/s, ${stack}: ${spread(
          a.map((x, k) => b[k]!.requestP99 - x.requestP99),
          2,
        )}`,
      );
    }
  log();
  log('koa-event-bus − amqplib by hand, publish → handler p99, per round, ms:');
  log();
  for (const rate of [200, 1000])
    for (const durability of ['after-response', 'before-response']) {
      const a = find('amqplib by hand', durability, rate);
      const b = find('koa-event-bus', durability, rate);
      log(
        `- ${rate}/s, ${durability}: ${spread(
          a.map((x, k) => b[k]!.handlerP99 - x.handlerP99),
          2,
        )}`,
      );
    }
  log();
  if (OUT) writeFileSync(OUT, `${out.join('\n')}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
