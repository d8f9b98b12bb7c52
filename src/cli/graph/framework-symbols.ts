import * as path from 'node:path';
import type * as ts from 'typescript';
import type { TypeScript } from './load-typescript';
import { projectInvalid } from './project-invalid';

/** The HTTP verbs of the route decorators, by their export name. */
export const ROUTE_DECORATORS = ['Get', 'Post', 'Put', 'Patch', 'Delete'] as const;

/**
 * The declarations of koa-event-bus that `graph` looks for, found through
 * the type checker from the package's entry module as the project resolves
 * it (its `node_modules`, or its tsconfig `paths`). A call is recognised by
 * the declaration its callee resolves to, so aliased imports, re-exports and
 * subclasses of `EventBus` are seen, and a user function that happens to be
 * called `emit` is not.
 */
export interface FrameworkSymbols {
  readonly onEvent: ReadonlySet<ts.Declaration>;
  readonly event: ReadonlySet<ts.Declaration>;
  readonly eventHandler: ReadonlySet<ts.Declaration>;
  readonly controller: ReadonlySet<ts.Declaration>;
  /** Route decorator declaration → HTTP verb. */
  readonly routes: ReadonlyMap<ts.Declaration, string>;
  /** `EventBus.emit`, `EventBus.dispatch`, `EventContext.emit`. */
  readonly emitters: ReadonlySet<ts.Declaration>;
}

/**
 * Finds koa-event-bus's declarations as the analysed files see them.
 *
 * @example
 * ```ts
 * const fw = frameworkSymbols(ts, program, files, process.cwd());
 * ```
 */
export function frameworkSymbols(
  ts: TypeScript,
  program: ts.Program,
  files: readonly ts.SourceFile[],
  cwd: string,
): FrameworkSymbols {
  const checker = program.getTypeChecker();
  const from = files[0]!;
  const resolved = ts.resolveModuleName(
    'koa-event-bus',
    from.fileName,
    program.getCompilerOptions(),
    ts.sys,
  ).resolvedModule;
  if (!resolved)
    throw projectInvalid(
      `koa-event-bus cannot be resolved from ${path.relative(cwd, from.fileName)}: is it installed?`,
    );
  const entry = program.getSourceFile(resolved.resolvedFileName);
  const moduleSymbol = entry && checker.getSymbolAtLocation(entry);
  if (!moduleSymbol)
    throw projectInvalid(
      `None of the ${files.length} analysed file(s) imports koa-event-bus: there is no event flow to draw.`,
    );
  const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, s]));
  const symbolOf = (name: string): ts.Symbol | undefined => {
    const s = exported.get(name);
    return s && s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  };
  const declarationsOf = (name: string) => new Set(symbolOf(name)?.declarations ?? []);
  const membersOf = (name: string, member: string): readonly ts.Declaration[] => {
    const sym = symbolOf(name);
    return (sym && checker.getDeclaredTypeOfSymbol(sym).getProperty(member)?.declarations) ?? [];
  };
  const routes = new Map<ts.Declaration, string>();
  for (const verb of ROUTE_DECORATORS)
    for (const d of declarationsOf(verb)) routes.set(d, verb.toUpperCase());
  return {
    onEvent: declarationsOf('OnEvent'),
    event: declarationsOf('Event'),
    eventHandler: declarationsOf('EventHandler'),
    controller: declarationsOf('Controller'),
    routes,
    emitters: new Set([
      ...membersOf('EventBus', 'emit'),
      ...membersOf('EventBus', 'dispatch'),
      ...membersOf('EventContext', 'emit'),
    ]),
  };
}

/**
 * The declarations `node` (an identifier, a property access, a call's
 * callee) refers to, through import aliases and re-exports.
 */
export function declarationsAt(
  ts: TypeScript,
  checker: ts.TypeChecker,
  node: ts.Node,
): readonly ts.Declaration[] {
  const s = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node) ? node.name : node);
  if (!s) return [];
  const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  return target.declarations ?? [];
}

/** True when `node` refers to one of `set`. */
export function refersTo(
  ts: TypeScript,
  checker: ts.TypeChecker,
  node: ts.Node,
  set: ReadonlySet<ts.Declaration>,
): boolean {
  return declarationsAt(ts, checker, node).some((d) => set.has(d));
}
