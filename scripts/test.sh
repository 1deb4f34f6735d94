#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest.
# The agreement checks against radon/mccabe/cognitive_complexity run when those tools are
# installed (scripts/install-deps.sh --with-peers installs them; CI does).
# Usage: scripts/test.sh [release|debug|sanitize]   (default: release)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
flavor="${1:-release}"
"$root/scripts/install-deps.sh" --with-peers
"$root/scripts/build.sh" "$flavor"
cd "$root/build/$flavor"
ctest --output-on-failure -j2
