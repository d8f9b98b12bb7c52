import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

// The CLI's optional peers stay optional: `graph` uses the project's own
// TypeScript (loaded at run time by src/cli/graph/load-typescript.ts), so
// src/ imports `typescript` for types only; amqplib is imported by the dlq
// commands alone, which run-cli loads only for `dlq`. And nothing below the
// CLI imports it (layers.test.ts ranks it on the side, on top).
const SRC = resolve(__dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? filesUnder(join(dir, d.name))
      : d.name.endsWith('.ts')
        ? [join(dir, d.name)]
        : [],
  );
}

const files = filesUnder(SRC).map((f) => ({
  file: relative(SRC, f),
  source: readFileSync(f, 'utf8'),
}));

test('src/ imports typescript for types only (its runtime copy is the project’s)', () => {
  const valueImports = files
    .filter(({ source }) =>
      /^import (?!type )[^;\n]*from 'typescript'|require\('typescript'\)/m.test(source),
    )
    .map(({ file }) => file);
  expect(files.some(({ source }) => source.includes("from 'typescript'"))).toBe(true);
  expect(valueImports).toEqual([]);
});

test('in src/cli/, only the dlq commands import amqplib, and run-cli loads them lazily', () => {
  const amqplib = files
    .filter(({ file }) => file.startsWith('cli/'))
    .filter(({ source }) => /from 'amqplib'/.test(source))
    .map(({ file }) => file);
  expect(amqplib.length).toBeGreaterThan(0);
  expect(amqplib.filter((f) => !f.startsWith('cli/dlq/'))).toEqual([]);
  const runCli = files.find(({ file }) => file === 'cli/run-cli.ts')!.source;
  expect(runCli).not.toMatch(/^import [^;]*'\.\/dlq\/(?!require-amqplib)/m);
});

test('nothing outside src/cli/ imports it', () => {
  const upward = files
    .filter(({ file }) => !file.startsWith('cli/'))
    .filter(({ source }) => /from '(\.\.?\/)+cli\//.test(source) || /from '\.\/cli\//.test(source))
    .map(({ file }) => file);
  expect(upward).toEqual([]);
});

test('inside src/cli/, imports point down: a command folder imports only the CLI’s two leaves (cli-error, cli-output) from above, and no other command', () => {
  const wrong: string[] = [];
  for (const { file, source } of files.filter((f) => /^cli\/\w+\//.test(f.file))) {
    const own = file.split('/')[1]!;
    for (const [, spec] of source.matchAll(/from '(\.[^']*)'/g)) {
      const target = relative(SRC, resolve(SRC, file, '..', spec!));
      if (!target.startsWith('cli/')) continue; // src/ below the CLI
      if (target === 'cli/cli-error' || target === 'cli/cli-output') continue;
      if (target.startsWith(`cli/${own}/`)) continue;
      wrong.push(`src/${file} imports ${spec}`);
    }
  }
  expect(wrong).toEqual([]);
});
