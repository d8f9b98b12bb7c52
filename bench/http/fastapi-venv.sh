#!/usr/bin/env bash
# Prints the python of a venv holding FastAPI + uvicorn + uvloop + httptools (the HTTP bench's
# FastAPI peer), created once in the repository's ignored .cache/fastapi-venv/. Exits 1 with the
# reason on stderr when python3 or the packages are not to be had.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir="$root/.cache/fastapi-venv"
req="$root/bench/http/fastapi-requirements.txt"
if ! "$dir/bin/python" -c 'import fastapi, uvicorn, uvloop, httptools' 2>/dev/null; then
  command -v python3 >/dev/null || { echo "python3 is not installed" >&2; exit 1; }
  python3 -m venv "$dir" >&2 || { echo "python3 -m venv failed" >&2; exit 1; }
  # --retries 0: an unreachable index is skipped at once, the configured mirrors answer.
  "$dir/bin/pip" install --retries 0 --timeout 15 -r "$req" >&2 ||
    { echo "pip could not install $req" >&2; exit 1; }
fi
echo "$dir/bin/python"
