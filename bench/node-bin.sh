#!/usr/bin/env bash
# Prints the path of a Node binary of the given major, from the npm registry's `node` package,
# installed once into the repository's ignored .cache/node<major>/ (shared with .ci/run):
#   "$(bash bench/node-bin.sh 24)" --version
set -euo pipefail
major=${1:?usage: bench/node-bin.sh <major>}
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.cache/node$major"
if [ ! -x "$dir/node_modules/.bin/node" ]; then
  npm install --prefix "$dir" --no-audit --no-fund --no-save "node@$major" >&2
fi
echo "$dir/node_modules/.bin/node"
