import * as path from 'node:path';
import { buildEventGraph } from './build-event-graph';
import type { EventGraph } from './event-graph';
import { frameworkSymbols } from './framework-symbols';
import { loadTypeScript, type RequireTypeScript } from './load-typescript';
import { openProgram, type ProgramInput } from './open-program';
import { scanProject } from './scan-project';

/**
 * The event flow of a project, found without running it: loads the
 * project's TypeScript, type-checks the entries with its tsconfig, and
 * follows routes → emitted events → handlers → returned and emitted
 * follow-ups through the type checker.
 *
 * @example
 * ```ts
 * const graph = graphProject({ cwd: process.cwd(), entries: ['src/**\/*.ts'] });
 * ```
 */
export function graphProject(
  input: ProgramInput,
  requireTypeScript?: RequireTypeScript,
): EventGraph {
  const ts = loadTypeScript(input.cwd, requireTypeScript);
  const { program, files } = openProgram(ts, input);
  const cwd = path.resolve(input.cwd);
  const fw = frameworkSymbols(ts, program, files, cwd);
  const facts = scanProject(ts, program, files, fw);
  return buildEventGraph(program.getTypeChecker(), facts, cwd);
}
