// Placing a new docstring in a definition's body (see docstring_insert.h).
#include "analysis/docstring_insert.h"

namespace docent::analysis {

namespace {

std::string_view leading_whitespace(std::string_view line) {
  return line.substr(0, std::min(line.find_first_not_of(" \t"), line.size()));
}

std::string_view line_text(const Snapshot& snapshot, size_t line) {
  const LineIndex& lines = snapshot.lines();
  const size_t start = lines.line_start(line);
  return snapshot.text().substr(start, lines.line_content_end(line) - start);
}

bool is_type_comment(std::string_view line) {
  line.remove_prefix(leading_whitespace(line).size());
  if (line.substr(0, 1) != "#")
    return false;
  line.remove_prefix(1);
  line.remove_prefix(leading_whitespace(line).size());
  return line.substr(0, 5) == "type:";
}

// The line break that ends `line`, or the file's first one if it is the last line.
std::string line_ending_of(const Snapshot& snapshot, size_t line) {
  const std::string_view text = snapshot.text();
  size_t end = snapshot.lines().line_content_end(line);
  if (end >= text.size())
    end = text.find_first_of("\r\n");
  if (end == std::string_view::npos || end >= text.size())
    return "\n";
  if (text[end] == '\r')
    return end + 1 < text.size() && text[end + 1] == '\n' ? "\r\n" : "\r";
  return "\n";
}

bool is_blank_or_comment(std::string_view line) {
  line.remove_prefix(leading_whitespace(line).size());
  return line.empty() || line.front() == '#';
}

} // namespace

BodyLayout body_layout(const Snapshot& snapshot, const Definition& definition) {
  // From the text alone (the snapshot may hold no tree, or a stale one): between the colon and
  // the body's first statement there can only be blanks and comments.
  const LineIndex& lines = snapshot.lines();
  const std::string_view text = snapshot.text();
  const size_t colon_line = lines.line_of(definition.signature.end);
  BodyLayout layout;
  layout.line_ending = line_ending_of(snapshot, colon_line);
  const std::string_view after_colon = text.substr(
      definition.signature.end,
      lines.line_content_end(colon_line) -
          std::min<size_t>(definition.signature.end, lines.line_content_end(colon_line)));
  layout.inline_body = !is_blank_or_comment(after_colon);
  if (!layout.inline_body) {
    for (size_t line = colon_line + 1; line < lines.line_count(); ++line) {
      const std::string_view content = line_text(snapshot, line);
      if (is_blank_or_comment(content))
        continue;
      layout.indent = std::string(leading_whitespace(content));
      return layout;
    }
  }
  // A body on the signature's line gets one level more than the `def` line, in the `def`
  // line's kind of whitespace.
  const std::string_view def_indent =
      leading_whitespace(line_text(snapshot, lines.line_of(definition.definition.start)));
  layout.indent = std::string(def_indent);
  layout.indent += def_indent.find('\t') != std::string_view::npos ? "\t" : "    ";
  return layout;
}

std::optional<TextEdit> docstring_insertion(const Snapshot& snapshot, const Definition& definition,
                                            std::string_view docstring) {
  if (definition.docstring || definition.touches_error ||
      definition.body.end <= definition.body.start)
    return std::nullopt;
  const BodyLayout layout = body_layout(snapshot, definition);
  std::string indented;
  for (size_t start = 0; start <= docstring.size();) {
    const size_t end = std::min(docstring.find('\n', start), docstring.size());
    if (start > 0)
      indented += layout.line_ending;
    indented += docstring.substr(start, end - start);
    start = end + 1;
  }
  const LineIndex& lines = snapshot.lines();
  TextEdit edit;
  if (layout.inline_body) {
    // `def f(): return 1` → the docstring and the old body each on a line of their own.
    edit.range = ByteRange{definition.signature.end, definition.body.start};
    edit.text = layout.line_ending + layout.indent + indented + layout.line_ending + layout.indent;
  } else {
    // Right below the signature's last line, above any comment that opens the body, but below
    // type comments (PEP 484: `# type: (int) -> str` must follow the signature).
    size_t next_line = lines.line_of(definition.signature.end) + 1;
    while (next_line + 1 < lines.line_count() && is_type_comment(line_text(snapshot, next_line)))
      ++next_line;
    const uint32_t at = static_cast<uint32_t>(lines.line_start(next_line));
    edit.range = ByteRange{at, at};
    edit.text = layout.indent + indented + layout.line_ending;
  }
  return edit;
}

} // namespace docent::analysis
