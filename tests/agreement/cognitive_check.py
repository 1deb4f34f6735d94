#!/usr/bin/python3
"""Agreement check: docent's cognitive complexity against Debian's python3-cognitive-complexity.

Compares, for every function of every .py file under a directory (default /usr/lib/python3.11)
that `ast` parses, the value docent computes (analysis/cognitive.cpp, through a small driver built
here in a temporary directory, never part of the project) with the value of the
`cognitive_complexity` package, and explains every difference.

The explanation is exact, not a guess from the constructs present: `Model` below re-implements
both readings on the `ast` tree, as one walk with a switch per point on which the package reads
the specification differently (the CLASSES table). With no switch on it is docent's reading, with
all on it is the package's; the script checks both ends (against the driver and against the
package, function by function) and then charges each difference to the switches that, flipped
alone from docent's reading, change the value. The same walk gives the block nesting depth, which
is checked against docent's max_nesting_depth.

Usage (Debian's /usr/bin/python3, where the package is installed):
  python3 tests/agreement/cognitive_check.py [--build-dir build/release] [--root /usr/lib/python3.11]
                                             [--examples N]
"""

import argparse
import ast
import collections
import io
import os
import subprocess
import sys
import tempfile
import tokenize

from cognitive_complexity.api import get_cognitive_complexity

# The throwaway driver: reads paths on stdin, prints one line per function_definition.
DRIVER_SOURCE = r"""
#include "analysis/cognitive.h"
#include "analysis/document.h"
#include "analysis/syntax_tree.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

using namespace docent::analysis;

int main() {
  std::string path;
  while (std::getline(std::cin, path)) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto snapshot = parse_snapshot(buffer.str());
    const int error = ts_node_has_error(snapshot->root()) ? 1 : 0;
    TSTreeCursor cursor = ts_tree_cursor_new(snapshot->root());
    for (bool done = false; !done;) {
      const TSNode node = ts_tree_cursor_current_node(&cursor);
      if (kind_of(node) == NodeKind::FunctionDefinition) {
        const CognitiveMetrics m = cognitive_metrics(snapshot->text(), node);
        std::cout << path << '\t' << first_line(node) << '\t' << m.cognitive << '\t'
                  << m.max_nesting << '\t' << error << '\n';
      }
      if (ts_tree_cursor_goto_first_child(&cursor))
        continue;
      while (!ts_tree_cursor_goto_next_sibling(&cursor))
        if (!ts_tree_cursor_goto_parent(&cursor)) {
          done = true;
          break;
        }
    }
    ts_tree_cursor_delete(&cursor);
  }
}
"""

# Each class of difference: the package's reading of one point, flipped on in Model.
CLASSES = collections.OrderedDict([
    ("elif", "in an if/elif chain every if but the last costs max(1, nesting) and nests "
             "nothing; the last costs 1 + nesting like an if"),
    ("else-if", "an else whose only statement is an if is read as an elif (as above)"),
    ("headers", "if/elif/for/while/except headers sit one level deeper than the statement"),
    ("try-body", "each try-body statement after the first costs 1 + nesting and nests"),
    ("try-else", "each statement of a try's else costs 1 + nesting (not +1 for the clause)"),
    ("finally", "each statement of a finally costs 1 + nesting and nests"),
    ("try-star", "try/except* is ignored: no increment, no nesting"),
    ("bool-count", "+1 per boolean-operator node, not per change of operator in a sequence"),
    ("bool-opaque", "nothing inside a boolean expression counts but boolean operators"),
    ("recursion", "+1 when the body calls a bare name equal to the function's name"),
    ("lambda", "a lambda adds a nesting level"),
    ("class", "a class does not reset nesting; its methods nest like inner functions"),
    ("wrapper", "decorator rule: body == [def, return ...] means the inner function alone; "
                "no other wrapper exemption"),
    ("signature", "decorators, defaults and annotations of the measured function do not count"),
    ("async-loop", "async for is ignored: no increment, no nesting"),
    ("match", "match is ignored: no increment, case bodies do not nest"),
])
ALL = frozenset(CLASSES)


class Source:
    """A file's text and significant tokens, to see what `ast` drops: parentheses and `elif`."""

    def __init__(self, data):
        text = data.decode(tokenize.detect_encoding(io.BytesIO(data).readline)[0])
        # Python's line ends only (str.splitlines would also split at form feeds).
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        skip = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT,
                tokenize.ENCODING, tokenize.ENDMARKER}
        tokens = tokenize.tokenize(io.BytesIO(data).readline)
        self.tokens = [t for t in tokens if t.type not in skip]
        self.starts = {t.start: i for i, t in enumerate(self.tokens)}
        self.ends = {t.end: i for i, t in enumerate(self.tokens)}

    def _column(self, line, byte_column):
        # ast columns are UTF-8 byte offsets; tokenize's are character offsets.
        text = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))

    def first_token(self, node):
        return self.starts.get((node.lineno, self._column(node.lineno, node.col_offset)))

    def parenthesized(self, node):
        i = self.first_token(node)
        j = self.ends.get((node.end_lineno, self._column(node.end_lineno, node.end_col_offset)))
        if i is None or j is None or i == 0 or j + 1 >= len(self.tokens):
            return False
        return self.tokens[i - 1].string == "(" and self.tokens[j + 1].string == ")"

    def is_elif(self, if_node):
        i = self.first_token(if_node)
        return i is not None and self.tokens[i].string == "elif"

    def follows_return(self, node):
        i = self.first_token(node)
        return i is not None and i > 0 and self.tokens[i - 1].string == "return"


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class Model:
    """Cognitive complexity of one function, with the package's readings in `flags` switched on."""

    def __init__(self, source, flags):
        self.src = source
        self.on = flags.__contains__

    # -- entry ----------------------------------------------------------------------------------
    def complexity(self, fn):
        if self.on("wrapper") and self._package_decorator(fn):
            return self.complexity(fn.body[0])
        total = 0
        if not self.on("signature"):
            total += sum(self.visit(c, 0, fn) for c in ast.iter_child_nodes(fn) if c not in fn.body)
        total += self.block(fn.body, 0, fn)
        if self.on("recursion") and any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == fn.name
                for n in ast.walk(fn)):
            total += 1
        return total

    @staticmethod
    def _package_decorator(fn):
        return (isinstance(fn, ast.FunctionDef) and len(fn.body) == 2
                and isinstance(fn.body[0], ast.FunctionDef) and isinstance(fn.body[1], ast.Return))

    # -- walk -----------------------------------------------------------------------------------
    def block(self, statements, level, scope):
        return sum(self.visit(s, level, scope) for s in statements)

    def children(self, node, level, scope):
        return sum(self.visit(c, level, scope) for c in ast.iter_child_nodes(node))

    def visit(self, node, level, scope):
        if isinstance(node, ast.If):
            return self.if_chain(node, level, scope, elif_clause=False)
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            return self.loop(node, level, scope)
        if isinstance(node, (ast.Try, ast.TryStar)):
            return self.try_statement(node, level, scope)
        if isinstance(node, ast.Match):
            return self.match(node, level, scope)
        if isinstance(node, ast.IfExp):
            return 1 + level + self.children(node, level + 1, scope)
        if isinstance(node, ast.BoolOp):
            return self.boolean(node, level, scope)
        if isinstance(node, ast.Lambda):
            return self.children(node, level + 1 if self.on("lambda") else level, scope)
        if isinstance(node, FUNCTIONS):
            return self.inner_function(node, level, scope)
        if isinstance(node, ast.ClassDef):
            return self.children(node, level if self.on("class") else 0, node)
        return self.children(node, level, scope)

    def header(self, level):
        return level + 1 if self.on("headers") else level

    def if_chain(self, node, level, scope, elif_clause):
        orelse = node.orelse
        inner = orelse[0] if len(orelse) == 1 and isinstance(orelse[0], ast.If) else None
        real_elif = inner is not None and self.src.is_elif(inner)
        if inner is not None and self.on("elif" if real_elif else "else-if"):
            # The package sees `elif` (or `else:` + lone `if`) as "this if is an elif": it costs
            # max(1, nesting), nests nothing, and the next if of the chain is costed as an if.
            return (max(1, level) + self.visit(node.test, level, scope)
                    + self.block(node.body, level, scope) + self.visit(inner, level, scope))
        total = 1 if elif_clause else 1 + level
        total += self.visit(node.test, self.header(level), scope)
        total += self.block(node.body, level + 1, scope)
        if real_elif:
            return total + self.if_chain(inner, level, scope, elif_clause=True)
        if orelse:
            total += 1 + self.block(orelse, level + 1, scope)
        return total

    def loop(self, node, level, scope):
        if isinstance(node, ast.AsyncFor) and self.on("async-loop"):
            return self.children(node, level, scope)
        total = 1 + level
        headers = [node.test] if isinstance(node, ast.While) else [node.target, node.iter]
        total += sum(self.visit(h, self.header(level), scope) for h in headers)
        total += self.block(node.body, level + 1, scope)
        if node.orelse:
            total += 1 + self.block(node.orelse, level + 1, scope)
        return total

    def try_statement(self, node, level, scope):
        if isinstance(node, ast.TryStar) and self.on("try-star"):
            return sum(self.children(h, level, scope) for h in node.handlers) + self.block(
                node.body + node.orelse + node.finalbody, level, scope)
        inner = level + 1
        total = self.visit(node.body[0], level, scope)
        for statement in node.body[1:]:
            if self.on("try-body"):
                total += inner + self.visit(statement, inner, scope)
            else:
                total += self.visit(statement, level, scope)
        for handler in node.handlers:
            total += 1 + level
            if handler.type is not None:
                total += self.visit(handler.type, self.header(level), scope)
            total += self.block(handler.body, inner, scope)
        if node.orelse:
            if self.on("try-else"):
                total += sum(inner + self.visit(s, inner, scope) for s in node.orelse)
            else:
                total += 1 + self.block(node.orelse, inner, scope)
        for statement in node.finalbody:
            if self.on("finally"):
                total += inner + self.visit(statement, inner, scope)
            else:
                total += self.visit(statement, level, scope)
        return total

    def match(self, node, level, scope):
        if self.on("match"):
            return self.children(node, level, scope)
        total = 1 + level + self.visit(node.subject, level, scope)
        for case in node.cases:
            total += self.visit(case.pattern, level, scope)
            if case.guard is not None:
                total += self.visit(case.guard, level, scope)
            total += self.block(case.body, level + 1, scope)
        return total

    # Boolean sequences: sonar-python flattens directly nested and/or (not parenthesized) into
    # one sequence of operators in source order and adds 1 per change of operator.
    def chain_child(self, node):
        return isinstance(node, ast.BoolOp) and not self.src.parenthesized(node)

    def operators(self, node):
        ops = []
        for k, value in enumerate(node.values):
            if k:
                ops.append(type(node.op))
            if self.chain_child(value):
                ops += self.operators(value)
        return ops

    def sequence_cost(self, node):
        if self.on("bool-count"):
            return 1 + sum(self.sequence_cost(v) for v in node.values if self.chain_child(v))
        ops = self.operators(node)
        return sum(1 for k, op in enumerate(ops) if k == 0 or ops[k - 1] is not op)

    def boolean(self, node, level, scope):
        if self.on("bool-opaque"):
            return self.opaque_sequences(node, root=True)
        total = self.sequence_cost(node)
        for value in node.values:
            total += self.boolean_operand(value, level, scope)
        return total

    def boolean_operand(self, value, level, scope):
        if not self.chain_child(value):
            return self.visit(value, level, scope)
        return sum(self.boolean_operand(v, level, scope) for v in value.values)

    def opaque_sequences(self, node, root):
        total = 0
        if isinstance(node, ast.BoolOp):
            if root:
                total += self.sequence_cost(node)
            for value in node.values:
                total += self.opaque_sequences(value, root=not self.chain_child(value))
            return total
        return sum(self.opaque_sequences(c, root=True) for c in ast.iter_child_nodes(node))

    # Nested functions: sonar-python nests them one level below the enclosing function's current
    # level, except in a wrapper (the enclosing body is otherwise only `return NAME`), and starts
    # methods afresh at 0.
    def inner_function(self, node, level, scope):
        if isinstance(scope, ast.ClassDef):
            inner = level + 1 if self.on("class") else 0
        elif isinstance(scope, FUNCTIONS) and not self.on("wrapper") and self.sonar_wrapper(
                scope, node):
            inner = level
        else:
            inner = level + 1
        return self.children(node, inner, node)

    def sonar_wrapper(self, outer, inner):
        return all(isinstance(s, ast.Return) and isinstance(s.value, ast.Name)
                   and self.src.follows_return(s.value) for s in outer.body if s is not inner)


def nesting_depth(fn, src):
    """max_nesting_depth on ast: control-flow blocks, nested function bodies left out."""

    def block(statements, depth):
        return max((statement(s, depth) for s in statements), default=depth)

    def statement(node, depth):
        if isinstance(node, FUNCTIONS):
            return depth
        if isinstance(node, ast.If):
            best = block(node.body, depth + 1)
            if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) and src.is_elif(
                    node.orelse[0]):
                return max(best, statement(node.orelse[0], depth))
            return max(best, block(node.orelse, depth + 1) if node.orelse else depth)
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            return max(block(node.body, depth + 1), block(node.orelse, depth + 1))
        if isinstance(node, (ast.Try, ast.TryStar)):
            bodies = [node.body, node.orelse, node.finalbody] + [h.body for h in node.handlers]
            return max(block(b, depth + 1) for b in bodies)
        if isinstance(node, (ast.With, ast.AsyncWith)):
            return block(node.body, depth + 1)
        if isinstance(node, ast.Match):
            return max(block(c.body, depth + 1) for c in node.cases)
        if isinstance(node, ast.ClassDef):
            return block(node.body, depth)
        return depth

    return block(fn.body, 0)


def build_driver(build_dir, work):
    cpp = os.path.join(work, "driver.cpp")
    exe = os.path.join(work, "driver")
    with open(cpp, "w") as out:
        out.write(DRIVER_SOURCE)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    subprocess.run(["c++", "-std=c++17", "-O2", "-I" + repo, cpp,
                    os.path.join(build_dir, "analysis", "libdocent_analysis.a"),
                    os.path.join(build_dir, "third_party", "libtree_sitter_python.a"),
                    "-ltree-sitter", "-lpthread", "-o", exe], check=True)
    return exe


def run_driver(exe, paths):
    out = subprocess.run([exe], input="\n".join(paths) + "\n", capture_output=True, text=True,
                         check=True).stdout
    results = {}
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) == 5:
            results[(fields[0], int(fields[1]))] = (int(fields[2]), int(fields[3]),
                                                    fields[4] == "1")
    return results


def python_files(root):
    for directory, _, names in os.walk(root):
        for name in sorted(names):
            if name.endswith(".py"):
                yield os.path.join(directory, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "release"))
    parser.add_argument("--root", default="/usr/lib/python3.11")
    parser.add_argument("--examples", type=int, default=0,
                        help="print up to N differing functions per class")
    args = parser.parse_args()

    parsed = {}
    for path in python_files(args.root):
        try:
            with open(path, "rb") as f:
                data = f.read()
            parsed[path] = (ast.parse(data), data)
        except (SyntaxError, ValueError, UnicodeDecodeError):
            continue

    with tempfile.TemporaryDirectory() as work:
        ours = run_driver(build_driver(args.build_dir, work), list(parsed))

    total = identical = higher = 0
    model_mismatch, package_mismatch, nesting_mismatch, missing = [], [], [], []
    ts_error_functions = ts_error_differences = 0
    per_class = collections.Counter()
    single_cause = collections.Counter()
    unexplained = []
    examples = collections.defaultdict(list)
    for path, (tree, data) in parsed.items():
        try:
            source = Source(data)
        except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
            continue
        docent_model = Model(source, frozenset())
        package_model = Model(source, ALL)
        for fn in ast.walk(tree):
            if not isinstance(fn, FUNCTIONS):
                continue
            where = (path, fn.lineno)
            if where not in ours:
                missing.append(where)
                continue
            cognitive, nesting, ts_error = ours[where]
            package = get_cognitive_complexity(fn)
            total += 1
            identical += cognitive == package
            higher += cognitive > package
            ts_error_functions += ts_error
            if ts_error:
                ts_error_differences += cognitive != package
                continue
            mine = docent_model.complexity(fn)
            if mine != cognitive:
                model_mismatch.append((where, cognitive, mine))
            if nesting_depth(fn, source) != nesting:
                nesting_mismatch.append((where, nesting, nesting_depth(fn, source)))
            if package_model.complexity(fn) != package:
                package_mismatch.append((where, package, package_model.complexity(fn)))
            if cognitive == package:
                continue
            causes = [c for c in CLASSES if Model(source, frozenset([c])).complexity(fn) != mine]
            if not causes:
                unexplained.append(where)
            for c in causes:
                per_class[c] += 1
                if len(examples[c]) < args.examples:
                    examples[c].append((where, cognitive, package))
            if len(causes) == 1:
                single_cause[causes[0]] += 1

    differing = total - identical
    print(f"files parsed by ast: {len(parsed)}; functions compared: {total}")
    print(f"identical cognitive complexity: {identical} ({100.0 * identical / total:.1f}%)")
    print(f"different: {differing} ({100.0 * differing / total:.1f}%): docent higher in "
          f"{higher}, the package higher in {differing - higher}")
    print(f"functions in files tree-sitter parses with errors: {ts_error_functions} "
          f"(of which different: {ts_error_differences})")
    print(f"model vs docent (docent's reading re-implemented on ast): "
          f"{len(model_mismatch)} mismatches; max nesting: {len(nesting_mismatch)} mismatches")
    print(f"model vs package (package's reading re-implemented on ast): "
          f"{len(package_mismatch)} mismatches; functions not found by the driver: {len(missing)}")
    print()
    print(f"{'class':<12} {'functions':>9} {'only cause':>10}  the package's reading")
    for c, text in CLASSES.items():
        print(f"{c:<12} {per_class[c]:>9} {single_cause[c]:>10}  {text}")
    print(f"{'interaction':<12} {len(unexplained):>9} {'':>10}  no single switch changes the value")
    for label, rows in (("model vs docent", model_mismatch), ("nesting", nesting_mismatch),
                        ("model vs package", package_mismatch)):
        for row in rows[:10]:
            print(f"{label} mismatch: {row}")
    for c in CLASSES:
        for (path, line), cognitive, package in examples[c]:
            print(f"example {c}: {path}:{line} docent {cognitive} package {package}")
    return 0 if not (model_mismatch or nesting_mismatch or package_mismatch) else 1


if __name__ == "__main__":
    sys.exit(main())
