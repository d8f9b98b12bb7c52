import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { globSync } from 'tinyglobby';
import type * as ts from 'typescript';
import type { TypeScript } from './load-typescript';
import { projectInvalid as invalid } from './project-invalid';

/** What `graph` reads. */
export interface ProgramInput {
  readonly cwd: string;
  /** The tsconfig (compiler options, and the files when no entries are given). Default `./tsconfig.json`. */
  readonly project?: string | undefined;
  /** Files or globs (relative to `cwd`) to analyse. Default: the tsconfig's files. */
  readonly entries: readonly string[];
}

/** A type-checked program and the files of it to analyse (not their imports, not tests). */
export interface OpenedProgram {
  readonly program: ts.Program;
  readonly files: readonly ts.SourceFile[];
}

// Tests emit events too, but they are not the app's flow.
const IGNORED = ['**/node_modules/**', '**/*.d.ts', '**/*.test.ts', '**/*.spec.ts'];

/**
 * Builds the program the project's tsconfig describes (paths, decorators,
 * strictness) over the entry files, so the type checker resolves imports the
 * way the project compiles them.
 *
 * @example
 * ```ts
 * const { program, files } = openProgram(ts, { cwd, entries: ['src/**\/*.ts'] });
 * ```
 */
export function openProgram(ts: TypeScript, input: ProgramInput): OpenedProgram {
  const cwd = path.resolve(input.cwd);
  const config = readConfig(ts, cwd, input);
  const roots =
    input.entries.length > 0
      ? globSync([...input.entries], { cwd, absolute: true, ignore: IGNORED })
      : config.fileNames.filter((f) => !/\.(test|spec)\.tsx?$|\.d\.ts$/.test(f));
  if (roots.length === 0)
    throw invalid(
      input.entries.length > 0
        ? `No file matches ${input.entries.map((e) => `'${e}'`).join(', ')} in ${cwd}.`
        : 'The tsconfig lists no source file.',
    );
  const rootNames = roots.map((f) => path.resolve(f)).sort();
  const program = ts.createProgram({ rootNames, options: config.options });
  const files = rootNames.map((f) => program.getSourceFile(f)).filter((f) => f !== undefined);
  return { program, files };
}

function readConfig(ts: TypeScript, cwd: string, input: ProgramInput): ts.ParsedCommandLine {
  const file = path.resolve(cwd, input.project ?? 'tsconfig.json');
  if (!existsSync(file)) {
    if (input.project !== undefined) throw invalid(`--project ${input.project}: no such file.`);
    if (input.entries.length === 0) throw invalid(`No tsconfig.json in ${cwd}.`);
    return { options: { experimentalDecorators: true }, fileNames: [], errors: [] };
  }
  const read = ts.readConfigFile(file, ts.sys.readFile);
  if (read.error) throw invalid(`Cannot read ${file}: ${message(ts, read.error)}.`);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(file));
  const fatal = parsed.errors.find((e) => e.code !== 18003); // 18003: no inputs found
  if (fatal) throw invalid(`Invalid ${file}: ${message(ts, fatal)}.`);
  return parsed;
}

function message(ts: TypeScript, d: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\.$/, '');
}
