#!/usr/bin/env bash
# Issue #10's speed table in the project's own bench (see bench/README.md, "core"):
#
#   bash bench/core/run.sh [--ref <git-ref>] [--node 24] [--rounds N] [--out FILE]
#       node:events, @nestjs/event-emitter, @nestjs/cqrs, koa-event-bus dispatch and emit+drain;
#       workloads a1 / b10 / c1; our package from <git-ref>'s src/ (default: the working tree's).
#   bash bench/core/run.sh --ab <git-ref> [--ref <git-ref-B>] [--node 24] [--rounds N] [--out FILE]
#       our dispatch and emit+drain only: A = <git-ref>'s src/, B = the working tree's src/
#       (or --ref's), alternating A,B per round; median B/A ratio with min–max. < 3 min at 5 rounds.
#
# The working tree's src/ (and tsconfig.json) is copied at start, and the bench itself is compiled
# into the same temporary directory, so edits made while it runs do not affect the run.
# Extra flags: --min-cpu-ms M (mitata min_cpu_time, default 642 = mitata's; 300 for --ab),
# --warmup-ms M (a discarded measure() first, default 150), --drain-n N (emits per drain, 1000),
# --profile <lib>/<workload> (e.g. keb-dispatch/a1): one child under --cpu-prof, self-time summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ref="" abref="" major="" rounds=5 out="" extra=()
cmdline="bash bench/core/run.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --ref) ref=${2:?--ref needs a git ref}; shift 2 ;;
    --ab) abref=${2:?--ab needs a git ref}; shift 2 ;;
    --node) major=${2:?--node needs a major version}; shift 2 ;;
    --rounds) rounds=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --min-cpu-ms) extra+=("--min-cpu-ms=${2:?}"); shift 2 ;;
    --drain-n) extra+=("--drain-n=${2:?}"); shift 2 ;;
    --warmup-ms) extra+=("--warmup-ms=${2:?}"); shift 2 ;;
    --profile) extra+=("--profile=${2:?}" "--profile-dir=$root/bench/results/profiles"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench/core/run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] && case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/keb-core.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tsc="$root/bench/node_modules/.bin/tsc"
[ -x "$tsc" ] || { echo "run npm --prefix bench install first" >&2; exit 1; }

# 1. Snapshots first (the working tree may be edited while we run).
snap() { # <dir> <ref or empty>; empty = the working tree
  mkdir -p "$1"
  if [ -z "$2" ]; then
    cp -R "$root/src" "$1/src"
    cp "$root/tsconfig.json" "$1/"
  else
    git -C "$root" archive "$2" src tsconfig.json | tar -x -C "$1"
  fi
}
describe() { # <ref or empty>
  if [ -z "$1" ]; then
    local dirty=""
    [ -n "$(git -C "$root" status --porcelain -- src)" ] && dirty=" + uncommitted src/ changes"
    echo "working tree (src/ copied $(date -u +%H:%M:%SZ); HEAD $(git -C "$root" rev-parse --short HEAD)$dirty)"
  else
    echo "$1 ($(git -C "$root" rev-parse --short "$1^{commit}"))"
  fi
}
if [ -n "$abref" ]; then
  snap "$tmp/A" "$abref"; snap "$tmp/B" "$ref"
  sides="A B"
else
  snap "$tmp/A" "$ref"
  sides="A"
fi

# 2. Compile each snapshot's src/ (tsc --noCheck, as bench/lib/ours.ts does); its dependencies
#    resolve from the root node_modules.
for s in $sides; do
  d="$tmp/$s"
  ln -s "$root/node_modules" "$d/node_modules"
  cat > "$d/tsconfig.bench.json" <<'EOF'
{
  "extends": "./tsconfig.json",
  "compilerOptions": {
    "rootDir": "src", "outDir": "out", "noEmit": false, "declaration": false,
    "sourceMap": false, "incremental": false, "composite": false, "types": ["node"]
  },
  "include": ["src"]
}
EOF
  "$tsc" -p "$d/tsconfig.bench.json" --noCheck >&2 || true
  [ -f "$d/out/index.js" ] || { echo "bench/core: compiling $s's src/ failed" >&2; exit 1; }
  node -e "const m = require(process.argv[1]); if (!m.createEventBus) throw new Error('no createEventBus export')" \
    "$d/out/index.js" >&2 || { echo "bench/core: $s's compiled src/ does not load (see above)" >&2; exit 1; }
done

# 3. Compile the bench itself into the temporary directory (the runner and its children).
"$tsc" -p "$root/bench/tsconfig.json" --noCheck --outDir "$tmp/dist" >/dev/null 2>&1 || true
[ -f "$tmp/dist/bench/core/run.js" ] || { echo "bench/core: compiling bench/ failed" >&2; exit 1; }
ln -s "$root/bench/node_modules" "$tmp/dist/bench/node_modules"

# 4. Node: the system one, or --node <major> from the registry's node package (bench/node-bin.sh).
node=node
[ -n "$major" ] && node=$(bash "$root/bench/node-bin.sh" "$major")
echo "[core] node $("$node" --version), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

args=(--rounds="$rounds" --cmd="$cmdline" "${extra[@]}")
[ -n "$out" ] && args+=(--out="$out")
if [ -n "$abref" ]; then
  "$node" "$tmp/dist/bench/core/run.js" --ab "${args[@]}" \
    --a="$tmp/A/out/index.js" --a-label="$(describe "$abref")" \
    --b="$tmp/B/out/index.js" --b-label="$(describe "$ref")"
else
  "$node" "$tmp/dist/bench/core/run.js" "${args[@]}" \
    --src="$tmp/A/out/index.js" --label="$(describe "$ref")"
fi
