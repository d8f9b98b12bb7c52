import { CliError } from '../../src/cli/cli-error';
import { parseCliArgs } from '../../src/cli/parse-cli-args';
import { runCli } from '../../src/cli/run-cli';
import { DEFAULT_URL, USAGE } from '../../src/cli/usage';

const usageError = (argv: string[]) => {
  try {
    parseCliArgs(argv);
  } catch (err) {
    return { code: (err as CliError).exitCode, first: (err as Error).message.split('\n')[0] };
  }
  throw new Error('parsed');
};

test('reads a dlq command, its options and their defaults', () => {
  expect(parseCliArgs(['dlq', 'list', 'mailer', '--app', 'shop'])).toEqual({
    kind: 'dlq',
    command: 'list',
    handlerId: 'mailer',
    app: 'shop',
    url: DEFAULT_URL,
    limit: undefined,
    json: false,
  });
  expect(
    parseCliArgs(['dlq', 'list', 'Mailer.send', '--app=shop', '--limit', '5', '--json'], {
      RABBITMQ_URL: 'amqp://rabbit:5672',
    }),
  ).toEqual({
    kind: 'dlq',
    command: 'list',
    handlerId: 'Mailer.send',
    app: 'shop',
    url: 'amqp://rabbit:5672',
    limit: 5,
    json: true,
  });
  expect(
    parseCliArgs(['dlq', 'replay', 'mailer', '--app', 'shop', '--url', 'amqp://x']),
  ).toMatchObject({ command: 'replay', url: 'amqp://x' });
});

test('a wrong command line is a usage error (exit code 2) saying what is wrong', () => {
  expect(usageError([])).toEqual({ code: 2, first: 'No command given.' });
  expect(usageError(['queue'])).toEqual({ code: 2, first: "Unknown command 'queue'." });
  expect(usageError(['dlq', 'purge', 'm'])).toEqual({
    code: 2,
    first: "Unknown dlq command 'purge'.",
  });
  expect(usageError(['dlq', 'list'])).toEqual({ code: 2, first: 'dlq list needs a <handler-id>.' });
  expect(usageError(['dlq', 'list', 'm'])).toEqual({
    code: 2,
    first: '--app is required: the app name given to rabbitmqTransport({ app }).',
  });
  expect(usageError(['dlq', 'list', 'm', '--app', 'a', '--limit', '0'])).toEqual({
    code: 2,
    first: "--limit must be an integer ≥ 1 (got '0').",
  });
  expect(usageError(['dlq', 'list', 'm', 'n', '--app', 'a'])).toEqual({
    code: 2,
    first: "Unexpected argument 'n'.",
  });
  expect(usageError(['dlq', 'replay', 'm', '--app', 'a', '--json'])).toEqual({
    code: 2,
    first: '--json is an option of dlq list.',
  });
  expect(usageError(['dlq', 'list', 'm', '--app', 'a', '--force']).code).toBe(2);
});

test('--help prints the usage on stdout and exits 0', async () => {
  const out: string[] = [];
  const code = await runCli(['dlq', '--help'], {
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
  });
  expect({ code, out }).toEqual({ code: 0, out: [USAGE] });
});

test('reads list and graph commands', () => {
  expect(
    parseCliArgs(['list', '--entry', 'src/app.ts', '--export', 'createShopApp', '--json']),
  ).toEqual({
    kind: 'list',
    source: { entry: 'src/app.ts', export: 'createShopApp' },
    json: true,
  });
  expect(
    parseCliArgs(['list', '--discover', 'src/**/*.handler.ts', '--discover=lib/*.js']),
  ).toEqual({
    kind: 'list',
    source: { discover: ['src/**/*.handler.ts', 'lib/*.js'] },
    json: false,
  });
  expect(parseCliArgs(['graph'])).toEqual({
    kind: 'graph',
    entries: [],
    project: undefined,
    format: 'mermaid',
  });
  expect(
    parseCliArgs([
      'graph',
      'src/**/*.ts',
      'lib/x.ts',
      '--project',
      'tsconfig.app.json',
      '--format',
      'json',
    ]),
  ).toEqual({
    kind: 'graph',
    entries: ['src/**/*.ts', 'lib/x.ts'],
    project: 'tsconfig.app.json',
    format: 'json',
  });
});

test('an option of another command, or a wrong --format, is a usage error', () => {
  expect(usageError(['graph', '--format', 'dot'])).toEqual({
    code: 2,
    first: "--format must be mermaid or json (got 'dot').",
  });
  expect(usageError(['graph', '--json'])).toEqual({
    code: 2,
    first: '--json is not an option of graph.',
  });
  expect(usageError(['dlq', 'list', 'm', '--app', 'a', '--entry', 'x.ts'])).toEqual({
    code: 2,
    first: '--entry is not an option of dlq.',
  });
  expect(usageError(['list', '--entry'])).toMatchObject({ code: 2 });
});
