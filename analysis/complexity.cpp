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

// Field ids, looked up once.
struct Fields {
  TSFieldId body, guard, consequence, alternative, definition;
};

const Fields& fields() {
  static const Fields ids{field_id("body"), field_id("guard"), field_id("consequence"),
                          field_id("alternative"), field_id("definition")};
  return ids;
}

bool has_child_of_kind(const FlatTree& tree, uint32_t node, NodeKind wanted) {
  bool found = false;
  tree.for_each_named_child(node, [&](uint32_t child) { found |= tree[child].kind == wanted; });
  return found;
}

int count_named_children_of_kind(const FlatTree& tree, uint32_t node, NodeKind wanted) {
  int count = 0;
  tree.for_each_named_child(node, [&](uint32_t child) { count += tree[child].kind == wanted; });
  return count;
}

// radon's decision points in one node of ast (see ComplexityVisitor.generic_visit).
int radon_decisions_at(const FlatTree& tree, uint32_t node, NodeKind kind) {
  switch (kind) {
  case NodeKind::IfStatement:
  case NodeKind::ElifClause:            // ast: an If nested in orelse
  case NodeKind::ConditionalExpression: // ast: IfExp
  case NodeKind::BooleanOperator:       // ast: BoolOp adds len(values) - 1; one per binary node
  case NodeKind::AssertStatement:       // visit_Assert (no_assert off)
    return 1;
  case NodeKind::ForStatement:
  case NodeKind::WhileStatement:
    return 1 + has_child_of_kind(tree, node, NodeKind::ElseClause);
  case NodeKind::TryStatement:
    // ast TryStar (except*) is not 'Try' to radon: it counts nothing.
    if (has_child_of_kind(tree, node, NodeKind::ExceptGroupClause))
      return 0;
    return count_named_children_of_kind(tree, node, NodeKind::ExceptClause) +
           has_child_of_kind(tree, node, NodeKind::ElseClause);
  case NodeKind::ForInClause: // ast: comprehension, 1 + len(ifs); each if_clause counts below
  case NodeKind::IfClause:
    return 1;
  default:
    return 0;
  }
}

// Whether radon's visitor goes into a node's children: not into nested definitions (separate
// blocks) nor assert statements (visit_Assert does not call generic_visit).
bool radon_enters(NodeKind kind) {
  return !is_definition_node(kind) && kind != NodeKind::AssertStatement;
}

// Decision points in a subtree (the root itself included unless it is a definition).
int radon_decisions(const FlatTree& tree, uint32_t root) {
  if (root == FlatTree::kNone || is_definition_node(tree[root].kind))
    return 0;
  int total = 0;
  const uint32_t end = tree[root].end;
  for (uint32_t node = root; node < end;) {
    const FlatTree::Node& flat = tree[node];
    const NodeKind kind = flat.named ? flat.kind : NodeKind::Other;
    const bool is_root = node == root;
    bool enter = true;
    if (kind != NodeKind::Other) {
      enter = is_root || radon_enters(kind);
      if (!is_definition_node(kind) || is_root)
        total += radon_decisions_at(tree, node, kind);
      // A case guard is spelled if_clause like a comprehension's `if`, but radon 5.1 has no
      // rule for match statements: only what is inside the guard counts.
      if (kind == NodeKind::CaseClause &&
          tree.child_by_field(node, fields().guard) != FlatTree::kNone)
        --total;
      if (kind == NodeKind::AssertStatement && is_root)
        enter = false;
    }
    node = enter ? node + 1 : flat.end;
  }
  return total;
}

int radon_decisions_in_body(const FlatTree& tree, uint32_t definition) {
  if (definition == FlatTree::kNone)
    return 0;
  return radon_decisions(tree, tree.child_by_field(definition, fields().body));
}

// The index of a definition's node in `tree`, by byte range.
uint32_t find_definition(const FlatTree& tree, const Definition& definition) {
  const NodeKind kind = definition.kind == DefinitionKind::Class ? NodeKind::ClassDefinition
                                                                 : NodeKind::FunctionDefinition;
  return tree.find(definition.definition.start, definition.definition.end, kind);
}

} // namespace

DefinitionNodes locate_definitions(const FlatTree& tree,
                                   const std::vector<Definition>& definitions) {
  DefinitionNodes located;
  located.nodes.reserve(definitions.size());
  for (const Definition& definition : definitions) {
    const uint32_t index = find_definition(tree, definition);
    located.nodes.push_back({index == FlatTree::kNone ? nullptr : &tree, index});
  }
  return located;
}

DefinitionNodes locate_definitions(const std::vector<Definition>& definitions,
                                   const std::vector<TSNode>& nodes, std::string_view source) {
  const FlatTree::Folding folding =
      source.empty() ? FlatTree::Folding::None : FlatTree::Folding::Inert;
  DefinitionNodes located;
  located.nodes.resize(definitions.size());
  // A top-level definition comes before the definitions nested in it, which follow it up to the
  // next top-level one.
  const FlatTree* tree = nullptr;
  for (size_t i = 0; i < definitions.size(); ++i) {
    const Definition& definition = definitions[i];
    if (definition.parent == -1) {
      TSNode root = nodes[i];
      // With decorators (cognitive complexity counts them): the decorated_definition around it.
      if (definition.whole.start != definition.definition.start) {
        const TSNode parent = ts_node_parent(root);
        if (kind_of(parent) == NodeKind::DecoratedDefinition)
          root = parent;
      }
      tree = located.owned.emplace_back(std::make_unique<FlatTree>(root, source, folding)).get();
    }
    if (tree == nullptr)
      continue;
    const uint32_t index = find_definition(*tree, definition);
    located.nodes[i] = {index == FlatTree::kNone ? nullptr : tree, index};
  }
  return located;
}

int average_class_complexity(int real, int methods) {
  return methods == 0 ? real : real / methods + (methods > 1);
}

int radon_function_complexity(const FlatTree& tree, uint32_t function_definition) {
  return 1 + radon_decisions_in_body(tree, function_definition);
}

int radon_function_complexity(TSNode function_definition) {
  const FlatTree tree(function_definition);
  return radon_function_complexity(tree, tree.empty() ? FlatTree::kNone : 0);
}

std::vector<int> radon_complexities(const std::vector<Definition>& definitions,
                                    const std::vector<TSNode>& nodes) {
  return radon_complexities(definitions, locate_definitions(definitions, nodes));
}

std::vector<int> radon_complexities(const std::vector<Definition>& definitions,
                                    const DefinitionNodes& nodes) {
  std::vector<int> scores(definitions.size(), 1);
  // Children follow their parents, so a reverse pass has every method's score before its class.
  for (size_t i = definitions.size(); i-- > 0;) {
    const Definition& definition = definitions[i];
    const DefinitionNodes::Located& node = nodes.nodes[i];
    if (node.tree != nullptr)
      scores[i] = 1 + radon_decisions_in_body(*node.tree, node.index);
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
  // A definition's subtree holds no decision outside definitions: no need to copy it.
  if (is_definition_node(kind_of(root)))
    return radon_module_complexity(model, scores, FlatTree());
  return radon_module_complexity(model, scores, FlatTree(root));
}

int radon_module_complexity(const ModuleModel& model, const std::vector<int>& scores,
                            const FlatTree& tree) {
  int total = 1 + (tree.empty() ? 0 : radon_decisions(tree, 0));
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
  explicit McCabeCounter(const FlatTree& tree) : tree_(tree) {}

  int statements(uint32_t block) {
    int total = 0;
    tree_.for_each_named_child(block,
                               [&](uint32_t statement) { total += statement_net(statement); });
    return total;
  }

  int body_of(uint32_t node) {
    const uint32_t body = tree_.child_by_field(node, fields().body);
    return body == FlatTree::kNone ? 0 : statements(body);
  }

private:
  int statement_net(uint32_t statement) {
    if (statement == FlatTree::kNone)
      return 0;
    switch (tree_[statement].kind) {
    case NodeKind::DecoratedDefinition:
      return statement_net(tree_.child_by_field(statement, fields().definition));
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

  // A subgraph joins `branches` loose ends into one bottom node: net branches - 1, where the
  // missing else counts as a branch from the path node itself.
  static int join(int branches) { return branches - 1; }

  // `alternative_index`: the elif/else clauses from this index on form this If's orelse.
  int if_net(uint32_t node, uint32_t alternative_index) {
    std::vector<uint32_t> alternatives;
    tree_.for_each_named_child(node, [&](uint32_t child) {
      const NodeKind kind = tree_[child].kind;
      if (kind == NodeKind::ElifClause || kind == NodeKind::ElseClause)
        alternatives.push_back(child);
    });
    const uint32_t consequence = tree_.child_by_field(
        alternative_index == 0 ? node : alternatives[alternative_index - 1], fields().consequence);
    int net = consequence == FlatTree::kNone ? 0 : statements(consequence);
    if (alternative_index < alternatives.size()) {
      const uint32_t next = alternatives[alternative_index];
      if (tree_[next].kind == NodeKind::ElifClause)
        net += if_net(node, alternative_index + 1); // orelse is [If]: one nested subgraph.
      else
        net += body_of(next);
    }
    return net + join(2);
  }

  int loop_net(uint32_t node) {
    int net = body_of(node);
    const uint32_t alternative = tree_.child_by_field(node, fields().alternative);
    if (alternative != FlatTree::kNone)
      net += body_of(alternative);
    return net + join(2);
  }

  int try_net(uint32_t node) {
    int net = body_of(node);
    int branches = 2; // The body, and the else block or the path node.
    bool except_group = false;
    tree_.for_each_named_child(node, [&](uint32_t child) {
      const NodeKind kind = tree_[child].kind;
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

  int handler_body(uint32_t handler) {
    // except_clause holds its block as the last named child (no field name in the grammar).
    int net = 0;
    tree_.for_each_named_child(handler, [&](uint32_t child) {
      if (tree_[child].kind == NodeKind::Block)
        net += statements(child);
    });
    return net;
  }

  const FlatTree& tree_;
};

} // namespace

int mccabe_complexity(const FlatTree& tree, uint32_t function_definition) {
  if (function_definition == FlatTree::kNone)
    return 1;
  return 1 + McCabeCounter(tree).body_of(function_definition);
}

int mccabe_complexity(TSNode function_definition) {
  const FlatTree tree(function_definition);
  return mccabe_complexity(tree, tree.empty() ? FlatTree::kNone : 0);
}

} // namespace docent::analysis
