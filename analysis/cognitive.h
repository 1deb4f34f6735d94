// Cognitive complexity of Python functions (SonarSource's metric, with the Python mapping of
// sonar-python's CognitiveComplexityVisitor) and the deepest nesting of control-flow blocks.
// docs/cognitive.md lists every rule and where it comes from.
#pragma once

#include "analysis/syntax_tree.h"

#include <string_view>

#include <tree_sitter/api.h>

namespace docent::analysis {

struct CognitiveMetrics {
  int cognitive = 0;   // See cognitive_complexity().
  int max_nesting = 0; // See max_nesting_depth().
};

// Both metrics of one function in a single walk over its subtree. `function_definition` is a
// function_definition node (a decorated_definition is accepted and means its function).
CognitiveMetrics cognitive_metrics(std::string_view source, TSNode function_definition);
// The same for the node at index `function_definition` of a flat tree, which must hold the
// decorated_definition around the function too if there is one.
CognitiveMetrics cognitive_metrics(const FlatTree& tree, uint32_t function_definition);

// Cognitive complexity of one function, measured as sonar-python measures a function on its own:
// the function starts at nesting level 0 wherever it is defined, its decorators, parameters and
// body count, and the bodies of functions and classes nested in it count toward it (at the
// nesting level sonar-python gives them) because sonar-python reports only outermost functions.
int cognitive_complexity(std::string_view source, TSNode function_definition);

// The deepest nesting of control-flow blocks (if/elif/else, for, while, try/except/finally, with,
// match/case) in the function body: 0 for a straight-line body, 1 for a body with a top-level
// `if`, and so on. Nested function bodies do not count: they are measured on their own.
int max_nesting_depth(std::string_view source, TSNode function_definition);

} // namespace docent::analysis
