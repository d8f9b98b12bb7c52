// After `tsc`, src/ compiled into bench/dist/src would resolve its dependencies (koa, @koa/router,
// ...) from bench/node_modules, the peers' copies. This link makes it resolve them from the
// repository's node_modules, as the published package would: bench/dist/src/node_modules -> root.
const fs = require('node:fs');
const path = require('node:path');

const link = path.join(__dirname, 'dist', 'src', 'node_modules');
const target = path.join(__dirname, '..', 'node_modules');
if (!fs.existsSync(target)) {
  console.error(`bench: ${target} is missing; run npm ci (or npm install) in the repository root`);
  process.exit(1);
}
fs.rmSync(link, { force: true, recursive: false });
fs.symlinkSync(path.relative(path.dirname(link), target), link, 'dir');
