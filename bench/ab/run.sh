#!/usr/bin/env bash
# A/B of the core, interleaved: `bash bench/ab/run.sh <git-ref> [rounds]` compares
# <git-ref>'s src/ (A) with the working tree's src/ (B), one fresh process per
# round and workload, A and B alternating. Prints ns per event for each round
# and the median of the per-round B/A ratios with its min-max spread.
# WORKLOADS="async-als emit" limits the workloads.
set -euo pipefail
ref=${1:?usage: bench/ab/run.sh <git-ref> [rounds]}
rounds=${2:-6}
root=$(cd "$(dirname "$0")/../.." && pwd)
old=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$old/tree" >/dev/null 2>&1 || true; rm -rf "$old"' EXIT
git -C "$root" worktree add -f --detach "$old/tree" "$ref" >/dev/null 2>&1
ln -s "$root/node_modules" "$old/tree/node_modules" # the same dependencies for both copies
export TS_NODE_PROJECT="$root/tsconfig.json"
run() { node -r "$root/node_modules/ts-node/register/transpile-only" "$root/bench/ab/core-ab.ts" "$1" "$2" "$3"; }
for workload in ${WORKLOADS:-dispatch dispatch-als emit async async-als}; do
  ratios=()
  for _ in $(seq "$rounds"); do
    a=$(run "$old/tree/src/index.ts" "$workload" x)
    b=$(run "$root/src/index.ts" "$workload" x)
    ratios+=("$(node -e "console.log(($b/$a).toFixed(2))")")
    echo "$workload A=$a B=$b"
  done
  node -e '
    const r = process.argv.slice(2).map(Number).sort((x, y) => x - y);
    const m = r.length % 2 ? r[(r.length - 1) / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    console.log(`${process.argv[1]}: B/A median ${m.toFixed(2)} (min ${r[0]}, max ${r.at(-1)})`);
  ' "$workload" "${ratios[@]}"
done
