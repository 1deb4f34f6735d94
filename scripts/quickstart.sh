#!/usr/bin/env bash
# Installs what is missing, builds docent (Release, Ninja) and runs `docent check` on the
# bundled example project, printing its findings.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" release
cd "$root"
echo
echo "$ build/release/lsp/docent check examples/shop"
status=0
build/release/lsp/docent check examples/shop || status=$?
echo
case "$status" in
  0) echo "docent check: no findings." ;;
  1) echo "docent check exited 1: it found the problems planted in examples/shop." ;;
  *) echo "docent check failed with status $status." >&2; exit "$status" ;;
esac
echo "Next: build/release/lsp/docent metrics examples/shop   (JSON Lines of every metric)"
