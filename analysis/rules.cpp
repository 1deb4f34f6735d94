// Threshold rules over the metrics of a FileAnalysis, and flake8's `# noqa` semantics.
#include "analysis/rules.h"

#include "analysis/docstring_mismatch.h"

#include <cctype>
#include <iterator>

#include <fmt/format.h>

namespace docent::analysis {

const std::vector<RuleInfo>& rules() {
  static const std::vector<RuleInfo> all = {
      {"E999", "syntax error (the rest of the file is still analyzed)"},
      {"C901", "function is too complex (mccabe complexity above max-complexity)"},
      {"CCR001", "cognitive complexity above max-cognitive-complexity"},
      {"DCT201", "control flow nested deeper than max-nesting-depth"},
      {"DCT202", "function longer than max-function-length SLOC"},
      {"DCT203", "more parameters than max-parameters"},
      {"DCT204", "module maintainability index rank worse than min-maintainability-rank"},
      {"D100", "missing docstring in public module (pydocstyle)"},
      {"D101", "missing docstring in public class"},
      {"D102", "missing docstring in public method"},
      {"D103", "missing docstring in public function"},
      {"D104", "missing docstring in public package"},
      {"D105", "missing docstring in magic method"},
      {"D106", "missing docstring in public nested class"},
      {"D107", "missing docstring in __init__"},
      {"DOC101", "parameter not documented (pydoclint)"},
      {"DOC102", "documented parameter not in the signature"},
      {"DOC104", "parameters documented in a different order than the signature's"},
      {"DOC105", "documented parameter type differs from the annotation"},
      {"DOC201", "returns a value but no Returns section"},
      {"DOC202", "Returns section but no value returned"},
      {"DOC203", "documented return type differs from the annotation"},
      {"DOC301", "__init__ documented apart from the class (docstring-init-in-class)"},
      {"DOC302", "class docstring has a Returns section"},
      {"DOC303", "__init__ docstring has a Returns section"},
      {"DOC304", "class docstring documents parameters that __init__'s docstring documents"},
      {"DOC305", "class docstring has a Raises section that __init__'s docstring has"},
      {"DOC306", "class docstring has a Yields section"},
      {"DOC307", "__init__ docstring has a Yields section"},
      {"DOC402", "yields but no Yields section"},
      {"DOC403", "Yields section but nothing yielded"},
      {"DOC404", "documented yield type differs from the annotation"},
      {"DOC501", "raises but no Raises section"},
      {"DOC502", "Raises section but nothing raised"},
      {"DOC503", "raised and documented exceptions differ"},
  };
  return all;
}

namespace {

bool is_code_char(char c) {
  return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}

// Case-insensitive search for "noqa" after a '#'.
size_t find_noqa(std::string_view line) {
  for (size_t hash = line.find('#'); hash != std::string_view::npos;
       hash = line.find('#', hash + 1)) {
    size_t i = hash + 1;
    while (i < line.size() && line[i] == ' ')
      ++i;
    if (line.size() - i >= 4) {
      std::string word;
      for (size_t k = 0; k < 4; ++k)
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(line[i + k])));
      if (word == "noqa")
        return i + 4;
    }
  }
  return std::string_view::npos;
}

} // namespace

std::optional<NoqaComment> read_noqa(std::string_view line) {
  const size_t after = find_noqa(line);
  if (after == std::string_view::npos)
    return std::nullopt;
  NoqaComment comment;
  size_t i = after;
  if (i >= line.size() || line[i] != ':')
    return comment; // A bare `# noqa`.
  ++i;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == ','))
      ++i;
    size_t end = i;
    while (end < line.size() && is_code_char(line[end]))
      ++end;
    if (end == i)
      break;
    comment.codes.emplace_back(i, end);
    i = end;
  }
  return comment;
}

bool noqa_suppresses(std::string_view line, std::string_view code) {
  const std::optional<NoqaComment> comment = read_noqa(line);
  if (!comment)
    return false;
  // `# noqa:` followed by no code acts as a bare `# noqa`, as in flake8.
  if (comment->codes.empty())
    return true;
  for (const auto& [begin, end] : comment->codes) {
    const std::string_view listed = line.substr(begin, end - begin);
    if (code.substr(0, listed.size()) == listed)
      return true;
  }
  return false;
}

namespace {

class FindingCollector {
public:
  // Appends to `findings`.
  FindingCollector(const FileAnalysis& analysis, const CheckConfig& config,
                   std::vector<Finding>& findings)
      : analysis_(analysis), config_(config), findings_(findings) {}

  void add(const char* code, int definition, ByteRange range, std::string message, uint32_t line) {
    if (!config_.is_enabled(code) || suppressed(line, code))
      return;
    findings_.push_back(
        Finding{code, std::move(message), range, config_.severity_of(code), definition});
  }

private:
  bool suppressed(uint32_t line, std::string_view code) const {
    const LineIndex& lines = analysis_.snapshot->lines();
    const size_t begin = lines.line_start(line - 1);
    const size_t end = lines.line_content_end(line - 1);
    return noqa_suppresses(analysis_.snapshot->text().substr(begin, end - begin), code);
  }

  const FileAnalysis& analysis_;
  const CheckConfig& config_;
  std::vector<Finding>& findings_;
};

void check_definition(FindingCollector& out, const FileAnalysis& analysis,
                      const CheckConfig& config, int index) {
  const Definition& definition = analysis.model.definitions[index];
  const DefinitionMetrics& metrics = analysis.definitions[index];
  const uint32_t line = definition.line;
  const ByteRange at = definition.name_range;
  const std::string& name = definition.name;
  if (definition.kind == DefinitionKind::Class)
    return; // Class scores aggregate their methods, which are reported themselves.
  if (metrics.mccabe && *metrics.mccabe > config.max_complexity)
    out.add(
        "C901", index, at,
        fmt::format("'{}' is too complex ({} > {})", name, *metrics.mccabe, config.max_complexity),
        line);
  if (metrics.cognitive > config.max_cognitive_complexity)
    out.add("CCR001", index, at,
            fmt::format("'{}' has cognitive complexity {} > {}", name, metrics.cognitive,
                        config.max_cognitive_complexity),
            line);
  if (metrics.max_nesting > config.max_nesting_depth)
    out.add("DCT201", index, at,
            fmt::format("'{}' nests control flow {} deep > {}", name, metrics.max_nesting,
                        config.max_nesting_depth),
            line);
  if (metrics.sloc > config.max_function_length)
    out.add(
        "DCT202", index, at,
        fmt::format("'{}' is {} SLOC long > {}", name, metrics.sloc, config.max_function_length),
        line);
  if (metrics.params > config.max_parameters)
    out.add("DCT203", index, at,
            fmt::format("'{}' has {} parameters > {}", name, metrics.params, config.max_parameters),
            line);
}

std::string describe_syntax_error(const FileAnalysis& analysis, const SyntaxProblem& problem) {
  const std::string_view text = analysis.snapshot->text();
  if (problem.missing)
    return fmt::format("syntax error: missing {}", problem.what);
  std::string_view unexpected =
      text.substr(problem.range.start, problem.range.end - problem.range.start);
  unexpected = unexpected.substr(0, unexpected.find_first_of("\r\n"));
  if (unexpected.size() > 30)
    return fmt::format("syntax error: unexpected '{}...'", unexpected.substr(0, 30));
  return fmt::format("syntax error: unexpected '{}'", unexpected);
}

} // namespace

std::vector<Finding> check_file(const FileAnalysis& analysis, const CheckConfig& config,
                                const std::string& path) {
  return check_file(analysis, config, module_file(path));
}

std::vector<Finding> check_file(const FileAnalysis& analysis, const CheckConfig& config,
                                const ModuleFile& file) {
  FindingGroups groups = check_module(analysis, config, file);
  check_definitions(analysis, config, 0, analysis.model.definitions.size(), groups);
  return joined(std::move(groups));
}

FindingGroups check_module(const FileAnalysis& analysis, const CheckConfig& config,
                           const ModuleFile& file) {
  FindingGroups groups;
  FindingCollector out(analysis, config, groups.module);
  if (!analysis.model.errors.empty()) {
    // One finding per file, as flake8's E999: the first error is the one to fix first.
    const SyntaxProblem& first = analysis.model.errors.front();
    const uint32_t line = analysis.snapshot->lines().line_of(first.range.start) + 1;
    out.add("E999", -1, first.range, describe_syntax_error(analysis, first), line);
  }
  const ModuleMetrics& module = analysis.module;
  if (module.mi && module.mi_rank > config.min_maintainability_rank)
    out.add("DCT204", -1, ByteRange{0, 0},
            fmt::format("maintainability index {:.2f} ranks {} (worse than {})", *module.mi,
                        module.mi_rank, config.min_maintainability_rank),
            1);
  if (const std::optional<MissingDocstring> missing =
          missing_module_docstring(analysis.model, file)) {
    FindingCollector docstrings(analysis, config, groups.missing);
    docstrings.add(missing->code, -1, ByteRange{0, 0}, missing->message, 1);
  }
  return groups;
}

void check_definitions(const FileAnalysis& analysis, const CheckConfig& config, size_t first,
                       size_t last, FindingGroups& groups) {
  const ModuleModel& model = analysis.model;
  FindingCollector metrics(analysis, config, groups.metrics);
  for (size_t i = first; i < last; ++i)
    check_definition(metrics, analysis, config, static_cast<int>(i));
  FindingCollector missing(analysis, config, groups.missing);
  for (const MissingDocstring& found : missing_definition_docstrings(model, first, last)) {
    const Definition& definition = model.definitions[found.definition];
    missing.add(found.code, found.definition, definition.name_range, found.message,
                definition.line);
  }
  FindingCollector mismatches(analysis, config, groups.mismatches);
  for (DocstringMismatch& mismatch :
       docstring_mismatches(model, config.docstring_init_in_class, first, last)) {
    const Definition& definition = model.definitions[mismatch.definition];
    mismatches.add(mismatch.code, mismatch.definition, definition.name_range,
                   std::move(mismatch.message), definition.line);
  }
}

std::vector<Finding> joined(FindingGroups groups) {
  std::vector<Finding> all = std::move(groups.module);
  all.reserve(all.size() + groups.metrics.size() + groups.missing.size() +
              groups.mismatches.size());
  for (std::vector<Finding>* group : {&groups.metrics, &groups.missing, &groups.mismatches})
    std::move(group->begin(), group->end(), std::back_inserter(all));
  return all;
}

bool same_rule_settings(const CheckConfig& a, const CheckConfig& b) {
  // Every setting that check_definitions() reads, through the collector or a rule.
  return a.max_complexity == b.max_complexity &&
         a.max_cognitive_complexity == b.max_cognitive_complexity &&
         a.max_nesting_depth == b.max_nesting_depth &&
         a.max_function_length == b.max_function_length && a.max_parameters == b.max_parameters &&
         a.select == b.select && a.ignore == b.ignore && a.severity == b.severity &&
         a.docstring_init_in_class == b.docstring_init_in_class;
}

} // namespace docent::analysis
