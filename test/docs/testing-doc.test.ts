import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

test('every test snippet in docs/guide/testing.md is copied from a test that runs', () => {
  const doc = readFileSync(path.join(root, 'docs', 'guide', 'testing.md'), 'utf8');
  const snippets = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((s) => /^(test\(|function setup)/.test(s));
  const corpus = squash(
    [...testFiles(path.join(root, 'test')), ...testFiles(path.join(root, 'examples'))]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n'),
  );
  expect(snippets.length).toBeGreaterThanOrEqual(5);
  const missing = snippets.filter((s) => !corpus.includes(squash(s))).map((s) => s.split('\n')[0]);
  expect(missing).toEqual([]);
});
