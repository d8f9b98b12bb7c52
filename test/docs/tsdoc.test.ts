import * as path from 'node:path';
import * as ts from 'typescript';

// Docs are part of the feature: every public export (the package entry points)
// carries TSDoc, and what users call or construct (functions, decorators,
// classes) shows how in an @example. Types and constants only need the prose.
interface Gaps {
  /** Exports with no TSDoc at all. */
  undocumented: string[];
  /** Functions, decorators and classes whose TSDoc has no @example. */
  withoutExample: string[];
}

function docGaps(entry: string): Gaps {
  const program = ts.createProgram([entry], {
    experimentalDecorators: true,
    target: ts.ScriptTarget.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry} is not a module`);
  const gaps: Gaps = { undocumented: [], withoutExample: [] };
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker));
    if (doc === '') gaps.undocumented.push(exported.name);
    const type = checker.getTypeOfSymbolAtLocation(symbol, source);
    const callable = type.getCallSignatures().length + type.getConstructSignatures().length > 0;
    const teaches = callable || symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class);
    const hasExample = symbol.getJsDocTags(checker).some((tag) => tag.name === 'example');
    if (teaches && !hasExample) gaps.withoutExample.push(exported.name);
  }
  return gaps;
}

const src = path.join(__dirname, '..', '..', 'src');

test.each([
  ['koa-event-bus', 'index.ts'],
  ['koa-event-bus/testing', 'testing/index.ts'],
])(
  'every export of %s has TSDoc, with an @example on functions, decorators and classes',
  (_name, file) => {
    expect(docGaps(path.join(src, file))).toEqual({ undocumented: [], withoutExample: [] });
  },
  30_000,
);
