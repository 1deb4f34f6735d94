#!/usr/bin/env bash
# Configures and builds docent with CMake + Ninja.
# Usage: scripts/build.sh [release|debug|sanitize]   (default: release)
# Build trees: build/release, build/debug, build/sanitize.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
flavor="${1:-release}"
case "$flavor" in
  release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
  debug) args=(-DCMAKE_BUILD_TYPE=Debug) ;;
  sanitize) args=(-DCMAKE_BUILD_TYPE=Debug -DDOCENT_SANITIZE=ON) ;;
  *) echo "usage: $0 [release|debug|sanitize]" >&2; exit 2 ;;
esac
cmake -S "$root" -B "$root/build/$flavor" -G Ninja "${args[@]}" >/dev/null
cmake --build "$root/build/$flavor"
