// Writing and extending `# noqa` comments (see noqa_edit.h).
#include "analysis/noqa_edit.h"

#include "analysis/rules.h"

#include <cctype>
#include <string>

namespace docent::analysis {

namespace {

bool is_code_char(char c) {
  return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}

// Where the codes of a `# noqa: A, B` comment end, and whether they are separated by ", "
// (else ",").
struct NoqaCodes {
  size_t end = 0;
  bool spaced = true;
};

// The codes of the first `# noqa:` comment with codes in `line`, if there is one.
std::optional<NoqaCodes> noqa_codes(std::string_view line) {
  for (size_t hash = line.find('#'); hash != std::string_view::npos;
       hash = line.find('#', hash + 1)) {
    size_t i = line.find_first_not_of(' ', hash + 1);
    if (i == std::string_view::npos || line.size() - i < 5)
      continue;
    std::string word;
    for (size_t k = 0; k < 4; ++k)
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(line[i + k])));
    if (word != "noqa" || line[i + 4] != ':')
      continue;
    std::optional<NoqaCodes> codes;
    bool spaced = true; // Every separator so far has a space.
    for (i += 5; i < line.size();) {
      const size_t separator = i;
      while (i < line.size() && (line[i] == ' ' || line[i] == ','))
        ++i;
      size_t end = i;
      while (end < line.size() && is_code_char(line[end]))
        ++end;
      if (end == i)
        break;
      if (codes && line.substr(separator, i - separator).find(' ') == std::string_view::npos)
        spaced = false;
      codes = NoqaCodes{end, spaced};
      i = end;
    }
    return codes;
  }
  return std::nullopt;
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
