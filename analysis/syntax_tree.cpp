// Resolution of grammar symbols to NodeKind, done once per process.
#include "analysis/syntax_tree.h"
#include "analysis/document.h"

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

} // namespace

NodeKind kind_of(TSNode node) {
  static const std::vector<NodeKind> table = build_symbol_table();
  if (ts_node_is_null(node))
    return NodeKind::Other;
  const TSSymbol symbol = ts_node_symbol(node);
  if (symbol == static_cast<TSSymbol>(-1)) // ts_builtin_sym_error
    return NodeKind::Error;
  return symbol < table.size() ? table[symbol] : NodeKind::Other;
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

} // namespace docent::analysis
