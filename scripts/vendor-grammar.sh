#!/usr/bin/env bash
# Re-vendors the tree-sitter-python grammar into third_party/tree-sitter-python
# from the npm registry package of the pinned version (grammar ABI 14, which the
# Debian 12 tree-sitter runtime 0.20.7 loads; 0.25 and newer need ABI 15).
set -euo pipefail
version="${1:-0.23.6}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/third_party/tree-sitter-python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "tree-sitter-python@$version" >/dev/null && tar xzf tree-sitter-python-"$version".tgz)
abi=$(sed -n 's/^#define LANGUAGE_VERSION \([0-9]*\)$/\1/p' "$work/package/src/parser.c")
if [ "$abi" != 14 ]; then
  echo "tree-sitter-python@$version has grammar ABI $abi; the Debian runtime loads ABI 14 at most" >&2
  exit 1
fi
rm -rf "$dest/src"
mkdir -p "$dest/src/tree_sitter"
cp "$work/package/src/parser.c" "$work/package/src/scanner.c" "$dest/src/"
cp "$work/package/src/tree_sitter/"*.h "$dest/src/tree_sitter/"
cp "$work/package/LICENSE" "$dest/LICENSE"
cat > "$dest/VERSION" <<NOTE
tree-sitter-python $version (grammar ABI $abi)
Source: npm package tree-sitter-python@$version, files src/parser.c, src/scanner.c,
src/tree_sitter/*.h and LICENSE, copied unchanged by scripts/vendor-grammar.sh.
NOTE
echo "vendored tree-sitter-python@$version into $dest"
