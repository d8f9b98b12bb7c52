import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// docs/guide/observability.md is checked against the code: its ```ts blocks (each names its
// file on its first line) typecheck together as one strict program, and telemetry.ts and
// shop.ts run for real in a child process with the Node SDK (console exporter, read back as
// data): the trees of the guide's ```text blocks are the spans the SDK exported.
const root = path.join(__dirname, '..', '..');
const guide = readFileSync(path.join(root, 'docs', 'guide', 'observability.md'), 'utf8');
const blocks = [...guide.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  lang: m[1]!,
  body: m[2]!,
}));
const snippets = new Map(
  blocks
    .filter((b) => b.lang === 'ts')
    .map((b) => [/^\/\/ ([\w-]+\.ts)/.exec(b.body)?.[1], b.body]),
);
const trees = blocks.filter((b) => b.lang === 'text').map((b) => b.body.trimEnd());

test('every ts block names its file and imports the package, not its internals', () => {
  expect([...snippets.keys()]).toEqual(['telemetry.ts', 'shop.ts', 'main.ts', 'worker.ts']);
  for (const body of snippets.values()) expect(body).not.toMatch(/from '\.\.\/|src\//);
});

test('the ts blocks typecheck together (strict, as the project)', () => {
  const dir = path.join(root, 'test', 'docs', 'observability-snippets');
  const files = new Map([...snippets].map(([name, body]) => [path.join(dir, name!), body]));
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  options.paths = {
    'koa-event-bus': [path.join(root, 'src', 'index.ts')],
    'koa-event-bus/otel': [path.join(root, 'src', 'otel', 'index.ts')],
    'koa-event-bus/rabbitmq': [path.join(root, 'src', 'transport', 'rabbitmq', 'index.ts')],
  };
  options.noEmit = true;
  options.types = ['node'];
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.directoryExists = (d) => d === dir || (directoryExists?.(d) ?? true);
  host.getSourceFile = (f, lang, ...rest) =>
    files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang) : getSourceFile(f, lang, ...rest);
  const program = ts.createProgram([...files.keys()], options, host);
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
});

// Runs POST /users through createShopApp() under the guide's telemetry.ts, with a server
// span as the HTTP instrumentation makes, and prints the spans the console exporter got.
const DRIVER = `
import 'reflect-metadata';
import { sdk } from './telemetry';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { createShopApp } from './shop';

const exported: any[] = [];
console.dir = (span: unknown) => { exported.push(span); };

async function main() {
  const app = createShopApp({ parentProcessSpan: process.argv[2] === 'parent' });
  const tracer = trace.getTracer('http');
  const handle = app.koa.callback();
  const server = http.createServer((req, res) => {
    const span = tracer.startSpan(req.method + ' ' + req.url, { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    res.on('finish', () => span.end());
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => handle(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const res = await fetch('http://127.0.0.1:' + port + '/users', { method: 'POST' });
  await res.text();
  await app.bus.drain();
  server.close();
  await app.close();
  await sdk.shutdown();
}
// The SDK exports after shutdown() resolves (it waits for the resource): print at exit.
process.on('exit', () => {
  const spans = exported.map((s) => ({
    name: s.name, id: s.id, kind: s.kind, start: s.timestamp,
    parent: s.parentSpanContext?.spanId, links: s.links.map((l: any) => l.context.spanId),
  }));
  process.stdout.write('SPANS ' + JSON.stringify(spans) + '\\n');
});
void main();
`;

interface Exported {
  name: string;
  id: string;
  kind: number;
  start: number;
  parent?: string;
  links: string[];
}

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

function tree(spans: Exported[]): string {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const lines: string[] = [];
  const walk = (s: Exported, depth: number) => {
    const links = s.links.map((l) => `  ↗ linked to ${byId.get(l)?.name}`).join('');
    lines.push(`${'  '.repeat(depth)}${s.name} (${KINDS[s.kind]})${links}`);
    for (const c of spans.filter((x) => x.parent === s.id).sort((a, b) => a.start - b.start))
      walk(c, depth + 1);
  };
  const roots = spans.filter((s) => !s.parent || !byId.has(s.parent));
  for (const r of roots.sort((a, b) => a.start - b.start)) walk(r, 0);
  return lines.join('\n');
}

function runShop(mode: 'link' | 'parent'): Exported[] {
  const dir = path.join(root, '.cache', `observability-doc-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(path.join(dir, 'telemetry.ts'), snippets.get('telemetry.ts')!);
    writeFileSync(path.join(dir, 'shop.ts'), snippets.get('shop.ts')!);
    writeFileSync(path.join(dir, 'driver.ts'), DRIVER);
    const out = execFileSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        path.join(dir, 'driver.ts'),
        mode,
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          TS_NODE_PROJECT: path.join(root, 'tsconfig.json'),
          OTEL_TRACES_EXPORTER: 'console',
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
          NODE_ENV: 'production',
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const line = out.split('\n').find((l) => l.startsWith('SPANS '));
    if (!line) throw new Error(`no SPANS line in:\n${out}`);
    return JSON.parse(line.slice('SPANS '.length)) as Exported[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the Node SDK setup of the guide exports the trees the guide shows (links by default)', () => {
  expect(tree(runShop('link'))).toBe(trees[0]);
}, 90_000);

test('... and one trace with parentProcessSpan', () => {
  expect(tree(runShop('parent'))).toBe(trees[1]);
}, 90_000);
