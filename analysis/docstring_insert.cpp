// Placing a new docstring in a definition's body (see docstring_insert.h).
#include "analysis/docstring_insert.h"

#include "analysis/syntax_tree.h"

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

// The first statement of a definition's body block (comments are not statements).
TSNode first_statement_of_body(const Snapshot& snapshot, const Definition& definition) {
  const TSNode node = definition_node(snapshot, definition);
  if (ts_node_is_null(node))
    return TSNode{};
  const TSNode body = ts_node_child_by_field_name(node, "body", 4);
  TSNode first{};
  for_each_named_child(body, [&](TSNode child) {
    if (ts_node_is_null(first) && kind_of(child) != NodeKind::Comment)
      first = child;
  });
  return first;
}

} // namespace

BodyLayout body_layout(const Snapshot& snapshot, const Definition& definition) {
  const LineIndex& lines = snapshot.lines();
  const size_t colon_line = lines.line_of(definition.signature.end);
  BodyLayout layout;
  layout.line_ending = line_ending_of(snapshot, colon_line);
  const TSNode first = first_statement_of_body(snapshot, definition);
  const size_t first_start = ts_node_is_null(first) ? definition.body.start : start_byte(first);
  const size_t first_line = lines.line_of(first_start);
  layout.inline_body = first_line == colon_line;
  if (!layout.inline_body) {
    const std::string_view before = snapshot.text().substr(
        lines.line_start(first_line), first_start - lines.line_start(first_line));
    if (leading_whitespace(before).size() == before.size()) {
      layout.indent = std::string(before);
      return layout;
    }
  }
  // A body on the signature's line (or one that shares its first line with something else)
  // gets one level more than the `def` line, in the `def` line's kind of whitespace.
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
