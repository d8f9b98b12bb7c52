import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** docs/architecture.md walks one event in numbered steps, each naming files and functions: they must exist. */
const ROOT = resolve(__dirname, '../..');
const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const walk = doc.slice(doc.indexOf('## One event, step by step'), doc.indexOf('## Folders'));
const steps = walk.split(/\n(?=\d+\. )/).filter((s) => /^\d+\. /.test(s));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)],
  );
}
const sources = new Map(filesUnder(join(ROOT, 'src')).map((f) => [f, readFileSync(f, 'utf8')]));

/** The file that declares `class Name`. */
function classFile(name: string): string | undefined {
  for (const [file, text] of sources) if (new RegExp(`\\bclass ${name}\\b`).test(text)) return file;
  return undefined;
}

describe('docs/architecture.md', () => {
  it('walks one event in at most 15 steps, numbered in order', () => {
    expect(steps.length).toBeGreaterThanOrEqual(10);
    expect(steps.length).toBeLessThanOrEqual(15);
    expect(steps.map((s) => Number(s.slice(0, s.indexOf('.'))))).toEqual(
      steps.map((_, i) => i + 1),
    );
  });

  it.each(steps.map((s) => [s.slice(0, s.indexOf('.')), s]))(
    'step %s names files and functions that exist',
    (_n, step) => {
      const files = [...step.matchAll(/`(src\/[\w/.-]+\.ts)`/g)].map((m) => m[1]!);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(existsSync(join(ROOT, f))).toBe(true);
      const missing: string[] = [];
      for (const [, cls, method] of step.matchAll(/`(\w+)\.(\w+)\(\)`/g)) {
        if (cls === 'bus' || cls === 'scope') continue; // a user's variable, not a class
        const file = classFile(cls!);
        if (!file) missing.push(`class ${cls}`);
        else if (
          !new RegExp(`\\b${method}\\s*(<[^>]*>)?\\(|\\b${method}\\s*=`).test(sources.get(file)!)
        )
          missing.push(`${cls}.${method}() in ${file}`);
      }
      for (const [, fn] of step.matchAll(/`(\w+)\(\)`/g)) {
        const declared = [...sources.values()].some((t) =>
          new RegExp(`function ${fn}\\b|\\b${fn}\\s*\\(.*\\)\\s*(:[^{]*)?\\{`).test(t),
        );
        if (!declared) missing.push(`${fn}()`);
      }
      expect(missing).toEqual([]);
    },
  );
});
