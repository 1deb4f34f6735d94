// Cyclomatic complexity as radon computes it and as mccabe (flake8's C901) computes it.
//
// Both are defined on Python's ast; here they are computed on the tree-sitter tree by mapping
// each ast construct they count to the nodes that spell it (see docs/metrics.md).
#pragma once

#include "analysis/python_model.h"

#include <string_view>
#include <vector>

namespace docent::analysis {

// radon's ComplexityVisitor result for a function or method: 1 + decision points of its body,
// nested definitions excluded.
int radon_function_complexity(TSNode function_definition);

struct RadonClassComplexity {
  int real = 1;     // 1 + decisions in the class body + the complexity of each method.
  int averaged = 1; // What `radon cc` reports: real / methods (+1 if several methods).
};

// Every definition's radon score with each body walked once (functions and methods: their
// complexity; classes: their real complexity, which includes their methods'), then class and
// module scores from those. `nodes` are the definitions' nodes (build_module_model).
std::vector<int> radon_complexities(const std::vector<Definition>& definitions,
                                    const std::vector<TSNode>& nodes);
// radon's class score from its real complexity: real / methods, +1 with several methods.
int average_class_complexity(int real, int methods);
RadonClassComplexity radon_class_score(const ModuleModel& model, const std::vector<int>& scores,
                                       int class_index);
int radon_module_complexity(const ModuleModel& model, const std::vector<int>& scores, TSNode root);

// radon's cc_rank: A (1-5), B (6-10), C (11-20), D (21-30), E (31-40), F (41+).
char radon_rank(int complexity);

// mccabe 0.7's PathGraph complexity (edges - nodes + 2) of a function's own graph, nested
// functions and classes inlined as mccabe does.
int mccabe_complexity(TSNode function_definition);

} // namespace docent::analysis
