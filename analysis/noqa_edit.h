// The edit behind an "Ignore CODE here" quick fix: a flake8-style `# noqa` comment on a line,
// written or extended so that it suppresses one more code (see rules.h for how it is read).
#pragma once

#include "analysis/docstring_insert.h"
#include "analysis/document.h"

#include <optional>
#include <string_view>

namespace docent::analysis {

// The edit that makes line `line` (1-based) of `snapshot` suppress `code`: `CODE` added to the
// codes of a `# noqa: A, B` comment already there (in the separator style it uses), or
// `  # noqa: CODE` at the end of the line. nullopt when the line already suppresses the code
// (a bare `# noqa` does), when there is no such line, or when a comment cannot go at its end:
// a backslash continues it, it is a `#!` line, or it opens a triple-quoted string.
std::optional<TextEdit> noqa_edit(const Snapshot& snapshot, uint32_t line, std::string_view code);

} // namespace docent::analysis
