// Updating a docstring to match its definition, and converting it to another style (see
// docstring_update.h).
#include "analysis/docstring_update.h"

#include <algorithm>
#include <cctype>

namespace docent::analysis {

namespace {

// ---------------------------------------------------------------------------------------------
// The literal's body and its layout

struct Literal {
  std::string_view body;
  uint32_t start = 0; // Offset of the body in the snapshot's text.
};

std::optional<Literal> literal_body(const Definition& definition) {
  if (!definition.docstring)
    return std::nullopt;
  const Docstring& docstring = *definition.docstring;
  const size_t open = docstring.prefix.size() + docstring.quote.size();
  if (docstring.quote.size() != 3 || docstring.raw.size() < open + docstring.quote.size())
    return std::nullopt;
  return Literal{std::string_view(docstring.raw)
                     .substr(open, docstring.raw.size() - open - docstring.quote.size()),
                 static_cast<uint32_t>(docstring.range.start + open)};
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}

size_t line_start(std::string_view body, size_t at) {
  while (at > 0 && body[at - 1] != '\n' && body[at - 1] != '\r')
    --at;
  return at;
}

// Just past the line break that ends the line holding `at` (or the end of the body).
size_t past_line_break(std::string_view body, size_t at) {
  while (at < body.size() && body[at] != '\n' && body[at] != '\r')
    ++at;
  if (at < body.size() && body[at] == '\r' && at + 1 < body.size() && body[at + 1] == '\n')
    return at + 2;
  return std::min(at + 1, body.size());
}

std::string_view indentation_at(std::string_view body, size_t start) {
  size_t end = start;
  while (end < body.size() && is_blank(body[end]))
    ++end;
  return body.substr(start, end - start);
}

size_t columns(std::string_view whitespace) {
  size_t column = 0;
  for (char c : whitespace)
    column = c == '\t' ? (column / 8 + 1) * 8 : column + 1;
  return column;
}

struct Layout {
  std::string nl;     // The line ending.
  std::string indent; // The docstring's indentation.
  std::string unit;   // One level of indentation more.
};

Layout layout_of(const Snapshot& snapshot, const Definition& definition, std::string_view body) {
  Layout layout;
  const size_t br = body.find_first_of("\r\n");
  if (br == std::string_view::npos)
    layout.nl = body_layout(snapshot, definition).line_ending;
  else
    layout.nl =
        body[br] == '\r' ? (br + 1 < body.size() && body[br + 1] == '\n' ? "\r\n" : "\r") : "\n";
  // The least indented line after the first that has text, else the closing quotes' line.
  std::optional<std::string_view> least, closing;
  for (size_t at = past_line_break(body, 0); br != std::string_view::npos && at < body.size();) {
    const std::string_view whitespace = indentation_at(body, at);
    const size_t after = at + whitespace.size();
    const bool text = after < body.size() && body[after] != '\n' && body[after] != '\r';
    if (text && (!least || columns(whitespace) < columns(*least)))
      least = whitespace;
    if (!text && after == body.size())
      closing = whitespace;
    const size_t next = past_line_break(body, at);
    if (next == at || next >= body.size()) {
      if (next >= body.size() && (body.back() == '\n' || body.back() == '\r'))
        closing = std::string_view();
      break;
    }
    at = next;
  }
  if (least)
    layout.indent = std::string(*least);
  else if (closing)
    layout.indent = std::string(*closing);
  else
    layout.indent = body_layout(snapshot, definition).indent;
  layout.unit = layout.indent.find('\t') != std::string::npos ? "\t" : "    ";
  return layout;
}

// ---------------------------------------------------------------------------------------------
// Writing entries and sections in a style

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  if (text.empty())
    return lines;
  for (size_t start = 0;;) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return lines;
}

bool single_entry_kind(SectionKind kind) {
  return kind == SectionKind::Returns || kind == SectionKind::Yields;
}

// `first` + the description's first line, then its other lines indented by `rest`.
void add_description(std::vector<std::string>& out, const std::string& first,
                     const std::string& rest, std::string_view description) {
  const std::vector<std::string_view> lines = split_lines(description);
  if (lines.empty()) {
    std::string head = first;
    while (!head.empty() && head.back() == ' ')
      head.pop_back();
    out.push_back(head);
    return;
  }
  out.push_back(first + std::string(lines[0]));
  for (size_t i = 1; i < lines.size(); ++i)
    out.push_back(lines[i].empty() ? std::string() : rest + std::string(lines[i]));
}

struct FieldNames {
  const char* main;
  const char* type; // Empty when the field has no type field.
};

FieldNames field_names(DocstringStyle style, SectionKind kind) {
  const bool sphinx = style == DocstringStyle::Sphinx;
  switch (kind) {
  case SectionKind::KeywordArguments:
    return {"keyword", sphinx ? "kwtype" : "type"};
  case SectionKind::Returns:
    return {sphinx ? "returns" : "return", "rtype"};
  case SectionKind::Yields:
    return {sphinx ? "yields" : "yield", "ytype"};
  case SectionKind::Raises:
    return {sphinx ? "raises" : "raise", ""};
  case SectionKind::Attributes:
    return {"ivar", sphinx ? "vartype" : "type"};
  default:
    return {"param", "type"};
  }
}

// The lines of one entry (no line breaks), the head indented by `at`.
std::vector<std::string> entry_lines(DocstringStyle style, SectionKind kind,
                                     const DocstringEntry& entry, bool types, const std::string& at,
                                     const std::string& unit) {
  std::vector<std::string> out;
  const bool named = !single_entry_kind(kind);
  const std::string type = types ? entry.type : "";
  switch (style) {
  case DocstringStyle::Google: {
    std::string head;
    if (!named)
      head = type.empty() ? "" : type + ": ";
    else if (kind == SectionKind::Raises)
      head = entry.name + ": ";
    else
      head = entry.name + (type.empty() ? "" : " (" + type + ")") + ": ";
    add_description(out, at + head, at + unit, entry.description);
    break;
  }
  case DocstringStyle::Numpy: {
    std::string head = kind == SectionKind::Raises ? entry.name : entry.name;
    if (!type.empty() && kind != SectionKind::Raises)
      head += head.empty() ? type : " : " + type;
    if (head.empty()) {
      add_description(out, at, at, entry.description);
      break;
    }
    out.push_back(at + head);
    for (std::string_view line : split_lines(entry.description))
      out.push_back(line.empty() ? std::string() : at + unit + std::string(line));
    break;
  }
  case DocstringStyle::Sphinx:
  case DocstringStyle::Epytext: {
    const char lead = style == DocstringStyle::Sphinx ? ':' : '@';
    const FieldNames names = field_names(style, kind);
    const std::string name = named && !entry.name.empty() ? " " + entry.name : "";
    add_description(out, at + lead + names.main + name + ": ", at + unit, entry.description);
    if (names.type[0] && !type.empty())
      out.push_back(at + lead + names.type + name + ": " + type);
    break;
  }
  case DocstringStyle::Pep257:
    break;
  }
  return out;
}

const char* canonical_title(DocstringStyle style, SectionKind kind) {
  const bool google = style == DocstringStyle::Google;
  switch (kind) {
  case SectionKind::Parameters:
    return google ? "Args" : "Parameters";
  case SectionKind::OtherParameters:
    return "Other Parameters";
  case SectionKind::KeywordArguments:
    return google ? "Keyword Args" : "Keyword Arguments";
  case SectionKind::Returns:
    return "Returns";
  case SectionKind::Yields:
    return "Yields";
  case SectionKind::Raises:
    return "Raises";
  case SectionKind::Attributes:
    return "Attributes";
  case SectionKind::Examples:
    return "Examples";
  case SectionKind::Notes:
    return google ? "Note" : "Notes";
  case SectionKind::Warnings:
    return google ? "Warning" : "Warnings";
  case SectionKind::SeeAlso:
    return "See Also";
  case SectionKind::References:
    return "References";
  case SectionKind::Todo:
    return "Todo";
  case SectionKind::Unknown:
    break;
  }
  return "";
}

// A section's header lines (none for Sphinx and Epytext).
std::vector<std::string> header_lines(DocstringStyle style, const std::string& title,
                                      const std::string& indent) {
  if (style == DocstringStyle::Google)
    return {indent + title + ":"};
  if (style == DocstringStyle::Numpy)
    return {indent + title, indent + std::string(title.size(), '-')};
  return {};
}

// Where entries of a new section start, relative to the docstring's indentation.
std::string entry_indent(DocstringStyle style, const Layout& layout) {
  return style == DocstringStyle::Google ? layout.indent + layout.unit : layout.indent;
}

std::string join(const std::vector<std::string>& lines, const std::string& nl) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i)
    out += (i > 0 ? nl : "") + lines[i];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparing the docstring with the code

std::string bare_name(std::string_view name) {
  std::string out;
  for (char c : name)
    if (c != '\\')
      out += c;
  const size_t stars = out.find_first_not_of('*');
  return stars == std::string::npos ? "" : out.substr(stars);
}

std::string_view last_component(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

bool same_exception(std::string_view a, std::string_view b) {
  return a == b || last_component(a) == last_component(b);
}

std::string normalized_type(std::string_view type) {
  std::string out;
  for (char c : type)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '"' && c != '\'')
      out += c;
  for (std::string_view suffix : {",optional", "optional"})
    if (out.size() > suffix.size() && out.substr(out.size() - suffix.size()) == suffix) {
      out.resize(out.size() - suffix.size());
      break;
    }
  if (out.rfind("Optional[", 0) == 0 && out.back() == ']')
    out = out.substr(9, out.size() - 10);
  for (std::string_view none : {"|None", "None|"})
    for (size_t at; (at = out.find(none)) != std::string::npos;)
      out.erase(at, none.size());
  return out;
}

bool types_agree(std::string_view documented, std::string_view expected) {
  return normalized_type(documented) == normalized_type(expected);
}

bool has_decorator(const Definition& definition, std::string_view name) {
  for (const std::string& decorator : definition.decorators)
    if (last_component(decorator) == name)
      return true;
  return false;
}

// A body that only declares the function (abstract methods, overloads, protocols, stubs).
bool is_stub(const Snapshot& snapshot, const Definition& definition) {
  if (has_decorator(definition, "abstractmethod") || has_decorator(definition, "overload"))
    return true;
  const uint32_t from =
      definition.docstring ? definition.docstring->range.end : definition.body.start;
  if (from > definition.body.end || definition.body.end > snapshot.text().size())
    return false;
  std::string code;
  const std::string_view rest = snapshot.text().substr(from, definition.body.end - from);
  for (size_t start = 0; start < rest.size();) {
    size_t end = rest.find_first_of("\r\n", start);
    if (end == std::string_view::npos)
      end = rest.size();
    std::string_view line = rest.substr(start, end - start);
    line = line.substr(0, line.find('#'));
    for (char c : line)
      if (!std::isspace(static_cast<unsigned char>(c)))
        code += c;
    code += ' ';
    start = end + 1;
  }
  code.erase(std::remove(code.begin(), code.end(), ' '), code.end());
  return code.empty() || code == "..." || code == "pass" ||
         code.rfind("raiseNotImplementedError", 0) == 0;
}

const Definition* init_of(const Definition& cls, const ModuleModel& model) {
  for (int child : cls.children)
    if (model.definitions[static_cast<size_t>(child)].name == "__init__")
      return &model.definitions[static_cast<size_t>(child)];
  return nullptr;
}

// The docstring the generator writes for the definition, parsed.
ParsedDocstring expected_docstring(const Definition& definition, const ModuleModel& model,
                                   const CheckConfig& config, DocstringStyle style,
                                   const std::string& indent) {
  GenerateOptions options = generate_options(config, indent);
  options.style = style;
  options.types = true;
  options.init_parameters_in_class = definition.kind == DefinitionKind::Class;
  const std::string literal = generate_docstring(definition, model, options);
  const size_t quote = options.quote.size();
  if (literal.size() < 2 * quote)
    return ParsedDocstring{};
  return parse_docstring(std::string_view(literal).substr(quote, literal.size() - 2 * quote),
                         style);
}

// ---------------------------------------------------------------------------------------------
// Splices of the body

struct Splice {
  uint32_t start = 0, end = 0;
  std::string text;
};

std::string apply(std::string_view body, std::vector<Splice> splices) {
  std::stable_sort(splices.begin(), splices.end(), [](const Splice& a, const Splice& b) {
    return a.start != b.start ? a.start < b.start : (a.end - a.start) < (b.end - b.start);
  });
  std::string out;
  size_t at = 0;
  for (const Splice& splice : splices) {
    if (splice.start < at) {
      // An insertion at the start of a line that an earlier splice removed goes where that
      // removal ends; other overlaps are never made on purpose.
      if (splice.start == splice.end)
        out += splice.text;
      continue;
    }
    out += body.substr(at, splice.start - at);
    out += splice.text;
    at = splice.end;
  }
  out += body.substr(std::min(at, body.size()));
  return out;
}

class Updater {
public:
  Updater(const Snapshot& snapshot, const ModuleModel& model, const Definition& definition,
          const CheckConfig& config, std::string_view body)
      : snapshot_(snapshot), model_(model), definition_(definition), config_(config), body_(body),
        doc_(parse_docstring(body)), layout_(layout_of(snapshot, definition, body)) {}

  std::optional<std::vector<Splice>> run() {
    if (doc_.style == DocstringStyle::Pep257 || doc_.sections.empty())
      return std::nullopt;
    want_ = expected_docstring(definition_, model_, config_, doc_.style, layout_.indent);
    types_ = has_types();
    parameters();
    if (definition_.kind != DefinitionKind::Class) {
      const bool stub = is_stub(snapshot_, definition_);
      const bool property =
          has_decorator(definition_, "property") || has_decorator(definition_, "cached_property");
      single(SectionKind::Returns, !stub && !property);
      single(SectionKind::Yields, !stub);
      if (!stub) // A stub's `raise NotImplementedError` is not worth documenting.
        raises();
    }
    // New sections last, so that they are placed among the sections that stay.
    for (const auto& [kind, entries] : pending_)
      add_section(kind, entries);
    finish_removals();
    return std::move(splices_);
  }

private:
  bool field_style() const {
    return doc_.style == DocstringStyle::Sphinx || doc_.style == DocstringStyle::Epytext;
  }

  bool has_types() const {
    bool any = false;
    for (const DocstringSection& section : doc_.sections) {
      if (!is_list_section(section.kind) || section.kind == SectionKind::Raises)
        continue;
      for (const DocstringEntry& entry : section.entries) {
        any = true;
        if (!entry.type.empty())
          return true;
      }
    }
    return any ? false : config_.docstring_types;
  }

  std::string indent_of(ByteRange range) const {
    return std::string(indentation_at(body_, line_start(body_, range.start)));
  }

  static uint32_t entry_end(const DocstringEntry& entry) {
    return std::max(entry.range.end, entry.type_field.end);
  }

  // Removes the lines of `range` (an entry or a field).
  void remove_lines(ByteRange range) {
    size_t start = line_start(body_, range.start);
    size_t end = past_line_break(body_, range.end);
    if (end == body_.size() && (end == 0 || (body_[end - 1] != '\n' && body_[end - 1] != '\r')) &&
        start > 0) {
      // The last line: take the line break before it instead.
      end = body_.size();
      while (start > 0 && (body_[start - 1] == '\n' || body_[start - 1] == '\r'))
        --start;
      while (end > range.end && is_blank(body_[end - 1]))
        --end;
      end = std::max<size_t>(end, range.end);
    }
    removals_.push_back(ByteRange{static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
  }

  // Removes a whole Google / NumPy section with the blank lines before it.
  void remove_section(const DocstringSection& section) {
    size_t start = line_start(body_, section.range.start);
    while (start > 0 &&
           (is_blank(body_[start - 1]) || body_[start - 1] == '\n' || body_[start - 1] == '\r'))
      --start;
    removals_.push_back(ByteRange{static_cast<uint32_t>(start), section.range.end});
  }

  void remove_entry(const DocstringEntry& entry) {
    remove_lines(entry.range);
    if (entry.type_field.end != 0 && entry.type_field.start != entry.range.start)
      remove_lines(entry.type_field);
  }

  void insert_after(uint32_t at, const std::vector<std::string>& lines) {
    // After the last line that stays: a removed line at the end of a section moves the place up.
    for (bool moved = true; moved;) {
      moved = false;
      for (ByteRange removal : removals_)
        if (removal.start < at && at < removal.end) {
          at = removal.start;
          if (at > 0 && body_[at - 1] == '\n')
            --at;
          if (at > 0 && body_[at - 1] == '\r')
            --at;
          moved = true;
        }
    }
    std::string text;
    for (const std::string& line : lines)
      text += layout_.nl + line;
    splices_.push_back(Splice{at, at, text});
  }

  void insert_before_line(uint32_t at, const std::vector<std::string>& lines,
                          bool blank_after = false) {
    const uint32_t start = static_cast<uint32_t>(line_start(body_, at));
    std::string text;
    for (const std::string& line : lines)
      text += line + layout_.nl;
    if (blank_after)
      text += layout_.nl;
    splices_.push_back(Splice{start, start, text});
  }

  std::vector<std::string> lines_of(SectionKind kind, const std::vector<DocstringEntry>& entries,
                                    const std::string& at) const {
    std::vector<std::string> lines;
    for (const DocstringEntry& entry : entries) {
      const auto more = entry_lines(doc_.style, kind, entry, types_, at, layout_.unit);
      lines.insert(lines.end(), more.begin(), more.end());
    }
    return lines;
  }

  static int order(SectionKind kind) {
    switch (kind) {
    case SectionKind::Parameters:
    case SectionKind::OtherParameters:
    case SectionKind::KeywordArguments:
      return 0;
    case SectionKind::Attributes:
      return 1;
    case SectionKind::Returns:
      return 2;
    case SectionKind::Yields:
      return 3;
    case SectionKind::Raises:
      return 4;
    default:
      return -1;
    }
  }

  bool kept(const DocstringSection& section) const {
    for (const DocstringSection* removed : removed_sections_)
      if (removed == &section)
        return false;
    return true;
  }

  // A new section of `kind` holding `entries`, placed after the sections that come before it.
  void add_section(SectionKind kind, const std::vector<DocstringEntry>& entries) {
    if (entries.empty())
      return;
    std::vector<std::string> lines =
        header_lines(doc_.style, canonical_title(doc_.style, kind), layout_.indent);
    const auto body = lines_of(kind, entries, entry_indent(doc_.style, layout_));
    lines.insert(lines.end(), body.begin(), body.end());
    const DocstringSection* before = nullptr; // The section to follow.
    const DocstringSection* after = nullptr;  // The section to precede.
    for (const DocstringSection& section : doc_.sections) {
      if (!kept(section))
        continue;
      const int o = order(section.kind);
      if (o >= 0 && o <= order(kind) && (!before || section.range.end > before->range.end))
        before = &section;
      if (o > order(kind) && (!after || section.range.start < after->range.start))
        after = &section;
    }
    if (!before && !after)
      for (const DocstringSection& section : doc_.sections)
        if (kept(section) && (!after || section.range.start < after->range.start))
          after = &section;
    const bool fields = field_style();
    if (before) {
      if (!fields)
        lines.insert(lines.begin(), std::string());
      insert_after(before->range.end, lines);
    } else if (after) {
      insert_before_line(after->range.start, lines, !fields);
    } else {
      lines.insert(lines.begin(), std::string());
      insert_after(std::max(doc_.summary_range.end, doc_.description_range.end), lines);
    }
  }

  // Parameters: removed when gone from the signature, added where the signature puts them,
  // types updated.
  void parameters() {
    const Definition* owner = &definition_;
    if (definition_.kind == DefinitionKind::Class) {
      owner = init_of(definition_, model_);
      if (!owner)
        return;
    }
    std::vector<const DocstringSection*> sections;
    std::vector<std::string> documented; // Bare names in any parameter-like section.
    for (const DocstringSection& section : doc_.sections) {
      if (section.kind == SectionKind::Parameters)
        sections.push_back(&section);
      if (section.kind == SectionKind::Parameters || section.kind == SectionKind::OtherParameters ||
          section.kind == SectionKind::KeywordArguments)
        for (const DocstringEntry& entry : section.entries)
          documented.push_back(bare_name(entry.name));
    }
    bool init_in_class = false;
    if (definition_.name == "__init__" && definition_.parent >= 0 &&
        model_.definitions[static_cast<size_t>(definition_.parent)].kind == DefinitionKind::Class)
      init_in_class = config_.docstring_init_in_class;
    const bool may_add_section = definition_.kind == DefinitionKind::Class
                                     ? config_.docstring_init_in_class
                                     : !init_in_class;
    if (sections.empty() && !may_add_section)
      return;

    bool var_keyword = false;
    std::vector<std::string> signature;
    for (const Parameter& p : owner->parameters) {
      signature.push_back(p.name);
      var_keyword |= p.kind == ParameterKind::VarKeyword;
    }
    auto in_signature = [&](const std::string& name) {
      return std::find(signature.begin(), signature.end(), name) != signature.end();
    };
    auto parameter = [&](const std::string& name) -> const Parameter* {
      for (const Parameter& p : owner->parameters)
        if (p.name == name)
          return &p;
      return nullptr;
    };
    const DocstringSection* wanted_section = want_.section(SectionKind::Parameters);
    const std::vector<DocstringEntry> wanted =
        wanted_section ? wanted_section->entries : std::vector<DocstringEntry>{};
    auto wanted_entry = [&](const std::string& name) -> const DocstringEntry* {
      for (const DocstringEntry& entry : wanted)
        if (bare_name(entry.name) == name)
          return &entry;
      return nullptr;
    };

    // Removals, and the kept entries by name.
    std::vector<std::pair<std::string, const DocstringEntry*>> kept_entries;
    std::vector<std::vector<const DocstringEntry*>> gone(sections.size());
    std::vector<size_t> gone_count(sections.size());
    for (size_t s = 0; s < sections.size(); ++s) {
      const DocstringSection* section = sections[s];
      for (size_t i = 0; i < section->entries.size();) {
        // NumPy's `x, y : int` makes entries that share their range.
        size_t j = i + 1;
        while (j < section->entries.size() &&
               section->entries[j].range.start == section->entries[i].range.start)
          ++j;
        std::vector<const DocstringEntry*> keep;
        for (size_t k = i; k < j; ++k) {
          const DocstringEntry& entry = section->entries[k];
          if (entry.name.empty() || in_signature(bare_name(entry.name)) || var_keyword)
            keep.push_back(&entry);
        }
        if (keep.empty()) {
          gone[s].push_back(&section->entries[i]);
          gone_count[s] += j - i;
        } else if (keep.size() < j - i) {
          std::string names;
          for (const DocstringEntry* entry : keep)
            names += (names.empty() ? "" : ", ") + entry->name;
          splices_.push_back(Splice{section->entries[i].name_range.start,
                                    section->entries[j - 1].name_range.end, names});
        }
        for (const DocstringEntry* entry : keep)
          kept_entries.emplace_back(bare_name(entry->name), entry);
        i = j;
      }
    }

    // Types of kept entries.
    if (types_)
      for (const auto& [name, entry] : kept_entries) {
        const Parameter* p = parameter(name);
        const DocstringEntry* expected = wanted_entry(name);
        if (!p || p->annotation.empty() || !expected || expected->type.empty())
          continue;
        if (!entry->type.empty()) {
          if (!types_agree(entry->type, expected->type))
            splices_.push_back(
                Splice{entry->type_range.start, entry->type_range.end, expected->type});
          continue;
        }
        const bool shared =
            std::count_if(kept_entries.begin(), kept_entries.end(), [&](const auto& other) {
              return other.second->range.start == entry->range.start;
            }) > 1;
        switch (doc_.style) {
        case DocstringStyle::Google:
          splices_.push_back(
              Splice{entry->name_range.end, entry->name_range.end, " (" + expected->type + ")"});
          break;
        case DocstringStyle::Numpy:
          if (!shared)
            splices_.push_back(
                Splice{entry->name_range.end, entry->name_range.end, " : " + expected->type});
          break;
        case DocstringStyle::Sphinx:
        case DocstringStyle::Epytext:
          insert_after(entry_end(*entry), {indent_of(entry->range) +
                                           (doc_.style == DocstringStyle::Sphinx ? ":" : "@") +
                                           "type " + entry->name + ": " + expected->type});
          break;
        case DocstringStyle::Pep257:
          break;
        }
      }

    // Additions, each after the documented parameter that precedes it in the signature.
    std::vector<std::pair<const DocstringEntry*, std::vector<DocstringEntry>>> groups;
    const DocstringEntry* anchor = nullptr;
    std::vector<DocstringEntry> leading; // Missing parameters before any documented one.
    for (const DocstringEntry& entry : wanted) {
      const std::string name = bare_name(entry.name);
      const auto found = std::find_if(kept_entries.begin(), kept_entries.end(),
                                      [&](const auto& e) { return e.first == name; });
      if (found != kept_entries.end()) {
        anchor = found->second;
        continue;
      }
      if (std::find(documented.begin(), documented.end(), name) != documented.end())
        continue; // Under Keyword Args or Other Parameters.
      if (!anchor) {
        leading.push_back(entry);
        continue;
      }
      if (groups.empty() || groups.back().first != anchor)
        groups.emplace_back(anchor, std::vector<DocstringEntry>{});
      groups.back().second.push_back(entry);
    }
    for (size_t s = 0; s < sections.size(); ++s) {
      const bool receives = s == 0 && !leading.empty();
      if (!field_style() && !receives && !sections[s]->entries.empty() &&
          gone_count[s] == sections[s]->entries.size()) {
        removed_sections_.push_back(sections[s]);
        remove_section(*sections[s]);
        continue;
      }
      for (const DocstringEntry* entry : gone[s])
        remove_entry(*entry);
    }
    for (const auto& [after, entries] : groups)
      insert_after(entry_end(*after),
                   lines_of(SectionKind::Parameters, entries, indent_of(after->range)));
    if (leading.empty())
      return;
    if (sections.empty()) {
      pending_.emplace_back(SectionKind::Parameters, leading);
      return;
    }
    const DocstringSection& section = *sections.front();
    if (section.entries.empty()) {
      const std::string at = doc_.style == DocstringStyle::Google
                                 ? indent_of(section.range) + layout_.unit
                                 : indent_of(section.range);
      insert_after(section.range.end, lines_of(SectionKind::Parameters, leading, at));
      return;
    }
    const DocstringEntry& first = section.entries.front();
    insert_before_line(first.range.start,
                       lines_of(SectionKind::Parameters, leading, indent_of(first.range)));
  }

  // Returns or Yields: added when the code has them, removed when it no longer has them,
  // types updated.
  void single(SectionKind kind, bool may_remove) {
    const DocstringSection* wanted = want_.section(kind);
    std::vector<const DocstringSection*> present;
    for (const DocstringSection& section : doc_.sections)
      if (section.kind == kind)
        present.push_back(&section);
    if (wanted && present.empty()) {
      pending_.emplace_back(kind, wanted->entries);
      return;
    }
    if (!wanted && !present.empty()) {
      if (!may_remove)
        return;
      for (const DocstringSection* section : present) {
        removed_sections_.push_back(section);
        if (field_style())
          for (const DocstringEntry& entry : section->entries)
            remove_entry(entry);
        else
          remove_section(*section);
      }
      return;
    }
    if (!wanted || !types_ || definition_.return_annotation.empty() || wanted->entries.empty() ||
        present.front()->entries.empty())
      return;
    const DocstringEntry& entry = present.front()->entries.front();
    const std::string& type = wanted->entries.front().type;
    if (!entry.type.empty() && !type.empty() && !types_agree(entry.type, type))
      splices_.push_back(Splice{entry.type_range.start, entry.type_range.end, type});
  }

  void raises() {
    const DocstringSection* wanted = want_.section(SectionKind::Raises);
    std::vector<const DocstringSection*> present;
    for (const DocstringSection& section : doc_.sections)
      if (section.kind == SectionKind::Raises)
        present.push_back(&section);
    // Documented exceptions stay even when the body no longer raises them: the function may
    // raise them through a callee, and an update keeps every word the user wrote (DOC502 and
    // DOC503 point such entries out instead). Only missing ones are added.
    const DocstringEntry* last_kept = nullptr;
    std::vector<const DocstringEntry*> documented;
    for (const DocstringSection* section : present)
      for (const DocstringEntry& entry : section->entries) {
        documented.push_back(&entry);
        if (!last_kept || entry_end(entry) > entry_end(*last_kept))
          last_kept = &entry;
      }
    std::vector<DocstringEntry> missing;
    if (wanted)
      for (const DocstringEntry& entry : wanted->entries) {
        const bool known = std::any_of(documented.begin(), documented.end(), [&](auto* d) {
          return same_exception(d->name, entry.name);
        });
        if (!known)
          missing.push_back(entry);
      }
    if (missing.empty())
      return;
    if (present.empty()) {
      pending_.emplace_back(SectionKind::Raises, missing);
      return;
    }
    const DocstringSection& section = *present.back();
    if (last_kept) {
      insert_after(entry_end(*last_kept),
                   lines_of(SectionKind::Raises, missing, indent_of(last_kept->range)));
    } else if (!section.entries.empty()) {
      const DocstringEntry& first = section.entries.front();
      insert_before_line(first.range.start,
                         lines_of(SectionKind::Raises, missing, indent_of(first.range)));
    } else {
      const std::string at = doc_.style == DocstringStyle::Google
                                 ? indent_of(section.range) + layout_.unit
                                 : indent_of(section.range);
      insert_after(section.range.end, lines_of(SectionKind::Raises, missing, at));
    }
  }

  // Removal ranges merged (an entry and its type field may be neighbours) into splices.
  void finish_removals() {
    std::sort(removals_.begin(), removals_.end(),
              [](ByteRange a, ByteRange b) { return a.start < b.start; });
    std::vector<ByteRange> merged;
    for (ByteRange range : removals_) {
      if (!merged.empty() && range.start <= merged.back().end)
        merged.back().end = std::max(merged.back().end, range.end);
      else
        merged.push_back(range);
    }
    for (ByteRange range : merged)
      splices_.push_back(Splice{range.start, range.end, ""});
  }

  const Snapshot& snapshot_;
  const ModuleModel& model_;
  const Definition& definition_;
  const CheckConfig& config_;
  std::string_view body_;
  ParsedDocstring doc_;
  ParsedDocstring want_;
  Layout layout_;
  bool types_ = true;
  std::vector<Splice> splices_;
  std::vector<ByteRange> removals_;
  std::vector<const DocstringSection*> removed_sections_;
  std::vector<std::pair<SectionKind, std::vector<DocstringEntry>>> pending_;
};

// ---------------------------------------------------------------------------------------------
// Conversion

bool has_equivalent(DocstringStyle target, SectionKind kind) {
  if (kind == SectionKind::Unknown)
    return false;
  if (target == DocstringStyle::Google || target == DocstringStyle::Numpy)
    return true;
  return is_list_section(kind) || kind == SectionKind::Notes || kind == SectionKind::Warnings ||
         kind == SectionKind::SeeAlso || kind == SectionKind::Todo ||
         (target == DocstringStyle::Epytext && kind == SectionKind::Examples);
}

const char* prose_field(DocstringStyle target, SectionKind kind) {
  const bool sphinx = target == DocstringStyle::Sphinx;
  switch (kind) {
  case SectionKind::Notes:
    return "note";
  case SectionKind::Warnings:
    return "warning";
  case SectionKind::SeeAlso:
    return sphinx ? "seealso" : "see";
  case SectionKind::Todo:
    return "todo";
  case SectionKind::Examples:
    return "example";
  default:
    return "";
  }
}

// A section in the target style: its lines, and whether it is a field list (Sphinx / Epytext
// fields follow each other without blank lines).
std::pair<std::vector<std::string>, bool>
converted_section(std::string_view body, DocstringStyle source, DocstringStyle target,
                  const DocstringSection& section, const Layout& layout) {
  std::vector<std::string> lines;
  const bool fields = target == DocstringStyle::Sphinx || target == DocstringStyle::Epytext;
  const bool from_headers = source == DocstringStyle::Google || source == DocstringStyle::Numpy;
  const bool to_headers = !fields;
  // A titled section neither style knows is still a titled section in the other.
  const bool titled_unknown =
      section.kind == SectionKind::Unknown && !section.title.empty() && from_headers && to_headers;
  if (!has_equivalent(target, section.kind) && !titled_unknown) {
    // Verbatim; its later lines keep their own indentation.
    std::string text(body.substr(section.range.start, section.range.end - section.range.start));
    for (std::string_view line : split_lines(text)) {
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      lines.push_back(lines.empty() ? layout.indent + std::string(line) : std::string(line));
    }
    return {lines, false};
  }
  std::string title = canonical_title(target, section.kind);
  if (from_headers && to_headers && !section.title.empty() && !(is_list_section(section.kind)))
    title = section.title;
  if (is_list_section(section.kind) && !section.entries.empty()) {
    lines = header_lines(target, title, layout.indent);
    for (const DocstringEntry& entry : section.entries) {
      const auto more =
          entry_lines(target, section.kind, entry, true, entry_indent(target, layout), layout.unit);
      lines.insert(lines.end(), more.begin(), more.end());
    }
    return {lines, fields};
  }
  if (fields && prose_field(target, section.kind)[0]) {
    const std::string lead = target == DocstringStyle::Sphinx ? ":" : "@";
    if (target == DocstringStyle::Sphinx && section.kind != SectionKind::Examples) {
      lines.push_back(layout.indent + ".. " + prose_field(target, section.kind) + "::");
      for (std::string_view line : split_lines(section.text))
        lines.push_back(line.empty() ? std::string()
                                     : layout.indent + layout.unit + std::string(line));
      return {lines, false};
    }
    const std::string marker = layout.indent + lead + prose_field(target, section.kind) + ":";
    if (section.text.find('\n') == std::string::npos) {
      add_description(lines, marker + " ", layout.indent + layout.unit, section.text);
    } else {
      // Several lines (an example session): all of them below the marker.
      lines.push_back(marker);
      for (std::string_view line : split_lines(section.text))
        lines.push_back(line.empty() ? std::string()
                                     : layout.indent + layout.unit + std::string(line));
    }
    return {lines, true};
  }
  // A title and the text below it.
  if (target == DocstringStyle::Numpy) {
    lines = header_lines(target, title, layout.indent);
    for (std::string_view line : split_lines(section.text))
      lines.push_back(line.empty() ? std::string() : layout.indent + std::string(line));
  } else {
    lines = header_lines(DocstringStyle::Google, title, layout.indent);
    for (std::string_view line : split_lines(section.text))
      lines.push_back(line.empty() ? std::string()
                                   : layout.indent + layout.unit + std::string(line));
  }
  return {lines, false};
}

} // namespace

std::optional<DocstringStyle> docstring_style_of(const Definition& definition) {
  const auto literal = literal_body(definition);
  if (!literal)
    return std::nullopt;
  return detect_style(literal->body);
}

std::optional<TextEdit> docstring_update(const Snapshot& snapshot, const ModuleModel& model,
                                         size_t index, const CheckConfig& config) {
  const Definition& definition = model.definitions.at(index);
  const auto literal = literal_body(definition);
  if (!literal || definition.touches_error)
    return std::nullopt;
  auto splices = Updater(snapshot, model, definition, config, literal->body).run();
  if (!splices || splices->empty())
    return std::nullopt;
  std::string text = apply(literal->body, std::move(*splices));
  if (text == literal->body)
    return std::nullopt;
  return TextEdit{
      ByteRange{literal->start, static_cast<uint32_t>(literal->start + literal->body.size())},
      std::move(text)};
}

bool docstring_outdated(const Snapshot& snapshot, const ModuleModel& model, size_t index,
                        const CheckConfig& config) {
  return docstring_update(snapshot, model, index, config).has_value();
}

std::optional<TextEdit> docstring_conversion(const Snapshot& snapshot, const ModuleModel& model,
                                             size_t index, const CheckConfig& config,
                                             DocstringStyle target) {
  (void)config;
  const Definition& definition = model.definitions.at(index);
  const auto literal = literal_body(definition);
  if (!literal || definition.touches_error || target == DocstringStyle::Pep257)
    return std::nullopt;
  const std::string_view body = literal->body;
  const ParsedDocstring doc = parse_docstring(body);
  if (doc.style == DocstringStyle::Pep257 || doc.style == target || doc.sections.empty() ||
      doc.summary.empty())
    return std::nullopt;
  const Layout layout = layout_of(snapshot, definition, body);
  const uint32_t head_end = std::max(doc.summary_range.end, doc.description_range.end);
  uint32_t tail_start = head_end;
  for (const DocstringSection& section : doc.sections)
    tail_start = std::max(tail_start, section.range.end);
  std::string text(body.substr(0, head_end));
  bool previous_field = false;
  for (const DocstringSection& section : doc.sections) {
    const auto [lines, field] = converted_section(body, doc.style, target, section, layout);
    if (lines.empty())
      continue;
    text += layout.nl;
    if (!(field && previous_field))
      text += layout.nl;
    text += join(lines, layout.nl);
    previous_field = field;
  }
  text += body.substr(tail_start);
  return TextEdit{ByteRange{literal->start, static_cast<uint32_t>(literal->start + body.size())},
                  std::move(text)};
}

} // namespace docent::analysis
