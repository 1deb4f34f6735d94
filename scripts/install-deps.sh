#!/usr/bin/env bash
# Installs the Debian 12 packages docent needs to build and test, skipping those present.
# Usage: scripts/install-deps.sh [--with-peers] [--with-editors]
#   --with-peers    also the reference tools the agreement checks and benchmarks compare with.
#   --with-editors  also the editors whose integrations the tests run (tests/editors/): Neovim,
#                   Emacs with Eglot, and for VS Code node 20 with npm, chromium (driven by
#                   playwright-core), and what code-server's install needs (a C++ toolchain and
#                   python3 for its native modules, libkrb5-dev, and ripgrep in place of the
#                   rg that @vscode/ripgrep would download). The npm packages themselves are
#                   installed by the test (tests/editors/vscode/install.sh).
set -euo pipefail

build_packages=(
  cmake ninja-build g++ pkg-config
  libtree-sitter-dev nlohmann-json3-dev libboost-dev libfmt-dev catch2
  libcli11-dev libtomlplusplus-dev libspdlog-dev libkainjow-mustache-dev libsqlite3-dev
  libtorch-dev
)
peer_packages=(radon python3-mccabe python3-cognitive-complexity pydocstyle hyperfine
  python3-matplotlib)
editor_packages=(neovim emacs-nox elpa-eglot chromium libkrb5-dev ripgrep make python3)

wanted=("${build_packages[@]}")
for option in "$@"; do
  case "$option" in
    --with-peers) wanted+=("${peer_packages[@]}") ;;
    --with-editors) wanted+=("${editor_packages[@]}") ;;
    *) echo "usage: $0 [--with-peers] [--with-editors]" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
# node 20 and npm: Debian 12's nodejs is 18, which code-server does not run on; a node 20
# that is already installed (NodeSource, nvm, the CI image) is used as it is.
for option in "$@"; do
  if [ "$option" = --with-editors ] && ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -o DPkg::Lock::Timeout=600 >/dev/null
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
