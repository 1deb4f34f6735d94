// Fast, typed access to the tree-sitter-python syntax tree.
//
// Node kinds are resolved once per grammar symbol into the NodeKind enum, so that analysis
// passes compare small integers instead of strings. Helpers here never allocate except where
// they return std::string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

} // namespace docent::analysis
