#!/usr/bin/env bash
# Runs the language server benchmark of docs/benchmarks.md ("Language server"): docent against
# pylsp (Debian python3-pylsp) and pyright (npm), driven by bench/lsp_bench.py over stdio.
# Markdown tables go to stdout; progress and the raw numbers (JSON lines) to stderr.
# Usage: scripts/run-lsp-benchmarks.sh [extra bench/lsp_bench.py options]
# Environment: SERVERS (default docent,pylsp,pyright), RUNS (default 3), DOCENT (binary, default
# build/release/lsp/docent, built with scripts/build.sh release if missing), PYRIGHT_DIR (an
# `npm install pyright` folder, default ~/.cache/docent-bench/pyright; pyright is skipped when
# it is not there), KEEP=dir (keep the corpus, server logs and results.json there).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
servers="${SERVERS:-docent,pylsp,pyright}"
docent="${DOCENT:-$root/build/release/lsp/docent}"
pyright_dir="${PYRIGHT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/docent-bench/pyright}"
langserver="$pyright_dir/node_modules/pyright/langserver.index.js"

if [[ ",$servers," == *,docent,* && ! -x "$docent" ]]; then
  echo "== $docent is missing: building" >&2
  "$root/scripts/build.sh" release >&2
fi
if [[ ",$servers," == *,pyright,* && ! -f "$langserver" ]]; then
  echo "== pyright not found in $pyright_dir (npm install --prefix '$pyright_dir' pyright); skipping it" >&2
  servers="$(echo ",$servers," | sed 's/,pyright,/,/; s/^,//; s/,$//')"
fi
/usr/bin/python3 -c 'import pylsp' 2>/dev/null || {
  echo "run-lsp-benchmarks: pylsp is required (apt-get install python3-pylsp)" >&2; exit 2; }

if [[ -n "${KEEP:-}" ]]; then
  work="$KEEP"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

echo "== uptime before: $(uptime)" >&2
/usr/bin/python3 "$root/bench/lsp_bench.py" --servers "$servers" --runs "${RUNS:-3}" \
  --docent "$docent" --pyright "$langserver" --work "$work" --json "$work/results.json" "$@"
echo "== uptime after: $(uptime)" >&2
