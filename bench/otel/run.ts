import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { median } from '../lib/stats';

// The OpenTelemetry integration's overhead (issue 12): emit + dispatch with no
// instrumentation, with openTelemetry() and no SDK registered (the API's no-op
// providers), and with the SDK registered and no-op exporters. One fresh
// process per configuration, workload and round; configurations rotated within
// each round; per-round ratios to "none", median (min–max) over rounds. Usage:
//   npm run bench:otel [-- --rounds 5 --out bench/results/otel.md]

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const ROUNDS = Number(opt('rounds', '5'));
const OUT = opt('out', '');
const CONFIGS = ['none', 'api', 'sdk'] as const;
const WORKLOADS = ['emit', 'request'] as const;
const WORKER = `${__dirname}/worker.ts`;

type Config = (typeof CONFIGS)[number];
type Workload = (typeof WORKLOADS)[number];

function measure(config: Config, workload: Workload): number {
  const out = execFileSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      WORKER,
      config,
      workload,
    ],
    { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
  );
  return (JSON.parse(out.trim().split('\n').pop()!) as { nsPerEvent: number }).nsPerEvent;
}

const ns = new Map<string, number[]>();
const ratios = new Map<string, number[]>();
const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);

for (let round = 0; round < ROUNDS; round++) {
  for (const workload of WORKLOADS) {
    const order = CONFIGS.map((_, i) => CONFIGS[(i + round) % CONFIGS.length]!);
    const got = {} as Record<Config, number>;
    for (const config of order) {
      got[config] = measure(config, workload);
      push(ns, `${workload}/${config}`, got[config]);
    }
    for (const config of CONFIGS)
      if (config !== 'none') push(ratios, `${workload}/${config}`, got[config] / got.none);
    process.stderr.write(
      `round ${round + 1}/${ROUNDS} ${workload}: ${order.map((c) => `${c} ${(got[c] / 1000).toFixed(2)} µs`).join(', ')}\n`,
    );
  }
}

const us = (x: number) => `${(x / 1000).toFixed(2)} µs`;
const range = (xs: number[], f: (x: number) => string) =>
  `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
const ratio = (x: number) => `${x.toFixed(2)}×`;
const WHAT: Record<Workload, string> = {
  emit: '`bus.emit()` outside a scope, one async handler (1 send + 1 process span)',
  request:
    'a request-like scope: open, emit, commit; the handler returns a follow-up that a second handler runs (2 send + 2 process spans)',
};
const lines = [
  '# OpenTelemetry overhead (bench/otel)',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), shared machine.`,
  `Command: \`npm run bench:otel -- --rounds ${ROUNDS}\`. ${ROUNDS} rounds; one fresh process per configuration, workload and round,`,
  'configurations rotated within each round; each process runs 20 000 events as a warm-up, then 7 timed runs of 20 000',
  '(awaiting `drain()`), and reports the median time per event. Ratios are taken per round against "none" of the same',
  'round; each cell is the median over rounds with the min–max.',
  '',
  '- **none**: no `instrumentation` option.',
  '- **api**: `instrumentation: openTelemetry()` with `@opentelemetry/api` and no SDK registered (no-op providers).',
  '- **sdk**: the SDK registered as the Node SDK does (AsyncLocalStorage context manager, W3C propagator, `BasicTracerProvider`',
  '  with a `BatchSpanProcessor`, `MeterProvider` with a periodic reader), every exporter a no-op.',
  '',
  '| workload | none, per event | api, per event | sdk, per event | api / none | sdk / none |',
  '| --- | --- | --- | --- | --- | --- |',
  ...WORKLOADS.map(
    (w) =>
      `| ${WHAT[w]} | ${range(ns.get(`${w}/none`)!, us)} | ${range(ns.get(`${w}/api`)!, us)} | ${range(ns.get(`${w}/sdk`)!, us)} | ${range(ratios.get(`${w}/api`)!, ratio)} | ${range(ratios.get(`${w}/sdk`)!, ratio)} |`,
  ),
  '',
];
const text = lines.join('\n');
process.stdout.write(`${text}\n`);
if (OUT) writeFileSync(OUT, text);
