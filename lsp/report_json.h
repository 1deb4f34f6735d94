// JSON forms of analysis results, shared by `docent metrics`, `docent check --format json` and
// (later) the server. The only place that turns analysis values into JSON.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/rules.h"

#include <nlohmann/json.hpp>

namespace docent::lsp {

using Json = nlohmann::ordered_json;

Json halstead_json(const analysis::HalsteadReport& report);
// One object per definition, in the `docent metrics` schema (docs/cli.md).
Json definition_json(const std::string& path, const analysis::FileAnalysis& analysis, size_t index);
Json module_json(const std::string& path, const analysis::FileAnalysis& analysis);
Json error_json(const std::string& path, const std::string& reason);

// 1-based line and column (in characters) of a byte offset, as linters print them.
struct TextLocation {
  uint32_t row = 1;
  uint32_t column = 1;
};
TextLocation text_location(const analysis::Snapshot& snapshot, uint32_t offset);

Json finding_json(const std::string& path, const analysis::Snapshot& snapshot,
                  const analysis::Finding& finding);

} // namespace docent::lsp
