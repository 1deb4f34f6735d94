#!/usr/bin/env python3
"""Agreement check of docent's raw metrics against radon 5.1.0 (radon.raw.analyze).

Usage:
    python3 tests/agreement/raw_check.py PATH_TO_TOOL DIR
        Compares the tool with radon on every .py file under DIR.
    python3 tests/agreement/raw_check.py --write-expected FIXTURE_DIR
        Writes NAME.expected next to every NAME.py of FIXTURE_DIR from radon's output.

The tool reads file paths on stdin, one per line, and prints for each
"PATH<TAB>loc lloc sloc comments multi blank single_comments" or "PATH<TAB>error"
(the latter where compute_raw_metrics returns std::nullopt). A minimal driver:

    #include "analysis/raw_metrics.h"
    #include <fstream>
    #include <iostream>
    #include <sstream>
    int main() {
      std::string path;
      while (std::getline(std::cin, path)) {
        std::ifstream in(path, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        auto m = docent::analysis::compute_raw_metrics(text.str());
        std::cout << path << '\\t';
        if (!m) { std::cout << "error\\n"; continue; }
        std::cout << m->loc << ' ' << m->lloc << ' ' << m->sloc << ' ' << m->comments << ' '
                  << m->multi << ' ' << m->blank << ' ' << m->single_comments << '\\n';
      }
    }

built with: g++ -std=c++17 -O2 -I. driver.cpp build/release/analysis/libdocent_analysis.a build/release/third_party/libtree_sitter_python.a -ltree-sitter

radon is run in-process, reading files as its CLI does (text mode, UTF-8, universal newlines).
Files radon cannot analyze (SyntaxError, undecodable bytes) must be errors for the tool too.
radon re-tokenizes a growing buffer for every multi-line construct, which takes about nine
minutes on pydoc_data/topics.py, so files matching --skip are run through the tool only.
"""

import argparse
import multiprocessing
import os
import subprocess
import sys
import time

FIELDS = ("loc", "lloc", "sloc", "comments", "multi", "blank", "single_comments")


def radon_line(path):
    """radon's numbers for one file as the tool prints them, or "error"."""
    from radon.raw import analyze

    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        m = analyze(source)
    except Exception:  # radon raises SyntaxError; reading raises UnicodeDecodeError
        return "error"
    return " ".join(str(getattr(m, name)) for name in FIELDS)


def run_tool(tool, paths):
    """Runs the tool over all paths at once; returns ({path: line}, wall seconds)."""
    start = time.perf_counter()
    done = subprocess.run(
        [tool], input="".join(p + "\n" for p in paths), capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    results = {}
    for line in done.stdout.splitlines():
        path, _, value = line.rpartition("\t")
        results[path] = value
    if done.stderr:
        sys.stderr.write(done.stderr)
    return results, seconds


def python_files(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        found.extend(os.path.join(dirpath, n) for n in sorted(filenames) if n.endswith(".py"))
    return found


def describe(value):
    if value == "error":
        return value
    return " ".join(f"{name}={v}" for name, v in zip(FIELDS, value.split()))


def compare(tool, root, skip, jobs):
    paths = python_files(root)
    ours, seconds = run_tool(tool, paths)
    checked = [p for p in paths if not any(p.endswith(s) for s in skip)]
    with multiprocessing.Pool(jobs) as pool:
        theirs = dict(zip(checked, pool.map(radon_line, checked, chunksize=4)))

    compared = identical = radon_errors = 0
    mismatches = []
    for path in checked:
        expected, actual = theirs[path], ours.get(path, "<missing>")
        if expected == "error":
            radon_errors += 1
            if actual != "error":
                mismatches.append((path, expected, actual))
            continue
        compared += 1
        if expected == actual:
            identical += 1
        else:
            mismatches.append((path, expected, actual))

    for path, expected, actual in mismatches:
        print(f"MISMATCH {path}\n  radon: {describe(expected)}\n  tool:  {describe(actual)}")
    for path in paths:
        if path not in theirs:
            print(f"tool only (radon skipped): {path}: {describe(ours.get(path, '<missing>'))}")
    print(f"files: {len(paths)}, radon errors: {radon_errors} (tool agrees: "
          f"{radon_errors - sum(1 for _, e, _ in mismatches if e == 'error')})")
    print(f"compared: {compared}, identical: {identical}, different: {compared - identical}")
    print(f"tool wall time (all {len(paths)} files, incl. process start and reading): "
          f"{seconds:.3f}s")
    return 0 if not mismatches else 1


def write_expected(fixture_dir):
    for name in sorted(os.listdir(fixture_dir)):
        if not name.endswith(".py"):
            continue
        path = os.path.join(fixture_dir, name)
        with open(path[:-3] + ".expected", "w", encoding="utf-8") as f:
            f.write(radon_line(path) + "\n")
        print(f"{name}: {radon_line(path)}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool", nargs="?", help="driver printing raw metrics per path")
    parser.add_argument("dir", nargs="?", help="directory searched for .py files")
    parser.add_argument("--write-expected", metavar="FIXTURE_DIR")
    parser.add_argument("--skip", action="append", default=None,
                        help="path suffix radon is not run on (default: pydoc_data/topics.py)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    if args.write_expected:
        return write_expected(args.write_expected)
    if not args.tool or not args.dir:
        parser.error("PATH_TO_TOOL and DIR are required")
    skip = args.skip if args.skip is not None else ["pydoc_data/topics.py"]
    return compare(os.path.abspath(args.tool), args.dir, skip, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
