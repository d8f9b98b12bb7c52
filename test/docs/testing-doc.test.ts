import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const doc = readFileSync(path.join(root, 'docs', 'guide', 'testing.md'), 'utf8');

interface Snippet {
  /** The file named by the label above the snippet (in its `##` section), if any. */
  file: string | undefined;
  code: string;
}

/**
 * The test code snippets of the guide, each with the file its label names: a
 * line that is only a backticked path and a colon (`` `examples/users/users.test.ts`: ``).
 * A label holds for the snippets after it, up to the next label or `##` section.
 */
function snippets(markdown: string): Snippet[] {
  const found: Snippet[] = [];
  let file: string | undefined;
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const label = /^`([^`]+)`:$/.exec(line);
    if (label) file = label[1];
    else if (line.startsWith('## ')) file = undefined;
    else if (line === '```ts') {
      const end = lines.indexOf('```', i + 1);
      const code = lines.slice(i + 1, end).join('\n');
      if (/^(test\(|describe\(|function )/.test(code)) found.push({ file, code });
      i = end;
    }
  }
  return found;
}

const isRunTest = (file: string) =>
  /^(test|examples)\/.+\.test\.ts$/.test(file) && existsSync(path.join(root, file));

test('the snippet parser attributes each snippet to the label above it, within its section', () => {
  const md = [
    '## One',
    '`a.test.ts`:',
    '```ts',
    'test(1)',
    '```',
    '### Sub',
    '```ts',
    'test(2)',
    '```',
    '## Two',
    '```ts',
    'function setup() {}',
    '```',
    '```ts',
    'const notATest = 1;',
    '```',
  ].join('\n');

  expect(snippets(md)).toEqual([
    { file: 'a.test.ts', code: 'test(1)' },
    { file: 'a.test.ts', code: 'test(2)' },
    { file: undefined, code: 'function setup() {}' },
  ]);
});

test('every test snippet in docs/guide/testing.md is copied from the test file its label names', () => {
  const all = snippets(doc);
  expect(all.length).toBeGreaterThanOrEqual(6);

  const wrong = all
    .map(({ file, code }) => {
      const first = code.split('\n')[0];
      if (file === undefined) return `${first}: no \`file\`: label above it`;
      if (!isRunTest(file)) return `${first}: ${file} is not a test file of test/ or examples/`;
      const source = squash(readFileSync(path.join(root, file), 'utf8'));
      return source.includes(squash(code)) ? undefined : `${first}: not found in ${file}`;
    })
    .filter((problem) => problem !== undefined);
  expect(wrong).toEqual([]);
});

test('every test the guide names in prose, (`file`, "test name"), is in that file', () => {
  const named = [...squash(doc).matchAll(/\(`([^`]+\.test\.ts)`, "([^"]+)"\)/g)].map((m) => ({
    file: m[1]!,
    name: m[2]!,
  }));
  expect(named.length).toBeGreaterThanOrEqual(1);

  const missing = named.filter(
    ({ file, name }) =>
      !isRunTest(file) ||
      !squash(readFileSync(path.join(root, file), 'utf8')).includes(`test('${name}'`),
  );
  expect(missing).toEqual([]);
});
