#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest.
# The agreement checks against radon/mccabe/cognitive_complexity run when those tools are
# installed (scripts/install-deps.sh --with-peers installs them; CI does), and the editor
# integrations run in Neovim and Emacs, which it installs too (--with-editors).
# Usage: scripts/test.sh [release|debug|sanitize]   (default: release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
flavor="${1:-release}"
"$root/scripts/install-deps.sh" --with-peers --with-editors
"$root/scripts/build.sh" "$flavor"
cd "$root/build/$flavor"
ctest --output-on-failure -j2
