#!/usr/bin/env python3
"""Missing-docstring findings (D100-D107) of docent against pydocstyle's, over a corpus.

Runs `pydocstyle --select=D100,...,D107` and `docent check --select D1 --format json` on the
same tree and compares the findings as (file, line, code). Files pydocstyle cannot parse are
left out (it reports no D1 findings for them), and so are `test_*.py` files, which pydocstyle's
default `--match='(?!test_).*\.py'` skips while docent checks every file, as ruff does. Prints the agreement and each difference; with
--strict, exits 1 below --min-agreement (default 99.5%).

Usage: pydocstyle_check.py [--docent PATH] [--strict] [--min-agreement PCT] CORPUS
"""
import argparse
import json
import os
import re
import subprocess
import sys

CODES = "D100,D101,D102,D103,D104,D105,D106,D107"
HEADER = re.compile(r"^(?P<path>.+?):(?P<line>\d+) (?:in |at )")
CODE = re.compile(r"^\s+(?P<code>D10\d): ")


def pydocstyle_findings(corpus):
    """Findings and unparsable files, from pydocstyle's text output."""
    run = subprocess.run(
        ["/usr/bin/python3", "-m", "pydocstyle", "--select=" + CODES, corpus],
        capture_output=True, text=True, errors="replace")
    findings = set()
    header = None
    for line in run.stdout.splitlines():
        match = HEADER.match(line)
        if match:
            header = (os.path.realpath(match["path"]), int(match["line"]))
            continue
        match = CODE.match(line)
        if match and header:
            findings.add((header[0], header[1], match["code"]))
    broken = set()
    for line in run.stderr.splitlines():
        match = re.search(r"Cannot parse file|error parsing file|Error in file", line)
        if match:
            path = re.search(r"(/\S+\.py)", line)
            if path:
                broken.add(os.path.realpath(path.group(1)))
    return findings, broken


def docent_findings(docent, corpus):
    run = subprocess.run(
        [docent, "check", "--no-config", "--select", "D1", "--format", "json", corpus],
        capture_output=True, text=True, errors="replace")
    findings = set()
    for item in json.loads(run.stdout or "[]"):
        findings.add((os.path.realpath(item["filename"]), item["location"]["row"], item["code"]))
    return findings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--docent", default=os.path.join(here, "../../build/release/lsp/docent"))
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--min-agreement", type=float, default=99.5)
    parser.add_argument("--show", type=int, default=40, help="differences to list")
    parser.add_argument("corpus")
    args = parser.parse_args()

    expected, broken = pydocstyle_findings(args.corpus)
    actual = {f for f in docent_findings(args.docent, args.corpus)
              if f[0] not in broken and not os.path.basename(f[0]).startswith("test_")}
    # Module findings: pydocstyle's line is its first token's; docent reports line 1.
    def key(finding):
        path, line, code = finding
        return (path, 0 if code in ("D100", "D104") else line, code)
    expected_keys = {key(f) for f in expected}
    actual_keys = {key(f) for f in actual}
    both = expected_keys & actual_keys
    union = expected_keys | actual_keys
    agreement = 100.0 * len(both) / len(union) if union else 100.0
    print(f"pydocstyle findings: {len(expected_keys)}; docent findings: {len(actual_keys)}; "
          f"identical: {len(both)}; agreement: {agreement:.2f}% "
          f"(files pydocstyle cannot parse, left out: {len(broken)})")
    only_expected = sorted(expected_keys - actual_keys)
    only_actual = sorted(actual_keys - expected_keys)
    for label, items in (("only pydocstyle", only_expected), ("only docent", only_actual)):
        print(f"{label}: {len(items)}")
        for path, line, code in items[: args.show]:
            print(f"  {path}:{line}: {code}")
    if args.strict and agreement < args.min_agreement:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
