import { CliError, ExitCode } from './cli-error';

/** The default broker, as for `rabbitmqTransport()`. */
export const DEFAULT_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** What `koa-event-bus --help` prints, and every usage error ends with. */
export const USAGE = `Usage:
  koa-event-bus list --entry <module> [--export <name>] [--json]
  koa-event-bus list --discover <glob> [--discover <glob>...] [--json]
  koa-event-bus graph [<file-or-glob>...] [--project <tsconfig>] [--format mermaid|json]
  koa-event-bus dlq list <handler-id> --app <app> [--url amqp://...] [--limit N] [--json]
  koa-event-bus dlq replay <handler-id> --app <app> [--url amqp://...] [--limit N]

  list        the events and their handlers (id, order, retry, timeout, when, source file),
              from the app or bus an entry module exports (or a factory named by --export),
              or from the handler classes that discovery globs find (no constructor runs)
  graph       a Mermaid flowchart of routes → events → handlers → follow-up events, read from
              the sources with the project's TypeScript compiler (nothing runs); what it cannot
              resolve is a dashed '?' node
  dlq list    shows the dead letters of <app>.<handler-id>.dlq, oldest first, and leaves them there
  dlq replay  moves them back to <app>.<handler-id> with attempt 1 (each removed only once its copy is confirmed)

Options:
  --entry     list: the module that exports the app or bus (.js, or .ts with ts-node installed)
  --export    list: the export to use; a function is called with no arguments
  --discover  list: a glob of handler files, relative to the working directory (repeatable)
  --project   graph: the tsconfig (default ./tsconfig.json); its files when no entries are given
  --format    graph: mermaid (default) or json
  --app       dlq: the app name given to rabbitmqTransport({ app })
  --url       dlq: the broker (default ${DEFAULT_URL}, or $RABBITMQ_URL)
  --limit     dlq: at most N messages (default: all)
  --json      list, dlq list: JSON on stdout

Exit codes: 0 done, 1 a failure (broker unreachable, TypeScript missing), 2 a wrong invocation.`;

/** A usage error (exit code 2): what is wrong, then the usage. */
export function usageError(problem: string): CliError {
  return new CliError(`${problem}\n\n${USAGE}`, ExitCode.Usage);
}
