// Where a new docstring goes in a function or class body, and the text edit that puts it there.
//
// The edit is exact in the ways an editor user sees: right after the signature however it is
// split over lines, below comments after the colon, in the body's own indentation (tabs or
// spaces), with the file's line ending (LF, CRLF or CR); a body on the signature's line
// (`def f(): return 1`) is moved to its own line so that the docstring fits. The file parses to
// the same tree with one more statement (tested over the whole standard library).
#pragma once

#include "analysis/config.h"
#include "analysis/docstring_format.h"
#include "analysis/document.h"
#include "analysis/parameter_descriptions.h"
#include "analysis/python_model.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace docent::analysis {

// Replace the bytes `range` of a snapshot's text with `text`.
struct TextEdit {
  ByteRange range;
  std::string text;
};

// Indentation and line ending of a definition's body, as a docstring there must use them.
struct BodyLayout {
  std::string indent;       // Whitespace before the body's statements (or what it will be).
  std::string line_ending;  // "\n", "\r\n" or "\r", as the signature's line ends.
  bool inline_body = false; // The body starts on the signature's line.
};

// The layout of `definition`'s body in `snapshot` (the snapshot the definition was found in; it
// needs no tree: these functions read the text).
BodyLayout body_layout(const Snapshot& snapshot, const Definition& definition);

// The edit that inserts `docstring` as the first statement of `definition`'s body. `docstring`
// is the literal as generate_docstring() writes it with `indent` = body_layout().indent: lines
// separated by "\n" (written here with the file's line ending), the first starting with the
// quotes, the later ones already indented. nullopt when the definition already has a docstring
// or its body cannot take one (a syntax error inside it).
std::optional<TextEdit> docstring_insertion(const Snapshot& snapshot, const Definition& definition,
                                            std::string_view docstring);

// The edit that inserts `docstring` (as generate_module_docstring() writes it, no indentation)
// as the module's first statement: after leading comments (a shebang, a coding line) and blank
// lines, before anything else, `from __future__` imports included. nullopt if the module has a
// docstring.
std::optional<TextEdit> module_docstring_insertion(const Snapshot& snapshot,
                                                   const ModuleModel& model,
                                                   std::string_view docstring);

// The generator options the settings ask for, for a docstring indented by `indent`.
GenerateOptions generate_options(const CheckConfig& config, std::string indent);

class DocstringTemplate;

// Writes docstrings into definitions as the settings ask: from the template file they name (read
// and parsed once, when the writer is made) or in their style, with the descriptions `reuse`
// has for parameters. Thread-safety: one thread at a time.
class DocstringWriter {
public:
  explicit DocstringWriter(const CheckConfig& config, const ParameterDescriptions* reuse = nullptr);
  ~DocstringWriter();

  // Why the template cannot be used (then nothing is written), else empty.
  const std::string& error() const { return error_; }
  // The edit that documents `model.definitions[index]`; nullopt if it has a docstring, its body
  // cannot take one, or error() is set. `sections` may leave sections and types out.
  std::optional<TextEdit> document(const Snapshot& snapshot, const ModuleModel& model, size_t index,
                                   const DocstringSections& sections = {});

private:
  const CheckConfig& config_;
  const ParameterDescriptions* reuse_;
  std::unique_ptr<DocstringTemplate> template_;
  std::string error_;
};

// The parameters of `definition` whose description `reuse` would supply.
std::vector<std::string> reusable_parameters(const Definition& definition,
                                             const ParameterDescriptions& reuse);

// Generates and places the module's docstring, as the settings ask (templates are for
// definitions); `module_name` (e.g. from its file name) makes its summary.
std::optional<TextEdit> document_module(const Snapshot& snapshot, const ModuleModel& model,
                                        const CheckConfig& config, const std::string& module_name);

// The name a module's summary is written from: the file's stem, or its package's name for
// `__init__.py`; empty for no path.
std::string module_name_of(const std::string& path);

} // namespace docent::analysis
