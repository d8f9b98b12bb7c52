/**
 * bench/core runner (issue #10's speed table, in the project's own bench). Started by
 * bench/core/run.sh, which compiles the src/ snapshot(s) and picks the Node binary:
 *
 *   node dist/bench/core/run.js --src=<compiled index.js> --label=<ref> [--rounds=5] [--out=F]
 *   node dist/bench/core/run.js --ab --a=<index.js> --a-label=<ref> --b=<index.js> --b-label=<wt>
 *
 * One child process per library × workload × round (core/worker.ts); rounds are the outer loop,
 * so a noisy stretch of the shared machine hits every library, and every ratio is taken within
 * one round (same-round @nestjs/event-emitter, node:events, or A).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { runChild } from '../lib/child';
import { median, table } from '../lib/stats';
import type { CoreConfig, CoreResult, LibId, Workload } from './worker';

const workloads: Array<[Workload, string]> = [
  ['a1', '(a) 1 sync handler'],
  ['b10', '(b) 10 sync handlers'],
  ['c1', '(c) 1 async handler, awaited'],
];

const libs: Array<[LibId, string]> = [
  ['node-events', 'node:events'],
  ['nest-event-emitter', '@nestjs/event-emitter'],
  ['nest-ee-emit', '(@nestjs/event-emitter `emit()`, not awaited)'],
  ['nest-cqrs', '@nestjs/cqrs'],
  ['keb-dispatch', 'koa-event-bus `dispatch`'],
  ['keb-emit', 'koa-event-bus `emit` (+ drain)'],
];

/** Issue #10's table (outsider, Node 20, mitata, median of 5 fresh processes), ns per event. */
const issue10: Record<LibId, Record<Workload, number>> = {
  'node-events': { a1: 8.7, b10: 82, c1: 100 },
  'nest-event-emitter': { a1: 90, b10: 992, c1: 319 },
  'nest-ee-emit': { a1: NaN, b10: NaN, c1: NaN },
  'nest-cqrs': { a1: 911, b10: 8815, c1: 1109 },
  'keb-dispatch': { a1: 228, b10: 954, c1: 364 },
  'keb-emit': { a1: 380, b10: 760, c1: 360 },
};

interface Args {
  ab: boolean;
  rounds: number;
  out?: string;
  minCpuMs: number;
  warmupMs: number;
  drainN: number;
  src?: string;
  label: string;
  a?: string;
  aLabel: string;
  b?: string;
  bLabel: string;
  cmd: string;
  /** `<lib>/<workload>`: one child under --cpu-prof instead of the table. */
  profile?: string;
  profileDir: string;
}

function parseArgs(argv: string[]): Args {
  const f = new Map<string, string>();
  for (const x of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(x);
    if (!m) throw new Error(`unknown argument ${x}`);
    f.set(m[1]!, m[2] ?? 'true');
  }
  const ab = f.has('ab');
  return {
    ab,
    rounds: Number(f.get('rounds') ?? 5),
    out: f.get('out'),
    // mitata's own default min_cpu_time is 642 ms (what an outsider calling run() gets).
    minCpuMs: Number(f.get('min-cpu-ms') ?? (ab ? 300 : 642)),
    warmupMs: Number(f.get('warmup-ms') ?? 150),
    drainN: Number(f.get('drain-n') ?? 1000),
    src: f.get('src'),
    label: f.get('label') ?? 'working tree',
    a: f.get('a'),
    aLabel: f.get('a-label') ?? 'A',
    b: f.get('b'),
    bLabel: f.get('b-label') ?? 'B',
    cmd: f.get('cmd') ?? process.argv.join(' '),
    profile: f.get('profile'),
    profileDir: f.get('profile-dir') ?? os.tmpdir(),
  };
}

const log = (m: string) => process.stderr.write(`[core] ${m}\n`);

async function one(cfg: CoreConfig): Promise<CoreResult> {
  return runChild<CoreResult>('core/worker.ts', cfg, { timeoutMs: 120_000 });
}

const fmt = (ns: number) =>
  !Number.isFinite(ns)
    ? 'n/a'
    : ns < 10
      ? ns.toFixed(1)
      : ns < 10_000
        ? ns.toFixed(0)
        : Math.round(ns).toLocaleString('en-US');
const fmtR = (x: number) => (!Number.isFinite(x) ? 'n/a' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const spreadOf = (xs: number[], f: (x: number) => string) =>
  xs.length ? `${f(Math.min(...xs))}–${f(Math.max(...xs))}` : 'n/a';
/** "median (min–max)" */
const cell = (xs: number[], f: (x: number) => string) =>
  xs.length ? `${f(median(xs))} (${spreadOf(xs, f)})` : 'n/a';
/** Per-round ratios xs[i] / ys[i] (only rounds where both were measured). */
const ratios = (xs: Array<number | undefined>, ys: Array<number | undefined>) =>
  xs.flatMap((x, i) => {
    const y = ys[i];
    return x !== undefined && y !== undefined ? [x / y] : [];
  });

function header(args: Args, load0: number[], started: Date): string {
  const load1 = os.loadavg();
  return [
    `- date: ${started.toISOString()} (took ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`,
    `- node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${os.platform()}`,
    `- load average (1/5/15 min) at start ${load0.map((x) => x.toFixed(2)).join(' ')}, at end ${load1.map((x) => x.toFixed(2)).join(' ')}`,
    `- command: \`${args.cmd}\``,
  ].join('\n');
}

// ─── full table ────────────────────────────────────────────────────────────────────────────────

async function core(args: Args): Promise<string> {
  if (!args.src) throw new Error('--src=<compiled src/index.js> is required');
  const started = new Date();
  const load0 = os.loadavg();
  // samples[lib][workload][round]
  const s = new Map<string, Array<number | undefined>>();
  const key = (l: LibId, w: Workload) => `${l}/${w}`;
  const how = new Map<string, string>();
  const failures: string[] = [];
  for (let r = 0; r < args.rounds; r++) {
    for (const [w] of workloads) {
      for (const [l] of libs) {
        const k = key(l, w);
        if (!s.has(k)) s.set(k, []);
        try {
          const res = await one({
            lib: l,
            workload: w,
            minCpuMs: args.minCpuMs,
            warmupMs: args.warmupMs,
            drainN: args.drainN,
            src: l.startsWith('keb') ? args.src : undefined,
          });
          s.get(k)![r] = res.ns;
          how.set(`${l}/${w}`, res.how);
          log(`round ${r + 1}/${args.rounds} ${w} ${l}: ${fmt(res.ns)} ns`);
        } catch (e) {
          const msg = `round ${r + 1} ${w} ${l}: FAILED ${(e as Error).message.split('\n')[0]}`;
          failures.push(msg);
          log(msg);
        }
      }
    }
  }
  const get = (l: LibId, w: Workload) => s.get(key(l, w)) ?? [];
  const vals = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);

  const rows = libs.map(([l, label]) => {
    const cells = [label];
    for (const [w] of workloads) {
      cells.push(cell(vals(get(l, w)), fmt));
      cells.push(cell(ratios(get(l, w), get('nest-event-emitter', w)), fmtR));
      cells.push(cell(ratios(get(l, w), get('node-events', w)), fmtR));
    }
    return cells;
  });
  const head = ['library'];
  for (const [, wl] of workloads) head.push(`${wl}: ns/event`, '÷ nest-ee', '÷ node:events');
  const main = table(head, rows);

  // Targets from issue #10, on the per-round ratios' median (and whether every round met it).
  const tRows: string[][] = [];
  const target = (name: string, rs: number[], limit: number) => {
    const m = median(rs);
    const all = rs.every((x) => x <= limit);
    tRows.push([
      name,
      cell(rs, fmtR),
      `≤ ${limit}`,
      !rs.length
        ? 'not measured'
        : m <= limit
          ? all
            ? 'met (every round)'
            : 'met (median; not every round)'
          : '**MISSED**',
    ]);
  };
  for (const [l, label] of libs.filter(([id]) => id.startsWith('keb'))) {
    target(
      `${label} (c) ÷ @nestjs/event-emitter`,
      ratios(get(l, 'c1'), get('nest-event-emitter', 'c1')),
      0.5,
    );
    target(`${label} (c) ÷ node:events`, ratios(get(l, 'c1'), get('node-events', 'c1')), 2);
    target(
      `${label} (a) ÷ @nestjs/event-emitter`,
      ratios(get(l, 'a1'), get('nest-event-emitter', 'a1')),
      1,
    );
    target(
      `${label} (b) ÷ @nestjs/event-emitter`,
      ratios(get(l, 'b10'), get('nest-event-emitter', 'b10')),
      0.5,
    );
  }
  for (const [w, wl] of workloads) {
    target(`emit+drain ÷ dispatch, ${wl}`, ratios(get('keb-emit', w), get('keb-dispatch', w)), 1);
  }
  const targets = table(
    ['target (issue #10)', 'per-round ratio, median (min–max)', 'limit', 'status'],
    tRows,
    ['l', 'r', 'r', 'l'],
  );

  const ref = table(
    ['issue #10 (outsider, Node 20)', ...workloads.map(([, wl]) => wl)],
    libs
      .filter(([l]) => l !== 'nest-ee-emit')
      .map(([l, label]) => [label, ...workloads.map(([w]) => fmt(issue10[l][w]))]),
  );
  const hows = libs.map(
    ([l, label]) =>
      `- ${label}: ${[...new Set(workloads.map(([w]) => how.get(`${l}/${w}`)).filter(Boolean))].join('; ')}`,
  );
  return [
    `## bench/core: ${args.label}, Node ${process.version}`,
    '',
    header(args, load0, started),
    `- ${args.rounds} rounds; one fresh process per library × workload × round, rounds outermost; mitata \`measure()\` p50 (min_cpu_time ${args.minCpuMs} ms, after a discarded ${args.warmupMs} ms warm-up measure; no --expose-gc); emit+drain: ${args.drainN} events per drain`,
    '',
    "ns per event: median over rounds (min–max). Ratios: median of the per-round ratio to the same round's @nestjs/event-emitter (`await emitAsync()`) / node:events (min–max). The row in parentheses is not part of issue #10's table nor of its targets: Nest's sync `emit()`, for comparison with the issue's (a)/(b) figures.",
    '',
    main,
    '',
    targets,
    '',
    'How each library is called (until handled):',
    ...hows,
    ...(failures.length ? ['', 'Failures:', ...failures.map((x) => `- ${x}`)] : []),
    '',
    "<details><summary>issue #10's table, for comparison</summary>",
    '',
    ref,
    '',
    '</details>',
    '',
  ].join('\n');
}

// ─── A/B ───────────────────────────────────────────────────────────────────────────────────────

async function ab(args: Args): Promise<string> {
  if (!args.a || !args.b) throw new Error('--ab needs --a=<index.js> and --b=<index.js>');
  const started = new Date();
  const load0 = os.loadavg();
  const ours: LibId[] = ['keb-dispatch', 'keb-emit'];
  const A = new Map<string, Array<number | undefined>>();
  const B = new Map<string, Array<number | undefined>>();
  const failures: string[] = [];
  for (let r = 0; r < args.rounds; r++) {
    for (const [w] of workloads) {
      for (const l of ours) {
        const k = `${l}/${w}`;
        for (const [side, src, m] of [
          ['A', args.a, A],
          ['B', args.b, B],
        ] as const) {
          if (!m.has(k)) m.set(k, []);
          try {
            const res = await one({
              lib: l,
              workload: w,
              minCpuMs: args.minCpuMs,
              warmupMs: args.warmupMs,
              drainN: args.drainN,
              src,
            });
            m.get(k)![r] = res.ns;
          } catch (e) {
            const msg = `round ${r + 1} ${k} ${side}: FAILED ${(e as Error).message.split('\n')[0]}`;
            failures.push(msg);
            log(msg);
          }
        }
        log(
          `round ${r + 1}/${args.rounds} ${k}: A ${fmt(A.get(k)![r] ?? NaN)} ns, B ${fmt(B.get(k)![r] ?? NaN)} ns`,
        );
      }
    }
  }
  const rows: string[][] = [];
  for (const l of ours) {
    for (const [w, wl] of workloads) {
      const k = `${l}/${w}`;
      const a = A.get(k) ?? [];
      const b = B.get(k) ?? [];
      const rs = ratios(b, a);
      const m = median(rs);
      rows.push([
        libs.find(([id]) => id === l)![1],
        wl,
        cell(
          a.filter((x): x is number => x !== undefined),
          fmt,
        ),
        cell(
          b.filter((x): x is number => x !== undefined),
          fmt,
        ),
        `**${fmtR(m)}** (${spreadOf(rs, fmtR)})`,
        !rs.length
          ? ''
          : Math.max(...rs) < 1
            ? 'B faster every round'
            : Math.min(...rs) > 1
              ? 'B slower every round'
              : 'overlaps 1',
      ]);
    }
  }
  return [
    `## bench/core A/B: A = ${args.aLabel}, B = ${args.bLabel}, Node ${process.version}`,
    '',
    header(args, load0, started),
    `- ${args.rounds} rounds, A and B alternating (fresh process each); mitata p50 (min_cpu_time ${args.minCpuMs} ms after a ${args.warmupMs} ms warm-up); emit+drain: ${args.drainN} events per drain`,
    '',
    table(
      [
        'koa-event-bus',
        'workload',
        'A ns/event (min–max)',
        'B ns/event (min–max)',
        'B/A per round: median (min–max)',
        '',
      ],
      rows,
      ['l', 'l', 'r', 'r', 'r', 'l'],
    ),
    ...(failures.length ? ['', 'Failures:', ...failures.map((x) => `- ${x}`)] : []),
    '',
  ].join('\n');
}

// ─── profile ───────────────────────────────────────────────────────────────────────────────────

async function profile(args: Args): Promise<void> {
  const [lib, workload] = args.profile!.split('/') as [LibId, Workload];
  if (!libs.some(([l]) => l === lib) || !workloads.some(([w]) => w === workload)) {
    throw new Error(
      `--profile <lib>/<workload>: lib in ${libs.map(([l]) => l).join(', ')}; workload a1, b10, c1`,
    );
  }
  fs.mkdirSync(args.profileDir, { recursive: true });
  const name = `core-${lib}-${workload}-node${process.versions.node.split('.')[0]}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
  const res = await runChild<CoreResult>(
    'core/worker.ts',
    {
      lib,
      workload,
      minCpuMs: args.minCpuMs,
      warmupMs: args.warmupMs,
      drainN: args.drainN,
      src: lib.startsWith('keb') ? (args.src ?? args.b) : undefined,
    } satisfies CoreConfig,
    {
      timeoutMs: 120_000,
      execArgv: ['--cpu-prof', `--cpu-prof-dir=${args.profileDir}`, `--cpu-prof-name=${name}`],
    },
  );
  console.log(
    `${lib} ${workload} (${args.label}), Node ${process.version}: ${fmt(res.ns)} ns/event under --cpu-prof`,
  );
  const file = `${args.profileDir}/${name}`;
  // The child writes the profile when it exits, after it has sent its result.
  for (let i = 0; i < 150 && !fs.existsSync(file); i++)
    await new Promise((r) => setTimeout(r, 100));
  console.log(`profile: ${file} (whole child: setup, warm-up and measurement)`);
  const { summarize } = await import('../profile');
  summarize(file);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.profile) return profile(args);
  const md = args.ab ? await ab(args) : await core(args);
  process.stdout.write(`${md}\n`);
  if (args.out) {
    fs.writeFileSync(args.out, `${md}\n`);
    log(`wrote ${args.out}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
