import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type CliOptions, runCli } from '../../src/cli/run-cli';

// `koa-event-bus graph` through runCli on small projects (each folder of
// test/fixtures/cli-graph/ has a tsconfig.json), read with the TypeScript
// compiler API: nothing of them runs.
const root = path.join(__dirname, '..', '..');
const fixture = (name: string) => path.join(root, 'test', 'fixtures', 'cli-graph', name);

async function graph(argv: string[], options: CliOptions) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(
    ['graph', ...argv],
    { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
    {},
    options,
  );
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

test('aliased imports, a namespace import and a renaming barrel resolve to the class; a same-named class of another module is another event; an emit() of something else is no edge; includeSubclasses reaches the subclass', async () => {
  expect(await graph([], { cwd: fixture('aliases') })).toEqual({
    code: 0,
    stderr: '',
    stdout: [
      'flowchart LR',
      '  r1[/"POST /orders"/]',
      '  r2[/"POST /orders/legacy"/]',
      '  e1(["ExpressShipped"])',
      '  e2(["OrderPlaced (events.ts)"])',
      '  e3(["OrderPlaced (legacy/events.ts)"])',
      '  e4(["OrderShipped"])',
      '  h1["Shipping.notify"]',
      '  h2["Shipping.ship"]',
      '  h3["legacy-archive"]',
      '  r1 --> e2',
      '  r2 --> e3',
      '  e1 -->|subclass| h1',
      '  e2 --> h2',
      '  e3 --> h3',
      '  e4 --> h1',
      '  h2 -->|returns| e1',
      '  h2 -->|returns| e4',
    ].join('\n'),
  });
});

test('follow-ups returned (arrays, promises, unions) and emitted through ctx; emits through a called function; emits outside any route or handler hang from their function or module; unresolved emits and returns are marked', async () => {
  expect(await graph([], { cwd: fixture('follow-ups') })).toEqual({
    code: 0,
    stderr: '',
    stdout: [
      'flowchart LR',
      '  r1[/"POST /payments"/]',
      '  r2[/"POST /payments/:id/refund"/]',
      '  r3[/"POST /payments/replay"/]',
      '  f1[["main"]]',
      '  f2[["nightly-job.ts (module)"]]',
      '  e1(["AuditLogged"])',
      '  e2(["FraudSuspected"])',
      '  e3(["InvoiceSent"])',
      '  e4(["PaymentReceived"])',
      '  e5(["ReceiptSent"])',
      '  e6(["RefundIssued"])',
      '  h1["Billing.invoice"]',
      '  h2["Billing.mystery"]',
      '  h3["Billing.refund"]',
      '  u1{{"? payload: object"}}',
      '  u2{{"? returns: Promise#lt;unknown#gt;"}}',
      '  u3{{"? suspicious ? new FraudSuspected() : new…: RefundIssued | FraudSuspected"}}',
      '  r1 --> e4',
      '  r2 -.->|unresolved| u3',
      '  r3 --> e1',
      '  r3 -.->|unresolved| u1',
      '  f1 --> e1',
      '  f2 --> e1',
      '  e3 --> h2',
      '  e4 --> h1',
      '  e6 --> h3',
      '  h1 -->|returns| e3',
      '  h1 -->|returns| e5',
      '  h2 -.->|unresolved| u2',
      '  h3 -->|returns| e1',
      '  h3 --> e3',
      '  u3 -.->|may be| e2',
      '  u3 -.->|may be| e6',
      '  classDef unresolved stroke:#d33,stroke-dasharray:4 3,color:#d33',
      '  class u1,u2,u3 unresolved',
      '  classDef unhandled stroke-dasharray:2 2',
      '  class e1,e2,e5 unhandled',
    ].join('\n'),
  });
});

test('--format json: nodes with their files, wire names and unresolved reasons; edges by kind', async () => {
  const { code, stdout } = await graph(['--format', 'json'], { cwd: fixture('follow-ups') });
  expect(code).toBe(0);
  const { nodes, edges } = JSON.parse(stdout) as {
    nodes: Record<string, string>[];
    edges: Record<string, string>[];
  };
  expect(nodes.find((n) => n.id === 'route:POST /payments')).toEqual({
    id: 'route:POST /payments',
    kind: 'route',
    label: 'POST /payments',
    file: 'payments.controller.ts',
    source: 'PaymentsController.pay',
  });
  expect(nodes.find((n) => n.id === 'event:PaymentReceived')).toEqual({
    id: 'event:PaymentReceived',
    kind: 'event',
    label: 'PaymentReceived',
    file: 'events.ts',
    wireName: 'payment.received',
  });
  expect(nodes.filter((n) => n.kind === 'unresolved')).toEqual([
    {
      id: 'unresolved:payments.controller.ts:23:19',
      kind: 'unresolved',
      label: '? payload: object',
      file: 'payments.controller.ts:23',
      reason: 'not-a-class',
    },
    {
      id: 'unresolved:billing.handler.ts:21:9',
      kind: 'unresolved',
      label: '? returns: Promise<unknown>',
      file: 'billing.handler.ts:21',
      reason: 'unknown',
    },
    {
      id: 'unresolved:payments.controller.ts:18:19',
      kind: 'unresolved',
      label: '? suspicious ? new FraudSuspected() : new…: RefundIssued | FraudSuspected',
      file: 'payments.controller.ts:18',
      reason: 'union',
    },
  ]);
  expect(nodes.filter((n) => n.kind === 'function').map((n) => n.id)).toEqual([
    'function:nightly-job.ts#main',
    'function:nightly-job.ts#(module)',
  ]);
  expect(edges.filter((e) => e.from === 'handler:Billing.refund')).toEqual([
    { from: 'handler:Billing.refund', to: 'event:AuditLogged', kind: 'returns' },
    { from: 'handler:Billing.refund', to: 'event:InvoiceSent', kind: 'emits' },
  ]);
});

test('entry globs narrow the files read (relative to the working directory)', async () => {
  const { code, stdout } = await graph(['payments.controller.ts', 'record-payment.ts'], {
    cwd: fixture('follow-ups'),
  });
  expect(code).toBe(0);
  expect(stdout).not.toContain('Billing');
  expect(stdout).toContain('r1 --> e');
});

describe('what graph cannot read is a coded message, never a stack trace', () => {
  const HINT =
    "Pass --project path/to/tsconfig.json and/or entry files or globs ('src/**/*.ts') that import koa-event-bus.";

  test.each([
    [[], fixture(''), `No tsconfig.json in ${fixture('')}.`],
    [
      ['--project', 'tsconfig.app.json'],
      fixture('aliases'),
      '--project tsconfig.app.json: no such file.',
    ],
    [
      ['src/**/*.ts'],
      fixture('aliases'),
      `No file matches 'src/**/*.ts' in ${fixture('aliases')}.`,
    ],
    [
      ['test/fixtures/cli-list/throws-on-load.ts'],
      root,
      'None of the 1 analysed file(s) imports koa-event-bus: there is no event flow to draw.',
    ],
  ])('graph %j in %s: KEB_CLI_PROJECT_INVALID, exit 2', async (argv, cwd, message) => {
    expect(await graph(argv, { cwd })).toEqual({
      code: 2,
      stdout: '',
      stderr: `KEB_CLI_PROJECT_INVALID: ${message}\n${HINT}`,
    });
  });

  test('an unreadable tsconfig', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keb-graph-'));
    writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "strict": tru');
    try {
      const { code, stderr } = await graph([], {
        cwd: dir,
        requireTypeScript: () => require('typescript'), // the temp folder has none of its own
      });
      expect({ code, first: stderr.split('\n')[0] }).toEqual({
        code: 2,
        first: `KEB_CLI_PROJECT_INVALID: Cannot read ${path.join(dir, 'tsconfig.json')}: '}' expected.`,
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('typescript missing from the project: KEB_CLI_TYPESCRIPT_MISSING, exit 1', async () => {
    const requireTypeScript = () => {
      throw Object.assign(new Error("Cannot find module 'typescript'\nRequire stack:\n- /app"), {
        code: 'MODULE_NOT_FOUND',
      });
    };
    expect(await graph([], { cwd: fixture('aliases'), requireTypeScript })).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        `KEB_CLI_TYPESCRIPT_MISSING: koa-event-bus graph reads your sources with the TypeScript compiler API, and cannot load 'typescript' from ${fixture('aliases')} (Cannot find module 'typescript').`,
        'Install it in your project (npm install -D typescript), or run the command from the folder that has it.',
      ].join('\n'),
    });
  });
});
