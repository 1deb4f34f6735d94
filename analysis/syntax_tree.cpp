// Resolution of grammar symbols to NodeKind, done once per process, and the flat copy of a tree.
#include "analysis/syntax_tree.h"
#include "analysis/document.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace docent::analysis {

namespace {

struct KindName {
  NodeKind kind;
  const char* name;
  bool named;
};

constexpr KindName kKindNames[] = {
#define DOCENT_KIND_NAME(kind, grammar_name, named) {NodeKind::kind, grammar_name, named},
    DOCENT_NODE_KINDS(DOCENT_KIND_NAME)
#undef DOCENT_KIND_NAME
};

// Maps every symbol of the grammar (aliases included) to its kind by name, so that a node kind
// that the grammar spells with several symbols is recognized under each.
std::vector<NodeKind> build_symbol_table() {
  const TSLanguage* language = tree_sitter_python();
  const uint32_t count = ts_language_symbol_count(language);
  std::vector<NodeKind> table(count, NodeKind::Other);
  for (uint32_t symbol = 0; symbol < count; ++symbol) {
    const char* name = ts_language_symbol_name(language, static_cast<TSSymbol>(symbol));
    const bool named =
        ts_language_symbol_type(language, static_cast<TSSymbol>(symbol)) == TSSymbolTypeRegular;
    for (const KindName& entry : kKindNames)
      if (entry.named == named && std::strcmp(entry.name, name) == 0)
        table[symbol] = entry.kind;
  }
  return table;
}

const std::vector<NodeKind>& symbol_table() {
  static const std::vector<NodeKind> table = build_symbol_table();
  return table;
}

NodeKind kind_of_symbol(const std::vector<NodeKind>& table, TSSymbol symbol) {
  if (symbol == static_cast<TSSymbol>(-1)) // ts_builtin_sym_error
    return NodeKind::Error;
  return symbol < table.size() ? table[symbol] : NodeKind::Other;
}

} // namespace

NodeKind kind_of(TSNode node) {
  if (ts_node_is_null(node))
    return NodeKind::Other;
  return kind_of_symbol(symbol_table(), ts_node_symbol(node));
}

TSFieldId field_id(std::string_view name) {
  static const std::unordered_map<std::string_view, TSFieldId> ids = [] {
    std::unordered_map<std::string_view, TSFieldId> table;
    const TSLanguage* language = tree_sitter_python();
    const uint32_t count = ts_language_field_count(language);
    for (uint32_t id = 1; id <= count; ++id)
      if (const char* field_name =
              ts_language_field_name_for_id(language, static_cast<TSFieldId>(id)))
        table.emplace(field_name, static_cast<TSFieldId>(id));
    return table;
  }();
  const auto found = ids.find(name);
  return found == ids.end() ? 0 : found->second;
}

uint32_t last_line(TSNode node) {
  const TSPoint end = ts_node_end_point(node);
  // A node that ends right after a newline ends on the previous line.
  if (end.column == 0 && end.row > ts_node_start_point(node).row)
    return end.row;
  return end.row + 1;
}

TSNode definition_of(TSNode node) {
  if (kind_of(node) == NodeKind::DecoratedDefinition)
    return field(node, "definition");
  return node;
}

// ---------------------------------------------------------------------------------------------
// FlatTree

bool FlatTree::records_fields(NodeKind parent) {
  // The parents whose fields the metric passes read (see their field tables).
  switch (parent) {
  case NodeKind::FunctionDefinition:
  case NodeKind::ClassDefinition:
  case NodeKind::DecoratedDefinition:
  case NodeKind::BinaryOperator:
  case NodeKind::AugmentedAssignment:
  case NodeKind::BooleanOperator:
  case NodeKind::UnaryOperator:
  case NodeKind::NotOperator:
  case NodeKind::Attribute:
  case NodeKind::CaseClause:
  case NodeKind::IfStatement:
  case NodeKind::ElifClause:
  case NodeKind::ElseClause:
  case NodeKind::ForStatement:
  case NodeKind::WhileStatement:
  case NodeKind::TryStatement:
  case NodeKind::WithStatement:
    return true;
  default:
    return false;
  }
}

FlatTree::FlatTree(TSNode root) {
  if (ts_node_is_null(root))
    return;
  const std::vector<NodeKind>& kinds = symbol_table();
  // Python source averages about six bytes per node; reserving a little more than that saves
  // the copies of a growing vector on most files.
  nodes_.reserve((ts_node_end_byte(root) - ts_node_start_byte(root)) / 4 + 16);
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  uint32_t parent = kNone;
  for (;;) {
    // Append the cursor's node.
    const TSNode node = ts_tree_cursor_current_node(&cursor);
    Node& added = nodes_.emplace_back();
    added.start_byte = ts_node_start_byte(node);
    added.end_byte = ts_node_end_byte(node);
    added.parent = parent;
    added.symbol = ts_node_symbol(node);
    added.kind = kind_of_symbol(kinds, added.symbol);
    added.named = ts_node_is_named(node);
    added.extra = ts_node_is_extra(node);
    if (parent != kNone && records_fields(nodes_[parent].kind))
      added.field = ts_tree_cursor_current_field_id(&cursor);
    uint32_t current = size() - 1;
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      parent = current;
      continue;
    }
    // Close finished nodes until one has a next sibling.
    for (;;) {
      nodes_[current].end = size();
      if (current == 0) {
        ts_tree_cursor_delete(&cursor);
        return;
      }
      if (ts_tree_cursor_goto_next_sibling(&cursor))
        break;
      ts_tree_cursor_goto_parent(&cursor);
      current = nodes_[current].parent;
    }
    parent = nodes_[current].parent;
  }
}

uint32_t FlatTree::first_syntax_child(uint32_t index) const {
  const uint32_t end = nodes_[index].end;
  for (uint32_t child = index + 1; child < end; child = nodes_[child].end)
    if (nodes_[child].named && !nodes_[child].extra)
      return child;
  return kNone;
}

uint32_t FlatTree::child_by_field(uint32_t index, TSFieldId field) const {
  if (field == 0) // Not a field of this grammar: no child is in it.
    return kNone;
  const uint32_t end = nodes_[index].end;
  for (uint32_t child = index + 1; child < end; child = nodes_[child].end)
    if (nodes_[child].field == field)
      return child;
  return kNone;
}

template <typename Matches>
uint32_t FlatTree::find_if(uint32_t start_byte, uint32_t end_byte, Matches matches) const {
  // Start bytes never decrease in pre-order, so the nodes that start at one byte are adjacent,
  // an ancestor before its descendants.
  auto at =
      std::lower_bound(nodes_.begin(), nodes_.end(), start_byte,
                       [](const Node& node, uint32_t start) { return node.start_byte < start; });
  for (; at != nodes_.end() && at->start_byte == start_byte; ++at)
    if (at->end_byte == end_byte && matches(*at))
      return static_cast<uint32_t>(at - nodes_.begin());
  return kNone;
}

uint32_t FlatTree::find(uint32_t start_byte, uint32_t end_byte, TSSymbol symbol) const {
  return find_if(start_byte, end_byte,
                 [symbol](const Node& node) { return node.symbol == symbol; });
}

uint32_t FlatTree::find(uint32_t start_byte, uint32_t end_byte, NodeKind kind) const {
  return find_if(start_byte, end_byte, [kind](const Node& node) { return node.kind == kind; });
}

uint32_t FlatTree::find(TSNode node) const {
  if (ts_node_is_null(node))
    return kNone;
  return find(ts_node_start_byte(node), ts_node_end_byte(node), ts_node_symbol(node));
}

} // namespace docent::analysis
