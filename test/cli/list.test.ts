import * as path from 'node:path';
import { runCli } from '../../src/cli/run-cli';

// `koa-event-bus list` through runCli, from the repository root as a user
// runs it from their project's.
const root = path.join(__dirname, '..', '..');

async function list(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(
    ['list', ...argv],
    { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
    {},
    { cwd: root },
  );
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const USERS_TABLE = [
  'EVENT                    HANDLER                  ORDER  RETRY       TIMEOUT  WHEN  SOURCE',
  'user.registered          SendWelcomeEmail.send    0      3 attempts  5000ms   -     examples/users/handlers/send-welcome-email.handler.ts',
  '                         AuditTrail.record        0      none        -        -     examples/users/handlers/audit.handler.ts',
  '                         StatsCounter.registered  0      none        -        -     examples/users/handlers/stats.handler.ts',
  'user.welcome-email-sent  AuditTrail.record        0      none        -        -     examples/users/handlers/audit.handler.ts',
  '                         StatsCounter.welcomed    0      none        -        -     examples/users/handlers/stats.handler.ts',
].join('\n');

test('list --entry calls the factory named by --export and prints the table', async () => {
  expect(await list('--entry', 'examples/users/app.ts', '--export', 'createUsersApp')).toEqual({
    code: 0,
    stdout: USERS_TABLE,
    stderr: '',
  });
});

test('list --discover builds a bus from the handler classes the globs find (no constructor runs)', async () => {
  const { code, stdout } = await list('--discover', 'examples/users/handlers/*.handler.ts');
  expect(code).toBe(0);
  // Discovery order: sorted files, then export order.
  expect(stdout.split('\n').map((l) => l.slice(25, 48).trim())).toEqual([
    'HANDLER',
    'AuditTrail.record',
    'SendWelcomeEmail.send',
    'StatsCounter.registered',
    'AuditTrail.record',
    'StatsCounter.welcomed',
  ]);
});

test('list --json: one row per (event, handler) with every column', async () => {
  const { code, stdout } = await list('--entry', 'test/fixtures/cli-list/shop-bus.ts', '--json');
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual([
    {
      event: 'order.placed',
      version: 1,
      handler: 'billing.charge',
      order: -1,
      attempts: 1,
      timeoutMs: 2000,
      includeSubclasses: true,
      when: null,
      file: 'test/fixtures/cli-list/shop-bus.ts',
    },
    {
      event: 'order.placed',
      version: 1,
      handler: 'big-order-alert',
      order: 0,
      attempts: 1,
      timeoutMs: 2000,
      includeSubclasses: false,
      when: '(e) => e.total > 1000',
      file: 'test/fixtures/cli-list/shop-bus.ts',
    },
  ]);
});

test('an exported bus (not an app) is found without --export; the table marks subclasses and shows `when`', async () => {
  expect((await list('--entry', 'test/fixtures/cli-list/shop-bus.ts')).stdout).toBe(
    [
      'EVENT         HANDLER                       ORDER  RETRY  TIMEOUT  WHEN                   SOURCE',
      'order.placed  billing.charge (+subclasses)  -1     none   2000ms   -                      test/fixtures/cli-list/shop-bus.ts',
      '              big-order-alert               0      none   2000ms   (e) => e.total > 1000  test/fixtures/cli-list/shop-bus.ts',
    ].join('\n'),
  );
});

describe('what list cannot use is a coded message and exit code 2, never a stack trace', () => {
  const HINT =
    "Export the app (export const app = createApp(…)) or its bus from the --entry module, or name a factory with --export; or pass --discover 'src/**/*.handler.ts'.";

  test.each([
    [
      ['--entry', 'test/fixtures/cli-list/throws-on-load.ts'],
      'KEB_CLI_APP_NOT_FOUND: test/fixtures/cli-list/throws-on-load.ts threw while loading: DATABASE_URL is not set',
    ],
    [
      ['--entry', 'test/fixtures/cli-list/exports-nothing-useful.ts'],
      'KEB_CLI_APP_NOT_FOUND: test/fixtures/cli-list/exports-nothing-useful.ts exports no app or bus (its exports: port).',
    ],
    [
      ['--entry', 'test/fixtures/cli-list/no-exports.ts'],
      'KEB_CLI_APP_NOT_FOUND: test/fixtures/cli-list/no-exports.ts exports no app or bus (its exports: none).',
    ],
    [
      ['--entry', 'examples/users/app.ts'],
      'KEB_CLI_APP_NOT_FOUND: examples/users/app.ts exports no app or bus (its exports: createUsersApp). If createUsersApp builds the app, pass --export createUsersApp.',
    ],
    [
      ['--entry', 'examples/users/app.ts', '--export', 'createApp'],
      "KEB_CLI_APP_NOT_FOUND: examples/users/app.ts has no export 'createApp' (its exports: createUsersApp).",
    ],
    [
      ['--entry', 'src/nowhere.ts'],
      `KEB_CLI_APP_NOT_FOUND: --entry src/nowhere.ts: no such file in ${root}.`,
    ],
    [
      ['--discover', 'examples/users/**/*.nothing.ts'],
      `KEB_CLI_APP_NOT_FOUND: --discover 'examples/users/**/*.nothing.ts' matches no file in ${root}.`,
    ],
    [
      ['--discover', 'examples/users/events.ts'],
      "KEB_CLI_APP_NOT_FOUND: --discover 'examples/users/events.ts' matches files that export no handler class.",
    ],
  ])('list %j', async (argv, message) => {
    expect(await list(...argv)).toEqual({ code: 2, stdout: '', stderr: `${message}\n${HINT}` });
  });

  test('a handler file that throws while loading', async () => {
    const { code, stderr } = await list('--discover', 'test/fixtures/discover-broken/*.ts');
    expect({ code, first: stderr.split('\n')[0] }).toEqual({
      code: 2,
      first: `KEB_CLI_APP_NOT_FOUND: --discover 'test/fixtures/discover-broken/*.ts': Could not load handler file ${root}/test/fixtures/discover-broken/broken.handler.ts: Error: this module fails to load. Fix the error in that file, or narrow the \`discover\` glob so it does not match it.`,
    });
  });

  test("a mistake in the project's handlers is its koa-event-bus error: code and message, exit 1", async () => {
    expect(await list('--discover', 'test/fixtures/discover-undecorated/*.ts')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'KEB_MISSING_EVENT_HANDLER_DECORATOR: Class ForgotTheClassDecorator has @OnEvent methods but no @EventHandler() decorator. Add @EventHandler() above `class ForgotTheClassDecorator` so it can be discovered and constructed.',
    });
  });

  test('bad arguments are a usage error', async () => {
    const cases = [
      [
        [],
        'list needs --entry <module> (it exports the app or bus) or --discover <glob> (handler files).',
      ],
      [['--entry', 'a.ts', '--discover', 'b'], 'list takes --entry or --discover, not both.'],
      [['--discover', 'b', '--export', 'x'], '--export goes with --entry.'],
      [['--entry', 'a.ts', '--limit', '3'], '--limit is not an option of list.'],
      [['--entry', 'a.ts', 'extra'], "Unexpected argument 'extra'."],
    ] as const;
    for (const [argv, first] of cases) {
      const { code, stderr } = await list(...argv);
      expect({ code, first: stderr.split('\n')[0] }).toEqual({ code: 2, first });
      expect(stderr).toContain('Usage:');
    }
  });
});
