#!/usr/bin/python3
"""Agreement of `docent metrics` with the reference tools, per definition and per module.

Run with Debian's python3, where radon 5.1.0, mccabe 0.7.0 and cognitive_complexity 1.2.0 are
installed (scripts/install-deps.sh --with-peers):

    agreement.py --docent build/release/lsp/docent [--strict] [PATH ...]

PATH defaults to /usr/lib/python3.11. Files are read as radon's CLI reads them (UTF-8,
universal newlines); files that radon cannot decode or that ast cannot parse are errors for the
reference tools and are left out of the comparison, as the issue's "every definition the tool
reports" says. Compared:

  cyclomatic  radon cc with closures (add_inner_blocks): every function, method, nested
              function and class, by line; classes by radon's averaged score
  rank        radon's cc_rank of the same
  mccabe      mccabe's PathGraph complexity of every graph it reports (flake8 C901), by line;
              for graphs that share a name, the last one (mccabe keeps only it)
  halstead    h_visit: the module total (h1 h2 N1 N2) and each function report, in order
  raw         radon.raw.analyze: loc lloc sloc comments multi blank single_comments
  mi          radon mi_visit(code, multi=True) within 0.01, and its rank
  cognitive   the cognitive_complexity package (a different reading of the SonarSource
              specification): agreement is reported, not required; see docs/metrics.md

radon's raw and MI counting is quadratic in a statement's length (about 9 minutes on
pydoc_data/topics.py alone), so raw and MI leave that one file out; every other comparison
includes it. With --strict the exit status is 1 unless every exact comparison is 100%.
"""

import argparse
import ast
import collections
import json
import multiprocessing
import os
import subprocess
import sys
import time

import mccabe
from cognitive_complexity.api import get_cognitive_complexity
from radon.complexity import add_inner_blocks, cc_rank, cc_visit_ast
from radon.metrics import h_visit_ast, mi_rank, mi_visit
from radon.raw import analyze

SLOW_FOR_RADON_RAW = ("pydoc_data/topics.py",)
HALSTEAD_KEYS = ("h1", "h2", "N1", "N2")


def python_files(paths):
    for path in paths:
        if os.path.isfile(path):
            yield path
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(files):
                if name.endswith(".py"):
                    yield os.path.join(folder, name)


def functions_radon_hal_lists(tree):
    """Line numbers of the FunctionDefs that h_visit reports, in its order."""
    lines = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            is_function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if is_function and not in_function:
                lines.append(child.lineno)
            visit(child, in_function or is_function)

    visit(tree, False)
    return lines


def cognitive_by_line(tree):
    result = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            result[node.lineno] = get_cognitive_complexity(node)
    return result


def reference(path):
    """Everything the reference tools say about one file, or None if they cannot read it."""
    try:
        with open(path, encoding="utf-8") as handle:
            code = handle.read()
        tree = ast.parse(code)
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return None
    blocks = add_inner_blocks(cc_visit_ast(tree))
    graphs = mccabe.PathGraphingAstVisitor()
    graphs.preorder(tree, graphs)
    halstead = h_visit_ast(tree)
    result = {
        "cc": [(b.lineno, b.complexity, cc_rank(b.complexity), b.fullname) for b in blocks],
        "mccabe": [(g.lineno, g.complexity(), g.entity) for g in graphs.graphs.values()
                   if isinstance(g.entity, str) and not g.entity.split(".")[-1].startswith(
                       ("If ", "Loop ", "TryExcept ", "With "))],
        "hal_total": [getattr(halstead.total, k) for k in HALSTEAD_KEYS],
        "hal_functions": list(zip(functions_radon_hal_lists(tree),
                                  ([getattr(r, k) for k in HALSTEAD_KEYS]
                                   for _, r in halstead.functions))),
        "cognitive": cognitive_by_line(tree),
    }
    if not path.endswith(SLOW_FOR_RADON_RAW):
        raw = analyze(code)
        result["raw"] = list(raw)
        mi = mi_visit(code, True)
        result["mi"] = (mi, mi_rank(mi))
    return result


def docent_metrics(binary, files):
    output = subprocess.run([binary, "metrics", "--no-config", *files], check=False,
                            capture_output=True, text=True).stdout
    by_file = collections.defaultdict(lambda: {"definitions": {}, "module": None})
    for line in output.splitlines():
        record = json.loads(line)
        entry = by_file[record["path"]]
        if record["kind"] == "module":
            entry["module"] = record
        elif record["kind"] != "error":
            entry["definitions"][record["line"]] = record
    return by_file


class Tally:
    def __init__(self):
        self.total = collections.Counter()
        self.same = collections.Counter()
        self.examples = collections.defaultdict(list)

    def add(self, metric, same, example):
        self.total[metric] += 1
        self.same[metric] += bool(same)
        if not same and len(self.examples[metric]) < 8:
            self.examples[metric].append(example)


def compare_file(path, ref, mine, tally):
    definitions = mine["definitions"]
    for line, cc, rank, name in ref["cc"]:
        got = definitions.get(line)
        tally.add("cyclomatic", got and got["cyclomatic"] == cc, (path, line, name, cc, got and got["cyclomatic"]))
        tally.add("rank", got and got["rank"] == rank, (path, line, name, rank, got and got["rank"]))
    for line, complexity, entity in ref["mccabe"]:
        got = definitions.get(line)
        tally.add("mccabe", got and got["mccabe"] == complexity,
                  (path, line, entity, complexity, got and got["mccabe"]))
    module = mine["module"]
    if module is None:
        tally.add("module", False, (path, "no module record"))
        return
    tally.add("halstead (module)", [module["halstead"][k] for k in HALSTEAD_KEYS] == ref["hal_total"],
              (path, ref["hal_total"], [module["halstead"][k] for k in HALSTEAD_KEYS]))
    for line, counts in ref["hal_functions"]:
        got = definitions.get(line)
        mine_counts = got and [got["halstead"][k] for k in HALSTEAD_KEYS]
        tally.add("halstead (functions)", mine_counts == counts, (path, line, counts, mine_counts))
    if "raw" in ref:
        raw_keys = ("loc", "lloc", "sloc", "comments", "multi", "blank", "single_comments")
        mine_raw = [module.get(k) for k in raw_keys]
        tally.add("raw", mine_raw == ref["raw"], (path, ref["raw"], mine_raw))
        mi, rank = ref["mi"]
        close = module["mi"] is not None and abs(module["mi"] - mi) <= 0.01
        tally.add("mi (within 0.01)", close, (path, mi, module["mi"]))
        tally.add("mi rank", module["mi_rank"] == rank, (path, rank, module["mi_rank"]))
    for line, cognitive in ref["cognitive"].items():
        got = definitions.get(line)
        tally.add("cognitive (vs cognitive_complexity)", got and got["cognitive"] == cognitive,
                  (path, line, cognitive, got and got["cognitive"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docent", required=True, help="path to the docent binary")
    parser.add_argument("--strict", action="store_true", help="exit 1 unless exact metrics agree")
    parser.add_argument("paths", nargs="*", default=["/usr/lib/python3.11"])
    args = parser.parse_args()

    files = list(python_files(args.paths))
    started = time.monotonic()
    with multiprocessing.Pool() as pool:
        references = dict(zip(files, pool.map(reference, files, chunksize=4)))
    reference_seconds = time.monotonic() - started
    started = time.monotonic()
    mine = docent_metrics(args.docent, files)
    docent_seconds = time.monotonic() - started

    tally = Tally()
    compared = [f for f in files if references[f] is not None]
    for path in compared:
        compare_file(path, references[path], mine[path], tally)

    print(f"Agreement of docent with radon 5.1.0, mccabe 0.7.0 and cognitive_complexity 1.2.0")
    print(f"{len(files)} files, {len(compared)} that the reference tools read "
          f"(raw and mi without {', '.join(SLOW_FOR_RADON_RAW)})\n")
    print("| metric | compared | identical | agreement |")
    print("|---|---:|---:|---:|")
    for metric in tally.total:
        total, same = tally.total[metric], tally.same[metric]
        print(f"| {metric} | {total} | {same} | {100.0 * same / total:.2f}% |")
    print(f"\nreference tools: {reference_seconds:.1f} s (all cores); docent: {docent_seconds:.1f} s")
    failed = False
    for metric, examples in tally.examples.items():
        exact = not metric.startswith("cognitive")
        failed |= exact
        print(f"\n{metric}: {'DIFFERENCES' if exact else 'differences (expected)'}, e.g.")
        for example in examples:
            print("   ", example)
    if args.strict and failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
