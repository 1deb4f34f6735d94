// Resolution of grammar symbols to NodeKind, done once per process, and the flat copy of a tree.
#include "analysis/syntax_tree.h"
#include "analysis/document.h"

#include <algorithm>
#include <array>
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

// ---------------------------------------------------------------------------------------------
// What folding looks for in the text (see FlatTree).

// Word and Digit last: is_word_byte() compares with Word.
enum class ByteClass : uint8_t { Plain, Operator, Equals, Word, Digit };

constexpr std::array<ByteClass, 256> kByteClasses = [] {
  std::array<ByteClass, 256> classes{};
  for (const char c : std::string_view("+-*/%@<>|^&~"))
    classes[static_cast<unsigned char>(c)] = ByteClass::Operator;
  classes['='] = classes['!'] = ByteClass::Equals;
  for (int c = 'a'; c <= 'z'; ++c)
    classes[c] = classes[c - 'a' + 'A'] = ByteClass::Word;
  // Non-ASCII bytes stay Plain, so they separate words: a keyword next to one counts even
  // where it is part of an identifier (harmless), and also next to the zero-width spaces that
  // tree-sitter reads as whitespace.
  classes['_'] = ByteClass::Word;
  for (int c = '0'; c <= '9'; ++c)
    classes[c] = ByteClass::Digit;
  return classes;
}();

ByteClass byte_class(char c) {
  return kByteClasses[static_cast<unsigned char>(c)];
}

bool is_word_byte(char c) {
  return byte_class(c) >= ByteClass::Word;
}

bool is_trigger_keyword(std::string_view word) {
  if (word.size() == 2)
    return word == "or" || word == "is" || word == "in" || word == "if";
  return word.size() == 3 && (word == "and" || word == "not" || word == "for");
}

// Whether a run of identifier characters holds a trigger keyword. A run that starts with a digit
// is a number, which Python and tree-sitter end where a keyword glued to it starts (`1if x`,
// `0x1for`): a trigger keyword anywhere inside it counts.
bool is_trigger_word(std::string_view run) {
  if (byte_class(run[0]) != ByteClass::Digit)
    return is_trigger_keyword(run);
  for (size_t i = 1; i + 2 <= run.size(); ++i)
    if (is_trigger_keyword(run.substr(i, 2)) || is_trigger_keyword(run.substr(i, 3)))
      return true;
  return false;
}

// Whether the `*`, `**` or `/` at text[i] comes right after an opening bracket or a comma
// (whitespace between): an unpacking or a parameter separator then, never an operator, which
// needs an operand on its left.
bool is_unpacking(std::string_view text, size_t i) {
  const char c = text[i];
  if (c != '*' && c != '/')
    return false;
  while (i > 0) {
    const char before = text[--i];
    if (before == ' ' || before == '\t' || before == '\n' || before == '\r' || before == '\f')
      continue;
    return before == '(' || before == '[' || before == '{' || before == ',';
  }
  return false;
}

// Whether source[begin, end) holds an operator character or a trigger word: a table lookup per
// byte, up to the first one. `begin` must start a token (as a node's first byte does).
bool has_trigger(std::string_view source, size_t begin, size_t end) {
  for (size_t i = begin; i < end;) {
    const ByteClass type = byte_class(source[i]);
    if (type == ByteClass::Plain) {
      ++i;
    } else if (type == ByteClass::Operator) {
      if (!is_unpacking(source, i))
        return true;
      i += i + 1 < end && source[i + 1] == source[i] ? 2 : 1; // `*` or `**`.
    } else if (type == ByteClass::Equals) { // `==` and `!=`; `=` alone assigns or names.
      if (i + 1 < end && source[i + 1] == '=')
        return true;
      ++i;
    } else {
      size_t word_end = i + 1;
      while (word_end < end && is_word_byte(source[word_end]))
        ++word_end;
      if (is_trigger_word(source.substr(i, word_end - i)))
        return true;
      i = word_end;
    }
  }
  return false;
}

// True if a string literal has an f prefix.
bool is_formatted_string(std::string_view source, uint32_t start) {
  for (size_t i = start; i < source.size(); ++i) {
    const char c = source[i];
    if (c == 'f' || c == 'F')
      return true;
    if (c == '\'' || c == '"')
      return false;
  }
  return false;
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

FlatTree::FoldRule FlatTree::fold_rule(NodeKind kind) {
  if (is_compound_clause(kind))
    return FoldRule::Never;
  switch (kind) {
  case NodeKind::String:
  case NodeKind::ImportStatement:
  case NodeKind::ImportFromStatement:
  case NodeKind::FutureImportStatement:
  case NodeKind::GlobalStatement:
  case NodeKind::NonlocalStatement:
    return FoldRule::Always;
  case NodeKind::Module:
  case NodeKind::Error:
  case NodeKind::Block:
  case NodeKind::FunctionDefinition:
  case NodeKind::ClassDefinition:
  case NodeKind::DecoratedDefinition:
  case NodeKind::Decorator:
  case NodeKind::ReturnStatement:
  case NodeKind::Attribute:
  case NodeKind::ParenthesizedExpression:
  case NodeKind::Type:
  case NodeKind::MemberType:
  case NodeKind::ConcatenatedString:
    return FoldRule::Never;
  default:
    return FoldRule::IfInert;
  }
}

// Whether `node` folds by fold_rule(), syntax errors aside.
bool FlatTree::folds_inert(const Node& node, std::string_view source) {
  FoldRule rule = fold_rule(node.kind);
  if (node.kind == NodeKind::String && is_formatted_string(source, node.start_byte))
    rule = FoldRule::IfInert; // An f-string holds expressions.
  if (rule != FoldRule::IfInert)
    return rule == FoldRule::Always;
  return !has_trigger(source, node.start_byte, node.end_byte);
}

FlatTree::FlatTree(TSNode root) : FlatTree(root, std::string_view(), Folding::None) {}

FlatTree::FlatTree(TSNode root, std::string_view source, Folding folding)
    : FlatTree(root, source, folding, TSNode{}) {}

FlatTree::FlatTree(TSNode root, std::string_view source, Folding folding, TSNode fold) {
  if (ts_node_is_null(root))
    return;
  const std::vector<NodeKind>& kinds = symbol_table();
  const bool folds = folding == Folding::Inert;
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
    if (folds && added.named && !added.extra)
      added.folded =
          ts_node_child_count(node) != 0 && folds_inert(added, source) && !ts_node_has_error(node);
    added.folded |= !ts_node_is_null(fold) && ts_node_eq(node, fold);
    uint32_t current = size() - 1;
    if (!added.folded && ts_tree_cursor_goto_first_child(&cursor)) {
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
