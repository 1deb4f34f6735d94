#include "analysis/docstring_format.h"

#include "analysis/parameter_descriptions.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace docent::analysis {

const char* to_string(DocstringStyle style) {
  switch (style) {
  case DocstringStyle::Google:
    return "google";
  case DocstringStyle::Numpy:
    return "numpy";
  case DocstringStyle::Sphinx:
    return "sphinx";
  case DocstringStyle::Epytext:
    return "epytext";
  case DocstringStyle::Pep257:
    return "pep257";
  }
  return "pep257";
}

std::optional<DocstringStyle> docstring_style_from_string(std::string_view name) {
  for (DocstringStyle style :
       {DocstringStyle::Google, DocstringStyle::Numpy, DocstringStyle::Sphinx,
        DocstringStyle::Epytext, DocstringStyle::Pep257})
    if (name == to_string(style))
      return style;
  return std::nullopt;
}

const char* to_string(SectionKind kind) {
  switch (kind) {
  case SectionKind::Parameters:
    return "parameters";
  case SectionKind::OtherParameters:
    return "other_parameters";
  case SectionKind::KeywordArguments:
    return "keyword_arguments";
  case SectionKind::Returns:
    return "returns";
  case SectionKind::Yields:
    return "yields";
  case SectionKind::Raises:
    return "raises";
  case SectionKind::Attributes:
    return "attributes";
  case SectionKind::Examples:
    return "examples";
  case SectionKind::Notes:
    return "notes";
  case SectionKind::Warnings:
    return "warnings";
  case SectionKind::SeeAlso:
    return "see_also";
  case SectionKind::References:
    return "references";
  case SectionKind::Todo:
    return "todo";
  case SectionKind::Unknown:
    return "unknown";
  }
  return "unknown";
}

bool is_list_section(SectionKind kind) {
  switch (kind) {
  case SectionKind::Parameters:
  case SectionKind::OtherParameters:
  case SectionKind::KeywordArguments:
  case SectionKind::Returns:
  case SectionKind::Yields:
  case SectionKind::Raises:
  case SectionKind::Attributes:
    return true;
  default:
    return false;
  }
}

const DocstringSection* ParsedDocstring::section(SectionKind kind) const {
  for (const DocstringSection& s : sections)
    if (s.kind == kind)
      return &s;
  return nullptr;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Text helpers

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (is_space(text.front()) || text.front() == '\r' || text.front() == '\n'))
    text.remove_prefix(1);
  while (!text.empty() && (is_space(text.back()) || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Collapses runs of whitespace (annotations may span lines) into single spaces.
std::string squeeze(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : trim(text)) {
    if (is_space(c) || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty())
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Position of the first `target` at bracket depth 0 (outside (), [], {} and quotes), or npos.
size_t find_top_level(std::string_view text, char target, size_t from = 0) {
  int depth = 0;
  char quote = 0;
  for (size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == target && depth == 0)
      return i;
    if (c == '"' || c == '\'')
      quote = c;
    else if (c == '(' || c == '[' || c == '{')
      ++depth;
    else if ((c == ')' || c == ']' || c == '}') && depth > 0)
      --depth;
  }
  return std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// Lines of a docstring body

struct Line {
  uint32_t start = 0;      // First byte of the line.
  uint32_t text_start = 0; // First byte after the indentation.
  uint32_t end = 0;        // End of the line's text (before `\r\n`, `\n` or `\r`), trailing
                           // whitespace excluded.
  int indent = -1;         // Columns of indentation (tabs to the next multiple of 8); -1 blank.
};

std::vector<Line> split_lines(std::string_view body) {
  std::vector<Line> lines;
  size_t i = 0;
  while (true) {
    Line line;
    line.start = static_cast<uint32_t>(i);
    int column = 0;
    while (i < body.size() && is_space(body[i])) {
      column = body[i] == '\t' ? (column / 8 + 1) * 8 : column + 1;
      ++i;
    }
    line.text_start = static_cast<uint32_t>(i);
    while (i < body.size() && body[i] != '\n' && body[i] != '\r')
      ++i;
    size_t end = i;
    while (end > line.text_start && is_space(body[end - 1]))
      --end;
    line.end = static_cast<uint32_t>(end);
    line.indent = end > line.text_start ? column : -1;
    lines.push_back(line);
    if (i >= body.size())
      break;
    if (body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n')
      ++i;
    ++i;
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Section titles

struct Title {
  const char* name; // Lower case.
  SectionKind kind;
};

// Google and NumPy section titles (Napoleon's list, plus a few common spellings).
constexpr std::array<Title, 34> kTitles{{
    {"args", SectionKind::Parameters},
    {"arguments", SectionKind::Parameters},
    {"parameters", SectionKind::Parameters},
    {"params", SectionKind::Parameters},
    {"other parameters", SectionKind::OtherParameters},
    {"other params", SectionKind::OtherParameters},
    {"keyword args", SectionKind::KeywordArguments},
    {"keyword arguments", SectionKind::KeywordArguments},
    {"kwargs", SectionKind::KeywordArguments},
    {"returns", SectionKind::Returns},
    {"return", SectionKind::Returns},
    {"yields", SectionKind::Yields},
    {"yield", SectionKind::Yields},
    {"raises", SectionKind::Raises},
    {"raise", SectionKind::Raises},
    {"exceptions", SectionKind::Raises},
    {"except", SectionKind::Raises},
    {"attributes", SectionKind::Attributes},
    {"attribute", SectionKind::Attributes},
    {"example", SectionKind::Examples},
    {"examples", SectionKind::Examples},
    {"note", SectionKind::Notes},
    {"notes", SectionKind::Notes},
    {"warning", SectionKind::Warnings},
    {"warnings", SectionKind::Warnings},
    {"warns", SectionKind::Warnings},
    {"caution", SectionKind::Warnings},
    {"see also", SectionKind::SeeAlso},
    {"references", SectionKind::References},
    {"reference", SectionKind::References},
    {"todo", SectionKind::Todo},
    {"methods", SectionKind::Unknown},
    {"receives", SectionKind::Unknown},
    {"usage", SectionKind::Examples},
}};

std::optional<SectionKind> title_kind(std::string_view title) {
  const std::string key = lower(squeeze(title));
  for (const Title& t : kTitles)
    if (key == t.name)
      return t.kind;
  return std::nullopt;
}

// Sphinx (`:name ...:`) and Epytext (`@name ...:`) field names.
struct FieldName {
  const char* name;
  SectionKind kind;
  enum Role { Entry, Type, Prose } role;
};

constexpr std::array<FieldName, 32> kFields{{
    {"param", SectionKind::Parameters, FieldName::Entry},
    {"parameter", SectionKind::Parameters, FieldName::Entry},
    {"arg", SectionKind::Parameters, FieldName::Entry},
    {"argument", SectionKind::Parameters, FieldName::Entry},
    {"type", SectionKind::Parameters, FieldName::Type},
    {"key", SectionKind::KeywordArguments, FieldName::Entry},
    {"keyword", SectionKind::KeywordArguments, FieldName::Entry},
    {"kwarg", SectionKind::KeywordArguments, FieldName::Entry},
    {"kwparam", SectionKind::KeywordArguments, FieldName::Entry},
    {"kwtype", SectionKind::KeywordArguments, FieldName::Type},
    {"returns", SectionKind::Returns, FieldName::Entry},
    {"return", SectionKind::Returns, FieldName::Entry},
    {"rtype", SectionKind::Returns, FieldName::Type},
    {"yields", SectionKind::Yields, FieldName::Entry},
    {"yield", SectionKind::Yields, FieldName::Entry},
    {"ytype", SectionKind::Yields, FieldName::Type},
    {"raises", SectionKind::Raises, FieldName::Entry},
    {"raise", SectionKind::Raises, FieldName::Entry},
    {"except", SectionKind::Raises, FieldName::Entry},
    {"exception", SectionKind::Raises, FieldName::Entry},
    {"ivar", SectionKind::Attributes, FieldName::Entry},
    {"cvar", SectionKind::Attributes, FieldName::Entry},
    {"var", SectionKind::Attributes, FieldName::Entry},
    {"vartype", SectionKind::Attributes, FieldName::Type},
    {"note", SectionKind::Notes, FieldName::Prose},
    {"warning", SectionKind::Warnings, FieldName::Prose},
    {"warn", SectionKind::Warnings, FieldName::Prose},
    {"see", SectionKind::SeeAlso, FieldName::Prose},
    {"seealso", SectionKind::SeeAlso, FieldName::Prose},
    {"todo", SectionKind::Todo, FieldName::Prose},
    {"example", SectionKind::Examples, FieldName::Prose},
    {"examples", SectionKind::Examples, FieldName::Prose},
}};

const FieldName* field_name(std::string_view name) {
  for (const FieldName& f : kFields)
    if (name == f.name)
      return &f;
  return nullptr;
}

// A field marker at the start of `text`: `:name args:` (Sphinx) or `@name args:` (Epytext).
struct FieldMarker {
  std::string_view name;
  std::string_view args; // Trimmed.
  size_t args_offset = 0;
  size_t end = 0; // Just after the closing colon.
};

std::optional<FieldMarker> field_marker(std::string_view text, char lead) {
  if (text.size() < 2 || text[0] != lead || !std::isalpha(static_cast<unsigned char>(text[1])))
    return std::nullopt;
  size_t i = 1;
  while (i < text.size() && (is_identifier_char(text[i]) || text[i] == '-'))
    ++i;
  FieldMarker marker;
  marker.name = text.substr(1, i - 1);
  const size_t colon = find_top_level(text, ':', i);
  if (colon == std::string_view::npos)
    return std::nullopt;
  if (i < colon && !is_space(text[i]))
    return std::nullopt;
  size_t a = i;
  while (a < colon && is_space(text[a]))
    ++a;
  size_t b = colon;
  while (b > a && is_space(text[b - 1]))
    --b;
  marker.args = text.substr(a, b - a);
  marker.args_offset = a;
  marker.end = colon + 1;
  return marker;
}

bool is_underline(std::string_view text) {
  return text.size() >= 3 && text.find_first_not_of('-') == std::string_view::npos;
}

bool is_google_header(std::string_view text) {
  return text.size() > 1 && text.back() == ':' && title_kind(text.substr(0, text.size() - 1));
}

// ---------------------------------------------------------------------------------------------
// The parser

class Parser {
public:
  Parser(std::string_view body, DocstringStyle style)
      : body_(body), lines_(split_lines(body)), style_(style) {
    // Indentation is measured as Python's inspect.cleandoc does: the first line (just after the
    // quotes) counts as unindented, the others relative to the least indented of them.
    base_ = -1;
    for (size_t i = 1; i < lines_.size(); ++i)
      if (lines_[i].indent >= 0 && (base_ < 0 || lines_[i].indent < base_))
        base_ = lines_[i].indent;
    if (base_ < 0)
      base_ = 0;
  }

  ParsedDocstring parse() {
    result_.style = style_;
    const size_t first_block = find_blocks();
    parse_prose(0, first_block);
    for (size_t b = 0; b < blocks_.size(); ++b)
      parse_block(b);
    return std::move(result_);
  }

private:
  struct Block {
    size_t header = 0;  // Line of the header (or of the field marker).
    size_t content = 0; // First content line.
    size_t end = 0;     // One past the last line.
    SectionKind kind = SectionKind::Unknown;
    std::string title;
    std::optional<FieldMarker> field; // Sphinx / Epytext.
  };

  std::string_view text(const Line& line) const {
    return body_.substr(line.text_start, line.end - line.text_start);
  }
  int relative(size_t i) const {
    if (lines_[i].indent < 0)
      return -1;
    return i == 0 ? 0 : std::max(0, lines_[i].indent - base_);
  }
  bool blank(size_t i) const { return lines_[i].indent < 0; }

  // The end (exclusive) of lines after `from` that are blank or indented more than `indent`,
  // trailing blank lines excluded.
  size_t indented_end(size_t from, int indent) const {
    size_t end = from;
    for (size_t i = from; i < lines_.size(); ++i) {
      if (blank(i))
        continue;
      if (relative(i) <= indent)
        break;
      end = i + 1;
    }
    return end;
  }

  // Finds the sections; returns the line where the first one starts.
  size_t find_blocks() {
    switch (style_) {
    case DocstringStyle::Google:
      find_google_blocks();
      break;
    case DocstringStyle::Numpy:
      find_numpy_blocks();
      break;
    case DocstringStyle::Sphinx:
      find_field_blocks(':');
      break;
    case DocstringStyle::Epytext:
      find_field_blocks('@');
      break;
    case DocstringStyle::Pep257:
      break;
    }
    return blocks_.empty() ? lines_.size() : blocks_.front().header;
  }

  // A Google header, or a line `Words:` followed by an indented block (an unknown section).
  std::optional<Block> google_header(size_t i) const {
    if (i == 0 || blank(i) || relative(i) != 0)
      return std::nullopt;
    const std::string_view t = text(lines_[i]);
    if (t.size() < 2 || t.back() != ':')
      return std::nullopt;
    Block block;
    block.header = i;
    block.content = i + 1;
    block.title = std::string(t.substr(0, t.size() - 1));
    if (auto kind = title_kind(block.title)) {
      block.kind = *kind;
    } else {
      // Unknown: a capitalized title of at most three words of letters, with indented content.
      if (!std::isupper(static_cast<unsigned char>(block.title[0])))
        return std::nullopt;
      int spaces = 0;
      for (char c : block.title) {
        if (c == ' ')
          ++spaces;
        else if (!std::isalpha(static_cast<unsigned char>(c)))
          return std::nullopt;
      }
      if (spaces > 2 || indented_end(i + 1, 0) == i + 1)
        return std::nullopt;
    }
    block.end = indented_end(i + 1, 0);
    return block;
  }

  void find_google_blocks() {
    for (size_t i = 1; i < lines_.size();) {
      if (auto block = google_header(i)) {
        // Text at the sections' indentation that no header opens: an untitled Unknown section.
        if (!blocks_.empty())
          add_loose_text(blocks_.back().end, i);
        i = block->end;
        blocks_.push_back(std::move(*block));
        continue;
      }
      ++i;
    }
    if (!blocks_.empty())
      add_loose_text(blocks_.back().end, lines_.size());
  }

  void add_loose_text(size_t from, size_t to) {
    while (from < to && blank(from))
      ++from;
    while (to > from && blank(to - 1))
      --to;
    if (from == to)
      return;
    Block block;
    block.header = from;
    block.content = from;
    block.end = to;
    blocks_.push_back(std::move(block));
  }

  void find_numpy_blocks() {
    for (size_t i = 1; i + 1 < lines_.size(); ++i) {
      if (blank(i) || blank(i + 1) || !is_underline(text(lines_[i + 1])) ||
          relative(i) != relative(i + 1))
        continue;
      if (!blocks_.empty())
        blocks_.back().end = i;
      Block block;
      block.header = i;
      block.content = i + 2;
      block.end = lines_.size();
      block.title = std::string(text(lines_[i]));
      block.kind = title_kind(block.title).value_or(SectionKind::Unknown);
      blocks_.push_back(std::move(block));
      ++i;
    }
    for (Block& block : blocks_)
      while (block.end > block.content && blank(block.end - 1))
        --block.end;
  }

  // Sphinx / Epytext: each field at the base indentation is a block, as are the admonitions
  // `.. note::`, `.. warning::`, `.. seealso::`, `.. todo::` (Sphinx) and text after the fields.
  void find_field_blocks(char lead) {
    for (size_t i = 0; i < lines_.size();) {
      if (blank(i) || relative(i) != 0) {
        ++i;
        continue;
      }
      const std::string_view t = text(lines_[i]);
      Block block;
      block.header = i;
      block.content = i;
      if (auto marker = field_marker(t, lead)) {
        const FieldName* field = field_name(marker->name);
        block.kind = field ? field->kind : SectionKind::Unknown;
        block.title = std::string(marker->name);
        block.field = marker;
      } else if (lead == ':' && starts_with(t, "..") && t.size() > 4 &&
                 t.substr(t.size() - 2) == "::") {
        const std::string name = lower(trim(t.substr(2, t.size() - 4)));
        if (name == "note")
          block.kind = SectionKind::Notes;
        else if (name == "warning")
          block.kind = SectionKind::Warnings;
        else if (name == "seealso")
          block.kind = SectionKind::SeeAlso;
        else if (name == "todo")
          block.kind = SectionKind::Todo;
        else {
          ++i;
          continue;
        }
        block.title = std::string(trim(t.substr(2, t.size() - 4)));
        block.content = i + 1;
      } else {
        ++i;
        continue;
      }
      if (!blocks_.empty())
        add_loose_text(blocks_.back().end, i);
      block.end = indented_end(i + 1, 0);
      if (block.end < i + 1)
        block.end = i + 1;
      i = block.end;
      blocks_.push_back(std::move(block));
    }
    if (!blocks_.empty())
      add_loose_text(blocks_.back().end, lines_.size());
  }

  // Lines [from, to) with `columns` of indentation removed, joined with '\n'; blank lines at
  // either end left out. The range covers them from the first text to the last.
  std::pair<std::string, ByteRange> join(size_t from, size_t to, int columns) const {
    while (from < to && blank(from))
      ++from;
    while (to > from && blank(to - 1))
      --to;
    std::string out;
    ByteRange range;
    if (from == to)
      return {out, range};
    range.start = lines_[from].text_start;
    range.end = lines_[to - 1].end;
    for (size_t i = from; i < to; ++i) {
      if (i > from)
        out += '\n';
      if (blank(i))
        continue;
      // Keep indentation beyond `columns` (in spaces).
      const int keep =
          std::max(0, lines_[i].indent - (i == 0 ? lines_[i].indent : base_) - columns);
      out.append(static_cast<size_t>(keep), ' ');
      out += text(lines_[i]);
    }
    return {out, range};
  }

  int min_relative(size_t from, size_t to) const {
    int least = -1;
    for (size_t i = from; i < to; ++i)
      if (!blank(i) && (least < 0 || relative(i) < least))
        least = relative(i);
    return std::max(least, 0);
  }

  void parse_prose(size_t from, size_t to) {
    size_t i = from;
    while (i < to && blank(i))
      ++i;
    size_t summary_end = i;
    while (summary_end < to && !blank(summary_end))
      ++summary_end;
    std::tie(result_.summary, result_.summary_range) = join(i, summary_end, 0);
    std::tie(result_.description, result_.description_range) = join(summary_end, to, 0);
  }

  void parse_block(size_t index) {
    Block& block = blocks_[index];
    if (block.field) {
      parse_field(block);
      return;
    }
    DocstringSection section;
    section.kind = block.kind;
    section.title = block.title;
    section.range = ByteRange{lines_[block.header].text_start,
                              lines_[std::max(block.end, block.header + 1) - 1].end};
    const int indent = min_relative(block.content, block.end);
    section.text = join(block.content, block.end, indent).first;
    if (is_list_section(block.kind)) {
      if (style_ == DocstringStyle::Numpy)
        numpy_entries(section, block, indent);
      else
        google_entries(section, block, indent);
    }
    result_.sections.push_back(std::move(section));
  }

  // Heads of entries: the lines of [from, to) at `indent`; each entry runs to the next head.
  std::vector<std::pair<size_t, size_t>> entry_spans(size_t from, size_t to, int indent) const {
    std::vector<std::pair<size_t, size_t>> spans;
    for (size_t i = from; i < to; ++i) {
      if (blank(i) || relative(i) != indent)
        continue;
      if (!spans.empty())
        spans.back().second = i;
      spans.emplace_back(i, to);
    }
    return spans;
  }

  ByteRange span_range(size_t head, size_t end) const {
    size_t last = end;
    while (last > head + 1 && blank(last - 1))
      --last;
    return ByteRange{lines_[head].text_start, lines_[last - 1].end};
  }

  // Whether the text before a colon is a type (`int`, `list of str`, `dict[str, int]`, `int or
  // None`) rather than the start of a sentence.
  static bool looks_like_type(std::string_view candidate) {
    candidate = trim(candidate);
    if (candidate.empty() || candidate.back() == '.')
      return false;
    // Comment tags are not types (`TODO: describe the return value.`).
    for (std::string_view tag : {"TODO", "FIXME", "XXX", "NOTE"})
      if (candidate == tag)
        return false;
    std::vector<std::string_view> words; // Split at spaces outside brackets.
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i <= candidate.size(); ++i) {
      const char c = i < candidate.size() ? candidate[i] : ' ';
      if (c == '[' || c == '(' || c == '{')
        ++depth;
      else if ((c == ']' || c == ')' || c == '}') && depth > 0)
        --depth;
      else if (c == ' ' && depth == 0) {
        if (i > start)
          words.push_back(candidate.substr(start, i - start));
        start = i + 1;
      }
    }
    auto connector = [](std::string_view word) { return word == "or" || word == "of"; };
    for (size_t k = 1; k < words.size(); ++k)
      if (words[k - 1].back() != ',' && !connector(words[k]) && !connector(words[k - 1]))
        return false;
    return true;
  }

  void google_entries(DocstringSection& section, const Block& block, int indent) {
    const bool single = section.kind == SectionKind::Returns || section.kind == SectionKind::Yields;
    for (auto [head, end] : entry_spans(block.content, block.end, indent)) {
      const Line& line = lines_[head];
      const std::string_view t = text(line);
      DocstringEntry entry;
      entry.range = span_range(head, end);
      size_t description_at = line.text_start;
      if (single) {
        const size_t colon = find_top_level(t, ':');
        if (colon != std::string_view::npos && looks_like_type(t.substr(0, colon))) {
          const std::string_view type = trim(t.substr(0, colon));
          entry.type = std::string(type);
          entry.type_range =
              ByteRange{line.text_start, static_cast<uint32_t>(line.text_start + type.size())};
          description_at = line.text_start + colon + 1;
        }
        if (!section.entries.empty()) {
          // Google allows one return value: more lines at this indentation continue it.
          DocstringEntry& previous = section.entries.back();
          auto [text, range] = join(head, end, indent);
          previous.description += (previous.description.empty() ? "" : "\n") + text;
          previous.description_range.end = range.end;
          previous.range.end = entry.range.end;
          continue;
        }
      } else {
        size_t i = 0;
        while (i < t.size() && t[i] == '*')
          ++i;
        while (i < t.size() && (is_identifier_char(t[i]) || t[i] == '.'))
          ++i;
        size_t name_end = i;
        while (i < t.size() && is_space(t[i]))
          ++i;
        size_t type_start = 0, type_end = 0;
        if (i < t.size() && t[i] == '(') {
          const size_t close = find_top_level(t, ')', i + 1);
          if (close != std::string_view::npos) {
            type_start = i + 1;
            type_end = close;
            i = close + 1;
          }
        }
        while (i < t.size() && is_space(t[i]))
          ++i;
        const bool ends_at_line_end = i == t.size() && section.kind == SectionKind::Raises;
        if (name_end == 0 || (!ends_at_line_end && (i >= t.size() || t[i] != ':'))) {
          // Not an entry head: it continues the previous entry.
          if (!section.entries.empty()) {
            DocstringEntry& previous = section.entries.back();
            auto [text, range] = join(head, end, indent);
            previous.description += (previous.description.empty() ? "" : "\n") + text;
            if (previous.description_range.end == 0)
              previous.description_range.start = range.start;
            previous.description_range.end = range.end;
            previous.range.end = entry.range.end;
            continue;
          }
          auto [text, range] = join(head, end, indent);
          entry.description = text;
          entry.description_range = range;
          section.entries.push_back(std::move(entry));
          continue;
        }
        std::string_view name = t.substr(0, name_end);
        entry.name = std::string(name[0] == '\\' ? name.substr(1) : name);
        entry.name_range =
            ByteRange{line.text_start, static_cast<uint32_t>(line.text_start + name_end)};
        if (type_end > type_start) {
          const std::string_view raw = t.substr(type_start, type_end - type_start);
          const std::string_view type = trim(raw);
          entry.type = squeeze(type);
          const uint32_t at =
              static_cast<uint32_t>(line.text_start + type_start + (type.data() - raw.data()));
          entry.type_range = ByteRange{at, static_cast<uint32_t>(at + type.size())};
        }
        description_at = line.text_start + std::min(i + 1, t.size());
      }
      fill_description(entry, head, end, description_at);
      section.entries.push_back(std::move(entry));
    }
  }

  // The description: the head line's text from `at`, then the continuation lines (which keep
  // their indentation beyond the least indented of them).
  void fill_description(DocstringEntry& entry, size_t head, size_t end, size_t at) const {
    const Line& line = lines_[head];
    while (at < line.end && is_space(body_[at]))
      ++at;
    auto [rest, rest_range] = join(head + 1, end, min_relative(head + 1, end));
    if (at < line.end) {
      entry.description =
          std::string(body_.substr(at, line.end - at)) + (rest.empty() ? "" : "\n" + rest);
      entry.description_range =
          ByteRange{static_cast<uint32_t>(at), rest.empty() ? line.end : rest_range.end};
    } else {
      entry.description = rest;
      entry.description_range = rest_range;
    }
  }

  void numpy_entries(DocstringSection& section, const Block& block, int indent) {
    const bool single = section.kind == SectionKind::Returns || section.kind == SectionKind::Yields;
    for (auto [head, end] : entry_spans(block.content, block.end, indent)) {
      const Line& line = lines_[head];
      const std::string_view t = text(line);
      const ByteRange whole = span_range(head, end);
      auto [description, description_range] = join(head + 1, end, min_relative(head + 1, end));
      const size_t colon = find_top_level(t, ':');
      std::string_view names = t, type;
      size_t type_at = 0;
      // Returns and Yields: `name : type`, `type`, or a sentence (no type at all).
      const bool sentence =
          single && (colon == std::string_view::npos ? !looks_like_type(t)
                                                     : !looks_like_type(t.substr(colon + 1)));
      if (colon != std::string_view::npos && !sentence) {
        names = trim(t.substr(0, colon));
        type = trim(t.substr(colon + 1));
        type_at = type.empty() ? 0 : static_cast<size_t>(type.data() - t.data());
      } else if (single) {
        names = {};
        type = t;
        if (sentence) {
          // A sentence, not a type: the whole entry is its description.
          DocstringEntry entry;
          entry.range = whole;
          std::tie(entry.description, entry.description_range) = join(head, end, indent);
          section.entries.push_back(std::move(entry));
          continue;
        }
      }
      auto add = [&](std::string_view name) {
        DocstringEntry entry;
        entry.range = whole;
        if (!name.empty()) {
          entry.name = std::string(name[0] == '\\' ? name.substr(1) : name);
          const uint32_t at = static_cast<uint32_t>(line.text_start + (name.data() - t.data()));
          entry.name_range = ByteRange{at, static_cast<uint32_t>(at + name.size())};
        }
        if (!type.empty()) {
          entry.type = std::string(type);
          const uint32_t at = static_cast<uint32_t>(line.text_start + type_at);
          entry.type_range = ByteRange{at, static_cast<uint32_t>(at + type.size())};
        }
        entry.description = description;
        entry.description_range = description_range;
        section.entries.push_back(std::move(entry));
      };
      if (names.empty()) {
        add({});
        continue;
      }
      // `x, y : int` documents two parameters alike.
      size_t start = 0;
      while (start <= names.size()) {
        size_t comma = names.find(',', start);
        if (comma == std::string_view::npos)
          comma = names.size();
        const std::string_view name = trim(names.substr(start, comma - start));
        if (!name.empty())
          add(name);
        start = comma + 1;
      }
    }
  }

  // One Sphinx / Epytext field: added to the section of its kind (one per kind, in the order of
  // their first fields; an unknown field is a section of its own).
  void parse_field(const Block& block) {
    const FieldMarker& marker = *block.field;
    const Line& line = lines_[block.header];
    const FieldName* field = field_name(marker.name);
    const ByteRange whole = span_range(block.header, block.end);
    DocstringEntry content; // The text after the marker.
    fill_description(content, block.header, block.end, line.text_start + marker.end);
    if (!field || field->role == FieldName::Prose) {
      DocstringSection section;
      section.kind = field ? field->kind : SectionKind::Unknown;
      // The title keeps the field's arguments (`:meta private:` is titled "meta private").
      section.title =
          std::string(marker.name) + (marker.args.empty() ? "" : " ") + std::string(marker.args);
      section.range = whole;
      section.text = content.description;
      result_.sections.push_back(std::move(section));
      return;
    }

    // The field's arguments: `name`, `type name` (Sphinx's `:param int x:`), or none.
    const std::string_view args = marker.args;
    const bool named = field->kind != SectionKind::Returns && field->kind != SectionKind::Yields;
    std::string_view name = named ? args : std::string_view{}, type;
    const size_t space = args.rfind(' ');
    if (named && space != std::string_view::npos && field->kind != SectionKind::Raises &&
        field->role == FieldName::Entry) {
      type = trim(args.substr(0, space));
      name = args.substr(space + 1);
    }
    std::string bare; // Sphinx writes `\*args` so that reST does not see emphasis.
    for (char c : name)
      if (c != '\\')
        bare += c;
    const uint32_t args_at = static_cast<uint32_t>(line.text_start + marker.args_offset);
    const uint32_t name_at = static_cast<uint32_t>(args_at + (name.data() - args.data()));
    const ByteRange name_range =
        name.empty() ? ByteRange{}
                     : ByteRange{name_at, static_cast<uint32_t>(name_at + name.size())};

    // The entry this field completes, if any: for a type field, the entry of that name without
    // a type field yet (`:type x:` also types a keyword argument or an attribute: Epytext has one
    // `@type` for both); for a main field, an entry that an earlier type field made.
    std::vector<SectionKind> kinds{field->kind};
    if (field->role == FieldName::Type && named)
      kinds = {field->kind, SectionKind::Parameters, SectionKind::KeywordArguments,
               SectionKind::Attributes};
    int section_index = -1;
    DocstringEntry* target = nullptr;
    for (SectionKind kind : kinds) {
      const int index = field_sections_[static_cast<size_t>(kind)];
      if (index < 0 || target)
        continue;
      for (DocstringEntry& e : result_.sections[static_cast<size_t>(index)].entries) {
        const bool made_by_type = e.type_field.end != 0 && e.range.start == e.type_field.start;
        if (e.name == bare && !target &&
            (field->role == FieldName::Type ? e.type_field.end == 0 : made_by_type)) {
          target = &e;
          section_index = index;
        }
      }
    }
    if (section_index < 0) {
      int& index = field_sections_[static_cast<size_t>(field->kind)];
      if (index < 0) {
        index = static_cast<int>(result_.sections.size());
        result_.sections.emplace_back();
        result_.sections.back().kind = field->kind;
        result_.sections.back().title = std::string(marker.name);
        result_.sections.back().range = whole;
      }
      section_index = index;
    }
    DocstringSection& section = result_.sections[static_cast<size_t>(section_index)];
    section.range.start = std::min(section.range.start, whole.start);
    section.range.end = std::max(section.range.end, whole.end);
    section.text += (section.text.empty() ? "" : "\n") + join(block.header, block.end, 0).first;
    if (!target) {
      section.entries.emplace_back();
      target = &section.entries.back();
      target->name = bare;
      target->name_range = name_range;
      target->range = whole;
    }
    if (field->role == FieldName::Type) {
      target->type = squeeze(content.description);
      target->type_range = content.description_range;
      target->type_field = whole;
      return;
    }
    target->range = whole;
    target->name_range = name_range;
    if (!type.empty()) {
      target->type = squeeze(type);
      target->type_range = ByteRange{args_at, static_cast<uint32_t>(args_at + type.size())};
    }
    target->description = content.description;
    target->description_range = content.description_range;
  }

  std::string_view body_;
  std::vector<Line> lines_;
  DocstringStyle style_;
  int base_ = 0;
  std::vector<Block> blocks_;
  std::array<int, 14> field_sections_{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
  ParsedDocstring result_;
};

} // namespace

namespace {

// False when no line of `body` can score for any style: every style's marker is a line that
// starts with ':', '@' or '-' (fields, NumPy underlines) or ends with ':' (Google headers) once
// trimmed. Most docstrings are prose, and the checks detect the style of every docstring of a
// file on every keystroke, so they are ruled out without splitting them into lines.
bool may_have_section_markers(std::string_view body) {
  size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && is_space(body[i]))
      ++i;
    const size_t start = i;
    while (i < body.size() && body[i] != '\n' && body[i] != '\r')
      ++i;
    size_t end = i;
    while (end > start && is_space(body[end - 1]))
      --end;
    if (end > start &&
        (body[start] == ':' || body[start] == '@' || body[start] == '-' || body[end - 1] == ':'))
      return true;
    ++i; // The line break.
  }
  return false;
}

} // namespace

DocstringStyle detect_style(std::string_view body) {
  if (!may_have_section_markers(body))
    return DocstringStyle::Pep257;
  const std::vector<Line> lines = split_lines(body);
  std::array<int, 4> score{}; // Google, NumPy, Sphinx, Epytext.
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view t = body.substr(lines[i].text_start, lines[i].end - lines[i].text_start);
    if (t.empty())
      continue;
    if (is_google_header(t))
      ++score[0];
    if (i + 1 < lines.size() && i > 0 &&
        is_underline(
            body.substr(lines[i + 1].text_start, lines[i + 1].end - lines[i + 1].text_start)) &&
        title_kind(t))
      ++score[1];
    for (size_t s = 2; s < 4; ++s)
      if (auto marker = field_marker(t, s == 2 ? ':' : '@'))
        if (const FieldName* field = field_name(marker->name);
            field && field->role != FieldName::Prose)
          ++score[s];
  }
  size_t best = 0;
  for (size_t s = 1; s < 4; ++s)
    if (score[s] > score[best])
      best = s;
  if (score[best] == 0)
    return DocstringStyle::Pep257;
  return static_cast<DocstringStyle>(best);
}

ParsedDocstring parse_docstring(std::string_view body, std::optional<DocstringStyle> style) {
  return Parser(body, style ? *style : detect_style(body)).parse();
}

// -----------------------------------------------------------------------------------------------
// Generation

namespace {

std::string_view strip_prefix_path(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

bool has_decorator(const Definition& definition, std::string_view name) {
  for (const std::string& decorator : definition.decorators)
    if (strip_prefix_path(decorator) == name)
      return true;
  return false;
}

// The words of an identifier: snake_case and CamelCase split, lower case except acronyms.
std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (word.empty())
      return;
    bool acronym = word.size() > 1;
    for (char c : word)
      acronym &= !std::islower(static_cast<unsigned char>(c));
    words.push_back(acronym ? word : lower(word));
    word.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '_') {
      flush();
      continue;
    }
    const bool upper = std::isupper(static_cast<unsigned char>(c));
    if (upper && !word.empty()) {
      const bool previous_lower = !std::isupper(static_cast<unsigned char>(word.back()));
      const bool next_lower =
          i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      if (previous_lower || next_lower)
        flush();
    }
    word += c;
  }
  flush();
  return words;
}

std::string join_words(const std::vector<std::string>& words, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i)
    out += (out.empty() ? "" : " ") + words[i];
  return out;
}

std::string sentence(std::string text) {
  if (text.empty())
    return text;
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (text.back() != '.')
    text += '.';
  return text;
}

std::string with_article(const std::string& words) {
  if (words.empty())
    return words;
  const char first = words[0];
  bool vowel = std::string_view("aeio").find(first) != std::string_view::npos ||
               (first == 'u' && starts_with(words, "un"));
  // An acronym reads letter by letter: "an HTTP server", "a URL".
  if (words.size() > 1 && std::isupper(static_cast<unsigned char>(first)) &&
      std::isupper(static_cast<unsigned char>(words[1])))
    vowel = std::string_view("AEFHILMNORSX").find(first) != std::string_view::npos;
  else if (std::isupper(static_cast<unsigned char>(first)))
    vowel = std::string_view("AEIO").find(first) != std::string_view::npos;
  return (vowel ? "an " : "a ") + words;
}

// Verbs a function name commonly starts with; such a name reads as an imperative sentence.
constexpr std::string_view kVerbs[] = {
    "accept",      "acquire",   "activate",   "add",         "adjust",     "allocate",
    "append",      "apply",     "assert",     "assign",      "attach",     "authenticate",
    "bind",        "build",     "cache",      "calculate",   "call",       "cancel",
    "check",       "clean",     "cleanup",    "clear",       "close",      "collect",
    "combine",     "compare",   "compile",    "compute",     "configure",  "connect",
    "consume",     "convert",   "copy",       "count",       "create",     "deactivate",
    "decode",      "decorate",  "delete",     "deserialize", "destroy",    "detach",
    "detect",      "disable",   "disconnect", "dispatch",    "display",    "download",
    "draw",        "drop",      "dump",       "emit",        "enable",     "encode",
    "ensure",      "enter",     "evaluate",   "execute",     "exit",       "expand",
    "export",      "extend",    "extract",    "fetch",       "fill",       "filter",
    "find",        "finish",    "fit",        "flatten",     "flush",      "format",
    "generate",    "get",       "group",      "handle",      "hash",       "import",
    "increment",   "index",     "init",       "initialize",  "insert",     "install",
    "invoke",      "iterate",   "join",       "list",        "listen",     "load",
    "lock",        "log",       "lookup",     "make",        "map",        "mark",
    "match",       "merge",     "migrate",    "move",        "normalize",  "notify",
    "open",        "parse",     "patch",      "plot",        "poll",       "pop",
    "post",        "predict",   "prepare",    "print",       "process",    "publish",
    "pull",        "push",      "put",        "query",       "read",       "receive",
    "record",      "reduce",    "refresh",    "register",    "release",    "reload",
    "remove",      "render",    "replace",    "report",      "request",    "reset",
    "resize",      "resolve",   "restore",    "retry",       "return",     "run",
    "save",        "scan",      "schedule",   "search",      "select",     "send",
    "serialize",   "set",       "setup",      "show",        "sort",       "split",
    "start",       "stop",      "store",      "stream",      "strip",      "submit",
    "subscribe",   "sync",      "test",       "train",       "transform",  "translate",
    "unlock",      "update",    "upload",     "validate",    "verify",     "visit",
    "wait",        "walk",      "wrap",       "write",       "align",      "bump",
    "capture",     "choose",    "clip",       "clone",       "commit",     "complete",
    "compress",    "confirm",   "construct",  "crop",        "decompress", "decrypt",
    "define",      "derive",    "describe",   "divide",      "edit",       "encrypt",
    "escape",      "estimate",  "explain",    "fix",         "forward",    "freeze",
    "gather",      "guess",     "hide",       "ignore",      "inject",     "inspect",
    "interpolate", "invert",    "keep",       "kill",        "launch",     "limit",
    "measure",     "modify",    "mount",      "multiply",    "negate",     "observe",
    "optimize",    "order",     "pack",       "pause",       "pick",       "produce",
    "prune",       "quote",     "rank",       "rebuild",     "recover",    "redirect",
    "reject",      "rename",    "repeat",     "replay",      "require",    "respond",
    "resume",      "retrieve",  "reverse",    "rewrite",     "rotate",     "round",
    "sample",      "sanitize",  "scale",      "seek",        "shift",      "shuffle",
    "simulate",    "skip",      "slice",      "sleep",       "smooth",     "solve",
    "spawn",       "step",      "subtract",   "summarize",   "suspend",    "swap",
    "take",        "terminate", "toggle",     "tokenize",    "track",      "transfer",
    "trigger",     "trim",      "truncate",   "unpack",      "unquote",    "unregister",
    "unwrap",      "unzip",     "upgrade",    "use",         "wake",       "warn",
    "watch",       "zip",
};

bool is_verb(std::string_view word) {
  return std::find(std::begin(kVerbs), std::end(kVerbs), word) != std::end(kVerbs);
}

std::string dunder_summary(std::string_view name, const std::string& owner) {
  struct Dunder {
    std::string_view name, text; // `{}` stands for the class.
  };
  static constexpr std::array<Dunder, 22> kDunders{{
      {"__init__", "Initialize the {}."},
      {"__new__", "Create a new {}."},
      {"__post_init__", "Finish initializing the {}."},
      {"__del__", "Finalize the {}."},
      {"__repr__", "Return the representation of the {}."},
      {"__str__", "Return the string form of the {}."},
      {"__len__", "Return the number of items in the {}."},
      {"__iter__", "Iterate over the {}."},
      {"__aiter__", "Iterate asynchronously over the {}."},
      {"__next__", "Return the next item."},
      {"__anext__", "Return the next item."},
      {"__call__", "Call the {}."},
      {"__enter__", "Enter the context of the {}."},
      {"__exit__", "Exit the context of the {}."},
      {"__aenter__", "Enter the asynchronous context of the {}."},
      {"__aexit__", "Exit the asynchronous context of the {}."},
      {"__eq__", "Check whether equal to another object."},
      {"__hash__", "Return the hash of the {}."},
      {"__contains__", "Check whether the {} contains an item."},
      {"__getitem__", "Return the item for a key."},
      {"__setitem__", "Set the item for a key."},
      {"__delitem__", "Delete the item for a key."},
  }};
  for (const Dunder& d : kDunders)
    if (d.name == name) {
      std::string text(d.text);
      const size_t at = text.find("{}");
      if (at != std::string::npos)
        text.replace(at, 2, owner);
      return text;
    }
  return "Implement " + std::string(name) + ".";
}

} // namespace

// An annotation as written, on one line; a forward reference (`"User"`) without its quotes.
std::string annotation_text(std::string_view annotation) {
  std::string text = squeeze(annotation);
  if (text.size() >= 2 && (text[0] == '"' || text[0] == '\'') && text.back() == text[0] &&
      text.find(text[0], 1) == text.size() - 1)
    text = text.substr(1, text.size() - 2);
  return text;
}

std::string type_argument(std::string_view annotation, size_t n) {
  const size_t open = annotation.find('[');
  if (open == std::string_view::npos || annotation.back() != ']')
    return "";
  std::string_view inner = annotation.substr(open + 1, annotation.size() - open - 2);
  for (size_t i = 0; i <= n; ++i) {
    const size_t comma = find_top_level(inner, ',');
    if (i == n)
      return std::string(trim(inner.substr(0, comma)));
    if (comma == std::string_view::npos)
      return "";
    inner = inner.substr(comma + 1);
  }
  return "";
}

bool is_iterator_annotation(std::string_view annotation) {
  const std::string_view head = strip_prefix_path(annotation.substr(0, annotation.find('[')));
  for (std::string_view name :
       {"Iterator", "Generator", "Iterable", "AsyncIterator", "AsyncGenerator", "AsyncIterable"})
    if (head == name)
      return true;
  return false;
}

std::vector<std::string> raised_exceptions(const Definition& definition, bool* unresolved) {
  std::vector<std::string> raised;
  auto add = [&](std::string name) {
    const std::string_view last = strip_prefix_path(name);
    if (last.empty() || !std::isupper(static_cast<unsigned char>(last[0]))) {
      if (unresolved)
        *unresolved = true;
      return;
    }
    if (std::find(raised.begin(), raised.end(), name) == raised.end())
      raised.push_back(std::move(name));
  };
  for (const FlowStatement& raise : definition.raises) {
    std::string name = squeeze(std::string_view(raise.value).substr(0, raise.value.find('(')));
    const size_t from = name.find(" from ");
    if (from != std::string::npos)
      name = name.substr(0, from);
    if (!raise.value.empty()) {
      add(name);
      continue;
    }
    std::string_view caught = trim(raise.caught);
    if (caught.size() >= 2 && caught.front() == '(' && caught.back() == ')')
      caught = caught.substr(1, caught.size() - 2);
    for (size_t start = 0; start <= caught.size();) {
      size_t comma = find_top_level(caught, ',', start);
      if (comma == std::string_view::npos)
        comma = caught.size();
      add(squeeze(caught.substr(start, comma - start)));
      start = comma + 1;
    }
  }
  return raised;
}

namespace {

bool returns_value(const Definition& definition) {
  for (const FlowStatement& r : definition.returns)
    if (!r.value.empty())
      return true;
  return false;
}

bool is_generator(const Definition& definition) {
  return !definition.yields.empty() || is_iterator_annotation(definition.return_annotation);
}

bool is_property(const Definition& definition) {
  return has_decorator(definition, "property") || has_decorator(definition, "cached_property");
}

// The type all values suggest, if they agree.
std::string common_type(const std::vector<FlowStatement>& flows) {
  std::string type;
  for (const FlowStatement& flow : flows) {
    if (flow.value.empty() || flow.is_yield_from)
      continue;
    const std::string guess = type_from_default(flow.value);
    if (guess.empty() || guess == "optional" || (!type.empty() && guess != type))
      return "";
    type = guess;
  }
  return type;
}

const Definition* owner_class(const Definition& definition, const ModuleModel& model) {
  if (definition.parent < 0)
    return nullptr;
  const Definition& parent = model.definitions[static_cast<size_t>(definition.parent)];
  return parent.kind == DefinitionKind::Class ? &parent : nullptr;
}

const Definition* init_of(const Definition& cls, const ModuleModel& model) {
  for (int child : cls.children)
    if (model.definitions[static_cast<size_t>(child)].name == "__init__")
      return &model.definitions[static_cast<size_t>(child)];
  return nullptr;
}

std::string placeholder(const std::string& what) {
  return std::string(kPlaceholderTag) + " describe " + what + ".";
}

struct Item {
  std::string name, type, description;
};

struct Content {
  std::string summary;
  std::vector<Item> parameters;
  std::optional<Item> returns, yields;
  std::vector<Item> raises;
  std::vector<Item> attributes;
  std::vector<std::pair<std::string, std::vector<Item>>> listings; // Module: classes, functions.
};

std::vector<Item> parameter_items(const Definition& definition, const GenerateOptions& options) {
  const bool types = options.types;
  std::vector<Item> items;
  const bool bound =
      definition.kind == DefinitionKind::Method && !has_decorator(definition, "staticmethod");
  for (size_t i = 0; i < definition.parameters.size(); ++i) {
    const Parameter& p = definition.parameters[i];
    if (i == 0 && bound &&
        (p.kind == ParameterKind::PositionalOnly || p.kind == ParameterKind::Regular))
      continue; // self / cls.
    Item item;
    item.name = p.kind == ParameterKind::VarPositional ? "*" + p.name
                : p.kind == ParameterKind::VarKeyword  ? "**" + p.name
                                                       : p.name;
    const std::string default_value = squeeze(p.default_value);
    if (types) {
      item.type = annotation_text(p.annotation);
      if (item.type.empty())
        item.type = type_from_default(default_value);
      else if (default_value == "None" && item.type.find("None") == std::string::npos &&
               item.type.find("Optional") == std::string::npos)
        item.type += ", optional";
    }
    std::optional<std::string> known;
    if (options.reuse != nullptr)
      known = options.reuse->most_common(p.name, annotation_text(p.annotation));
    item.description = known ? *known : placeholder(p.name);
    if (!default_value.empty() && !known)
      item.description += " Defaults to " + default_value + ".";
    items.push_back(std::move(item));
  }
  return items;
}

Content function_content(const Definition& definition, const ModuleModel& model,
                         const GenerateOptions& options) {
  Content content;
  content.summary = summary_from_name(definition, model);
  const Definition* cls = owner_class(definition, model);
  if (!(definition.name == "__init__" && cls && options.init_parameters_in_class))
    content.parameters = parameter_items(definition, options);
  const std::string annotation = annotation_text(definition.return_annotation);
  const bool generator = is_generator(definition);
  if (generator) {
    Item yields;
    if (options.types)
      yields.type = is_iterator_annotation(annotation) ? type_argument(annotation, 0)
                                                       : common_type(definition.yields);
    yields.description = placeholder("the yielded values");
    content.yields = yields;
  }
  if (returns_value(definition) || (!generator && !annotation.empty() && annotation != "None")) {
    Item returns;
    if (options.types)
      returns.type = generator             ? type_argument(annotation, 2)
                     : !annotation.empty() ? annotation
                                           : common_type(definition.returns);
    if (returns.type == "None" && generator)
      returns.type.clear();
    returns.description = placeholder("the return value");
    if (!is_property(definition))
      content.returns = returns;
  }
  for (std::string& name : raised_exceptions(definition))
    content.raises.push_back(
        Item{std::move(name), "", std::string(kPlaceholderTag) + " describe when raised."});
  return content;
}

Content class_content(const Definition& cls, const ModuleModel& model,
                      const GenerateOptions& options) {
  Content content;
  content.summary = summary_from_name(cls, model);
  const Definition* init = init_of(cls, model);
  if (init && options.init_parameters_in_class)
    content.parameters = parameter_items(*init, options);
  for (const ClassAttribute& attribute : cls.attributes) {
    if (!attribute.name.empty() && attribute.name[0] == '_')
      continue;
    Item item{attribute.name, "", placeholder(attribute.name)};
    if (options.types) {
      item.type = annotation_text(attribute.annotation);
      if (item.type.empty() && init && attribute.from_init)
        for (const Parameter& p : init->parameters)
          if (p.name == attribute.value)
            item.type = p.annotation.empty() ? type_from_default(squeeze(p.default_value))
                                             : annotation_text(p.annotation);
      if (item.type.empty())
        item.type = type_from_default(squeeze(attribute.value));
    }
    content.attributes.push_back(std::move(item));
  }
  return content;
}

// Appends `text` to `out` as lines of at most `width` columns: the first starts with `first`,
// the others with `next`. Words longer than a line stay whole.
void wrap(std::vector<std::string>& out, const std::string& first, const std::string& next,
          std::string_view text, size_t width) {
  std::string line = first;
  bool empty = true;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ')
      ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ')
      ++j;
    if (j == i)
      break;
    const std::string_view word = text.substr(i, j - i);
    if (!empty && line.size() + 1 + word.size() > width) {
      out.push_back(line);
      line = next;
      empty = true;
    }
    if (!empty)
      line += ' ';
    line += word;
    empty = false;
    i = j;
  }
  out.push_back(line);
}

class Renderer {
public:
  Renderer(const GenerateOptions& options) : options_(options) {
    size_t columns = 0;
    for (char c : options.indent)
      columns = c == '\t' ? (columns / 8 + 1) * 8 : columns + 1;
    width_ = options.line_width > columns + 20 ? options.line_width - columns : 20;
  }

  std::string render(const Content& content) {
    wrap(lines_, "", "", content.summary, width_ - options_.quote.size());
    switch (options_.style) {
    case DocstringStyle::Google:
      google(content);
      break;
    case DocstringStyle::Numpy:
      numpy(content);
      break;
    case DocstringStyle::Sphinx:
    case DocstringStyle::Epytext:
      fields(content, options_.style == DocstringStyle::Sphinx ? ':' : '@');
      break;
    case DocstringStyle::Pep257:
      break;
    }
    return literal();
  }

private:
  void blank() { lines_.emplace_back(); }

  static std::string google_head(const Item& item) {
    std::string head = item.name;
    if (!item.type.empty())
      head += head.empty() ? item.type : " (" + item.type + ")";
    return head;
  }

  void google_section(const char* title, const std::vector<Item>& items, bool typed_names) {
    if (items.empty())
      return;
    blank();
    lines_.push_back(std::string(title) + ":");
    for (const Item& item : items) {
      const std::string head = typed_names ? google_head(item) : item.name;
      wrap(lines_, "    " + (head.empty() ? "" : head + ": "), "        ", item.description,
           width_);
    }
  }

  void google(const Content& content) {
    google_section("Args", content.parameters, true);
    for (const auto& [title, items] : content.listings)
      google_section(title.c_str(), items, true);
    google_section("Attributes", content.attributes, true);
    if (content.returns)
      google_section("Returns", {*content.returns}, true);
    if (content.yields)
      google_section("Yields", {*content.yields}, true);
    google_section("Raises", content.raises, false);
  }

  void numpy_section(const std::string& title, const std::vector<Item>& items) {
    if (items.empty())
      return;
    blank();
    lines_.push_back(title);
    lines_.push_back(std::string(title.size(), '-'));
    for (const Item& item : items) {
      std::string head = item.name;
      if (!item.type.empty())
        head += head.empty() ? item.type : " : " + item.type;
      if (head.empty()) {
        wrap(lines_, "", "", item.description, width_);
        continue;
      }
      lines_.push_back(head);
      wrap(lines_, "    ", "    ", item.description, width_);
    }
  }

  void numpy(const Content& content) {
    numpy_section("Parameters", content.parameters);
    for (const auto& [title, items] : content.listings)
      numpy_section(title, items);
    numpy_section("Attributes", content.attributes);
    if (content.returns)
      numpy_section("Returns", {*content.returns});
    if (content.yields)
      numpy_section("Yields", {*content.yields});
    numpy_section("Raises", content.raises);
  }

  // `entry` and `type` are field names; `type` empty for fields without a type field.
  void field_items(char lead, const char* entry, const char* type, const std::vector<Item>& items,
                   bool named) {
    for (const Item& item : items) {
      const std::string marker =
          std::string(1, lead) + entry + (named ? " " + item.name : "") + ":";
      wrap(lines_, marker + " ", "    ", item.description, width_);
      if (type[0] && !item.type.empty())
        wrap(lines_, std::string(1, lead) + type + (named ? " " + item.name : "") + ": ", "    ",
             item.type, width_);
    }
  }

  void fields(const Content& content, char lead) {
    const bool sphinx = lead == ':';
    std::vector<std::string> before = lines_;
    const size_t start = lines_.size();
    blank();
    for (const auto& [title, items] : content.listings) {
      // Listings are prose in these styles: a title and an indented list.
      lines_.push_back(title + ":");
      for (const Item& item : items)
        wrap(lines_, "    " + item.name + ": ", "        ", item.description, width_);
      blank();
    }
    field_items(lead, "param", "type", content.parameters, true);
    field_items(lead, "ivar", sphinx ? "vartype" : "type", content.attributes, true);
    if (content.returns)
      field_items(lead, sphinx ? "returns" : "return", "rtype", {*content.returns}, false);
    if (content.yields)
      field_items(lead, sphinx ? "yields" : "yield", "ytype", {*content.yields}, false);
    field_items(lead, sphinx ? "raises" : "raise", "", content.raises, true);
    if (lines_.back().empty())
      lines_.pop_back();
    if (lines_.size() == start + 1)
      lines_ = before;
  }

  std::string literal() const {
    std::string out = options_.quote;
    if (lines_.size() == 1 && lines_[0].size() + 2 * options_.quote.size() <= width_)
      return out + lines_[0] + options_.quote;
    for (size_t i = 0; i < lines_.size(); ++i) {
      if (i > 0)
        out += '\n' + (lines_[i].empty() ? "" : options_.indent);
      out += lines_[i];
    }
    return out + '\n' + options_.indent + options_.quote;
  }

  const GenerateOptions& options_;
  size_t width_ = 88;
  std::vector<std::string> lines_;
};

} // namespace

std::string type_from_default(std::string_view value) {
  value = trim(value);
  if (value.empty())
    return "";
  if (value == "None")
    return "optional";
  if (value == "True" || value == "False")
    return "bool";
  size_t i = value[0] == '-' || value[0] == '+' ? 1 : 0;
  if (i < value.size() && (std::isdigit(static_cast<unsigned char>(value[i])) ||
                           (value[i] == '.' && i + 1 < value.size() &&
                            std::isdigit(static_cast<unsigned char>(value[i + 1]))))) {
    const std::string_view number = value.substr(i);
    const bool hex = number.size() > 1 && number[0] == '0' &&
                     std::isalpha(static_cast<unsigned char>(number[1]));
    for (char c : number)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '+' &&
          c != '-')
        return "";
    if (number.back() == 'j' || number.back() == 'J')
      return "";
    if (!hex && number.find_first_of(".eE") != std::string_view::npos)
      return "float";
    return "int";
  }
  size_t p = 0;
  while (p < value.size() && std::string_view("rRuUbBfF").find(value[p]) != std::string_view::npos)
    ++p;
  if (p < value.size() && p < 3 && (value[p] == '"' || value[p] == '\'')) {
    const std::string prefix = lower(value.substr(0, p));
    return prefix.find('b') != std::string::npos ? "bytes" : "str";
  }
  const char open = value[0];
  const size_t close = open == '['   ? find_top_level(value, ']', 1)
                       : open == '(' ? find_top_level(value, ')', 1)
                       : open == '{' ? find_top_level(value, '}', 1)
                                     : std::string_view::npos;
  if (close == value.size() - 1) {
    const std::string_view inner = trim(value.substr(1, value.size() - 2));
    if (open == '[')
      return "list";
    if (open == '(')
      return inner.empty() || find_top_level(inner, ',') != std::string_view::npos
                 ? "tuple"
                 : type_from_default(inner);
    if (inner.empty() || find_top_level(inner, ':') != std::string_view::npos)
      return "dict";
    return "set";
  }
  // A call of a builtin type: `list()`, `dict(a=1)`.
  const size_t paren = value.find('(');
  if (paren != std::string_view::npos && value.back() == ')') {
    const std::string_view callee = value.substr(0, paren);
    for (std::string_view type :
         {"int", "float", "str", "bytes", "bool", "list", "tuple", "dict", "set", "frozenset"})
      if (callee == type)
        return std::string(type);
  }
  return "";
}

std::string summary_from_name(const Definition& definition, const ModuleModel& model) {
  const std::string& name = definition.name;
  if (definition.kind == DefinitionKind::Class)
    return sentence(with_article(join_words(name_words(name))));
  if (name.size() > 4 && starts_with(name, "__") && name.substr(name.size() - 2) == "__") {
    const Definition* cls = owner_class(definition, model);
    return dunder_summary(name, cls ? cls->name : "object");
  }
  const std::vector<std::string> words = name_words(name);
  if (words.empty())
    return sentence(name);
  const std::string& first = words[0];
  const std::string rest = join_words(words, 1);
  for (const std::string& decorator : definition.decorators) {
    const std::string_view last = strip_prefix_path(decorator);
    if (last == "setter")
      return sentence("set the " + join_words(words));
    if (last == "deleter")
      return sentence("delete the " + join_words(words));
  }
  if (is_property(definition)) {
    if (first == "is" || first == "has" || first == "can")
      return sentence("whether " + (first == "is" ? rest : "it " + join_words(words)));
    return sentence("the " + (first == "get" && !rest.empty() ? rest : join_words(words)));
  }
  if (first == "is")
    return sentence("check whether " + (rest.empty() ? "it is" : rest));
  if (first == "has" || first == "can" || first == "should" || first == "needs")
    return sentence("check whether it " + join_words(words));
  if (first == "to" && !rest.empty())
    return sentence("convert to " + rest);
  if (first == "from" && !rest.empty())
    return sentence("create from " + rest);
  if (first == "on" && !rest.empty())
    return sentence("handle " + rest);
  if (is_verb(first))
    return sentence(join_words(words));
  if (returns_value(definition) ||
      (!definition.return_annotation.empty() && definition.return_annotation != "None"))
    return sentence("return the " + join_words(words));
  return sentence("run " + join_words(words));
}

// A definition's content without the sections `options.sections` leaves out.
Content definition_content(const Definition& definition, const ModuleModel& model,
                           const GenerateOptions& options) {
  Content content = definition.kind == DefinitionKind::Class
                        ? class_content(definition, model, options)
                        : function_content(definition, model, options);
  const DocstringSections& sections = options.sections;
  if (!sections.args)
    content.parameters.clear();
  if (!sections.returns)
    content.returns.reset();
  if (!sections.yields)
    content.yields.reset();
  if (!sections.raises)
    content.raises.clear();
  if (!sections.attributes)
    content.attributes.clear();
  return content;
}

std::string generate_docstring(const Definition& definition, const ModuleModel& model,
                               const GenerateOptions& options) {
  const Content content = definition_content(definition, model, options);
  return Renderer(options).render(content);
}

DocstringContent docstring_content(const Definition& definition, const ModuleModel& model,
                                   const GenerateOptions& options) {
  const Content content = definition_content(definition, model, options);
  auto items = [](const std::vector<Item>& from) {
    std::vector<DocstringItem> to;
    for (const Item& item : from)
      to.push_back(DocstringItem{item.name, item.type, item.description});
    return to;
  };
  auto item = [](const std::optional<Item>& from) -> std::optional<DocstringItem> {
    if (!from)
      return std::nullopt;
    return DocstringItem{from->name, from->type, from->description};
  };
  return DocstringContent{content.summary,       items(content.parameters),
                          item(content.returns), item(content.yields),
                          items(content.raises), items(content.attributes)};
}

std::string generate_module_docstring(const ModuleModel& model, const GenerateOptions& options) {
  Content content;
  content.summary = options.module_name.empty()
                        ? std::string(kPlaceholderTag) + " summarize the module."
                        : sentence(join_words(name_words(options.module_name)));
  std::vector<Item> classes, functions;
  for (const Definition& d : model.definitions) {
    if (d.parent >= 0)
      continue;
    const bool listed =
        model.all ? std::find(model.all->begin(), model.all->end(), d.name) != model.all->end()
                  : !starts_with(d.name, "_");
    if (!listed)
      continue;
    std::string summary = summary_from_name(d, model);
    if (d.docstring) {
      const ParsedDocstring parsed = parse_docstring(d.docstring->cooked, DocstringStyle::Pep257);
      if (!parsed.summary.empty())
        summary = squeeze(parsed.summary);
    }
    (d.kind == DefinitionKind::Class ? classes : functions).push_back(Item{d.name, "", summary});
  }
  if (options.style != DocstringStyle::Pep257) {
    if (!classes.empty())
      content.listings.emplace_back("Classes", std::move(classes));
    if (!functions.empty())
      content.listings.emplace_back("Functions", std::move(functions));
  }
  return Renderer(options).render(content);
}

} // namespace docent::analysis
