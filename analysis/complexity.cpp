// radon's and mccabe's cyclomatic complexity over the tree-sitter tree.
#include "analysis/complexity.h"

#include "analysis/document.h"
#include "analysis/syntax_tree.h"

#include <cmath>

namespace docent::analysis {

namespace {

bool is_definition_node(NodeKind kind) {
  return kind == NodeKind::FunctionDefinition || kind == NodeKind::ClassDefinition ||
         kind == NodeKind::DecoratedDefinition;
}

bool has_child_of_kind(TSNode node, NodeKind wanted) {
  bool found = false;
  for_each_named_child(node, [&](TSNode child) { found |= kind_of(child) == wanted; });
  return found;
}

int count_named_children_of_kind(TSNode node, NodeKind wanted) {
  int count = 0;
  for_each_named_child(node, [&](TSNode child) { count += kind_of(child) == wanted; });
  return count;
}

// radon's decision points in one node of ast (see ComplexityVisitor.generic_visit).
int radon_decisions_at(TSNode node, NodeKind kind) {
  switch (kind) {
  case NodeKind::IfStatement:
  case NodeKind::ElifClause:            // ast: an If nested in orelse
  case NodeKind::ConditionalExpression: // ast: IfExp
  case NodeKind::BooleanOperator:       // ast: BoolOp adds len(values) - 1; one per binary node
  case NodeKind::AssertStatement:       // visit_Assert (no_assert off)
    return 1;
  case NodeKind::ForStatement:
  case NodeKind::WhileStatement:
    return 1 + has_child_of_kind(node, NodeKind::ElseClause);
  case NodeKind::TryStatement:
    // ast TryStar (except*) is not 'Try' to radon: it counts nothing.
    if (has_child_of_kind(node, NodeKind::ExceptGroupClause))
      return 0;
    return count_named_children_of_kind(node, NodeKind::ExceptClause) +
           has_child_of_kind(node, NodeKind::ElseClause);
  case NodeKind::ForInClause: // ast: comprehension, 1 + len(ifs); each if_clause counts below
  case NodeKind::IfClause:
    return 1;
  default:
    return 0;
  }
}

bool has_guard(TSNode case_clause) {
  static const TSFieldId guard = ts_language_field_id_for_name(tree_sitter_python(), "guard", 5);
  return !ts_node_is_null(ts_node_child_by_field_id(case_clause, guard));
}

// Whether radon's visitor goes into a node's children: not into nested definitions (separate
// blocks) nor assert statements (visit_Assert does not call generic_visit).
bool radon_enters(NodeKind kind) {
  return !is_definition_node(kind) && kind != NodeKind::AssertStatement;
}

// Decision points in a subtree (the root itself included unless it is a definition). One
// cursor walk: recursion with a cursor per node costs an allocation per node.
int radon_decisions(TSNode root) {
  if (is_definition_node(kind_of(root)))
    return 0;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  int total = 0;
  int depth = 0;
  for (;;) {
    TSNode node = ts_tree_cursor_current_node(&cursor);
    const NodeKind kind = ts_node_is_named(node) ? kind_of(node) : NodeKind::Other;
    bool enter = true;
    if (kind != NodeKind::Other) {
      enter = depth == 0 || radon_enters(kind);
      if (!is_definition_node(kind) || depth == 0)
        total += radon_decisions_at(node, kind);
      // A case guard is spelled if_clause like a comprehension's `if`, but radon 5.1 has no
      // rule for match statements: only what is inside the guard counts.
      if (kind == NodeKind::CaseClause && has_guard(node))
        --total;
      if (kind == NodeKind::AssertStatement && depth == 0)
        enter = false;
    }
    if (enter && ts_tree_cursor_goto_first_child(&cursor)) {
      ++depth;
      continue;
    }
    while (depth > 0 && !ts_tree_cursor_goto_next_sibling(&cursor)) {
      ts_tree_cursor_goto_parent(&cursor);
      --depth;
    }
    if (depth == 0)
      break;
  }
  ts_tree_cursor_delete(&cursor);
  return total;
}

int radon_decisions_in_body(TSNode definition) {
  TSNode body = field(definition, "body");
  return ts_node_is_null(body) ? 0 : radon_decisions(body);
}

} // namespace

int average_class_complexity(int real, int methods) {
  return methods == 0 ? real : real / methods + (methods > 1);
}

int radon_function_complexity(TSNode function_definition) {
  return 1 + radon_decisions_in_body(function_definition);
}

std::vector<int> radon_complexities(const std::vector<Definition>& definitions,
                                    const std::vector<TSNode>& nodes) {
  std::vector<int> scores(definitions.size(), 1);
  // Children follow their parents, so a reverse pass has every method's score before its class.
  for (size_t i = definitions.size(); i-- > 0;) {
    const Definition& definition = definitions[i];
    scores[i] = 1 + radon_decisions_in_body(nodes[i]);
    if (definition.kind != DefinitionKind::Class)
      continue;
    for (int child : definition.children)
      if (definitions[child].kind == DefinitionKind::Method)
        scores[i] += scores[child];
  }
  return scores;
}

RadonClassComplexity radon_class_score(const ModuleModel& model, const std::vector<int>& scores,
                                       int class_index) {
  int methods = 0;
  for (int child : model.definitions[class_index].children)
    methods += model.definitions[child].kind == DefinitionKind::Method;
  const int real = scores[class_index];
  return RadonClassComplexity{real, average_class_complexity(real, methods)};
}

int radon_module_complexity(const ModuleModel& model, const std::vector<int>& scores, TSNode root) {
  int total = 1 + radon_decisions(root);
  for (size_t i = 0; i < model.definitions.size(); ++i)
    if (model.definitions[i].parent == -1)
      total += scores[i] - 1; // Functions: their score; classes: their real score.
  return total;
}

char radon_rank(int complexity) {
  if (complexity < 0)
    complexity = 0;
  // radon: chr(min(int(ceil(cc / 10.) or 1) - (1, 0)[5 - cc < 0], 5) + 65)
  int tens = static_cast<int>(std::ceil(complexity / 10.0));
  if (tens == 0)
    tens = 1;
  const int index = std::min(tens - (5 - complexity < 0 ? 0 : 1), 5);
  return static_cast<char>('A' + index);
}

namespace {

// mccabe's PathGraph complexity is edges - nodes + 2. Every statement adds one node and one
// edge (no net change), so only branching constructs change it; this walks statements the
// way PathGraphingAstVisitor dispatches them and adds each construct's net contribution.
class McCabeCounter {
public:
  int statements(TSNode block) {
    int total = 0;
    for_each_named_child(block, [&](TSNode statement) { total += statement_net(statement); });
    return total;
  }

private:
  int statement_net(TSNode statement) {
    switch (kind_of(statement)) {
    case NodeKind::DecoratedDefinition:
      return statement_net(field(statement, "definition"));
    case NodeKind::FunctionDefinition:
      // Inlined nested function: path node, its body, and a bottom node joined from the body's
      // tail and from the path node: +1.
      return 1 + body_of(statement);
    case NodeKind::ClassDefinition:
      return body_of(statement); // visitClassDef only dispatches the body.
    case NodeKind::WithStatement:
      return body_of(statement);
    case NodeKind::IfStatement:
      return if_net(statement, 0);
    case NodeKind::ForStatement:
    case NodeKind::WhileStatement:
      return loop_net(statement);
    case NodeKind::TryStatement:
      return try_net(statement);
    default:
      return 0; // A simple statement (match and try/except* included: mccabe has no visitor).
    }
  }

  int body_of(TSNode node) {
    TSNode body = field(node, "body");
    return ts_node_is_null(body) ? 0 : statements(body);
  }

  // A subgraph joins `branches` loose ends into one bottom node: net branches - 1, where the
  // missing else counts as a branch from the path node itself.
  static int join(int branches) { return branches - 1; }

  // `alternative_index`: the elif/else clauses from this index on form this If's orelse.
  int if_net(TSNode node, uint32_t alternative_index) {
    std::vector<TSNode> alternatives;
    for_each_named_child(node, [&](TSNode child) {
      const NodeKind kind = kind_of(child);
      if (kind == NodeKind::ElifClause || kind == NodeKind::ElseClause)
        alternatives.push_back(child);
    });
    TSNode consequence = alternative_index == 0
                             ? field(node, "consequence")
                             : field(alternatives[alternative_index - 1], "consequence");
    int net = ts_node_is_null(consequence) ? 0 : statements(consequence);
    if (alternative_index < alternatives.size()) {
      TSNode next = alternatives[alternative_index];
      if (kind_of(next) == NodeKind::ElifClause)
        net += if_net(node, alternative_index + 1); // orelse is [If]: one nested subgraph.
      else
        net += body_of(next);
    }
    return net + join(2);
  }

  int loop_net(TSNode node) {
    int net = body_of(node);
    TSNode alternative = field(node, "alternative");
    if (!ts_node_is_null(alternative))
      net += body_of(alternative);
    return net + join(2);
  }

  int try_net(TSNode node) {
    int net = body_of(node);
    int branches = 2; // The body, and the else block or the path node.
    bool except_group = false;
    for_each_named_child(node, [&](TSNode child) {
      const NodeKind kind = kind_of(child);
      except_group |= kind == NodeKind::ExceptGroupClause;
      if (kind == NodeKind::ExceptClause) {
        ++branches;
        net += handler_body(child);
      } else if (kind == NodeKind::ElseClause) {
        net += body_of(child);
      }
      // finally bodies are never visited by mccabe.
    });
    if (except_group)
      return 0; // ast TryStar: no visitor, so a simple statement.
    return net + join(branches);
  }

  int handler_body(TSNode handler) {
    // except_clause holds its block as the last named child (no field name in the grammar).
    int net = 0;
    for_each_named_child(handler, [&](TSNode child) {
      if (kind_of(child) == NodeKind::Block)
        net += statements(child);
    });
    return net;
  }
};

} // namespace

int mccabe_complexity(TSNode function_definition) {
  TSNode body = field(function_definition, "body");
  return 1 + (ts_node_is_null(body) ? 0 : McCabeCounter().statements(body));
}

} // namespace docent::analysis
