// Halstead metrics of a Python module and of each of its definitions, computed exactly as
// radon 5.1.0 (HalsteadVisitor, h_visit) computes them on Python's ast, emulated over the
// tree-sitter syntax tree in a single pass.
#pragma once

#include "analysis/syntax_tree.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
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

// Halstead metrics of the module whose text is `source` and whose tree has root `root` (or whose
// flat tree is `tree`): one walk over the tree. Reentrant; the tree is only read.
HalsteadResult compute_halstead(std::string_view source, TSNode root);
HalsteadResult compute_halstead(std::string_view source, const FlatTree& tree);

// The module-level part of radon's Halstead visit that one top-level statement contributes, in a
// form that merges across statements: merge_halstead(parts of every child of the module node)
// equals compute_halstead(source, root).module exactly. The module total is not a sum (h1 and h2
// count distinct operators and operands over the whole module), so a part keeps its distinct
// operators and operands themselves; an editor can then re-analyze only the statements an edit
// touched.
struct HalsteadPartial {
  int N1 = 0, N2 = 0;
  std::vector<uint8_t> operators; // distinct operator ids (sorted, unique)
  // Distinct (context, value) operands, sorted and unique, as keys that depend only on the text
  // of the statement (not on byte offsets or on anything interned during the walk): the name of
  // the innermost enclosing function (empty for None), '\x1f', a kind tag ('s' str, 'b' bytes,
  // 'i' int/bool/integral float, 'f' other float, 'j' imaginary, 'N' None, 'E' Ellipsis) and the
  // canonical form of the value compute_halstead interns (the bytes of the double for 'f' and
  // 'j'), so that keys are equal exactly when compute_halstead finds the values equal.
  std::vector<std::string> operands;
  int identity_operands = 0; // operands distinct by node identity (each counts once in h2)
};

// What one top-level statement contributes to a module's Halstead metrics.
struct HalsteadStatement {
  HalsteadPartial module; // what this statement adds to the module visitor
  // Reports of every function_definition / class_definition inside the statement (the
  // statement itself included if it is one), in document order, keyed by start byte RELATIVE
  // to the statement node's start byte, with the same values as compute_halstead's
  // `definitions`: a definition's report depends only on its own text.
  std::vector<std::pair<uint32_t, HalsteadReport>> definitions;
};

// The contribution of `statement`, any named child of the module node (comments, decorated
// definitions and ERROR nodes included; a comment contributes nothing): one walk over the
// statement's subtree. Reentrant; the tree is only read.
HalsteadStatement compute_halstead_statement(std::string_view source, TSNode statement);
// The same from the flat copy of the statement's subtree (FlatTree(statement)).
HalsteadStatement compute_halstead_statement(std::string_view source, const FlatTree& statement);

// The module report from the parts of all of the module's statements (in any order).
HalsteadReport merge_halstead(const std::vector<const HalsteadPartial*>& parts);

// merge_halstead() kept up to date as parts come and go: an edit adds and removes the parts of
// the statements it changed, at a cost in proportion to those parts, not to the module.
// Thread-safety: none; one owner.
class HalsteadTally {
public:
  // Adds the part `times` times (negative to remove parts added before).
  void add(const HalsteadPartial& part, int times);
  HalsteadReport report() const;

private:
  int N1_ = 0, N2_ = 0, identity_operands_ = 0;
  std::array<int, 64> operators_{};               // How many parts have each operator id.
  std::unordered_map<std::string, int> operands_; // How many parts have each key (> 0).
};

} // namespace docent::analysis
