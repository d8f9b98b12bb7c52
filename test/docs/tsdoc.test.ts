import * as path from 'node:path';
import * as ts from 'typescript';

// Docs are part of the feature: every public export (the package entry points)
// carries TSDoc with at least one @example.
function exportsWithoutExamples(entry: string): string[] {
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
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((exported) => {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker));
      return doc === '' || !symbol.getJsDocTags(checker).some((tag) => tag.name === 'example');
    })
    .map((exported) => exported.name);
}

const src = path.join(__dirname, '..', '..', 'src');

test.each([
  ['koa-event-bus', 'index.ts'],
  ['koa-event-bus/testing', 'testing/index.ts'],
])(
  'every export of %s has TSDoc with an @example',
  (_name, file) => {
    expect(exportsWithoutExamples(path.join(src, file))).toEqual([]);
  },
  30_000,
);
