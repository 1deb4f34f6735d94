// Halstead metrics of a Python module and of each of its definitions, computed exactly as
// radon 5.1.0 (HalsteadVisitor, h_visit) computes them on Python's ast, emulated over the
// tree-sitter syntax tree in a single pass.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <tree_sitter/api.h>

namespace docent::analysis {

// radon's HalsteadReport: distinct and total operators (h1, N1) and operands (h2, N2) and the
// measures derived from them by radon.metrics.halstead_visitor_report.
struct HalsteadReport {
  int h1 = 0, h2 = 0, N1 = 0, N2 = 0;
  int vocabulary = 0, length = 0;
  double calculated_length = 0, volume = 0, difficulty = 0, effort = 0, time = 0, bugs = 0;
};

struct HalsteadResult {
  HalsteadReport module; // radon h_visit(code).total
  // One entry per function_definition and class_definition node at any depth, in document
  // order, keyed by the start byte of that node (decorators excluded).
  //  - Functions: the report radon's visit_FunctionDef builds (what `radon hal -f` prints for
  //    top-level functions and methods); nested functions are computed the same way although
  //    radon does not list them.
  //  - Classes: radon has no class report; we give the counts of a fresh HalsteadVisitor with
  //    context None visiting the ClassDef node, i.e. its bases, keywords, body and decorators,
  //    with operands keyed by the innermost function inside the class or by None.
  std::vector<std::pair<uint32_t, HalsteadReport>> definitions;
};

// The report radon derives from operator and operand counts (log2 computed as Python's
// math.log(x, 2) so that the doubles are identical to radon's).
HalsteadReport halstead_report(int h1, int h2, int N1, int N2);

// Halstead metrics of the module whose text is `source` and whose tree has root `root`: one walk
// over the tree. Reentrant; the tree is only read.
HalsteadResult compute_halstead(std::string_view source, TSNode root);

} // namespace docent::analysis
