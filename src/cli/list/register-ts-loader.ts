import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ErrorCode } from '../../kernel/errors';
import { CliError, ExitCode } from '../cli-error';

/**
 * Lets Node `require` the project's TypeScript entry: registers the
 * project's ts-node (transpile only: listing needs no type check) and, when
 * installed, tsconfig-paths, both loaded from `cwd`. Does nothing for a
 * JavaScript entry, or when `.ts` files already load (ts-node is running
 * the CLI, or a test runner with its own module system).
 *
 * @example
 * ```ts
 * registerTsLoader('src/app.ts', process.cwd());
 * ```
 */
export function registerTsLoader(file: string, cwd: string): void {
  const extensions = require.extensions as Record<string, unknown>;
  if (!/\.[cm]?tsx?$/.test(file) || !('.js' in extensions) || '.ts' in extensions) return;
  const projectRequire = createRequire(path.join(path.resolve(cwd), 'package.json'));
  let tsNode: { register(options: object): unknown };
  try {
    tsNode = projectRequire('ts-node') as typeof tsNode;
  } catch (err) {
    throw new CliError(
      `${path.relative(cwd, file)} is TypeScript, and ts-node cannot be loaded from ${cwd}.`,
      ExitCode.Usage,
      {
        code: ErrorCode.CliAppNotFound,
        hint: 'Install ts-node (npm install -D ts-node), or pass the compiled JavaScript entry (dist/app.js).',
        cause: err,
      },
    );
  }
  tsNode.register({ transpileOnly: true, cwd });
  try {
    projectRequire('tsconfig-paths/register');
  } catch {
    // optional: only projects that use tsconfig `paths` need it
  }
}
