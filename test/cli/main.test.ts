import { execFile } from 'node:child_process';
import * as path from 'node:path';

// The entry point as npm's bin runs it (here through ts-node, without a
// build; tsconfig-paths resolves the example's 'koa-event-bus' imports as
// node_modules would for a user): stdout, stderr and the exit code.
const root = path.join(__dirname, '..', '..');

function runMain(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'src/cli/main.ts',
        ...argv,
      ],
      { cwd: root, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('list and graph through the bin: output on stdout, exit 0, even when the entry leaves a timer running; a bad entry exits 2 with one coded message', async () => {
  const [listed, graphed, broken, kept] = await Promise.all([
    runMain('list', '--entry', 'examples/users/app.ts', '--export', 'createUsersApp', '--json'),
    runMain('graph', 'examples/users/**/*.ts', '--format', 'json'),
    runMain('list', '--entry', 'test/fixtures/cli-list/throws-on-load.ts'),
    runMain('list', '--entry', 'test/fixtures/cli-list/keeps-running.ts', '--json'),
  ]);

  expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(listed.stdout).map((r: { handler: string }) => r.handler)).toEqual([
    'SendWelcomeEmail.send',
    'AuditTrail.record',
    'StatsCounter.registered',
    'AuditTrail.record',
    'StatsCounter.welcomed',
  ]);
  expect({ code: graphed.code, stderr: graphed.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(graphed.stdout).edges).toContainEqual({
    from: 'handler:SendWelcomeEmail.send',
    to: 'event:WelcomeEmailSent',
    kind: 'returns',
  });
  // A module that keeps the event loop busy does not keep the command running.
  expect({ code: kept.code, rows: JSON.parse(kept.stdout || '[]').length }).toEqual({
    code: 0,
    rows: 2,
  });
  expect(broken).toEqual({
    code: 2,
    stdout: '',
    stderr: expect.stringMatching(
      /^KEB_CLI_APP_NOT_FOUND: test\/fixtures\/cli-list\/throws-on-load\.ts threw while loading: DATABASE_URL is not set\nExport the app [^\n]*\n$/,
    ),
  });
}, 30_000);
