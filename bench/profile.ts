/**
 * CPU profile of one peer's hot path, for finding what to make faster.
 *
 *   npm --prefix bench run profile -- [peer=koa-event-bus] [dispatch|dispatch10|emit] [count]
 *   npm --prefix bench run profile -- http [app=ours-emit] [seconds=5]
 *
 * Runs the loop in a child with `node --cpu-prof`, writes the .cpuprofile to
 * bench/results/profiles/ (open it in Chrome DevTools or speedscope) and prints the functions
 * with the most self time, and the same aggregated per source file.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { peerById } from './dispatch/peers';
import { Ping, until } from './lib/sink';

type Mode = 'dispatch' | 'dispatch10' | 'emit';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function loop(peerId: string, mode: Mode, count: number): Promise<void> {
  const peer = peerById(peerId);
  const why = peer.unavailable?.();
  if (why) throw new Error(why);
  const inst = await peer.create({
    types: [Ping],
    handlersPerType: mode === 'dispatch10' ? 10 : 1,
  });
  const d = inst.dispatcher(Ping);
  const e = inst.emitter(Ping);
  const once = async (n: number) => {
    if (mode === 'emit') {
      for (let sent = 0; sent < n; sent += 10_000) {
        const k = Math.min(10_000, n - sent);
        const done = until(k);
        for (let i = 0; i < k; i++) e(new Ping(i));
        await done;
      }
    } else {
      for (let i = 0; i < n; i++) await d(new Ping(i));
    }
  };
  await once(Math.min(count, 20_000));
  const t0 = performance.now();
  await once(count);
  const ms = performance.now() - t0;
  console.log(`${peer.id} ${mode}: ${((ms * 1e6) / count).toFixed(0)} ns per event (${count})`);
  await inst.close();
}

export function summarize(file: string, top = 25): void {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  const root = path.resolve(__dirname, '..', '..', '..');
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const url = f.url.replace('file://', '').replace(`${root}/`, '') || '(native)';
    const key = `${f.functionName || '(anonymous)'}  ${url}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const fileKey = url.replace(/^.*node_modules\//, 'node_modules/');
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  const print = (title: string, m: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
    }
  };
  print('self time by function', fns);
  print('self time by file', files);
}

/** Profiles an HTTP app's server process under autocannon load. */
async function profileHttp(app: string, seconds: number, dir: string): Promise<string> {
  const name = `http-${app}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
  const { loadRound } = await import('./http/load');
  const sample = await loadRound(app, {
    duration: seconds,
    warmup: 1,
    connections: 10,
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`],
  });
  console.log(
    `${app}: ${sample.rps.toFixed(0)} req/s, p50 ${sample.p50.toFixed(2)} ms, p99 ${sample.p99.toFixed(2)} ms (profiled)`,
  );
  return path.join(dir, name);
}

async function main(): Promise<void> {
  if (process.argv[2] === 'http') {
    const dir = path.join(__dirname, '..', '..', 'results', 'profiles');
    fs.mkdirSync(dir, { recursive: true });
    const file = await profileHttp(
      process.argv[3] ?? 'ours-emit',
      Number(process.argv[4] ?? 5),
      dir,
    );
    console.log(`profile: ${path.relative(process.cwd(), file)}`);
    summarize(file);
    return;
  }
  const [peer = 'koa-event-bus', mode = 'dispatch', countArg = '300000'] = process.argv
    .slice(2)
    .filter((a) => a !== '--child');
  const count = Number(countArg);
  if (process.argv.includes('--child')) return loop(peer, mode as Mode, count);
  const dir = path.join(__dirname, '..', '..', 'results', 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  const name = `${peer}-${mode}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
  const child = fork(__filename, ['--child', peer, mode, String(count)], {
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`],
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`profiled child exited with ${code}`);
  const file = path.join(dir, name);
  console.log(`profile: ${path.relative(process.cwd(), file)}`);
  summarize(file);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
