#!/usr/bin/env bash
# Runs one editor's end-to-end test of docent (tests/editors/<editor>_test.*) in a scratch
# copy of tests/editors/project, with a private HOME and XDG folders so that neither the
# user's editor configuration nor their learning data take part.
# Usage: tests/editors/run.sh nvim|emacs DOCENT_BINARY
# Exit status: the test's; 77 (ctest's skip) when the editor is not installed, except under
# CI (CI=true), where a missing editor fails: scripts/install-deps.sh --with-editors installs it.
set -euo pipefail
if [ $# -ne 2 ] || { [ "$1" != nvim ] && [ "$1" != emacs ]; }; then
  echo "usage: $0 nvim|emacs DOCENT_BINARY" >&2
  exit 2
fi
editor="$1"
binary="$(realpath "$2")"
here="$(cd "$(dirname "$0")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
# A bound for the whole editor run, in case the editor's own time-outs never fire.
limit="${DOCENT_EDITOR_TEST_TIMEOUT:-300}"

missing() {
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: $1 (CI must run the editor tests: scripts/install-deps.sh --with-editors)" >&2
    exit 1
  fi
  echo "SKIP: $1; install it with scripts/install-deps.sh --with-editors" >&2
  exit 77
}

scratch="$(mktemp -d "${TMPDIR:-/tmp}/docent-$editor-test.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/data" "$scratch/config" "$scratch/state" "$scratch/cache"
cp -R "$here/project" "$scratch/project"
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config"
export XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache"

# The editors, as the test will find them (with this HOME).
case "$editor" in
  nvim)
    command -v nvim >/dev/null || missing "Neovim (Debian package neovim) is not installed"
    ;;
  emacs)
    command -v emacs >/dev/null || missing "Emacs (Debian package emacs-nox) is not installed"
    emacs --batch --no-site-file --eval "(progn (package-initialize) (require 'eglot))" >/dev/null 2>&1 ||
      missing "Eglot (Debian package elpa-eglot) is not installed"
    ;;
esac
export DOCENT_BINARY="$binary" DOCENT_SOURCE_DIR="$source_dir"
export DOCENT_TEST_PROJECT="$scratch/project" DOCENT_TEST_LOG="$scratch/docent.log"
# Under the sanitizers, the server's reports go to files here (the editor keeps its stderr).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$scratch/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$scratch/sanitizer:print_stacktrace=1"

status=0
case "$editor" in
  nvim)
    timeout -k 10 "$limit" nvim --headless --clean -i NONE \
      -c "luafile $here/nvim_test.lua" </dev/null || status=$?
    ;;
  emacs)
    timeout -k 10 "$limit" emacs --batch --no-site-file -l "$here/emacs_test.el" </dev/null || status=$?
    ;;
esac
for report in "$scratch"/sanitizer.*; do
  [ -e "$report" ] || continue
  echo "FAIL: a sanitizer report from docent ($(basename "$report")):" >&2
  cat "$report" >&2
  [ "$status" -ne 0 ] || status=1
done
if [ "$status" -ne 0 ]; then
  [ "$status" -eq 124 ] && echo "FAIL: $editor did not finish within $limit s" >&2
  echo "--- docent's log:" >&2
  cat "$scratch/docent.log" >&2 2>/dev/null || echo "(none)" >&2
fi
exit "$status"
