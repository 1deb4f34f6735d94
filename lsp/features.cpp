// Diagnostics, hover and code lens content (see features.h).
#include "lsp/features.h"

#include "analysis/rules.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <string_view>
#include <unordered_map>

namespace docent::lsp {

using namespace docent::analysis;

json range_json(const FileAnalysis& analysis, ByteRange range, PositionEncoding encoding) {
  const Snapshot& snapshot = *analysis.snapshot;
  return to_json(Range{snapshot.lines().position_of(snapshot.text(), range.start, encoding),
                       snapshot.lines().position_of(snapshot.text(), range.end, encoding)});
}

namespace {

int lsp_severity(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return 1;
  case Severity::Warning:
    return 2;
  case Severity::Information:
    return 3;
  case Severity::Hint:
    break;
  }
  return 4;
}

// A table of (label, value) rows in Markdown or as aligned plain text.
class MetricTable {
public:
  explicit MetricTable(bool markdown) : markdown_(markdown) {}

  void row(std::string label, std::string value) {
    rows_.emplace_back(std::move(label), std::move(value));
  }

  std::string render(const std::string& title) const {
    std::string out =
        markdown_ ? fmt::format("**{}**\n\n| metric | value |\n|:--|--:|\n", title) : title + "\n";
    for (const auto& [label, value] : rows_)
      out += markdown_ ? fmt::format("| {} | {} |\n", label, value)
                       : fmt::format("  {:<20} {}\n", label, value);
    return out;
  }

private:
  bool markdown_;
  std::vector<std::pair<std::string, std::string>> rows_;
};

std::string definition_hover(const Definition& definition, const DefinitionMetrics& metrics,
                             bool markdown) {
  MetricTable table(markdown);
  table.row("cyclomatic", fmt::format("{} ({})", metrics.cyclomatic, metrics.rank));
  if (metrics.mccabe)
    table.row("mccabe", std::to_string(*metrics.mccabe));
  table.row("cognitive", std::to_string(metrics.cognitive));
  table.row("max nesting", std::to_string(metrics.max_nesting));
  if (definition.kind != DefinitionKind::Class)
    table.row("parameters", std::to_string(metrics.params));
  table.row("SLOC", std::to_string(metrics.sloc));
  table.row("Halstead volume", fmt::format("{:.1f}", metrics.halstead.volume));
  table.row("Halstead difficulty", fmt::format("{:.1f}", metrics.halstead.difficulty));
  table.row("Halstead effort", fmt::format("{:.1f}", metrics.halstead.effort));
  table.row("docstring", definition.docstring ? "yes" : "no");
  const std::string title =
      markdown ? fmt::format("{} `{}`", to_string(definition.kind), definition.qualname)
               : fmt::format("{} {}", to_string(definition.kind), definition.qualname);
  return table.render(title);
}

std::string module_hover(const FileAnalysis& analysis, bool markdown) {
  const ModuleMetrics& module = analysis.module;
  MetricTable table(markdown);
  if (module.mi)
    table.row("maintainability", fmt::format("{:.2f} ({})", *module.mi, module.mi_rank));
  else
    table.row("maintainability", "unknown (the file does not tokenize)");
  if (module.raw) {
    const RawMetrics& raw = *module.raw;
    table.row("LOC", std::to_string(raw.loc));
    table.row("SLOC", std::to_string(raw.sloc));
    table.row("LLOC", std::to_string(raw.lloc));
    table.row("comments", std::to_string(raw.comments));
    table.row("multi-line strings", std::to_string(raw.multi));
    table.row("blank", std::to_string(raw.blank));
  }
  int classes = 0, functions = 0, methods = 0;
  for (const Definition& definition : analysis.model.definitions) {
    classes += definition.kind == DefinitionKind::Class;
    functions += definition.kind == DefinitionKind::Function;
    methods += definition.kind == DefinitionKind::Method;
  }
  table.row("classes", std::to_string(classes));
  table.row("functions", std::to_string(functions));
  table.row("methods", std::to_string(methods));
  table.row("total complexity", std::to_string(module.cyclomatic_total));
  return table.render("module");
}

bool contains(ByteRange range, size_t offset) {
  return range.start <= offset && offset <= range.end;
}

// The innermost definition whose name, or whose keywords before the name, hold `offset`.
int definition_at(const FileAnalysis& analysis, size_t offset) {
  int found = -1;
  const std::vector<Definition>& definitions = analysis.model.definitions;
  for (size_t i = 0; i < definitions.size(); ++i) {
    const Definition& definition = definitions[i];
    if (offset < definition.definition.start)
      break; // Definitions are in document order.
    if (contains(ByteRange{definition.definition.start, definition.name_range.end}, offset))
      found = static_cast<int>(i);
  }
  return found;
}

json markup(const std::string& text, bool markdown) {
  return json{{"kind", markdown ? "markdown" : "plaintext"}, {"value", text}};
}

} // namespace

namespace {

// Where a finding stands: its bytes, as LSP positions, and where its first line begins.
struct Placement {
  ByteRange bytes;
  Position start, end;
  uint32_t line_begin = 0;
};

Placement placement(const Snapshot& snapshot, ByteRange range, PositionEncoding encoding) {
  const LineIndex& lines = snapshot.lines();
  const std::string_view text = snapshot.text();
  Placement placed;
  placed.bytes = range;
  placed.start = lines.position_of(text, range.start, encoding);
  placed.line_begin = static_cast<uint32_t>(lines.line_start(placed.start.line));
  // Most ranges are a name: their end is counted from their start, not from the line's (when
  // the start is a character's first byte, counting on from it gives the same).
  const bool one_line = range.start <= range.end &&
                        range.end <= lines.line_content_end(placed.start.line) &&
                        (range.start >= text.size() ||
                         (static_cast<unsigned char>(text[range.start]) & 0xC0) != 0x80);
  if (!one_line) {
    placed.end = lines.position_of(text, range.end, encoding);
    return placed;
  }
  const size_t units =
      count_code_units(text.substr(range.start, range.end - range.start), encoding);
  placed.end = Position{placed.start.line, placed.start.character + static_cast<uint32_t>(units)};
  return placed;
}

// `was`, a placement in the text the document had at `span.from`, moved to its text now
// (`now`, `line_delta` lines more than then, `size` bytes long), if the edits between left
// untouched every byte from the line break before its first line to the byte after its end
// (what decides a line break and a position); else nullopt.
std::optional<Placement> moved_placement(const Placement& was, ByteRange now,
                                         const Snapshot::EditedSpan& span, size_t size_before,
                                         size_t size, int64_t line_delta) {
  if (now.end < span.prefix && was.bytes.start == now.start && was.bytes.end == now.end)
    return was; // Before every edit.
  const int64_t byte_delta = static_cast<int64_t>(size) - static_cast<int64_t>(size_before);
  if (now.start < size - span.suffix || was.line_begin <= size_before - span.suffix ||
      was.bytes.start + byte_delta != now.start || was.bytes.end + byte_delta != now.end)
    return std::nullopt;
  Placement moved = was; // After every edit, on lines that only moved.
  moved.bytes = now;
  moved.line_begin = static_cast<uint32_t>(was.line_begin + byte_delta);
  moved.start.line = static_cast<uint32_t>(was.start.line + line_delta);
  moved.end.line = static_cast<uint32_t>(was.end.line + line_delta);
  return moved;
}

size_t mix(size_t seed, size_t value) {
  return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

} // namespace

struct DiagnosticsText::Shown {
  std::string code;
  std::string message;
  Placement place;
  int severity = 0;
  size_t hash = 0;  // Of what the client sees: code, message, positions, severity.
  std::string text; // The LSP diagnostic, serialized.

  Shown() = default;
  Shown(const Finding& finding, const Placement& at)
      : code(finding.code), message(finding.message), place(at),
        severity(lsp_severity(finding.severity)) {
    hash = mix(std::hash<std::string_view>()(code), std::hash<std::string_view>()(message));
    for (const uint32_t number : {place.start.line, place.start.character, place.end.line,
                                  place.end.character, static_cast<uint32_t>(severity)})
      hash = mix(hash, number);
  }

  std::string serialize() const {
    json item(json::value_t::object);
    item.emplace("range", to_json(Range{place.start, place.end}));
    item.emplace("severity", severity);
    item.emplace("code", code);
    item.emplace("source", "docent");
    item.emplace("message", message);
    return item.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  // Whether `finding`, standing at `at`, is this diagnostic.
  bool is(const Finding& finding, const Placement& at) const {
    return at.start == place.start && at.end == place.end &&
           severity == lsp_severity(finding.severity) && code == finding.code &&
           message == finding.message;
  }
};

DiagnosticsText::DiagnosticsText() = default;
DiagnosticsText::~DiagnosticsText() = default;
DiagnosticsText::DiagnosticsText(DiagnosticsText&&) noexcept = default;
DiagnosticsText& DiagnosticsText::operator=(DiagnosticsText&&) noexcept = default;

bool DiagnosticsText::update(const FileAnalysis& analysis, const std::vector<Finding>& findings,
                             PositionEncoding encoding) {
  const Snapshot& snapshot = *analysis.snapshot;
  const size_t count = findings.size(), before_count = shown_.size();
  // Where each finding stands. The diagnostics last sent were placed in the text the document
  // had at snapshot_id_: where the edits since then left a diagnostic's lines untouched, its
  // place is known without counting (the commonest keystroke changes one statement).
  const std::optional<Snapshot::EditedSpan>& span = snapshot.edited();
  const bool follows =
      known_ && span && snapshot_id_ != 0 && span->from == snapshot_id_ && encoding == encoding_;
  const int64_t line_delta =
      static_cast<int64_t>(snapshot.lines().line_count()) - static_cast<int64_t>(line_count_);
  std::vector<Placement> ranges;
  ranges.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::optional<Placement> moved;
    if (follows && i < before_count)
      moved = moved_placement(shown_[i].place, findings[i].range, *span, text_size_,
                              snapshot.text().size(), line_delta);
    ranges.push_back(moved ? *moved : placement(snapshot, findings[i].range, encoding));
  }
  snapshot_id_ = snapshot.id();
  text_size_ = snapshot.text().size();
  line_count_ = snapshot.lines().line_count();
  encoding_ = encoding;
  const auto same = [&](size_t now, size_t before) {
    return shown_[before].is(findings[now], ranges[now]);
  };
  // An edit changes a run of diagnostics (or shifts their lines): the ones before and after it
  // are matched in place, and only the run in between is looked up.
  size_t front = 0;
  while (front < count && front < before_count && same(front, front))
    ++front;
  if (known_ && front == count && count == before_count) {
    for (size_t i = 0; i < count; ++i)
      shown_[i].place = ranges[i]; // The same positions; the bytes may have moved.
    return false;                  // The commonest keystroke: nothing the client sees changed.
  }
  size_t back_now = count, back_before = before_count;
  while (back_now > front && back_before > front && same(back_now - 1, back_before - 1)) {
    --back_now;
    --back_before;
  }
  std::unordered_multimap<size_t, size_t> middle; // By hash, the run the edit replaced.
  for (size_t before = front; before < back_before; ++before)
    middle.emplace(shown_[before].hash, before);
  // The JSON of a diagnostic of that run that the client saw before, if any.
  const auto reusable = [&](size_t i, const Shown& item) -> const std::string* {
    const auto [first, last] = middle.equal_range(item.hash);
    for (auto it = first; it != last; ++it)
      if (shown_[it->second].is(findings[i], ranges[i]))
        return &shown_[it->second].text;
    return nullptr;
  };
  std::vector<Shown> shown(count);
  for (size_t i = 0; i < count; ++i) {
    if (i < front || i >= back_now) {
      shown[i] = std::move(shown_[i < front ? i : i - back_now + back_before]);
      shown[i].place = ranges[i];
      continue;
    }
    shown[i] = Shown(findings[i], ranges[i]);
    const std::string* seen = reusable(i, shown[i]);
    shown[i].text = seen != nullptr ? *seen : shown[i].serialize(); // Seen may serve twice.
  }
  size_t size = 2 + count;
  for (const Shown& item : shown)
    size += item.text.size();
  array_.clear();
  array_.reserve(size);
  array_.push_back('[');
  content_hash_ = count;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0)
      array_.push_back(',');
    array_ += shown[i].text;
    content_hash_ = mix(content_hash_, shown[i].hash);
  }
  array_.push_back(']');
  shown_ = std::move(shown);
  known_ = true;
  return true;
}

std::optional<json> hover_json(const FileAnalysis& analysis, size_t offset,
                               PositionEncoding encoding, bool markdown) {
  const int index = definition_at(analysis, offset);
  if (index >= 0) {
    const Definition& definition = analysis.model.definitions[index];
    return json{
        {"contents",
         markup(definition_hover(definition, analysis.definitions[index], markdown), markdown)},
        {"range", range_json(analysis, definition.name_range, encoding)}};
  }
  const Snapshot& snapshot = *analysis.snapshot;
  const bool on_first_line = snapshot.lines().line_of(offset) == 0;
  const std::optional<Docstring>& docstring = analysis.model.docstring;
  if (on_first_line || (docstring && contains(docstring->range, offset)))
    return json{{"contents", markup(module_hover(analysis, markdown), markdown)}};
  return std::nullopt;
}

json code_lenses_json(const FileAnalysis& analysis, PositionEncoding encoding) {
  json lenses = json::array();
  for (size_t i = 0; i < analysis.model.definitions.size(); ++i) {
    const Definition& definition = analysis.model.definitions[i];
    const DefinitionMetrics& metrics = analysis.definitions[i];
    const std::string title = fmt::format("cc {} ({}) \u00b7 cognitive {}", metrics.cyclomatic,
                                          metrics.rank, metrics.cognitive);
    lenses.push_back(json{{"range", range_json(analysis, definition.name_range, encoding)},
                          {"command", {{"title", title}, {"command", ""}}}});
  }
  return lenses;
}

} // namespace docent::lsp
