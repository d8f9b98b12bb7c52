#!/usr/bin/env bash
# Runs the bench on another Node major, from the npm registry's `node` package
# (installed once into the repository's ignored .cache/, shared with .ci/run):
#   npm run bench:node -- 24 --quick
# Every child the bench forks uses the same binary (process.execPath).
set -euo pipefail
major=${1:?usage: bench/with-node.sh <major> [bench flags]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.cache/node$major"
if [ ! -x "$dir/node_modules/.bin/node" ]; then
  npm install --prefix "$dir" --no-audit --no-fund --no-save "node@$major" >&2
fi
echo "[bench] node $("$dir/node_modules/.bin/node" --version)" >&2
PATH="$dir/node_modules/.bin:$PATH" npm --prefix "$root/bench" run bench -- "$@"
