// Fast, typed access to the tree-sitter-python syntax tree.
//
// Node kinds are resolved once per grammar symbol into the NodeKind enum, so that analysis
// passes compare small integers instead of strings. Helpers here never allocate except where
// they return std::string. FlatTree copies a tree into an array that the metric passes walk
// instead of the tree-sitter API (see FlatTree for why).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tree_sitter/api.h>

namespace docent::analysis {

// X(enumerator, grammar name, named?) for every node kind the analysis looks at.
#define DOCENT_NODE_KINDS(X)                                                                       \
  X(Module, "module", true)                                                                        \
  X(Error, "ERROR", true)                                                                          \
  X(Comment, "comment", true)                                                                      \
  X(Block, "block", true)                                                                          \
  X(FunctionDefinition, "function_definition", true)                                               \
  X(ClassDefinition, "class_definition", true)                                                     \
  X(DecoratedDefinition, "decorated_definition", true)                                             \
  X(Decorator, "decorator", true)                                                                  \
  X(Parameters, "parameters", true)                                                                \
  X(LambdaParameters, "lambda_parameters", true)                                                   \
  X(Parameter, "parameter", true)                                                                  \
  X(TypedParameter, "typed_parameter", true)                                                       \
  X(DefaultParameter, "default_parameter", true)                                                   \
  X(TypedDefaultParameter, "typed_default_parameter", true)                                        \
  X(ListSplatPattern, "list_splat_pattern", true)                                                  \
  X(DictionarySplatPattern, "dictionary_splat_pattern", true)                                      \
  X(PositionalSeparator, "positional_separator", true)                                             \
  X(KeywordSeparator, "keyword_separator", true)                                                   \
  X(IfStatement, "if_statement", true)                                                             \
  X(ElifClause, "elif_clause", true)                                                               \
  X(ElseClause, "else_clause", true)                                                               \
  X(ForStatement, "for_statement", true)                                                           \
  X(WhileStatement, "while_statement", true)                                                       \
  X(TryStatement, "try_statement", true)                                                           \
  X(ExceptClause, "except_clause", true)                                                           \
  X(ExceptGroupClause, "except_group_clause", true)                                                \
  X(FinallyClause, "finally_clause", true)                                                         \
  X(WithStatement, "with_statement", true)                                                         \
  X(MatchStatement, "match_statement", true)                                                       \
  X(CaseClause, "case_clause", true)                                                               \
  X(CasePattern, "case_pattern", true)                                                             \
  X(ExpressionStatement, "expression_statement", true)                                             \
  X(ReturnStatement, "return_statement", true)                                                     \
  X(RaiseStatement, "raise_statement", true)                                                       \
  X(AssertStatement, "assert_statement", true)                                                     \
  X(BreakStatement, "break_statement", true)                                                       \
  X(ContinueStatement, "continue_statement", true)                                                 \
  X(PassStatement, "pass_statement", true)                                                         \
  X(DeleteStatement, "delete_statement", true)                                                     \
  X(GlobalStatement, "global_statement", true)                                                     \
  X(NonlocalStatement, "nonlocal_statement", true)                                                 \
  X(ImportStatement, "import_statement", true)                                                     \
  X(ImportFromStatement, "import_from_statement", true)                                            \
  X(FutureImportStatement, "future_import_statement", true)                                        \
  X(TypeAliasStatement, "type_alias_statement", true)                                              \
  X(PrintStatement, "print_statement", true)                                                       \
  X(ExecStatement, "exec_statement", true)                                                         \
  X(Assignment, "assignment", true)                                                                \
  X(AugmentedAssignment, "augmented_assignment", true)                                             \
  X(Yield, "yield", true)                                                                          \
  X(Await, "await", true)                                                                          \
  X(BooleanOperator, "boolean_operator", true)                                                     \
  X(NotOperator, "not_operator", true)                                                             \
  X(BinaryOperator, "binary_operator", true)                                                       \
  X(UnaryOperator, "unary_operator", true)                                                         \
  X(ComparisonOperator, "comparison_operator", true)                                               \
  X(ConditionalExpression, "conditional_expression", true)                                         \
  X(NamedExpression, "named_expression", true)                                                     \
  X(Lambda, "lambda", true)                                                                        \
  X(ListComprehension, "list_comprehension", true)                                                 \
  X(SetComprehension, "set_comprehension", true)                                                   \
  X(DictionaryComprehension, "dictionary_comprehension", true)                                     \
  X(GeneratorExpression, "generator_expression", true)                                             \
  X(ForInClause, "for_in_clause", true)                                                            \
  X(IfClause, "if_clause", true)                                                                   \
  X(ParenthesizedExpression, "parenthesized_expression", true)                                     \
  X(Call, "call", true)                                                                            \
  X(ArgumentList, "argument_list", true)                                                           \
  X(KeywordArgument, "keyword_argument", true)                                                     \
  X(Attribute, "attribute", true)                                                                  \
  X(Subscript, "subscript", true)                                                                  \
  X(Identifier, "identifier", true)                                                                \
  X(Integer, "integer", true)                                                                      \
  X(Float, "float", true)                                                                          \
  X(String, "string", true)                                                                        \
  X(StringStart, "string_start", true)                                                             \
  X(StringContent, "string_content", true)                                                         \
  X(StringEnd, "string_end", true)                                                                 \
  X(EscapeSequence, "escape_sequence", true)                                                       \
  X(EscapeInterpolation, "escape_interpolation", true)                                             \
  X(Interpolation, "interpolation", true)                                                          \
  X(ConcatenatedString, "concatenated_string", true)                                               \
  X(True, "true", true)                                                                            \
  X(False, "false", true)                                                                          \
  X(None, "none", true)                                                                            \
  X(Ellipsis, "ellipsis", true)                                                                    \
  X(Type, "type", true)                                                                            \
  X(ExpressionList, "expression_list", true)                                                       \
  X(PatternList, "pattern_list", true)                                                             \
  X(Tuple, "tuple", true)                                                                          \
  X(List, "list", true)                                                                            \
  X(Set, "set", true)                                                                              \
  X(Dictionary, "dictionary", true)                                                                \
  X(ListSplat, "list_splat", true)                                                                 \
  X(DictionarySplat, "dictionary_splat", true)                                                     \
  X(Slice, "slice", true)                                                                          \
  X(KwAnd, "and", false)                                                                           \
  X(KwOr, "or", false)                                                                             \
  X(KwNot, "not", false)                                                                           \
  X(KwAsync, "async", false)                                                                       \
  X(KwElse, "else", false)                                                                         \
  X(KwIf, "if", false)                                                                             \
  X(KwFrom, "from", false)                                                                         \
  X(Colon, ":", false)                                                                             \
  X(ComplexPattern, "complex_pattern", true)                                                       \
  X(UnionType, "union_type", true)                                                                 \
  X(MemberType, "member_type", true)                                                               \
  X(Chevron, "chevron", true)

enum class NodeKind : uint8_t {
  Other,
#define DOCENT_ENUMERATOR(name, grammar_name, named) name,
  DOCENT_NODE_KINDS(DOCENT_ENUMERATOR)
#undef DOCENT_ENUMERATOR
};

// The kind of a node (NodeKind::Other for kinds the analysis does not name).
NodeKind kind_of(TSNode node);

inline uint32_t start_byte(TSNode node) {
  return ts_node_start_byte(node);
}
inline uint32_t end_byte(TSNode node) {
  return ts_node_end_byte(node);
}
inline std::string_view node_text(std::string_view source, TSNode node) {
  return source.substr(start_byte(node), end_byte(node) - start_byte(node));
}
// The grammar's id of a field name (0 if there is none), looked up in a table built once:
// tree-sitter's own lookup compares the name with every field name of the grammar.
TSFieldId field_id(std::string_view name);
inline TSNode field(TSNode node, std::string_view name) {
  return ts_node_child_by_field_id(node, field_id(name));
}
// 1-based line of a node's first byte (tree rows are LSP lines; see document.h).
// The statements and clauses that hold blocks of statements: if/elif/else, for, while,
// try/except/finally, with, match/case.
inline bool is_compound_clause(NodeKind kind) {
  switch (kind) {
  case NodeKind::IfStatement:
  case NodeKind::ElifClause:
  case NodeKind::ElseClause:
  case NodeKind::ForStatement:
  case NodeKind::WhileStatement:
  case NodeKind::TryStatement:
  case NodeKind::ExceptClause:
  case NodeKind::ExceptGroupClause:
  case NodeKind::FinallyClause:
  case NodeKind::WithStatement:
  case NodeKind::MatchStatement:
  case NodeKind::CaseClause:
    return true;
  default:
    return false;
  }
}

inline uint32_t first_line(TSNode node) {
  return ts_node_start_point(node).row + 1;
}
// 1-based line of a node's last byte.
uint32_t last_line(TSNode node);

// The node of a definition (function or class) with its decorators peeled off, and back.
TSNode definition_of(TSNode decorated_or_definition);

// Calls f(child) for every child, named or not (keywords and punctuation too). Walks with a
// cursor: ts_node_child(node, i) restarts from the first child, which is quadratic over the
// hundreds of statements of a long block.
template <typename F> void for_each_child(TSNode node, F&& f) {
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do
      f(ts_tree_cursor_current_node(&cursor));
    while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
}

// Calls f(child) for each named child, skipping comments.
template <typename F> void for_each_named_child(TSNode node, F&& f) {
  for_each_child(node, [&](TSNode child) {
    if (ts_node_is_named(child) && kind_of(child) != NodeKind::Comment)
      f(child);
  });
}

// ---------------------------------------------------------------------------------------------
// A syntax tree (or one subtree) copied into an array, in document order.
//
// Why: walking tree-sitter's tree through its API costs hundreds of instructions per node
// (ts_tree_cursor_goto_next_sibling climbs through the hidden nodes of repetitions and
// supertypes, ts_node_child and ts_node_child_by_field_id iterate from the first child), so a
// walk over a whole file costs a noticeable part of its parse. The metrics need several walks
// (Halstead, cognitive complexity per function, radon and mccabe per definition); they make them
// over this array instead, which one cursor walk fills.
//
// Invariants: nodes are in pre-order (a node, then its subtree, then its next sibling), so
// node 0 is the root, a node's subtree is the index range [index, end), its first child (if
// any) is index + 1 and the next sibling of a child is the child's `end` while that is below
// the parent's `end`. Start bytes never decrease along the array. Every node of the tree is
// here, anonymous tokens and extras (comments, line continuations) included, except below
// folded nodes.
//
// Folding (Folding::Inert) leaves out the children of nodes that hold nothing any metric counts
// and that no metric reads the children of, which roughly halves the nodes to copy (the copy
// costs what it does because of the tree-sitter calls per node). Such a node is marked
// `folded`. fold_rule() says which nodes fold:
//  - always: string literals without an f prefix (their value is read from their text) and
//    import, global and nonlocal statements;
//  - if inert: other expressions and simple statements whose text has no operator character
//    (+ - * / % @ < > | ^ & ~ == !=; a `*`, `**` or `/` right after an opening bracket or a
//    comma unpacks or separates parameters) and no `and`, `or`, `not`, `is`, `in`, `if` or
//    `for`.
//    Every construct the metrics count inside an expression spells one of those (operators,
//    comparisons, boolean operators, conditional expressions, comprehensions), so the metrics
//    find the same counts as in a full tree; the check may keep more than it must (a word in a
//    string or a comment), never less;
//  - never: compound statements, blocks, clauses and definitions, return statements (cognitive
//    complexity reads `return NAME`) and the nodes Halstead reads operand values from the
//    children of (attribute, parentheses, annotation, concatenated string).
// Nothing folds that has a syntax error inside: error recovery can put statements anywhere.
//
// Thread-safety: immutable once built; share it freely. It does not refer to the TSTree after
// construction (byte offsets index the snapshot's text).
class FlatTree {
public:
  static constexpr uint32_t kNone = UINT32_MAX;

  struct Node {
    uint32_t start_byte = 0;
    uint32_t end_byte = 0;
    uint32_t parent = kNone; // kNone for the root.
    uint32_t end = 0;        // One past the last node of this node's subtree.
    TSSymbol symbol = 0;     // Public symbol (aliases resolved), as ts_node_symbol gives it.
    // The child's field in its parent, recorded only under parents of the kinds that
    // records_fields() lists (0 elsewhere): the lookup costs as much as the rest of a visit.
    TSFieldId field = 0;
    NodeKind kind = NodeKind::Other;
    bool named = false;
    bool extra = false;
    bool folded = false; // Its children are left out (see Folding).
  };

  enum class Folding { None, Inert };

  FlatTree() = default;
  // The subtree of `root` (empty if `root` is null), with every node.
  explicit FlatTree(TSNode root);
  // The same, with inert nodes folded when `folding` says so (see above); `source` is the text
  // the tree was parsed from.
  FlatTree(TSNode root, std::string_view source, Folding folding);
  // The same with the children of `fold` (a node of the subtree) left out as well: a class
  // whose body's statements are measured one by one is walked for its header alone.
  FlatTree(TSNode root, std::string_view source, Folding folding, TSNode fold);

  bool empty() const { return nodes_.empty(); }
  uint32_t size() const { return static_cast<uint32_t>(nodes_.size()); }
  const Node& operator[](uint32_t index) const { return nodes_[index]; }

  // Whether FlatTree records the fields of children of a node of this kind.
  static bool records_fields(NodeKind parent);
  // Which nodes of a kind fold (see above; a string literal folds always only without an f
  // prefix).
  enum class FoldRule { Never, IfInert, Always };
  static FoldRule fold_rule(NodeKind kind);

  std::string_view text(std::string_view source, uint32_t index) const {
    const Node& node = nodes_[index];
    return source.substr(node.start_byte, node.end_byte - node.start_byte);
  }

  uint32_t first_child(uint32_t index) const {
    return index + 1 < nodes_[index].end ? index + 1 : kNone;
  }
  uint32_t next_sibling(uint32_t index) const {
    const uint32_t parent = nodes_[index].parent;
    if (parent == kNone)
      return kNone;
    const uint32_t next = nodes_[index].end;
    return next < nodes_[parent].end ? next : kNone;
  }

  // Calls f(child) for every child, named or not.
  template <typename F> void for_each_child(uint32_t index, F&& f) const {
    const uint32_t end = nodes_[index].end;
    for (uint32_t child = index + 1; child < end; child = nodes_[child].end)
      f(child);
  }
  // Calls f(child) for each named child that is not an extra (comment or line continuation).
  template <typename F> void for_each_syntax_child(uint32_t index, F&& f) const {
    for_each_child(index, [&](uint32_t child) {
      if (nodes_[child].named && !nodes_[child].extra)
        f(child);
    });
  }
  // Calls f(child) for each named child other than comments (line continuations included), as
  // the TSNode for_each_named_child below does.
  template <typename F> void for_each_named_child(uint32_t index, F&& f) const {
    for_each_child(index, [&](uint32_t child) {
      if (nodes_[child].named && nodes_[child].kind != NodeKind::Comment)
        f(child);
    });
  }
  // The first named child that is not an extra, or kNone.
  uint32_t first_syntax_child(uint32_t index) const;
  // The child in `field` (which records_fields() must list for the node's kind), or kNone.
  uint32_t child_by_field(uint32_t index, TSFieldId field) const;

  // The first node in document order with this symbol (or kind) and byte range, or kNone.
  uint32_t find(uint32_t start_byte, uint32_t end_byte, TSSymbol symbol) const;
  uint32_t find(uint32_t start_byte, uint32_t end_byte, NodeKind kind) const;
  uint32_t find(TSNode node) const;

private:
  static bool folds_inert(const Node& node, std::string_view source);
  template <typename Matches>
  uint32_t find_if(uint32_t start_byte, uint32_t end_byte, Matches matches) const;

  std::vector<Node> nodes_;
};

} // namespace docent::analysis
