#!/usr/bin/env bash
# Builds the VS Code extension into docent-<version>.vsix: npm ci from package-lock.json (the
# packages come from npm's cache when they are there, so a rebuild needs no network), tsc,
# a check that the settings still match docs/configuration.md, and vsce package.
# Usage: editors/vscode/build.sh [--binary PATH] [--out DIR]
#   --binary PATH  bundle this docent binary as bin/docent (found before PATH's)
#   --out DIR      where the .vsix goes (default: editors/vscode)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary=""
out="$here"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$(realpath "$2")"; shift 2 ;;
    --out) mkdir -p "$2"; out="$(cd "$2" && pwd)"; shift 2 ;;
    *) echo "usage: $0 [--binary PATH] [--out DIR]" >&2; exit 2 ;;
  esac
done
cd "$here"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
version="$(node -p 'require("./package.json").version')"
stamp="node_modules/.docent-lock.sha256"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  npm ci --prefer-offline
  echo "$lock_sum" > "$stamp"
fi
node scripts/configuration.js --check
rm -rf out bin
node_modules/.bin/tsc -p .
if [ -n "$binary" ]; then
  mkdir -p bin
  cp "$binary" bin/docent
  chmod 755 bin/docent
fi
vsix="$out/docent-$version.vsix"
node_modules/.bin/vsce package --skip-license --allow-missing-repository --out "$vsix" </dev/null
rm -rf bin
echo "built $vsix"
