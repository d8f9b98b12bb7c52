import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The tree reads top-down (docs/architecture.md): a folder imports only from
 * itself and the folders below it, so there is no cycle between folders.
 * `testing/` sits beside the stack, on top: nothing in src/ imports it.
 */
const LAYERS = [
  '(root)',
  'http',
  'bus',
  'dispatch',
  'handlers',
  'container',
  'transport',
  'kernel',
];
const SIDE: Record<string, number> = { testing: 0, cli: 0, otel: 0 };
const SRC = resolve(__dirname, '../../src');

function rank(folder: string): number {
  const side = SIDE[folder];
  if (side !== undefined) return side;
  const r = LAYERS.indexOf(folder);
  if (r < 0)
    throw new Error(`src/${folder}/ is not a known layer: add it to LAYERS in ${__filename}`);
  return r;
}

function folderOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : '(root)';
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? filesUnder(join(dir, d.name))
      : d.name.endsWith('.ts')
        ? [join(dir, d.name)]
        : [],
  );
}

/** Relative specifiers of every static import, re-export, dynamic import and require. */
function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])(\.[^'"]*)\1/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) specs.push(m[2]!);
  return specs;
}

describe('src/ layering', () => {
  const files = filesUnder(SRC);

  it('finds the files and their imports (the check is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(50);
    const all = files.flatMap((f) => importsOf(readFileSync(f, 'utf8')));
    expect(all.length).toBeGreaterThan(200);
  });

  it('no folder imports a folder above it (so no folder cycle either)', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const to = folderOf(resolve(dirname(file), spec));
        if (to === from) continue;
        const bad =
          to === 'testing' ||
          rank(to) < rank(from) ||
          (to === '(root)' && from !== '(root)' && from !== 'testing');
        if (bad) upward.push(`src/${relative(SRC, file)} imports ${spec} (${from} → ${to})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('the testing kit is built on the public API: it imports only src/index.ts (and the handler metadata reader)', () => {
    const internal: string[] = [];
    for (const file of files.filter((f) => folderOf(f) === 'testing')) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('./')) continue;
        // find-handler-method reads @OnEvent records of one class: no public verb gives them.
        if (spec === '../index' || spec === '../handlers/metadata') continue;
        internal.push(`src/${relative(SRC, file)} imports ${spec}`);
      }
    }
    expect(internal).toEqual([]);
  });

  it('the layers below http never import Koa', () => {
    const koa: string[] = [];
    for (const file of files) {
      const folder = folderOf(file);
      if (rank(folder) < LAYERS.indexOf('bus') || folder === 'testing') continue;
      if (/from\s*['"](koa|@koa\/router|koa-bodyparser)['"]/.test(readFileSync(file, 'utf8')))
        koa.push(relative(SRC, file));
    }
    expect(koa).toEqual([]);
  });

  it('only src/otel/ imports OpenTelemetry (the core reaches it through the Instrumentation seam)', () => {
    const otel: string[] = [];
    for (const file of files) {
      if (folderOf(file) === 'otel') continue;
      if (/['"]@opentelemetry\//.test(readFileSync(file, 'utf8'))) otel.push(relative(SRC, file));
    }
    expect(otel).toEqual([]);
  });
});
