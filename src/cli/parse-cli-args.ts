import { parseArgs } from 'node:util';
import type { DlqCommand } from './dlq/dlq-command';
import type { GraphCommand } from './graph/graph-command';
import type { ListCommand } from './list/list-command';
import { DEFAULT_URL, usageError } from './usage';

export type CliCommand = DlqCommand | ListCommand | GraphCommand;

type Values = ReturnType<typeof parse>['values'];

const OPTIONS_OF: Record<CliCommand['kind'], readonly (keyof Values)[]> = {
  dlq: ['app', 'url', 'limit', 'json'],
  list: ['entry', 'export', 'discover', 'json'],
  graph: ['project', 'format'],
};

/**
 * Reads the command line (without `node` and the script), or throws a
 * usage error (exit code 2) that says what is wrong and shows the usage.
 *
 * @example
 * ```ts
 * parseCliArgs(['dlq', 'list', 'mailer', '--app', 'shop']).kind; // 'dlq'
 * parseCliArgs(['graph', 'src/**\/*.ts', '--format', 'json']); // { kind: 'graph', … }
 * ```
 */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [kind, ...rest] = positionals;
  if (kind !== 'dlq' && kind !== 'list' && kind !== 'graph')
    throw usageError(kind ? `Unknown command '${kind}'.` : 'No command given.');
  const foreign = Object.keys(values).find((k) => !OPTIONS_OF[kind].includes(k as keyof Values));
  if (foreign) throw usageError(`--${foreign} is not an option of ${kind}.`);
  if (kind === 'list') return listCommand(values, rest);
  if (kind === 'graph') return graphCommand(values, rest);
  return dlqCommand(values, rest, env);
}

function listCommand(values: Values, rest: readonly string[]): ListCommand {
  if (rest.length > 0) throw usageError(`Unexpected argument '${rest[0]}'.`);
  const { entry, discover } = values;
  if (entry !== undefined && discover !== undefined)
    throw usageError('list takes --entry or --discover, not both.');
  if (discover !== undefined) {
    if (values.export !== undefined) throw usageError('--export goes with --entry.');
    return { kind: 'list', source: { discover }, json: values.json ?? false };
  }
  if (entry === undefined)
    throw usageError(
      'list needs --entry <module> (it exports the app or bus) or --discover <glob> (handler files).',
    );
  return { kind: 'list', source: { entry, export: values.export }, json: values.json ?? false };
}

function graphCommand(values: Values, entries: readonly string[]): GraphCommand {
  const format = values.format ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'json')
    throw usageError(`--format must be mermaid or json (got '${format}').`);
  return { kind: 'graph', entries, project: values.project, format };
}

function dlqCommand(values: Values, rest: readonly string[], env: NodeJS.ProcessEnv): DlqCommand {
  const [command, handlerId, ...extra] = rest;
  if (command !== 'list' && command !== 'replay')
    throw usageError(command ? `Unknown dlq command '${command}'.` : 'No dlq command given.');
  if (!handlerId) throw usageError(`dlq ${command} needs a <handler-id>.`);
  if (extra.length > 0) throw usageError(`Unexpected argument '${extra[0]}'.`);
  if (!values.app)
    throw usageError('--app is required: the app name given to rabbitmqTransport({ app }).');
  if (command === 'replay' && values.json) throw usageError('--json is an option of dlq list.');
  return {
    kind: 'dlq',
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
      entry: { type: 'string' },
      export: { type: 'string' },
      discover: { type: 'string', multiple: true },
      project: { type: 'string' },
      format: { type: 'string' },
    },
  });
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1)
    throw usageError(`--limit must be an integer ≥ 1 (got '${text}').`);
  return n;
}
