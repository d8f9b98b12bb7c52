import { parseArgs } from 'node:util';
import { CliError, ExitCode } from './cli-error';

/** The default broker, as for `rabbitmqTransport()`. */
export const DEFAULT_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** A parsed `koa-event-bus dlq <list|replay> <handler-id>` invocation. */
export interface DlqCommand {
  readonly command: 'list' | 'replay';
  readonly handlerId: string;
  readonly app: string;
  readonly url: string;
  /** At most this many messages (default: every message in the queue when the command starts). */
  readonly limit: number | undefined;
  readonly json: boolean;
}

export const USAGE = `Usage:
  koa-event-bus dlq list <handler-id> --app <app> [--url amqp://...] [--limit N] [--json]
  koa-event-bus dlq replay <handler-id> --app <app> [--url amqp://...] [--limit N]

  list    shows the dead letters of <app>.<handler-id>.dlq, oldest first, and leaves them there
  replay  moves them back to <app>.<handler-id> with attempt 1 (each removed only once its copy is confirmed)

Options:
  --app    the app name given to rabbitmqTransport({ app })
  --url    the broker (default ${DEFAULT_URL}, or $RABBITMQ_URL)
  --limit  at most N messages (default: all)
  --json   list: one JSON array on stdout`;

/**
 * Reads the command line (without `node` and the script), or throws a
 * `CliError` (exit code 2) that says what is wrong and shows the usage.
 *
 * @example
 * ```ts
 * parseCliArgs(['dlq', 'list', 'mailer', '--app', 'shop']).handlerId; // 'mailer'
 * ```
 */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): DlqCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [group, command, handlerId, ...extra] = positionals;
  if (group !== 'dlq') throw usage(group ? `Unknown command '${group}'.` : 'No command given.');
  if (command !== 'list' && command !== 'replay')
    throw usage(command ? `Unknown dlq command '${command}'.` : 'No dlq command given.');
  if (!handlerId) throw usage(`dlq ${command} needs a <handler-id>.`);
  if (extra.length > 0) throw usage(`Unexpected argument '${extra[0]}'.`);
  if (!values.app)
    throw usage('--app is required: the app name given to rabbitmqTransport({ app }).');
  if (command === 'replay' && values.json) throw usage('--json is an option of dlq list.');
  return {
    command,
    handlerId,
    app: values.app,
    url: values.url ?? env.RABBITMQ_URL ?? DEFAULT_URL,
    limit: values.limit === undefined ? undefined : positiveInteger(values.limit),
    json: values.json ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      app: { type: 'string' },
      url: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) throw usage(`--limit must be an integer ≥ 1 (got '${text}').`);
  return n;
}

function usage(problem: string): CliError {
  return new CliError(`${problem}\n\n${USAGE}`, ExitCode.Usage);
}
