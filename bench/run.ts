/**
 * Runs every benchmark and writes bench/results/latest.md (printed too) plus a raw JSON dump.
 *
 *   npm run bench                      full run (< 20 min)
 *   npm run bench -- --quick           short run (< 3 min), for development
 *   npm run bench -- --only=dispatch,memory,http   --peers=mitt,nest-cqrs   --apps=koa-plain
 *   npm run bench -- --node 24         the same on Node 24 (bench/node-bin.sh), same peers
 *   npm run bench -- --only=http [--rounds=5] [--duration=8] [--warmup=2] [--connections=50]
 *
 * A full run of the HTTP suite also writes bench/results/http-node<major>.md (or --out=FILE).
 *
 * Every measurement runs in a child process of its own; see bench/README.md for the method.
 */
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { peers } from './dispatch/peers';
import type { DispatchConfig, DispatchResult, Scenario } from './dispatch/worker';
import { type HttpRun, type HttpSettings, httpReport, runHttp } from './http/interleave';
import { runChild } from './lib/child';
import { fmtMB, fmtNs, fmtPct, fmtRate, fmtRatio, median, spread, table } from './lib/stats';
import type { MemoryConfig, MemoryResult } from './memory/worker';

type Suite = 'dispatch' | 'memory' | 'http';

interface Settings {
  quick: boolean;
  suites: Suite[];
  peers: string[];
  dispatch: { rounds: number; minCpuMs: number; throughputN: number };
  memory: { n: number; scopeN: number };
  http: HttpSettings;
  /** Where the HTTP report goes besides latest.md (full runs: results/http-node<major>.md). */
  httpOut: string | undefined;
}

/** `--key=value`, `--key value` (for the keys that take one) or `--flag`. */
function parseFlags(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  const valued = new Set([
    'node',
    'only',
    'peers',
    'apps',
    'rounds',
    'duration',
    'warmup',
    'connections',
    'out',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new Error(`unknown argument ${argv[i]}`);
    let value = m[2];
    if (
      value === undefined &&
      valued.has(m[1]!) &&
      argv[i + 1] !== undefined &&
      !argv[i + 1]!.startsWith('--')
    )
      value = argv[++i];
    flags.set(m[1]!, value ?? 'true');
  }
  return flags;
}

function parseArgs(argv: string[]): Settings {
  const flags = parseFlags(argv);
  const list = (k: string) => flags.get(k)?.split(',').filter(Boolean);
  const num = (k: string, dflt: number) => (flags.has(k) ? Number(flags.get(k)) : dflt);
  const quick = flags.has('quick');
  const major = process.versions.node.split('.')[0];
  const out = flags.get('out');
  return {
    quick,
    suites: (list('only') as Suite[] | undefined) ?? ['dispatch', 'memory', 'http'],
    peers: list('peers') ?? peers.map((p) => p.id),
    dispatch: quick
      ? { rounds: 3, minCpuMs: 80, throughputN: 20_000 }
      : { rounds: 7, minCpuMs: 300, throughputN: 50_000 },
    memory: quick ? { n: 100_000, scopeN: 20_000 } : { n: 1_000_000, scopeN: 100_000 },
    http: {
      apps: list('apps'),
      rounds: num('rounds', quick ? 2 : 5),
      duration: num('duration', quick ? 3 : 8),
      warmup: num('warmup', quick ? 1 : 2),
      connections: num('connections', 50),
    },
    httpOut: out
      ? path.resolve(process.env.INIT_CWD ?? process.cwd(), out)
      : quick || list('apps')
        ? undefined
        : path.join(__dirname, '..', '..', 'results', `http-node${major}.md`),
  };
}

/**
 * `--node <major>`: runs this same runner under that Node (the registry's `node` package, from
 * bench/node-bin.sh); every child it forks or spawns uses process.execPath, so the same binary.
 */
function reexecOnNode(argv: string[]): boolean {
  const flags = parseFlags(argv);
  const want = flags.get('node');
  if (want === undefined || want === process.versions.node.split('.')[0]) return false;
  const script = path.join(__dirname, '..', '..', 'node-bin.sh');
  const bin = execFileSync('bash', [script, want], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--node') i++;
    else if (!argv[i]!.startsWith('--node=')) rest.push(argv[i]!);
  }
  const r = spawnSync(bin, [__filename, ...rest], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
  return true;
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

// ─── dispatch ──────────────────────────────────────────────────────────────────────────────────

async function runDispatch(s: Settings): Promise<DispatchResult[]> {
  const out: DispatchResult[] = [];
  for (const id of s.peers) {
    const t0 = Date.now();
    const cfg: DispatchConfig = { peer: id, ...s.dispatch };
    try {
      const r = await runChild<DispatchResult>('dispatch/worker.ts', cfg, {
        execArgv: ['--expose-gc'],
        timeoutMs: 300_000,
      });
      out.push(r);
      log(
        `dispatch ${id}: ${r.unavailable ?? 'done'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
    } catch (e) {
      log(`dispatch ${id}: FAILED ${(e as Error).message}`);
      const p = peers.find((x) => x.id === id);
      out.push({
        peer: id,
        label: p?.label ?? id,
        how: p?.how ?? '',
        unavailable: `failed: ${(e as Error).message.split('\n')[0]}`,
        samples: {},
        checksum: 0,
      });
    }
  }
  return out;
}

const med = (r: DispatchResult | undefined, k: Scenario) => median(r?.samples[k] ?? []);

function dispatchTable(results: DispatchResult[]): string {
  const base = results.find((r) => r.peer === 'node-events');
  const cell = (r: DispatchResult, k: Scenario, fmt: (x: number) => string) => {
    const xs = r.samples[k] ?? [];
    return xs.length ? `${fmt(median(xs))} ${fmtPct(spread(xs))}`.trim() : 'n/a';
  };
  const rows = results.map((r) => {
    if (r.unavailable) return [r.label, ...Array(7).fill('—'), r.unavailable];
    return [
      r.label,
      cell(r, 'a', fmtNs),
      fmtRatio(med(r, 'a') / med(base, 'a')),
      cell(r, 'b', fmtNs),
      fmtRatio(med(r, 'b') / med(base, 'b')),
      cell(r, 'c', fmtRate),
      cell(r, 'd50', fmtNs),
      fmtRatio(med(r, 'd50') / med(r, 'd1')),
      r.how,
    ];
  });
  return table(
    [
      'library',
      '(a) 1 event → 1 handler',
      '(a) vs node:events',
      '(b) 1 event → 10 handlers',
      '(b) vs node:events',
      '(c) fire-and-forget, until handled',
      '(d) 50 types registered',
      '(d) 50 types / 1 type',
      'how completion is awaited',
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
}

// ─── memory ────────────────────────────────────────────────────────────────────────────────────

async function runMemory(s: Settings): Promise<MemoryResult[]> {
  const out: MemoryResult[] = [];
  const jobs: MemoryConfig[] = [];
  for (const id of s.peers) {
    jobs.push({ peer: id, mode: 'dispatch', n: s.memory.n });
    jobs.push({ peer: id, mode: 'emit', n: s.memory.n });
    if (id === 'koa-event-bus') jobs.push({ peer: id, mode: 'scope', n: s.memory.scopeN });
  }
  for (const cfg of jobs) {
    const t0 = Date.now();
    try {
      const r = await runChild<MemoryResult>('memory/worker.ts', cfg, {
        execArgv: ['--expose-gc'],
        timeoutMs: 300_000,
      });
      out.push(r);
      log(
        `memory ${cfg.peer}/${cfg.mode}: ${r.unavailable ?? 'done'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
    } catch (e) {
      log(`memory ${cfg.peer}/${cfg.mode}: FAILED ${(e as Error).message}`);
      const p = peers.find((x) => x.id === cfg.peer);
      out.push({
        peer: cfg.peer,
        label: p?.label ?? cfg.peer,
        mode: cfg.mode,
        n: cfg.n,
        unavailable: `failed: ${(e as Error).message.split('\n')[0]}`,
        checksum: 0,
      });
    }
  }
  return out;
}

function memoryTable(results: MemoryResult[]): string {
  const rows = results
    .filter((r) => r.mode !== 'scope')
    .map((r) => {
      if (r.unavailable)
        return [
          r.label,
          r.mode,
          r.n.toLocaleString('en-US'),
          '—',
          '—',
          '—',
          '—',
          '—',
          r.unavailable,
        ];
      return [
        r.label,
        r.mode,
        r.n.toLocaleString('en-US'),
        fmtMB(r.heapBeforeMB),
        fmtMB(r.heapAfterMB),
        `**${fmtMB(r.growthMB)}**`,
        fmtMB(r.peakMB),
        r.seconds!.toFixed(1),
        '',
      ];
    });
  const t = table(
    [
      'library',
      'mode',
      'events',
      'heap before (MB)',
      'heap after (MB)',
      'growth (MB)',
      'peak while running (MB)',
      'time (s)',
      'note',
    ],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
  const scope = results.find((r) => r.mode === 'scope');
  const scopeLine = !scope
    ? ''
    : scope.unavailable
      ? `\n\nMemory per event buffered in a request scope (koa-event-bus): ${scope.unavailable}.`
      : `\n\nMemory per event buffered in a request scope (koa-event-bus, ${scope.n.toLocaleString('en-US')} events, event objects themselves excluded): **${scope.bytesPerEvent!.toFixed(0)} bytes/event**.`;
  return t + scopeLine;
}

// ─── targets ───────────────────────────────────────────────────────────────────────────────────

function targetsTable(
  s: Settings,
  d: DispatchResult[] | undefined,
  m: MemoryResult[] | undefined,
): string {
  const ours = d?.find((r) => r.peer === 'koa-event-bus');
  const by = (id: string) => d?.find((r) => r.peer === id);
  const rows: string[][] = [];
  const verdict = (ok: boolean | undefined) =>
    ok === undefined ? 'not measured' : ok ? 'met' : '**MISSED**';
  const oursOk = ours && !ours.unavailable;
  const speedup = (k: Scenario, peer: string) => med(by(peer), k) / med(ours, k);

  for (const k of ['a', 'b'] as const) {
    for (const [peer, label, need] of [
      ['nest-event-emitter', '@nestjs/event-emitter', 2],
      ['nest-cqrs', '@nestjs/cqrs', 5],
    ] as const) {
      const x = oursOk ? speedup(k, peer) : Number.NaN;
      rows.push([
        `(${k}) at least ${need}× faster than ${label}`,
        !Number.isFinite(x)
          ? 'n/a'
          : x >= 1
            ? `${fmtRatio(x)} faster`
            : `${fmtRatio(1 / x)} slower`,
        verdict(Number.isFinite(x) ? x >= need : undefined),
      ]);
    }
  }
  {
    const x = oursOk ? med(ours, 'a') / med(by('node-events'), 'a') : Number.NaN;
    rows.push([
      '(a) within 3× of node:events awaiting an async listener',
      Number.isFinite(x) ? `${fmtRatio(x)} of node:events` : 'n/a',
      verdict(Number.isFinite(x) ? x <= 3 : undefined),
    ]);
  }
  {
    const x = oursOk ? med(ours, 'd50') / med(ours, 'd1') : Number.NaN;
    rows.push([
      '(d) 50 registered types within 1.2× of 1',
      Number.isFinite(x) ? fmtRatio(x) : 'n/a',
      verdict(Number.isFinite(x) ? x <= 1.2 : undefined),
    ]);
  }
  for (const mode of ['dispatch', 'emit'] as const) {
    const r = m?.find((x) => x.peer === 'koa-event-bus' && x.mode === mode);
    const g = r && !r.unavailable ? r.growthMB! : Number.NaN;
    const n = r?.n ?? s.memory.n;
    rows.push([
      `Memory: ≤ 5 MB growth after 1M events through ${mode} (this run: ${n.toLocaleString('en-US')})`,
      Number.isFinite(g) ? `${g.toFixed(2)} MB` : 'n/a',
      verdict(Number.isFinite(g) ? g <= 5 : undefined),
    ]);
  }
  return table(['target (issue #5)', 'koa-event-bus, this run', 'status'], rows, ['l', 'r', 'l']);
}

// ─── report ────────────────────────────────────────────────────────────────────────────────────

function machine(): string[] {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', {
      cwd: __dirname,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {}
  try {
    const dirty = execSync('git status --porcelain -- src', {
      cwd: __dirname,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    if (dirty) commit += ' (src/ has uncommitted changes, measured as they were)';
  } catch {}
  return [
    `- node ${process.version}, ${os.platform()} ${os.release()}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- commit ${commit}; load average at start ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  ];
}

async function main(): Promise<void> {
  if (reexecOnNode(process.argv.slice(2))) return;
  const s = parseArgs(process.argv.slice(2));
  const started = new Date();
  const head = machine();
  log(`mode ${s.quick ? 'quick' : 'full'}; suites ${s.suites.join(', ')}`);

  const d = s.suites.includes('dispatch') ? await runDispatch(s) : undefined;
  const m = s.suites.includes('memory') ? await runMemory(s) : undefined;
  const h: HttpRun | undefined = s.suites.includes('http') ? await runHttp(s.http, log) : undefined;
  const seconds = (Date.now() - started.getTime()) / 1000;

  const md: string[] = [
    `# koa-event-bus benchmarks (${s.quick ? 'quick' : 'full'} run)`,
    '',
    `- ${started.toISOString()}, took ${seconds.toFixed(0)} s; load average at end ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
    ...head,
    '- Each value is the median over rounds; ±x% is half the min–max range over rounds (noise).',
    '',
  ];
  if (d) {
    md.push(
      '## Dispatch, in one process',
      '',
      `mitata, ${s.dispatch.rounds} rounds × ≥ ${s.dispatch.minCpuMs} ms per scenario, one child process per library; time per awaited dispatch of a class-instance event to async handler(s) whose body is trivial. (c) is ${s.dispatch.throughputN.toLocaleString('en-US')} fire-and-forget emits, timed until the last handler ran. (d) dispatches to the last of 50 registered types, each with one handler. Ratios: vs node:events (lower is faster), and (d) 50 types / 1 type on the same library.`,
      '',
      dispatchTable(d),
      '',
    );
  }
  if (h) md.push(httpReport(h));
  if (m) {
    md.push(
      '## Memory',
      '',
      'Heap used after two full GCs (`--expose-gc`), before and after pushing the events through one bus with one handler (after a 10 000-event warm-up); dispatch = awaited one by one, emit = fire-and-forget in chunks of 10 000 awaited until handled.',
      '',
      memoryTable(m),
      '',
    );
  }
  if (d || m) md.push('## Targets (issue #5)', '', targetsTable(s, d, m), '');
  const text = md.join('\n');

  const dir = path.join(__dirname, '..', '..', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.md'), text);
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(
    path.join(dir, `${stamp}${s.quick ? '-quick' : ''}.raw.json`),
    JSON.stringify({ settings: s, dispatch: d, memory: m, http: h }, null, 1),
  );
  if (h && s.httpOut) {
    const cmd = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
    const httpMd = [
      `# HTTP bench, Node ${process.versions.node.split('.')[0]}`,
      '',
      `- \`${cmd}\` (node ${process.version}), ${started.toISOString()}, took ${seconds.toFixed(0)} s; load average at end ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
      ...head,
      '',
      httpReport(h),
    ].join('\n');
    fs.writeFileSync(s.httpOut, httpMd);
    log(`wrote ${path.relative(process.cwd(), s.httpOut)}`);
  }
  process.stdout.write(`${text}\n`);
  log(`wrote bench/results/latest.md (${seconds.toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
