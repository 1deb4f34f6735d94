// The rules: complexity, missing docstrings and docstring/signature mismatches, with stable codes.
//
// `docent check` and the server's diagnostics both come from check_file(), so the codes,
// thresholds, messages and `# noqa` handling are the same everywhere.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/config.h"
#include "analysis/docstring_rules.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace docent::analysis {

struct Finding {
  std::string code;    // e.g. "C901".
  std::string message; // Says the measured number and the threshold.
  ByteRange range;     // The definition's name (module rules: the first line).
  Severity severity = Severity::Warning;
  int definition = -1; // Index into the model's definitions; -1 for module findings.
};

struct RuleInfo {
  const char* code;
  const char* summary;
};
// Every rule docent reports, in code order.
const std::vector<RuleInfo>& rules();

// The findings for one analyzed file, filtered by the config and by `# noqa` comments on the
// definition line (`# noqa` suppresses every code, `# noqa: C901,CCR001` the listed ones).
// `path` (may be empty) tells whether the module is public and a package (D100/D104).
std::vector<Finding> check_file(const FileAnalysis& analysis, const CheckConfig& config,
                                const std::string& path = {});
// The same for a module whose publicity is already known (module_file(path) looks at the
// folders around it, which a caller checking the same file on every keystroke can do once).
std::vector<Finding> check_file(const FileAnalysis& analysis, const CheckConfig& config,
                                const ModuleFile& file);

// check_file's findings by kind, each group in document order; check_file() lists them group
// after group, so a caller that keeps the findings of unchanged statements (incremental_check.h)
// can put the same list together.
struct FindingGroups {
  std::vector<Finding> module;     // E999, DCT204.
  std::vector<Finding> metrics;    // C901, CCR001, DCT201 to DCT203.
  std::vector<Finding> missing;    // D100 to D107.
  std::vector<Finding> mismatches; // DOC1xx to DOC5xx.
};
// The module's own findings (E999, DCT204; D100/D104 in `missing`).
FindingGroups check_module(const FileAnalysis& analysis, const CheckConfig& config,
                           const ModuleFile& file);
// Those of definitions [first, last), a run of whole top-level statements: what check_file()
// finds for them, which depends on their statements' text, the settings that
// same_rule_settings() compares and the module's `__all__`.
void check_definitions(const FileAnalysis& analysis, const CheckConfig& config, size_t first,
                       size_t last, FindingGroups& out);
// The groups one after the other, as check_file() returns them.
std::vector<Finding> joined(FindingGroups groups);
// True if check_definitions() finds the same under both settings.
bool same_rule_settings(const CheckConfig& a, const CheckConfig& b);

// True if a flake8-style `# noqa` comment in `line` suppresses `code`.
bool noqa_suppresses(std::string_view line, std::string_view code);

// The first `# noqa` comment of a line: the codes it lists after a colon, as [begin, end) byte
// offsets into the line; none for a bare `# noqa`, which suppresses every code.
struct NoqaComment {
  std::vector<std::pair<size_t, size_t>> codes;
};
std::optional<NoqaComment> read_noqa(std::string_view line);

} // namespace docent::analysis
