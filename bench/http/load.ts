import { type ChildProcess, fork } from 'node:child_process';
import autocannon from 'autocannon';
import { compiled, type Message } from '../lib/child';
import { ROUTE } from './apps/common';

export interface LoadOptions {
  /** Seconds of measured load per round. */
  duration: number;
  /** Seconds of discarded load before it, to warm the JIT. */
  warmup: number;
  connections: number;
  /** Node flags of the server process (e.g. --cpu-prof). */
  execArgv?: string[];
}

export interface LoadSample {
  /** What the server counted when the load stopped (handlers run, backlog), if it reports any. */
  server: Record<string, number>;
  /** Server process CPU time (user + system) per request served, µs, warm-up included. */
  cpuPerRequestUs: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const BODY = JSON.stringify({ id: 42, name: 'bench', tags: ['a', 'b'], nested: { ok: true } });

interface StartedServer {
  port: number;
  child: ChildProcess;
  stats: Record<string, number>;
}

function startServer(app: string, execArgv: string[] = []): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    const child = fork(compiled('http/server.ts'), [JSON.stringify({ app })], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app}: server did not start within 30 s`));
    }, 30_000);
    child.on('message', (m: Message) => {
      clearTimeout(timer);
      if (m.type === 'ready') {
        const started: StartedServer = { port: m.port, child, stats: {} };
        child.on('message', (x: Message) => {
          if (x.type === 'stats') started.stats = x.stats;
        });
        resolve(started);
      } else if (m.type === 'error') reject(new Error(`${app}: ${m.error}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${app}: server exited (code ${code}) before it was ready`));
    });
  });
}

function stopServer(s: StartedServer): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    const timer = setTimeout(() => s.child.kill('SIGKILL'), 5_000);
    s.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    s.child.send({ type: 'close' });
  });
}

interface Fired {
  result: autocannon.Result;
  /** Latency of every 2xx response, ms, with sub-millisecond precision (autocannon's own
   * histogram keeps whole milliseconds, too coarse for loopback). */
  latencies: number[];
}

function fire(port: number, duration: number, connections: number): Promise<Fired> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}${ROUTE}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODY,
        connections,
        pipelining: 1,
        duration,
        timeout: 10,
      },
      (err: unknown, result: autocannon.Result) => {
        if (err) reject(err);
        else resolve({ result, latencies });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** One round for one app: fresh server process, warm-up, measured run, stop. */
export async function loadRound(app: string, opts: LoadOptions): Promise<LoadSample> {
  const server = await startServer(app, opts.execArgv);
  let sample: Omit<LoadSample, 'server' | 'cpuPerRequestUs'>;
  let served = 0;
  try {
    if (opts.warmup > 0) {
      served += (await fire(server.port, opts.warmup, opts.connections)).result.requests.total;
    }
    const { result: r, latencies } = await fire(server.port, opts.duration, opts.connections);
    served += r.requests.total;
    const sorted = Array.from(Float64Array.from(latencies).sort());
    sample = {
      rps: r.requests.total / r.duration,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      requests: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    };
  } finally {
    await stopServer(server);
  }
  const cpuUs = server.stats.cpuUs ?? Number.NaN;
  return { ...sample, server: server.stats, cpuPerRequestUs: cpuUs / served };
}
