import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { compiled, type Message } from '../lib/child';
import { appById } from './apps';
import { ROUTE } from './apps/common';
import { BODY_JSON as BODY } from './apps/dto';

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
  /**
   * Server process CPU time (user + system, all its threads, from /proc/<pid>/stat) during the
   * measured window, divided by the requests answered in it, µs. NaN where /proc is missing.
   */
  cpuPerRequestUs: number;
  /** Server CPU time over the measured window ÷ its wall time: 1 = one core busy. */
  cpuLoad: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

// ─── CPU pinning and accounting ────────────────────────────────────────────────────────────────

/**
 * Where the server and the load generator run: with taskset and ≥ 2 CPUs, the server (every
 * thread of it) on the last CPU and this process (autocannon) on CPU 0, so that the load generator
 * never takes the server's core. Undefined elsewhere: then both share whatever the OS gives them.
 */
export const pinning: { server: number; load: number } | undefined = (() => {
  if (process.platform !== 'linux' || os.cpus().length < 2) return undefined;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { server: os.cpus().length - 1, load: 0 };
})();

/** Pins this process (all its threads) to the load generator's CPU; says what it did. */
export function pinLoadGenerator(): string {
  if (!pinning) return 'not pinned (no taskset, or a single CPU): server and load share the CPUs';
  execFileSync('taskset', ['-a', '-p', '-c', String(pinning.load), String(process.pid)], {
    stdio: 'ignore',
  });
  return `server pinned to CPU ${pinning.server} (taskset -c), autocannon (this process) to CPU ${pinning.load}`;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, all threads, µs (NaN where /proc is missing). */
function cpuUs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'): state is field 3,
    // utime 14, stime 15 (proc(5)).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) / CLK_TCK) * 1e6;
  } catch {
    return Number.NaN;
  }
}

// ─── servers ───────────────────────────────────────────────────────────────────────────────────

interface StartedServer {
  port: number;
  child: ChildProcess;
  stats: Record<string, number>;
  stop(): Promise<void>;
}

/** argv that runs `cmd args` on the server's CPU when pinning is on. */
function pinned(cmd: string, args: string[]): [string, string[]] {
  return pinning ? ['taskset', ['-c', String(pinning.server), cmd, ...args]] : [cmd, args];
}

function waitExit(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A Node app: bench/http/server.ts in a child (through taskset, which execs it: same pid). */
function startNodeServer(app: string, execArgv: string[] = []): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    const [cmd, args] = pinned(process.execPath, [
      ...execArgv,
      compiled('http/server.ts'),
      JSON.stringify({ app }),
    ]);
    // spawn with an 'ipc' slot sets NODE_CHANNEL_FD: the node exec'd by taskset picks it up.
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app}: server did not start within 30 s`));
    }, 30_000);
    child.on('message', (m: Message) => {
      clearTimeout(timer);
      if (m.type === 'ready') {
        const started: StartedServer = {
          port: m.port,
          child,
          stats: {},
          stop: () => {
            const exited = waitExit(child, 5_000);
            if (child.connected) child.send({ type: 'close' });
            else child.kill('SIGTERM');
            return exited;
          },
        };
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * FastAPI under uvicorn (uvloop, httptools, one worker, no access log), from the venv that
 * fastapi-venv.sh makes; `python` is its interpreter.
 */
async function startUvicorn(app: string, python: string): Promise<StartedServer> {
  const port = await freePort();
  // This file is compiled to bench/dist/bench/http/load.js; the .py app stays in bench/http/apps.
  const appDir = path.join(__dirname, '..', '..', '..', 'http', 'apps');
  const [cmd, args] = pinned(python, [
    '-m',
    'uvicorn',
    'fastapi_app:app',
    '--app-dir',
    appDir,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--loop',
    'uvloop',
    '--http',
    'httptools',
    '--no-access-log',
    '--log-level',
    'warning',
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 30_000;
  while (!(await connects(port))) {
    if (child.exitCode !== null) throw new Error(`${app}: uvicorn exited (code ${child.exitCode})`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app}: uvicorn did not listen within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    child,
    stats: {},
    stop: () => {
      const exited = waitExit(child, 5_000);
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function startServer(app: string, execArgv: string[] = []): Promise<StartedServer> {
  const spec = appById(app);
  if (spec.python) return startUvicorn(app, spec.python());
  return startNodeServer(app, execArgv);
}

// ─── load ──────────────────────────────────────────────────────────────────────────────────────

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

/**
 * One round for one app: a fresh server process, a discarded warm-up, the measured run (server
 * CPU read from /proc before and after it), stop.
 */
export async function loadRound(app: string, opts: LoadOptions): Promise<LoadSample> {
  const server = await startServer(app, opts.execArgv);
  let sample: LoadSample;
  try {
    if (opts.warmup > 0) await fire(server.port, opts.warmup, opts.connections);
    const cpu0 = cpuUs(server.child.pid);
    const t0 = performance.now();
    const { result: r, latencies } = await fire(server.port, opts.duration, opts.connections);
    const cpu = cpuUs(server.child.pid) - cpu0;
    const wallUs = (performance.now() - t0) * 1e3;
    const sorted = Array.from(Float64Array.from(latencies).sort());
    sample = {
      server: {},
      cpuPerRequestUs: cpu / r.requests.total,
      cpuLoad: cpu / wallUs,
      rps: r.requests.total / r.duration,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      requests: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    };
  } finally {
    await server.stop();
  }
  return { ...sample, server: server.stats };
}
