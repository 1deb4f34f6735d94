#!/usr/bin/env bash
# Installs what the VS Code test needs (code-server and playwright-core, from
# tests/editors/vscode/package-lock.json) into a cache folder, once: later runs find them there
# and need no network. Usage: tests/editors/vscode/install.sh CACHE_DIR
# Needs node 20, npm, g++, make, python3, libkrb5-dev (code-server's native modules) and rg
# (Debian's ripgrep, given to @vscode/ripgrep in place of its download from GitHub).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$1"
mkdir -p "$cache"
stamp="$cache/installed.sha256"
want="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
   [ -x "$cache/node_modules/.bin/code-server" ]; then
  exit 0
fi
rm -f "$stamp"
cp "$here/package.json" "$here/package-lock.json" "$cache/"
cd "$cache"
export npm_config_yes=true npm_config_unsafe_perm=true npm_config_audit=false npm_config_fund=false
# Native modules build against the headers Debian's nodejs installs: node-gyp would otherwise
# download them from nodejs.org, which is not among the registries a build may reach.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/common.gypi ]; then
  export npm_config_nodedir=/usr
fi
# First without install scripts, to learn which @vscode/ripgrep code-server's VS Code uses.
npm ci --ignore-scripts
vscode_lock="$cache/node_modules/code-server/lib/vscode/npm-shrinkwrap.json"
rg_version="$(node -e '
  const lock = require(process.argv[1]);
  console.log(lock.packages["node_modules/@vscode/ripgrep"].version);' "$vscode_lock")"
# @vscode/ripgrep downloads rg from GitHub unless its cache in TMPDIR has the archive: put
# Debian's rg there, under the name it looks for.
export TMPDIR="$cache/tmp"
mkdir -p "$TMPDIR/rg-package" "$TMPDIR/rg-binary"
(cd "$TMPDIR/rg-package" && npm pack --silent "@vscode/ripgrep@$rg_version" >/dev/null &&
  tar xzf ./*.tgz)
rg_release="$(sed -n "s/^const VERSION = '\(.*\)';/\1/p" "$TMPDIR/rg-package/package/lib/postinstall.js")"
case "$(uname -m)" in
  x86_64) target=x86_64-unknown-linux-musl ;;
  aarch64) target=aarch64-unknown-linux-musl ;;
  *) echo "install.sh: no ripgrep target for $(uname -m)" >&2; exit 1 ;;
esac
cp "$(command -v rg)" "$TMPDIR/rg-binary/rg"
mkdir -p "$TMPDIR/vscode-ripgrep-cache-$rg_version"
tar czf "$TMPDIR/vscode-ripgrep-cache-$rg_version/ripgrep-$rg_release-$target.tar.gz" \
  -C "$TMPDIR/rg-binary" rg
# Now the install scripts: argon2's native module, and code-server's postinstall (VS Code's
# own dependencies, with their native modules).
npm rebuild --foreground-scripts
rm -rf "$TMPDIR"
echo "$want" > "$stamp"
