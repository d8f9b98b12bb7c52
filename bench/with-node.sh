#!/usr/bin/env bash
# Runs the bench on another Node major, from the npm registry's `node` package
# (installed once into the repository's ignored .cache/, shared with .ci/run; see node-bin.sh):
#   npm run bench:node -- 24 --quick
# Every child the bench forks uses the same binary (process.execPath).
set -euo pipefail
major=${1:?usage: bench/with-node.sh <major> [bench flags]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(bash "$root/bench/node-bin.sh" "$major")
echo "[bench] node $("$bin" --version)" >&2
PATH="$(dirname "$bin"):$PATH" npm --prefix "$root/bench" run bench -- "$@"
