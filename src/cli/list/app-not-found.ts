import { ErrorCode } from '../../kernel/errors';
import { CliError, ExitCode } from '../cli-error';

/** `KEB_CLI_APP_NOT_FOUND` (exit 2): `list` could not get a bus from what it was told. */
export function appNotFound(problem: string, cause?: unknown): CliError {
  return new CliError(problem, ExitCode.Usage, {
    code: ErrorCode.CliAppNotFound,
    hint: "Export the app (export const app = createApp(…)) or its bus from the --entry module, or name a factory with --export; or pass --discover 'src/**/*.handler.ts'.",
    cause,
  });
}
