// Docstring formats: parse an existing docstring (Google, NumPy, Sphinx/reST, Epytext, or plain
// PEP 257) into a structured form with byte ranges, and generate a docstring for a definition
// from its code. See docs/docstrings.md for the detection rules, the parse model and each style's
// output.
#pragma once

#include "analysis/python_model.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docent::analysis {

enum class DocstringStyle { Google, Numpy, Sphinx, Epytext, Pep257 };
const char* to_string(DocstringStyle style); // "google", "numpy", "sphinx", "epytext", "pep257".
std::optional<DocstringStyle> docstring_style_from_string(std::string_view name);

enum class SectionKind {
  Parameters,
  OtherParameters,
  KeywordArguments,
  Returns,
  Yields,
  Raises,
  Attributes,
  Examples,
  Notes,
  Warnings,
  SeeAlso,
  References,
  Todo,
  Unknown,
};
const char* to_string(SectionKind kind); // "parameters", "other_parameters", ..., "unknown".
// Whether a section of this kind holds entries (name, type, description) rather than prose.
bool is_list_section(SectionKind kind);

// Ranges below are byte ranges in the docstring body given to parse_docstring(): the text
// between the quotes. A range that is absent is {0, 0}.

// One item of a list-like section: a parameter, an attribute, an exception, a return value.
struct DocstringEntry {
  std::string name;        // As written (`*args` keeps its stars); the exception for Raises;
                           // often empty for Returns and Yields.
  std::string type;        // As written, empty if none.
  std::string description; // Its lines with their indentation removed, joined with '\n'.
  ByteRange range;         // The whole entry (for Sphinx/Epytext: its main field).
  ByteRange name_range;
  ByteRange type_range;
  ByteRange description_range;
  // Sphinx `:type x:` / `:rtype:`, Epytext `@type x:` / `@rtype:`: the separate field that gave
  // the type, merged into this entry.
  ByteRange type_field;
};

struct DocstringSection {
  SectionKind kind = SectionKind::Unknown;
  std::string title; // As written: "Args", "Parameters", "See Also", Sphinx's "param"; may be
                     // empty for text that follows the sections without a header of its own.
  ByteRange range;   // The whole section, header included, up to its last non-blank character.
  std::vector<DocstringEntry> entries; // For list-like sections.
  std::string text; // Every section: its content below the header (for fields: after the
                    // field marker), with the common indentation removed.
};

struct ParsedDocstring {
  DocstringStyle style = DocstringStyle::Pep257;
  std::string summary; // The first paragraph, lines joined with '\n'.
  ByteRange summary_range;
  std::string description; // What lies between the summary and the first section.
  ByteRange description_range;
  std::vector<DocstringSection> sections; // In the order they appear.

  // The first section of `kind`, or nullptr.
  const DocstringSection* section(SectionKind kind) const;
};

// The style a docstring body is written in, from its section headers and field markers: Google
// (`Args:`, `Returns:`… alone on a line), NumPy (a title underlined with dashes), Sphinx
// (`:param`, `:returns:`, `:rtype:`…), Epytext (`@param`, `@return`…); the style with the most
// markers wins (ties in that order), and a body with none is Pep257.
DocstringStyle detect_style(std::string_view body);

// Parses a docstring body (the literal's text between the quotes, as written in the source, so
// that a range maps to the file at literal start + prefix length + quote length + offset).
// Without `style`, detect_style() decides. Never fails: what is not understood is kept in an
// Unknown section (or in the description).
ParsedDocstring parse_docstring(std::string_view body,
                                std::optional<DocstringStyle> style = std::nullopt);

// The sections a generated docstring may have, all by default; the server leaves out those a
// user keeps deleting (docs/learning.md). `types` false leaves out the types that
// GenerateOptions::types would write.
struct DocstringSections {
  bool args = true, returns = true, yields = true, raises = true, attributes = true;
  bool types = true;
};

struct GenerateOptions {
  DocstringStyle style = DocstringStyle::Google;
  bool types = true; // Write types (from annotations, or guessed from defaults).
  DocstringSections sections;
  std::string indent; // The body's indentation; every line after the first starts with it.
  std::string quote = "\"\"\""; // `"""` or `'''`.
  size_t line_width = 88;       // Descriptions are wrapped to this width, indentation included.
  // For classes: document `__init__`'s parameters in the class docstring (and none in
  // `__init__`'s own).
  bool init_parameters_in_class = false;
  std::string module_name; // For module docstrings: the summary is made from this name.
  // Descriptions the workspace already gives parameters, used instead of placeholders.
  const class ParameterDescriptions* reuse = nullptr;
};

// Placeholders in generated docstrings all start with this, so they are easy to find.
inline constexpr std::string_view kPlaceholderTag = "TODO:";

// The docstring literal for `definition` (an element of `model.definitions`), quotes included.
// Its first line has no indentation (it goes where the body starts); the following lines start
// with `options.indent`. No trailing newline.
std::string generate_docstring(const Definition& definition, const ModuleModel& model,
                               const GenerateOptions& options);
// The module's docstring literal: a summary and the public classes and functions.
std::string generate_module_docstring(const ModuleModel& model, const GenerateOptions& options);

// The exception classes a definition's own `raise` statements name, deduplicated in order:
// `raise E(...)` and `raise E from x` give `E`, a bare `raise` inside `except E` (or
// `except (E, F)`) the caught types. A raise that names no class (`raise error`, a bare `raise`
// under a bare `except:`) sets `*unresolved` when given.
std::vector<std::string> raised_exceptions(const Definition& definition,
                                           bool* unresolved = nullptr);
// An annotation's text on one line; a forward reference (`"User"`) without its quotes.
std::string annotation_text(std::string_view annotation);
// Whether an annotation is `Iterator[...]`, `Generator[...]`, `Iterable[...]` or an async one.
bool is_iterator_annotation(std::string_view annotation);
// The type argument `n` of a subscripted annotation (`Generator[X, S, R]`, n = 2: `R`), or "".
std::string type_argument(std::string_view annotation, size_t n);

// What a generated docstring says before a style lays it out (templates use it too).
struct DocstringItem {
  std::string name, type, description;
};
struct DocstringContent {
  std::string summary;
  std::vector<DocstringItem> parameters; // Names with their stars (`*args`).
  std::optional<DocstringItem> returns, yields;
  std::vector<DocstringItem> raises; // `name` is the exception.
  std::vector<DocstringItem> attributes;
};
DocstringContent docstring_content(const Definition& definition, const ModuleModel& model,
                                   const GenerateOptions& options);

// The summary line written from a definition's name, e.g. "Get user by id." (exposed for tests).
std::string summary_from_name(const Definition& definition, const ModuleModel& model);
// The type a default value's text suggests: "int", "float", "str", "bytes", "bool", "list",
// "tuple", "dict", "set", "optional" for `None`, or "" when it suggests none.
std::string type_from_default(std::string_view default_value);

} // namespace docent::analysis
