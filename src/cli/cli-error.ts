import type { ErrorCode } from '../kernel/errors';

/** Exit codes of the CLI: 1 for a failure (broker unreachable, a refused publish), 2 for a wrong invocation. */
export const ExitCode = { Ok: 0, Failure: 1, Usage: 2 } as const;

/**
 * A failure the CLI explains in one message (on stderr) and ends with
 * `exitCode`. The ones a user fixes in their project (TypeScript missing, no
 * tsconfig, no app in the entry module) carry a stable `code` and a `hint`,
 * documented in docs/reference/errors.md; the message then starts with the
 * code, and the hint is its last line.
 *
 * @example
 * ```ts
 * throw new CliError(`Queue 'shop.mailer.dlq' does not exist.`, ExitCode.Usage);
 * throw new CliError('Cannot load typescript.', ExitCode.Failure, {
 *   code: 'KEB_CLI_TYPESCRIPT_MISSING',
 *   hint: 'npm install -D typescript',
 * });
 * ```
 */
export class CliError extends Error {
  /** Stable code of the errors a user fixes in their project. */
  readonly code: ErrorCode | undefined;
  /** What to do next. */
  readonly hint: string | undefined;

  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown; code?: ErrorCode; hint?: string },
  ) {
    super(
      [options?.code ? `${options.code}: ${message}` : message, options?.hint]
        .filter(Boolean)
        .join('\n'),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'CliError';
    this.code = options?.code;
    this.hint = options?.hint;
  }
}
