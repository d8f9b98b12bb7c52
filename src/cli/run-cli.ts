import { CliError, ExitCode } from './cli-error';
import type { CliOutput } from './cli-output';
import { requireAmqplib } from './dlq/require-amqplib';
import type { RequireTypeScript } from './graph/load-typescript';
import { runGraph } from './graph/run-graph';
import { runList } from './list/run-list';
import { parseCliArgs } from './parse-cli-args';
import { USAGE } from './usage';

export type { CliOutput } from './cli-output';

/** Where the CLI runs; seams for tests. */
export interface CliOptions {
  /** The project folder (default `process.cwd()`). */
  readonly cwd?: string;
  /** How `graph` requires `typescript` from the project (tests simulate it missing). */
  readonly requireTypeScript?: RequireTypeScript;
}

/**
 * Runs one command line and resolves with its exit code: 0 done, 1 a failure
 * (broker unreachable, a refused publish, TypeScript missing), 2 a wrong
 * invocation (bad arguments, unknown queue, no app in the entry module, no
 * tsconfig). Never rejects: every error is one message on `stderr`.
 *
 * @example
 * ```ts
 * const code = await runCli(['list', '--entry', 'src/app.ts', '--json'], {
 *   stdout: (t) => process.stdout.write(`${t}\n`),
 *   stderr: (t) => process.stderr.write(`${t}\n`),
 * });
 * ```
 */
export async function runCli(
  argv: readonly string[],
  out: CliOutput,
  env: NodeJS.ProcessEnv = {},
  options: CliOptions = {},
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out.stdout(USAGE);
    return ExitCode.Ok;
  }
  try {
    const cmd = parseCliArgs(argv, env);
    const cwd = options.cwd ?? process.cwd();
    if (cmd.kind === 'list') await runList(cmd, out, cwd);
    else if (cmd.kind === 'graph') runGraph(cmd, out, cwd, options.requireTypeScript);
    else {
      requireAmqplib();
      const { runDlq } = await import('./dlq/run-dlq'); // amqplib is loaded for dlq only
      await runDlq(cmd, out);
    }
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CliError) {
      out.stderr(err.message);
      return err.exitCode;
    }
    out.stderr(unexpected(err));
    return ExitCode.Failure;
  }
}

// An error of the project's own code (a KoaEventBusError from building the
// bus: a duplicate handler id, @OnEvent without @EventHandler) is the user's
// to fix: its code and message. Anything else is a bug of the CLI: the stack.
function unexpected(err: unknown): string {
  const { code, message, stack } = (err ?? {}) as {
    code?: unknown;
    message?: unknown;
    stack?: unknown;
  };
  if (typeof code === 'string' && code.startsWith('KEB_')) return `${code}: ${String(message)}`;
  return `Unexpected error (a bug of koa-event-bus's CLI; please report it): ${String(stack ?? err)}`;
}
