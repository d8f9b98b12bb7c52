import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ErrorCode } from '../../kernel/errors';
import { CliError, ExitCode } from '../cli-error';

/** The TypeScript compiler API, as the project installed it. */
export type TypeScript = typeof import('typescript');

/** How `typescript` is required from a folder (a seam: tests simulate a project without it). */
export type RequireTypeScript = (cwd: string) => unknown;

/** Requires `typescript` as a module of the project in `cwd` would. */
export const requireTypeScriptFrom: RequireTypeScript = (cwd) =>
  createRequire(path.join(path.resolve(cwd), 'package.json'))('typescript');

/**
 * Loads `typescript` the way the project in `cwd` would (`require` from its
 * folder up), so `graph` reads the sources with the compiler the project
 * builds with. TypeScript is an optional peer dependency: without it, a
 * `CliError` coded `KEB_CLI_TYPESCRIPT_MISSING` says how to install it.
 *
 * @example
 * ```ts
 * const ts = loadTypeScript(process.cwd());
 * ```
 */
export function loadTypeScript(
  cwd: string,
  load: RequireTypeScript = requireTypeScriptFrom,
): TypeScript {
  let ts: unknown;
  try {
    ts = load(cwd);
  } catch (err) {
    throw missing(`cannot load 'typescript' from ${path.resolve(cwd)} (${firstLine(err)})`, err);
  }
  const api = ts as Partial<TypeScript> | null;
  if (typeof api?.createProgram !== 'function')
    throw missing(`'typescript' loaded from ${path.resolve(cwd)} has no compiler API`);
  return api as TypeScript;
}

function missing(problem: string, cause?: unknown): CliError {
  return new CliError(
    `koa-event-bus graph reads your sources with the TypeScript compiler API, and ${problem}.`,
    ExitCode.Failure,
    {
      code: ErrorCode.CliTypeScriptMissing,
      hint: 'Install it in your project (npm install -D typescript), or run the command from the folder that has it.',
      cause,
    },
  );
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}
