/** Exit codes of the CLI: 1 for a failure (broker unreachable, a refused publish), 2 for a wrong invocation. */
export const ExitCode = { Ok: 0, Failure: 1, Usage: 2 } as const;

/**
 * A failure the CLI explains in one message (on stderr) and ends with `exitCode`.
 *
 * @example
 * ```ts
 * throw new CliError(`Queue 'shop.mailer.dlq' does not exist.`, ExitCode.Usage);
 * ```
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
