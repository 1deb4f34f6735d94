// Cyclomatic complexity as radon computes it and as mccabe (flake8's C901) computes it.
//
// Both are defined on Python's ast; here they are computed on the tree-sitter tree (walked as its
// flat copy, FlatTree) by mapping each ast construct they count to the nodes that spell it (see
// docs/metrics.md).
#pragma once

#include "analysis/python_model.h"
#include "analysis/syntax_tree.h"

#include <memory>
#include <string_view>
#include <vector>

namespace docent::analysis {

// Where the nodes of a model's definitions are in flat trees. Thread-safety: immutable once
// built; it points into trees it may own (`owned`) or that the caller keeps alive.
struct DefinitionNodes {
  struct Located {
    const FlatTree* tree = nullptr; // nullptr if the definition's node was not found.
    uint32_t index = FlatTree::kNone;
  };
  std::vector<Located> nodes; // Parallel to the definitions.
  std::vector<std::unique_ptr<FlatTree>> owned;
};
// The definitions' function_definition / class_definition nodes in `tree`, which holds them
// all (a module's tree), found by their byte ranges.
DefinitionNodes locate_definitions(const FlatTree& tree,
                                   const std::vector<Definition>& definitions);
// The same in flat trees built from each top-level definition's node (`parent` -1; with its
// decorators), `nodes` being the definitions' nodes (build_module_model): every nested
// definition is inside its top-level one. With `source` (the text the nodes were parsed from)
// the trees fold inert expressions.
DefinitionNodes locate_definitions(const std::vector<Definition>& definitions,
                                   const std::vector<TSNode>& nodes, std::string_view source = {});

// radon's ComplexityVisitor result for a function or method: 1 + decision points of its body,
// nested definitions excluded.
int radon_function_complexity(TSNode function_definition);
int radon_function_complexity(const FlatTree& tree, uint32_t function_definition);

struct RadonClassComplexity {
  int real = 1;     // 1 + decisions in the class body + the complexity of each method.
  int averaged = 1; // What `radon cc` reports: real / methods (+1 if several methods).
};

// Every definition's radon score with each body walked once (functions and methods: their
// complexity; classes: their real complexity, which includes their methods'), then class and
// module scores from those. `nodes` are the definitions' nodes (build_module_model).
std::vector<int> radon_complexities(const std::vector<Definition>& definitions,
                                    const std::vector<TSNode>& nodes);
std::vector<int> radon_complexities(const std::vector<Definition>& definitions,
                                    const DefinitionNodes& nodes);
// radon's class score from its real complexity: real / methods, +1 with several methods.
int average_class_complexity(int real, int methods);
RadonClassComplexity radon_class_score(const ModuleModel& model, const std::vector<int>& scores,
                                       int class_index);
int radon_module_complexity(const ModuleModel& model, const std::vector<int>& scores, TSNode root);
// The same with the module's flat tree (or a statement's: decisions outside definitions count).
int radon_module_complexity(const ModuleModel& model, const std::vector<int>& scores,
                            const FlatTree& tree);

// radon's cc_rank: A (1-5), B (6-10), C (11-20), D (21-30), E (31-40), F (41+).
char radon_rank(int complexity);

// mccabe 0.7's PathGraph complexity (edges - nodes + 2) of a function's own graph, nested
// functions and classes inlined as mccabe does.
int mccabe_complexity(TSNode function_definition);
int mccabe_complexity(const FlatTree& tree, uint32_t function_definition);

} // namespace docent::analysis
