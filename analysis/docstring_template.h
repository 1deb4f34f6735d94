// Docstrings from a user's mustache template, with the tags of VS Code's autoDocstring
// extension (so its users' templates work unchanged) plus a few of docent's own; the tags are
// listed in docs/docstrings.md.
#pragma once

#include "analysis/docstring_format.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace docent::analysis {

// A rendered docstring literal (quotes included, later lines indented by `options.indent`, as
// generate_docstring() returns it), or why there is none.
struct TemplateResult {
  std::optional<std::string> docstring;
  std::string error;
};

// A template parsed once and rendered for any number of definitions.
// Thread-safety: one thread at a time (rendering reuses the parsed template).
class DocstringTemplate {
public:
  // `text` is the docstring's content, without quotes; error() says if it does not parse.
  explicit DocstringTemplate(const std::string& text);
  ~DocstringTemplate();
  DocstringTemplate(DocstringTemplate&&) noexcept;
  DocstringTemplate& operator=(DocstringTemplate&&) noexcept;

  const std::string& error() const { return error_; }
  TemplateResult render(const Definition& definition, const ModuleModel& model,
                        const GenerateOptions& options);

private:
  struct Compiled; // The kainjow::mustache object; kept out of this header.
  std::unique_ptr<Compiled> compiled_;
  std::string error_;
};

// Reads a template file; nullopt and `error` if it cannot be read.
std::optional<std::string> read_docstring_template(const std::string& path, std::string& error);

} // namespace docent::analysis
