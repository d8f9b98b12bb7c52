import { CliError, ExitCode } from './cli-error';
import { formatDeadLetters } from './format-dead-letters';
import { listDeadLetters } from './list-dead-letters';
import { openBroker } from './open-broker';
import { parseCliArgs, USAGE } from './parse-cli-args';
import { replayDeadLetters } from './replay-dead-letters';

/** Where the CLI writes. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Runs one command line and resolves with its exit code: 0 done, 1 a failure
 * (broker unreachable, a refused publish), 2 a wrong invocation (unknown
 * queue, bad arguments). Never rejects: every error is written to `stderr`.
 *
 * @example
 * ```ts
 * const code = await runCli(['dlq', 'list', 'mailer', '--app', 'shop', '--json'], {
 *   stdout: (t) => process.stdout.write(`${t}\n`),
 *   stderr: (t) => process.stderr.write(`${t}\n`),
 * });
 * ```
 */
export async function runCli(
  argv: readonly string[],
  out: CliOutput,
  env: NodeJS.ProcessEnv = {},
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out.stdout(USAGE);
    return ExitCode.Ok;
  }
  try {
    const cmd = parseCliArgs(argv, env);
    const model = await openBroker(cmd.url);
    try {
      if (cmd.command === 'list') {
        const listing = await listDeadLetters(model, cmd);
        out.stdout(
          cmd.json ? JSON.stringify(listing.letters, null, 2) : formatDeadLetters(listing),
        );
      } else {
        const { replayed, from, to } = await replayDeadLetters(model, cmd);
        out.stdout(
          `Replayed ${replayed} message${replayed === 1 ? '' : 's'} from ${from} to ${to}.`,
        );
      }
    } finally {
      await model.close().catch(() => {});
    }
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CliError) {
      out.stderr(err.message);
      return err.exitCode;
    }
    out.stderr(`Unexpected error: ${(err as Error).stack ?? String(err)}`);
    return ExitCode.Failure;
  }
}
