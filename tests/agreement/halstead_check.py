#!/usr/bin/python3
"""Agreement check of docent's Halstead metrics (analysis/halstead.cpp) with radon 5.1.0.

Run with Debian's /usr/bin/python3 (radon is python3-radon):

  halstead_check.py [PATHS...]          compare every .py file under PATHS
                                        (default /usr/lib/python3.11) with radon
  halstead_check.py --fixtures DIR      write DIR/NAME.expected for each DIR/NAME.py

The comparison builds a small driver (embedded below) in $TMPDIR/docent-halstead-check from the
current sources, optimized, and times docent's parse and Halstead pass with it. Files are read
the way `radon hal` reads them (UTF-8, universal newlines); files that radon cannot decode or
parse are skipped, as radon reports them as errors.
Compared: the module total (h1 h2 N1 N2 and the derived floats) and every entry of
h_visit(code).functions, matched in order with the function_definition nodes radon lists
(those not nested in another function).
"""

import argparse
import ast
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time

from radon.metrics import h_visit, h_visit_ast, halstead_visitor_report
from radon.visitors import HalsteadVisitor

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DRIVER = r'''
#include "analysis/document.h"
#include "analysis/halstead.h"
#include "analysis/syntax_tree.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace docent::analysis;

// Function definitions radon lists: those with no enclosing function definition.
static void listed(TSNode node, bool in_function, std::vector<TSNode>& out) {
  const bool function = kind_of(node) == NodeKind::FunctionDefinition;
  if (function && !in_function)
    out.push_back(node);
  const uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i)
    listed(ts_node_named_child(node, i), in_function || function, out);
}

static void print(const char* tag, const HalsteadReport& r) {
  std::printf("%s %d %d %d %d %.17g %.17g %.17g %.17g %.17g %.17g\n", tag, r.h1, r.h2, r.N1,
              r.N2, r.calculated_length, r.volume, r.difficulty, r.effort, r.time, r.bugs);
}

int main() {
  double parse_seconds = 0, halstead_seconds = 0;
  std::string path;
  while (std::getline(std::cin, path)) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const auto t0 = std::chrono::steady_clock::now();
    auto snapshot = parse_snapshot(buffer.str());
    const auto t1 = std::chrono::steady_clock::now();
    const HalsteadResult result = compute_halstead(snapshot->text(), snapshot->root());
    const auto t2 = std::chrono::steady_clock::now();
    parse_seconds += std::chrono::duration<double>(t1 - t0).count();
    halstead_seconds += std::chrono::duration<double>(t2 - t1).count();
    std::printf("FILE %s\n", path.c_str());
    print("M", result.module);
    std::vector<TSNode> functions;
    listed(snapshot->root(), false, functions);
    for (TSNode function : functions) {
      const auto found = std::find_if(
          result.definitions.begin(), result.definitions.end(),
          [&](const auto& entry) { return entry.first == ts_node_start_byte(function); });
      const std::string name(node_text(snapshot->text(), field(function, "name")));
      std::printf("F %u %s ", first_line(function), name.c_str());
      print("", found == result.definitions.end() ? HalsteadReport{} : found->second);
    }
  }
  std::printf("TIME %.6f %.6f\n", parse_seconds, halstead_seconds);
}
'''


# Sources the driver is built from, optimized (the project's build directory may be a Debug
# build, which would distort the timing). Objects are cached in WORKDIR between runs.
SOURCES = [
    'analysis/halstead.cpp', 'analysis/syntax_tree.cpp', 'analysis/document.cpp',
    'analysis/text.cpp', 'analysis/string_literal.cpp',
    'third_party/tree-sitter-python/src/parser.c', 'third_party/tree-sitter-python/src/scanner.c',
]
WORKDIR = os.path.join(tempfile.gettempdir(), 'docent-halstead-check')


def newest_header_time():
    directory = os.path.join(REPO, 'analysis')
    return max(os.path.getmtime(os.path.join(directory, name))
               for name in os.listdir(directory) if name.endswith('.h'))


def compile_object(source, obj, headers_time):
    if os.path.exists(obj) and os.path.getmtime(obj) > max(os.path.getmtime(source),
                                                           headers_time):
        return None
    if source.endswith('.c'):
        command = ['gcc', '-O2', '-I' + os.path.dirname(source)]
    else:
        command = ['g++', '-std=c++17', '-O2', '-I' + REPO]
    # Compiled under a private name and renamed, so that concurrent runs never see half an object.
    return subprocess.Popen(command + ['-c', source, '-o', '%s.%d' % (obj, os.getpid())])


def build_driver():
    """Builds the driver; returns the path of a binary private to this process."""
    os.makedirs(WORKDIR, exist_ok=True)
    driver = os.path.join(WORKDIR, 'driver.cpp')
    if not os.path.exists(driver) or open(driver).read() != DRIVER:
        with open(driver, 'w') as f:
            f.write(DRIVER)
    sources = [driver] + [os.path.join(REPO, s) for s in SOURCES]
    objects = [os.path.join(WORKDIR, os.path.basename(s) + '.o') for s in sources]
    headers_time = newest_header_time()
    jobs = [(compile_object(s, o, headers_time), o) for s, o in zip(sources, objects)]
    for job, obj in jobs:
        if job is None:
            continue
        if job.wait() != 0:
            raise SystemExit('compilation failed')
        os.replace('%s.%d' % (obj, os.getpid()), obj)
    binary = os.path.join(WORKDIR, 'driver.%d' % os.getpid())
    subprocess.run(['g++'] + objects + ['-ltree-sitter', '-o', binary], check=True)
    return binary


def read_like_radon(path):
    """The text `radon hal` analyses, or None when radon reports an error for the file."""
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except (UnicodeDecodeError, OSError):
        return None


def counts(report):
    return (report.h1, report.h2, report.N1, report.N2)


def floats(report):
    return (report.calculated_length, report.volume, report.difficulty, report.effort,
            report.time, report.bugs)


def radon_file(path):
    code = read_like_radon(path)
    if code is None:
        return path, None
    try:
        result = h_visit(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return path, None
    functions = [(name, counts(r)) for name, r in result.functions]
    return path, (counts(result.total), floats(result.total), functions)


def parse_driver_output(text):
    files = {}
    timing = None
    current = None
    for line in text.splitlines():
        parts = line.split(' ')
        if parts[0] == 'FILE':
            current = files.setdefault(line[5:], {'functions': []})
        elif parts[0] == 'M':
            current['module'] = tuple(map(int, parts[1:5]))
            current['floats'] = tuple(map(float, parts[5:11]))
        elif parts[0] == 'F':
            current['functions'].append((int(parts[1]), parts[2], tuple(map(int, parts[4:8]))))
        elif parts[0] == 'TIME':
            timing = (float(parts[1]), float(parts[2]))
    return files, timing


def python_files(roots):
    for root in roots:
        if os.path.isfile(root):
            yield root
            continue
        for directory, _, names in os.walk(root):
            for name in sorted(names):
                if name.endswith('.py'):
                    yield os.path.join(directory, name)


def compare(args):
    paths = sorted(set(python_files(args.paths or ['/usr/lib/python3.11'])))
    started = time.time()
    with multiprocessing.Pool() as pool:
        radon = dict(pool.map(radon_file, paths, chunksize=8))
    radon_seconds = time.time() - started
    checked = [p for p in paths if radon[p] is not None]
    driver = build_driver()
    try:
        output = subprocess.run([driver], input='\n'.join(checked) + '\n', text=True,
                                capture_output=True, check=True).stdout
    finally:
        os.remove(driver)
    ours, timing = parse_driver_output(output)

    module_same = floats_same = functions_total = functions_same = 0
    problems = []
    for path in checked:
        module, module_floats, functions = radon[path]
        mine = ours[path]
        if mine['module'] == module:
            module_same += 1
        else:
            problems.append('%s: module radon %s docent %s' % (path, module, mine['module']))
        floats_same += mine['floats'] == module_floats
        functions_total += len(functions)
        if len(functions) != len(mine['functions']):
            problems.append('%s: %d functions in radon, %d in docent'
                            % (path, len(functions), len(mine['functions'])))
        for (name, theirs), (line, my_name, my_counts) in zip(functions, mine['functions']):
            if name == my_name and theirs == my_counts:
                functions_same += 1
            else:
                problems.append('%s:%d %s: radon %s %s docent %s'
                                % (path, line, my_name, name, theirs, my_counts))
    for problem in problems:
        print(problem)
    print('files: %d found, %d analysed by radon (%d skipped: undecodable or not parsed)'
          % (len(paths), len(checked), len(paths) - len(checked)))
    print('module totals identical: %d/%d (derived floats bit-identical: %d)'
          % (module_same, len(checked), floats_same))
    print('functions identical: %d/%d' % (functions_same, functions_total))
    print('time: docent parse %.3fs + halstead %.3fs; radon (parallel, wall) %.1fs'
          % (timing[0], timing[1], radon_seconds))
    return 0 if not problems else 1


# --- Fixture expectations -----------------------------------------------------------------------

def definition_reports(tree):
    """(kind, line, col, counts) for every FunctionDef/ClassDef, computed by radon's own code."""
    rows = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            visitor = HalsteadVisitor()
            visitor.visit_FunctionDef(node)
            report = halstead_visitor_report(visitor.function_visitors[0])
            rows.append(('def', node.lineno, node.col_offset, counts(report)))
        elif isinstance(node, ast.ClassDef):
            report = halstead_visitor_report(HalsteadVisitor.from_ast(node))
            rows.append(('class', node.lineno, node.col_offset, counts(report)))
    rows.sort(key=lambda row: (row[1], row[2]))
    return rows


def write_fixtures(directory):
    for name in sorted(os.listdir(directory)):
        if not name.endswith('.py'):
            continue
        path = os.path.join(directory, name)
        code = read_like_radon(path)
        tree = ast.parse(code)
        total = h_visit_ast(tree).total
        lines = ['module %d %d %d %d' % counts(total)]
        lines.append('derived %r %r %r %r %r %r' % floats(total))
        for kind, line, col, c in definition_reports(tree):
            lines.append('%s %d:%d %d %d %d %d' % ((kind, line, col) + c))
        # radon's own list, to check that docent's reports equal what `radon hal -f` prints.
        for function_name, report in h_visit_ast(tree).functions:
            lines.append('listed %s %d %d %d %d' % ((function_name,) + counts(report)))
        with open(path[:-3] + '.expected', 'w') as f:
            f.write('\n'.join(lines) + '\n')
        print('wrote', path[:-3] + '.expected')


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('paths', nargs='*')
    parser.add_argument('--fixtures', metavar='DIR')
    args = parser.parse_args()
    if args.fixtures:
        write_fixtures(args.fixtures)
        return 0
    return compare(args)


if __name__ == '__main__':
    sys.exit(main())
