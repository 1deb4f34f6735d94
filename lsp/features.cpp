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

json diagnostic_json(const FileAnalysis& analysis, const Finding& finding,
                     PositionEncoding encoding) {
  json item(json::value_t::object);
  item.emplace("range", range_json(analysis, finding.range, encoding));
  item.emplace("severity", lsp_severity(finding.severity));
  item.emplace("code", finding.code);
  item.emplace("source", "docent");
  item.emplace("message", finding.message);
  return item;
}

// Appends one finding's line of diagnostics_signature() to `signature`.
void append_signature(std::string& signature, const Snapshot& snapshot, const Finding& finding,
                      PositionEncoding encoding) {
  const LineIndex& lines = snapshot.lines();
  const std::string_view text = snapshot.text();
  const Position start = lines.position_of(text, finding.range.start, encoding);
  // Most ranges are a name: their end is counted from their start, not from the line's (when
  // the start is a character's first byte, counting on from it gives the same).
  const bool one_line = finding.range.start <= finding.range.end &&
                        finding.range.end <= lines.line_content_end(start.line) &&
                        (finding.range.start >= text.size() ||
                         (static_cast<unsigned char>(text[finding.range.start]) & 0xC0) != 0x80);
  const Position end =
      one_line ? Position{start.line, start.character +
                                          static_cast<uint32_t>(count_code_units(
                                              text.substr(finding.range.start,
                                                          finding.range.end - finding.range.start),
                                              encoding))}
               : lines.position_of(text, finding.range.end, encoding);
  fmt::format_to(std::back_inserter(signature), FMT_COMPILE("{}:{}:{}:{}:{}:{}:{}\n"), finding.code,
                 lsp_severity(finding.severity), start.line, start.character, end.line,
                 end.character, finding.message);
}

} // namespace

std::string diagnostics_signature(const FileAnalysis& analysis,
                                  const std::vector<Finding>& findings, PositionEncoding encoding) {
  std::string signature;
  for (const Finding& finding : findings)
    append_signature(signature, *analysis.snapshot, finding, encoding);
  return signature;
}

namespace {

// The lines of a signature: [starts[i], starts[i + 1]) is finding i's.
std::string_view signature_line(const std::string& signature, const std::vector<uint32_t>& starts,
                                size_t i) {
  return std::string_view(signature).substr(starts[i], starts[i + 1] - starts[i]);
}

} // namespace

bool DiagnosticsText::update(const FileAnalysis& analysis, const std::vector<Finding>& findings,
                             PositionEncoding encoding) {
  std::string signature;
  signature.reserve(signature_.size() + 64);
  std::vector<uint32_t> starts;
  starts.reserve(findings.size() + 1);
  for (const Finding& finding : findings) {
    starts.push_back(static_cast<uint32_t>(signature.size()));
    append_signature(signature, *analysis.snapshot, finding, encoding);
  }
  starts.push_back(static_cast<uint32_t>(signature.size()));
  if (known_ && signature == signature_)
    return false;
  // An edit changes a run of diagnostics (or shifts their lines): the ones before and after it
  // are matched in place, and only the run in between is looked up by its signature line.
  const size_t count = findings.size(), before_count = fragments_.size();
  auto same = [&](size_t now, size_t before) {
    return signature_line(signature, starts, now) == signature_line(signature_, starts_, before);
  };
  size_t front = 0;
  while (front < count && front < before_count && same(front, front))
    ++front;
  size_t back_now = count, back_before = before_count;
  while (back_now > front && back_before > front && same(back_now - 1, back_before - 1)) {
    --back_now;
    --back_before;
  }
  std::unordered_map<std::string_view, size_t> middle;
  for (size_t before = front; before < back_before; ++before)
    middle.emplace(signature_line(signature_, starts_, before), before);
  std::vector<std::string> fragments(count);
  for (size_t i = 0; i < count; ++i) {
    if (i < front) {
      fragments[i] = std::move(fragments_[i]);
    } else if (i >= back_now) {
      fragments[i] = std::move(fragments_[i - back_now + back_before]);
    } else if (auto found = middle.find(signature_line(signature, starts, i));
               found != middle.end()) {
      fragments[i] = fragments_[found->second]; // May serve twice: copied, not moved.
    } else {
      fragments[i] = diagnostic_json(analysis, findings[i], encoding)
                         .dump(-1, ' ', false, json::error_handler_t::replace);
    }
  }
  size_t size = 2 + count;
  for (const std::string& fragment : fragments)
    size += fragment.size();
  array_.clear();
  array_.reserve(size);
  array_.push_back('[');
  for (size_t i = 0; i < count; ++i) {
    if (i > 0)
      array_.push_back(',');
    array_ += fragments[i];
  }
  array_.push_back(']');
  fragments_ = std::move(fragments);
  signature_ = std::move(signature);
  starts_ = std::move(starts);
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
