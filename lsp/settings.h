// The server's settings: the check settings shared with the CLI and pyproject.toml, plus the
// few that only an editor needs. Names are the same kebab-case everywhere.
#pragma once

#include "analysis/config.h"
#include "inference/policy.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace docent::lsp {

struct EditorSettings {
  int debounce_ms = 0;                 // Delay between the last edit and publishing diagnostics.
  bool code_lens = false;              // One lens per definition with its complexity.
  bool learning_enabled = true;        // `learning.enabled`: record feedback.
  std::string learning_data_directory; // `learning.data-directory`; empty: the default.
  // `learning.mode` (or `learning` as a string): what the learned preferences change.
  inference::LearningMode learning_mode = inference::LearningMode::Adapt;
};

// The server-only settings with their descriptions (docs and help).
const std::vector<analysis::SettingInfo>& editor_settings();

// The settings object inside what a client sends: either the object itself or its "docent"
// member (VS Code sends a section per extension).
const nlohmann::json& docent_section(const nlohmann::json& settings);

// Applies a client settings object. Unknown keys and invalid values are returned as problems
// and leave the previous value in force. `editor` may be null when only check settings matter.
// The `learning.*` settings may also come nested, as VS Code sends dotted names:
// `{"learning": {"enabled": false}}`; `{"learning": "rank"}` is `learning.mode`.
std::vector<analysis::ConfigProblem> apply_settings(const nlohmann::json& settings,
                                                    analysis::CheckConfig& check,
                                                    EditorSettings* editor);

} // namespace docent::lsp
