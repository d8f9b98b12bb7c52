/**
 * The HTTP suite, A/B interleaved: rounds outermost, every app once per round in a fresh server
 * process, the order rotated each round; every comparison is the median of per-round ratios with
 * its min–max, so a noisy stretch of the shared machine hits both sides of a ratio.
 */

import { fmtMs, median, table } from '../lib/stats';
import { apps as allApps, type HttpApp } from './apps';
import { type LoadOptions, type LoadSample, loadRound, pinLoadGenerator } from './load';

export interface HttpSettings extends LoadOptions {
  rounds: number;
  /** App ids, or undefined for every app not marked optional. */
  apps?: string[];
}

export interface HttpResult {
  app: string;
  label: string;
  does: string;
  unavailable?: string;
  /** Indexed by round; a hole where that round failed. */
  rounds: (LoadSample | undefined)[];
  failures: string[];
}

export interface HttpRun {
  settings: HttpSettings;
  pinning: string;
  results: HttpResult[];
}

type Log = (msg: string) => void;

export function chosenApps(ids: string[] | undefined): HttpApp[] {
  if (!ids) return allApps.filter((a) => !a.optional);
  for (const id of ids) if (!allApps.some((a) => a.id === id)) throw new Error(`unknown app ${id}`);
  return allApps.filter((a) => ids.includes(a.id));
}

export async function runHttp(s: HttpSettings, log: Log): Promise<HttpRun> {
  const pinning = pinLoadGenerator();
  log(`http: ${pinning}`);
  const results: HttpResult[] = chosenApps(s.apps).map((a) => ({
    app: a.id,
    label: a.label,
    does: a.does,
    unavailable: a.unavailable?.(),
    rounds: [],
    failures: [],
  }));
  for (let round = 0; round < s.rounds; round++) {
    // Rotate the order: no app always runs right after the same neighbour or first in a round.
    const order = results.map((_, i) => results[(i + round) % results.length]!);
    for (const r of order) {
      if (r.unavailable) continue;
      try {
        const x = await loadRound(r.app, s);
        r.rounds[round] = x;
        log(
          `http round ${round + 1}/${s.rounds} ${r.app}: ${x.rps.toFixed(0)} req/s, p99 ${fmtMs(x.p99)} ms, ${x.cpuPerRequestUs.toFixed(1)} µs CPU/request (server ${(x.cpuLoad * 100).toFixed(0)}% of a core)`,
        );
      } catch (e) {
        const msg = (e as Error).message.split('\n')[0]!;
        r.failures.push(`round ${round + 1}: ${msg}`);
        log(`http round ${round + 1} ${r.app}: FAILED ${msg}`);
        if (r.failures.length >= 2) r.unavailable = `failed twice: ${msg}`;
      }
    }
  }
  return { settings: s, pinning, results };
}

// ─── report ────────────────────────────────────────────────────────────────────────────────────

type Metric = 'rps' | 'p50' | 'p99' | 'cpuPerRequestUs' | 'cpuLoad';

const values = (r: HttpResult | undefined, k: Metric): number[] =>
  (r?.rounds ?? []).filter((x): x is LoadSample => x !== undefined).map((x) => x[k]);

/** a[k] / b[k] for every round both have. */
function ratios(a: HttpResult | undefined, b: HttpResult | undefined, k: Metric): number[] {
  const out: number[] = [];
  if (!a || !b) return out;
  a.rounds.forEach((x, i) => {
    const y = b.rounds[i];
    if (x && y && Number.isFinite(x[k] / y[k])) out.push(x[k] / y[k]);
  });
  return out;
}

function fmt(x: number, digits: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** "median (min–max)", or n/a. */
export function mmm(xs: number[], digits = 0, suffix = ''): string {
  if (xs.length === 0) return 'n/a';
  const m = `${fmt(median(xs), digits)}${suffix}`;
  if (xs.length === 1) return m;
  return `${m} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})`;
}

const ratioCell = (xs: number[]) => mmm(xs, 2, '×');

function appsTable(results: HttpResult[]): string {
  const rows = results.map((r) => {
    if (r.unavailable && values(r, 'rps').length === 0)
      return [r.label, r.does, '—', '—', '—', '—', '—', '—', r.unavailable];
    const done = r.rounds.filter((x): x is LoadSample => x !== undefined);
    const bad = done.reduce((n, x) => n + x.non2xx + x.errors + x.timeouts, 0);
    const last = done[done.length - 1]?.server ?? {};
    const backlog = (last.queued ?? 0) + (last.buffered ?? 0);
    const notes = [
      last.handled !== undefined
        ? `${last.handled.toLocaleString('en-US')} events handled by the end of the last round${backlog ? `, ${backlog.toLocaleString('en-US')} still queued` : ''}`
        : '',
      ...r.failures,
    ].filter(Boolean);
    return [
      r.label,
      r.does,
      mmm(values(r, 'rps')),
      mmm(values(r, 'p50'), 2),
      mmm(values(r, 'p99'), 2),
      mmm(values(r, 'cpuPerRequestUs'), 1),
      mmm(values(r, 'cpuLoad'), 2),
      String(bad),
      notes.join('; '),
    ];
  });
  return table(
    [
      'server',
      'route does',
      'req/s',
      'p50 (ms)',
      'p99 (ms)',
      'server CPU µs / request',
      'server CPU (cores)',
      'errors + non-2xx',
      'note',
    ],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
}

function ratiosTable(results: HttpResult[]): string {
  const by = (id: string) => results.find((r) => r.app === id);
  const koa = by('koa-plain');
  const finish = by('koa-finish');
  const rows = results
    .filter((r) => r !== koa)
    .map((r) => [
      `${r.app}: ${r.does}`,
      ratioCell(ratios(r, koa, 'rps')),
      ratioCell(ratios(r, koa, 'p99')),
      ratioCell(ratios(r, koa, 'cpuPerRequestUs')),
      r === finish ? '1' : ratioCell(ratios(r, finish, 'cpuPerRequestUs')),
    ]);
  return table(
    [
      'app',
      'req/s ÷ plain Koa',
      'p99 ÷ plain Koa',
      'CPU/request ÷ plain Koa',
      "CPU/request ÷ Koa + res.on('finish')",
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r'],
  );
}

interface Target {
  what: string;
  a: string;
  b: string;
  metric: Metric;
  /** The ratio a/b must be at least (≥) or at most (≤) `bound`. */
  op: '≥' | '≤';
  bound: number;
}

/** Issue 13's HTTP targets. */
export const TARGETS: Target[] = [
  {
    what: 'emit route req/s ≥ 95% of plain Koa',
    a: 'ours-emit',
    b: 'koa-plain',
    metric: 'rps',
    op: '≥',
    bound: 0.95,
  },
  {
    what: 'emit route p99 within 10% of plain Koa',
    a: 'ours-emit',
    b: 'koa-plain',
    metric: 'p99',
    op: '≤',
    bound: 1.1,
  },
  {
    what: "emit route CPU/request ≤ 1.1× Koa + res.on('finish')",
    a: 'ours-emit',
    b: 'koa-finish',
    metric: 'cpuPerRequestUs',
    op: '≤',
    bound: 1.1,
  },
  {
    what: 'DTO route CPU/request ≤ 1.3× the route without DTO',
    a: 'ours-emit-dto',
    b: 'ours-emit',
    metric: 'cpuPerRequestUs',
    op: '≤',
    bound: 1.3,
  },
  {
    what: 'emit route req/s ≥ 3× FastAPI BackgroundTasks',
    a: 'ours-emit',
    b: 'fastapi',
    metric: 'rps',
    op: '≥',
    bound: 3,
  },
  {
    what: 'emit route req/s ≥ 1.5× NestJS + @nestjs/event-emitter',
    a: 'ours-emit',
    b: 'nest-emit',
    metric: 'rps',
    op: '≥',
    bound: 1.5,
  },
];

export function targetVerdict(xs: number[], op: '≥' | '≤', bound: number): string {
  if (xs.length === 0) return 'not measured';
  const ok = (x: number) => (op === '≥' ? x >= bound : x <= bound);
  if (xs.every(ok)) return 'met (every round)';
  if (ok(median(xs))) return `met (median; ${xs.filter(ok).length}/${xs.length} rounds)`;
  return `**missed** (${xs.filter(ok).length}/${xs.length} rounds)`;
}

function targetsTable(results: HttpResult[]): string {
  const by = (id: string) => results.find((r) => r.app === id);
  const rows = TARGETS.map((t) => {
    const xs = ratios(by(t.a), by(t.b), t.metric);
    return [
      t.what,
      `${t.a} ÷ ${t.b}, ${t.metric}`,
      `${t.op} ${t.bound}`,
      ratioCell(xs),
      targetVerdict(xs, t.op, t.bound),
    ];
  });
  return table(
    ['target (issue 13)', 'ratio', 'bound', 'per-round ratio, median (min–max)', 'status'],
    rows,
    ['l', 'l', 'r', 'r', 'l'],
  );
}

function rawTable(results: HttpResult[], rounds: number): string {
  const rows: string[][] = [];
  for (let i = 0; i < rounds; i++) {
    for (const r of results) {
      const x = r.rounds[i];
      if (!x) continue;
      rows.push([
        String(i + 1),
        r.app,
        x.rps.toFixed(0),
        x.p50.toFixed(2),
        x.p99.toFixed(2),
        x.cpuPerRequestUs.toFixed(1),
        x.cpuLoad.toFixed(2),
        String(x.requests),
      ]);
    }
  }
  return table(
    ['round', 'app', 'req/s', 'p50 (ms)', 'p99 (ms)', 'CPU µs/req', 'server cores', 'requests'],
    rows,
    ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

/** The Markdown of one run (without the machine header, which the caller writes). */
export function httpReport(run: HttpRun): string {
  const s = run.settings;
  return [
    '## HTTP, loopback, interleaved',
    '',
    `autocannon, \`POST /process-data/\` with a ~60-byte JSON body, ${s.connections} connections, no pipelining; ${s.rounds} rounds × ${s.duration} s measured after ${s.warmup} s of discarded warm-up; every app in a fresh server process per round, apps interleaved (order rotated each round); ${run.pinning}. Server CPU = utime + stime of the server process (all threads) from /proc/<pid>/stat over the measured window ÷ requests answered in it. Cells: median (min–max) over rounds; ratios are per round (both sides from the same round), median (min–max).`,
    '',
    appsTable(run.results),
    '',
    '### Per-round ratios',
    '',
    ratiosTable(run.results),
    '',
    '### Targets',
    '',
    targetsTable(run.results),
    '',
    '### Every round',
    '',
    rawTable(run.results, s.rounds),
    '',
  ].join('\n');
}
