// Docstrings from a user's mustache template, with the tags of VS Code's autoDocstring
// extension (so its users' templates work unchanged) plus a few of docent's own; the tags are
// listed in docs/docstrings.md.
#pragma once

#include "analysis/docstring_format.h"

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

// Renders `template_text` (the docstring's content, without quotes) for a definition.
TemplateResult render_docstring_template(std::string_view template_text,
                                         const Definition& definition, const ModuleModel& model,
                                         const GenerateOptions& options);

// Reads a template file; nullopt and `error` if it cannot be read.
std::optional<std::string> read_docstring_template(const std::string& path, std::string& error);

} // namespace docent::analysis
