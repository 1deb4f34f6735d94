// Writing and extending `# noqa` comments (see noqa_edit.h).
#include "analysis/noqa_edit.h"

#include "analysis/rules.h"

#include <string>

namespace docent::analysis {

namespace {

// Where the codes of the line's `# noqa: A, B` comment end, and whether they are separated by
// ", " (else ","); nullopt without such a comment.
struct NoqaCodes {
  size_t end = 0;
  bool spaced = true;
};
std::optional<NoqaCodes> noqa_codes(std::string_view line) {
  const std::optional<NoqaComment> comment = read_noqa(line);
  if (!comment || comment->codes.empty())
    return std::nullopt;
  NoqaCodes codes{comment->codes.back().second, true};
  for (size_t k = 1; k < comment->codes.size(); ++k) {
    const size_t from = comment->codes[k - 1].second;
    if (line.substr(from, comment->codes[k].first - from).find(' ') == std::string_view::npos)
      codes.spaced = false;
  }
  return codes;
}

size_t count(std::string_view text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 3))
    ++n;
  return n;
}

// Whether a comment may be appended: not after a line continuation, on a `#!` line or inside
// a string that the line opens (an odd number of triple quotes: a heuristic, as the snapshot may
// have no tree, that errs on the side of offering nothing).
bool takes_comment(std::string_view line) {
  const size_t last = line.find_last_not_of(" \t");
  if (last != std::string_view::npos && line[last] == '\\')
    return false;
  if (line.rfind("#!", 0) == 0)
    return false;
  return count(line, "\"\"\"") % 2 == 0 && count(line, "'''") % 2 == 0;
}

} // namespace

std::optional<TextEdit> noqa_edit(const Snapshot& snapshot, uint32_t line, std::string_view code) {
  const LineIndex& lines = snapshot.lines();
  if (line == 0 || line > lines.line_count())
    return std::nullopt;
  const size_t begin = lines.line_start(line - 1);
  const std::string_view text =
      snapshot.text().substr(begin, lines.line_content_end(line - 1) - begin);
  if (noqa_suppresses(text, code))
    return std::nullopt;
  if (const std::optional<NoqaCodes> codes = noqa_codes(text)) {
    const auto at = static_cast<uint32_t>(begin + codes->end);
    return TextEdit{ByteRange{at, at}, (codes->spaced ? ", " : ",") + std::string(code)};
  }
  if (!takes_comment(text))
    return std::nullopt;
  const size_t kept = text.find_last_not_of(" \t");
  const auto start = static_cast<uint32_t>(begin + (kept == std::string_view::npos ? 0 : kept + 1));
  const auto end = static_cast<uint32_t>(begin + text.size());
  return TextEdit{ByteRange{start, end}, std::string(kept == std::string_view::npos ? "" : "  ") +
                                             "# noqa: " + std::string(code)};
}

} // namespace docent::analysis
