import { ErrorCode } from '../../kernel/errors';
import { CliError, ExitCode } from '../cli-error';

/** `KEB_CLI_PROJECT_INVALID` (exit 2): `graph` found nothing it can read. */
export function projectInvalid(problem: string): CliError {
  return new CliError(problem, ExitCode.Usage, {
    code: ErrorCode.CliProjectInvalid,
    hint: "Pass --project path/to/tsconfig.json and/or entry files or globs ('src/**/*.ts') that import koa-event-bus.",
  });
}
