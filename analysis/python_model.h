// The Python model of one module: every definition (module, class, function, method, nested
// function) with its names, ranges, signature, docstring and the statements later features need.
//
// Built in one walk over a Snapshot's tree. Definitions inside syntax errors are still modelled
// when tree-sitter recovered them; `touches_error` says whether an error lies inside one.
#pragma once

#include "analysis/document.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace docent::analysis {

// Half-open byte range [start, end) in the snapshot's text.
struct ByteRange {
  uint32_t start = 0;
  uint32_t end = 0;
};

enum class DefinitionKind { Function, Method, Class };
const char* to_string(DefinitionKind kind);

enum class ParameterKind { PositionalOnly, Regular, VarPositional, KeywordOnly, VarKeyword };
const char* to_string(ParameterKind kind);

struct Parameter {
  std::string name;
  ParameterKind kind = ParameterKind::Regular;
  std::string annotation;    // Source text of the annotation, empty if none.
  std::string default_value; // Source text of the default, empty if none.
  ByteRange range;
};

struct Docstring {
  std::string raw;    // The literal as written, prefix and quotes included.
  std::string cooked; // The string's value (escapes processed unless raw).
  std::string quote;  // `"""`, `'''`, `"` or `'`.
  std::string prefix; // String prefix letters as written (e.g. "r", "u"), often empty.
  ByteRange range;
  // detect_style() (docstring_format.h) finds section markers in it. Decided once, when the
  // model is built, because the checks ask it of every docstring of a file on each keystroke.
  bool has_section_markers = false;
};

// A raise, return or yield statement/expression in a definition's own body.
struct FlowStatement {
  ByteRange range;
  std::string value; // Source text of the raised/returned/yielded expression, empty if none.
  bool is_yield_from = false;
  // For a bare `raise` inside an `except` clause: the caught exception as written (`KeyError`,
  // `(KeyError, ValueError)`); empty otherwise, and for a bare `except:`.
  std::string caught;
};

// An attribute a class defines: `self.x = ...` in __init__ or an annotated class-level name.
struct ClassAttribute {
  std::string name;
  std::string annotation;
  std::string value;
  ByteRange range;
  bool from_init = false;
};

struct Definition {
  DefinitionKind kind = DefinitionKind::Function;
  bool is_async = false;
  std::string name;
  std::string qualname; // `Outer.meth`, `func.inner`.
  int parent = -1;      // Index of the enclosing definition, -1 at module level.
  std::vector<int> children;

  ByteRange whole;       // Including decorators.
  ByteRange definition;  // From `def`/`class` (or `async`) to the end of the body.
  ByteRange name_range;  // The name identifier.
  ByteRange signature;   // From `def`/`class` (or `async`) through the colon before the body.
  ByteRange body;        // The body block.
  uint32_t line = 0;     // 1-based line of `def`/`class` (decorators excluded).
  uint32_t end_line = 0; // 1-based last line of the body.

  std::vector<std::string> decorators; // Decorator expressions without the `@`.
  std::vector<Parameter> parameters;   // For classes: empty.
  std::string return_annotation;
  std::vector<std::string> bases; // For classes: superclass and keyword arguments as written.
  std::optional<Docstring> docstring;
  // The body's first statement starts with a string literal: pydocstyle's test for a
  // docstring, broader than `docstring` (f-strings, bytes, `"a" + b` count too).
  bool leading_string = false;
  std::vector<FlowStatement> raises, returns, yields;
  std::vector<ClassAttribute> attributes; // For classes.
  bool touches_error = false;             // A syntax error lies inside this definition.
};

struct SyntaxProblem {
  ByteRange range;
  bool missing = false; // tree-sitter inserted a missing token here (else: unexpected text).
  std::string what;     // For a missing token: its kind, e.g. ")" or "identifier".
};

struct ModuleModel {
  std::vector<Definition> definitions; // In document order (parents before children).
  std::optional<Docstring> docstring;
  bool leading_string = false; // As Definition::leading_string, for the module.
  // The names of the module's `__all__`, as pydocstyle reads it to decide which names are
  // public: the value of its one `__all__ = ...` statement made of string literals only (a
  // list, a tuple, or items separated by commas). nullopt if there is none, if its value is
  // anything else, or if `__all__` is mentioned again at module level (`+=`, `.extend`, a
  // second assignment), as then it cannot be read without running the module.
  std::optional<std::vector<std::string>> all;
  std::vector<SyntaxProblem> errors;
};

// With `nodes`, also each definition's function_definition / class_definition node (decorators
// excluded), parallel to the model's definitions. A Definition holds no node: it outlives the
// tree (incremental analysis moves definitions from one snapshot's analysis to the next).
ModuleModel build_module_model(const Snapshot& snapshot, std::vector<TSNode>* nodes = nullptr);

// The function_definition / class_definition node of `definition` in the snapshot it was built
// from (a descent from the root).
TSNode definition_node(const Snapshot& snapshot, const Definition& definition);

// Pieces of build_module_model() for incremental analysis (see analysis/incremental.h):
// the definitions and syntax errors inside one top-level statement (parents relative to the
// returned list, -1 for the statement's own top-level definitions; no docstring or __all__);
// the module's docstring and `__all__`; and moving a definition's ranges and lines (its
// `node` is left as it was).
ModuleModel model_of_statement(const Snapshot& snapshot, TSNode statement,
                               std::vector<TSNode>* nodes = nullptr);
void describe_module(const Snapshot& snapshot, ModuleModel& model);
// For analyzing a top-level class member by member: the class `node` (`outer` is its
// decorated_definition, or `node` itself) as build_module_model() describes it, but without
// children and without the attributes that its `__init__` methods assign; add_init_attributes()
// adds those of one method (`node` is its function_definition), a no-op unless it is a method
// `__init__` with a `self` parameter. Called for each child in order, it gives the same list.
Definition describe_class_alone(const Snapshot& snapshot, TSNode node, TSNode outer);
void add_init_attributes(const Snapshot& snapshot, Definition& cls, const Definition& method,
                         TSNode node);
void shift_definition(Definition& definition, int64_t byte_delta, int64_t line_delta);

// Docstring of a module, class or function body (its first statement, if a plain string).
std::optional<Docstring> docstring_of_block(std::string_view source, TSNode block);
// Whether the block's first statement starts with a string literal (pydocstyle's test for a
// docstring, which does not look at what follows the string).
bool block_starts_with_string(std::string_view source, TSNode block);
// The string literal node that docstring_of_block() would cook, or a null node.
TSNode docstring_literal_of_block(TSNode block);

} // namespace docent::analysis
