import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { parseCliArgs } from '../../src/cli/parse-cli-args';

// docs/guide/scale-out.md is checked against the code: every ```ts block is a
// file (its first line, `// <name>.ts`, names it; blocks import each other by
// that name) and all of them are typechecked as one program, with the
// project's strict options, importing 'koa-event-bus' as users do. The
// `npx koa-event-bus` lines parse with the CLI's own parser.
const root = path.join(__dirname, '..', '..');
const guide = readFileSync(path.join(root, 'docs', 'guide', 'scale-out.md'), 'utf8');
const blocks = [...guide.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  lang: m[1]!,
  body: m[2]!,
}));
const snippetDir = path.join(root, 'test', 'docs', 'scale-out-snippets');

// The snippets import the package's two entry points; here they resolve to the sources.
const packageRoot = path.join(root, 'src', 'index.ts');
const rabbitEntry = path.join(root, 'src', 'transport', 'rabbitmq', 'index.ts');
const testingEntry = path.join(root, 'src', 'testing', 'index.ts');

test('every ts block of the guide names its file and imports the package, not its internals', () => {
  const snippets = blocks.filter((b) => b.lang === 'ts');
  expect(snippets.length).toBeGreaterThanOrEqual(4);
  for (const { body } of snippets) {
    expect(body).toMatch(/^\/\/ [\w-]+\.ts\n/);
    expect(body).not.toMatch(/from '\.\.\/|src\//);
  }
});

test('the ts blocks of the guide typecheck together (strict, as the project)', () => {
  const files = new Map<string, string>();
  for (const { lang, body } of blocks)
    if (lang === 'ts') files.set(path.join(snippetDir, /^\/\/ ([\w-]+\.ts)/.exec(body)![1]!), body);

  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  options.paths = {
    'koa-event-bus': [packageRoot],
    'koa-event-bus/rabbitmq': [rabbitEntry],
    'koa-event-bus/testing': [testingEntry],
  };
  options.noEmit = true;
  options.types = ['node'];
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  const { directoryExists } = host;
  host.directoryExists = (d) => d === snippetDir || (directoryExists?.(d) ?? true);
  host.getSourceFile = (f, lang, ...rest) =>
    files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang) : getSourceFile(f, lang, ...rest);
  const program = ts.createProgram([...files.keys()], options, host);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${path.relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(problems).toEqual([]);
}, 60_000);

test('every koa-event-bus command line of the guide parses', () => {
  const commands = blocks
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.body.split('\n'))
    .filter((line) => line.startsWith('npx koa-event-bus '))
    .map((line) =>
      line
        .replace(/\s+#.*$/, '')
        .split(/\s+/)
        .slice(2),
    );
  expect(commands.length).toBeGreaterThanOrEqual(3);
  for (const argv of commands) expect(() => parseCliArgs(argv)).not.toThrow();
});
