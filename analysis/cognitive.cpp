// Cognitive complexity and block nesting depth of a Python function, in one walk of its subtree.
//
// The rules follow sonar-python's CognitiveComplexityVisitor (see docs/cognitive.md for the
// table and its sources). The walk goes over the flat copy of the tree (FlatTree) and is
// iterative (a stack of saved states that grows to the tree depth once and is then reused), so
// deep expression chains cannot overflow the call stack and no node costs an allocation.
#include "analysis/cognitive.h"

#include "analysis/syntax_tree.h"

#include <algorithm>
#include <vector>

namespace docent::analysis {

namespace {

// Whether the innermost enclosing definition is a function or a class: sonar-python decides the
// nesting level of a nested function from it.
enum class Scope : uint8_t { Function, Class };

// Everything the walk knows at a point of the tree that a node may change for its subtree. Each
// node saves it on the way in and restores it on the way out.
struct State {
  int level = 0;        // Sonar nesting level: what a nesting increment adds.
  int depth = 0;        // Control-flow block depth, for max_nesting_depth.
  bool measured = true; // False inside nested functions: their blocks are not the root's depth.
  Scope scope = Scope::Function;
  uint32_t scope_definition = 0; // Innermost enclosing function_definition if scope is Function.
};

struct Frame {
  uint32_t end; // The end of the node's subtree (FlatTree::Node::end).
  State saved;
  NodeKind saved_operator;
  NodeKind kind;
  // The node belongs to an enclosing boolean-operator sequence, whose progress (the last operator
  // seen) must survive leaving it.
  bool continues_sequence;
};

// The body of a clause whose statements sonar-python puts one nesting level deeper: its
// StatementList parents other than FILE_INPUT, TRY_STMT, FINALLY_CLAUSE, CLASSDEF, FUNCDEF and
// WITH_STMT. A match statement's own block holds its case clauses, whose bodies nest.
bool nests_statements(NodeKind parent) {
  switch (parent) {
  case NodeKind::IfStatement:
  case NodeKind::ElifClause:
  case NodeKind::ElseClause:
  case NodeKind::ForStatement:
  case NodeKind::WhileStatement:
  case NodeKind::ExceptClause:
  case NodeKind::ExceptGroupClause:
  case NodeKind::CaseClause:
    return true;
  default:
    return false;
  }
}

// The body of a control-flow clause, for max_nesting_depth: the clauses above plus try, finally
// and with, which do not nest for Sonar but are blocks a reader enters all the same.
bool is_control_flow_block(NodeKind parent) {
  return nests_statements(parent) || parent == NodeKind::TryStatement ||
         parent == NodeKind::FinallyClause || parent == NodeKind::WithStatement;
}

// `return NAME`: the only statement sonar-python allows beside the inner function of a wrapper.
bool is_simple_name_return(const FlatTree& tree, uint32_t statement) {
  if (tree[statement].kind != NodeKind::ReturnStatement)
    return false;
  int values = 0;
  bool name = false;
  tree.for_each_named_child(statement, [&](uint32_t value) {
    ++values;
    name = tree[value].kind == NodeKind::Identifier;
  });
  return values == 1 && name;
}

TSFieldId body_field() {
  static const TSFieldId id = field_id("body");
  return id;
}

TSFieldId definition_field() {
  static const TSFieldId id = field_id("definition");
  return id;
}

// sonar-python's wrapper rule: a function whose body is, besides `inner_statement`, only
// `return NAME` statements (typically a decorator returning its wrapper) does not add a nesting
// level to the inner function. Stops at the first other statement, so it costs little.
bool is_wrapper(const FlatTree& tree, uint32_t outer_definition, uint32_t inner_statement) {
  if (outer_definition == FlatTree::kNone)
    return true;
  const uint32_t body = tree.child_by_field(outer_definition, body_field());
  if (body == FlatTree::kNone)
    return true;
  bool wrapper = true;
  tree.for_each_named_child(body, [&](uint32_t statement) {
    if (statement != inner_statement && !is_simple_name_return(tree, statement))
      wrapper = false;
  });
  return wrapper;
}

class Walker {
public:
  Walker(const FlatTree& tree, uint32_t root) : tree_(tree), root_(root) {
    state_.scope_definition = root;
    frames_.reserve(64);
  }

  // Walks `start` and its subtree; the state is the same before and after.
  void walk(uint32_t start) {
    const size_t base = frames_.size();
    const uint32_t end = tree_[start].end;
    for (uint32_t node = start; node < end; ++node) {
      while (frames_.size() > base && node >= frames_.back().end)
        leave();
      enter(node);
    }
    while (frames_.size() > base)
      leave();
  }

  CognitiveMetrics result() const { return metrics_; }

private:
  void enter(uint32_t node) {
    const NodeKind kind = tree_[node].kind;
    const NodeKind parent = frames_.empty() ? NodeKind::Other : frames_.back().kind;
    const bool continues_sequence =
        parent == NodeKind::BooleanOperator &&
        (kind == NodeKind::BooleanOperator || kind == NodeKind::KwAnd || kind == NodeKind::KwOr);
    frames_.push_back(Frame{tree_[node].end, state_, last_operator_, kind, continues_sequence});
    apply_rules(node, kind, parent);
  }

  void leave() {
    const Frame& frame = frames_.back();
    state_ = frame.saved;
    if (!frame.continues_sequence)
      last_operator_ = frame.saved_operator;
    frames_.pop_back();
  }

  void apply_rules(uint32_t node, NodeKind kind, NodeKind parent) {
    switch (kind) {
    // Structural increments that also pay for the nesting they sit at.
    case NodeKind::IfStatement:
    case NodeKind::ForStatement:
    case NodeKind::WhileStatement:
    case NodeKind::ExceptClause:
    case NodeKind::ExceptGroupClause:
    case NodeKind::MatchStatement:
      metrics_.cognitive += 1 + state_.level;
      break;
    // Hybrid increments: +1 whatever the nesting (the `if` they continue already paid for it).
    case NodeKind::ElifClause:
    case NodeKind::ElseClause:
      metrics_.cognitive += 1;
      break;
    // A conditional expression pays for its nesting and nests its three operands.
    case NodeKind::ConditionalExpression:
      metrics_.cognitive += 1 + state_.level;
      ++state_.level;
      break;
    case NodeKind::Block:
      enter_block(parent);
      break;
    case NodeKind::BooleanOperator:
      if (parent != NodeKind::BooleanOperator)
        last_operator_ = NodeKind::Other; // A new sequence starts here.
      break;
    case NodeKind::KwAnd:
    case NodeKind::KwOr:
      // The operator tokens of a sequence arrive in source order, as sonar-python flattens it:
      // each change of operator (and the first one) costs 1.
      if (parent == NodeKind::BooleanOperator) {
        if (kind != last_operator_)
          metrics_.cognitive += 1;
        last_operator_ = kind;
      }
      break;
    case NodeKind::DecoratedDefinition:
      enter_definition(node, tree_.child_by_field(node, definition_field()));
      break;
    case NodeKind::FunctionDefinition:
    case NodeKind::ClassDefinition:
      // A decorated definition was entered with its decorators; the root is where we start.
      if (parent != NodeKind::DecoratedDefinition && node != root_)
        enter_definition(node, node);
      break;
    default:
      break;
    }
  }

  void enter_block(NodeKind parent) {
    if (nests_statements(parent))
      ++state_.level;
    if (state_.measured && is_control_flow_block(parent)) {
      ++state_.depth;
      metrics_.max_nesting = std::max(metrics_.max_nesting, state_.depth);
    }
  }

  // A function or class nested in the root. `statement` is the definition or the
  // decorated_definition around it (its decorators belong to it, as in sonar-python's tree).
  void enter_definition(uint32_t statement, uint32_t definition) {
    if (definition != FlatTree::kNone && tree_[definition].kind == NodeKind::ClassDefinition) {
      // A class resets the nesting level: its methods read as top-level code.
      state_.level = 0;
      state_.scope = Scope::Class;
      return;
    }
    if (state_.scope == Scope::Function) {
      if (!is_wrapper(tree_, state_.scope_definition, statement))
        ++state_.level;
    } else {
      state_.level = 0; // A method starts afresh, like any function defined in a class.
    }
    state_.scope = Scope::Function;
    state_.scope_definition = definition;
    state_.measured = false;
  }

  const FlatTree& tree_;
  uint32_t root_;
  State state_;
  NodeKind last_operator_ = NodeKind::Other;
  std::vector<Frame> frames_;
  CognitiveMetrics metrics_;
};

} // namespace

CognitiveMetrics cognitive_metrics(const FlatTree& tree, uint32_t function_definition) {
  if (function_definition == FlatTree::kNone)
    return {};
  uint32_t definition = function_definition;
  if (tree[definition].kind == NodeKind::DecoratedDefinition)
    definition = tree.child_by_field(definition, definition_field());
  if (definition == FlatTree::kNone || tree[definition].kind != NodeKind::FunctionDefinition)
    return {};
  Walker walker(tree, definition);
  // sonar-python's FunctionDef holds its decorators, so they count at the function's level.
  const uint32_t parent = tree[definition].parent;
  if (parent != FlatTree::kNone && tree[parent].kind == NodeKind::DecoratedDefinition)
    tree.for_each_named_child(parent, [&](uint32_t child) {
      if (tree[child].kind == NodeKind::Decorator)
        walker.walk(child);
    });
  walker.walk(definition);
  return walker.result();
}

// Every rule is decided by node kinds; the source only lets the copy of the tree fold inert
// expressions (see FlatTree).
CognitiveMetrics cognitive_metrics(std::string_view source, TSNode function_definition) {
  const TSNode definition = definition_of(function_definition);
  if (kind_of(definition) != NodeKind::FunctionDefinition)
    return {};
  // The decorators are part of the function (see above): copy them too.
  const TSNode parent = ts_node_parent(definition);
  const FlatTree tree(kind_of(parent) == NodeKind::DecoratedDefinition ? parent : definition,
                      source, FlatTree::Folding::Inert);
  return cognitive_metrics(tree, tree.find(definition));
}

int cognitive_complexity(std::string_view source, TSNode function_definition) {
  return cognitive_metrics(source, function_definition).cognitive;
}

int max_nesting_depth(std::string_view source, TSNode function_definition) {
  return cognitive_metrics(source, function_definition).max_nesting;
}

} // namespace docent::analysis
