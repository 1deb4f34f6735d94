#!/usr/bin/env bash
# Installs the Debian 12 packages docent needs to build and test, skipping those present.
# Usage: scripts/install-deps.sh [--with-peers] [--with-editors]
#   --with-peers    also the reference tools the agreement checks and benchmarks compare with.
#   --with-editors  also the editors whose integrations the tests run (tests/editors/).
set -euo pipefail

build_packages=(
  cmake ninja-build g++ pkg-config
  libtree-sitter-dev nlohmann-json3-dev libboost-dev libfmt-dev catch2
  libcli11-dev libtomlplusplus-dev libspdlog-dev libkainjow-mustache-dev libsqlite3-dev
  libtorch-dev
)
peer_packages=(radon python3-mccabe python3-cognitive-complexity pydocstyle hyperfine
  python3-matplotlib)
editor_packages=(neovim emacs-nox elpa-eglot)

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
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -o DPkg::Lock::Timeout=600 >/dev/null
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}"
