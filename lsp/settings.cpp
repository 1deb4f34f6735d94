// Client settings applied through the same setting names as the CLI (see settings.h).
#include "lsp/settings.h"

#include <fmt/format.h>

namespace docent::lsp {

using analysis::ConfigProblem;
using nlohmann::json;

const std::vector<analysis::SettingInfo>& editor_settings() {
  static const std::vector<analysis::SettingInfo> settings{
      {"debounce-ms", "Milliseconds between the last edit and publishing diagnostics (0: none)"},
      {"code-lens", "Show a code lens with the complexity above each definition"},
      {"learning.enabled", "Record which suggestions you take, to learn what you want"},
      {"learning.data-directory",
       "Where the learning data is kept (default: $XDG_DATA_HOME/docent)"},
      {"learning.mode", "What the learned preferences change: off, rank (the order of code "
                        "actions) or adapt (also diagnostics and generated docstrings)"},
  };
  return settings;
}

const json& docent_section(const json& settings) {
  if (settings.is_object()) {
    const auto found = settings.find("docent");
    if (found != settings.end() && found->is_object())
      return *found;
  }
  return settings;
}

namespace {

// A JSON value as the text the CLI would take: lists comma-separated, severities CODE=level.
std::optional<std::string> setting_text(const json& value) {
  if (value.is_boolean())
    return value.get<bool>() ? "true" : "false";
  if (value.is_string())
    return value.get<std::string>();
  if (value.is_number_integer())
    return std::to_string(value.get<int64_t>());
  if (value.is_array()) {
    std::string joined;
    for (const json& item : value) {
      if (!item.is_string())
        return std::nullopt;
      joined += (joined.empty() ? "" : ",") + item.get<std::string>();
    }
    return joined;
  }
  if (value.is_object()) {
    std::string joined;
    for (const auto& [code, level] : value.items()) {
      if (!level.is_string())
        return std::nullopt;
      joined += (joined.empty() ? "" : ",") + code + "=" + level.get<std::string>();
    }
    return joined;
  }
  return std::nullopt;
}

std::optional<ConfigProblem> apply_editor_setting(const std::string& key, const json& value,
                                                  EditorSettings& editor) {
  if (key == "debounce-ms") {
    if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > 60000)
      return ConfigProblem{
          key, fmt::format("expected milliseconds from 0 to 60000, got {}", value.dump())};
    editor.debounce_ms = value.get<int>();
    return std::nullopt;
  }
  if (key == "learning.data-directory") {
    if (!value.is_string() ||
        (!value.get<std::string>().empty() && value.get<std::string>().front() != '/'))
      return ConfigProblem{key, fmt::format("expected an absolute path, got {}", value.dump())};
    editor.learning_data_directory = value.get<std::string>();
    return std::nullopt;
  }
  if (key == "learning.mode") {
    const auto mode = value.is_string()
                          ? inference::learning_mode_from_name(value.get<std::string>())
                          : std::nullopt;
    if (!mode)
      return ConfigProblem{key, fmt::format("expected off, rank or adapt, got {}", value.dump())};
    editor.learning_mode = *mode;
    return std::nullopt;
  }
  if (!value.is_boolean())
    return ConfigProblem{key, fmt::format("expected true or false, got {}", value.dump())};
  (key == "learning.enabled" ? editor.learning_enabled : editor.code_lens) = value.get<bool>();
  return std::nullopt;
}

bool is_editor_setting(const std::string& key) {
  for (const analysis::SettingInfo& setting : editor_settings())
    if (key == setting.name)
      return true;
  return false;
}

// The settings with a nested `learning` object spelled as dotted keys (`learning.enabled`),
// and `learning` as a string as `learning.mode`.
json flattened_learning(const json& section) {
  const auto nested = section.find("learning");
  if (nested == section.end() || !(nested->is_object() || nested->is_string()))
    return section;
  json flat = section;
  flat.erase("learning");
  if (nested->is_string()) {
    flat["learning.mode"] = *nested;
    return flat;
  }
  for (const auto& [key, value] : nested->items())
    flat["learning." + key] = value;
  return flat;
}

} // namespace

std::vector<ConfigProblem> apply_settings(const json& settings, analysis::CheckConfig& check,
                                          EditorSettings* editor) {
  std::vector<ConfigProblem> problems;
  const json& section = docent_section(settings);
  if (section.is_null())
    return problems;
  if (!section.is_object()) {
    problems.push_back({"settings", "expected an object of settings"});
    return problems;
  }
  const json settings_flat = flattened_learning(section);
  for (const auto& [key, value] : settings_flat.items()) {
    if (is_editor_setting(key)) {
      if (editor != nullptr)
        if (auto problem = apply_editor_setting(key, value, *editor))
          problems.push_back(*problem);
      continue;
    }
    const std::optional<std::string> text = setting_text(value);
    if (!text) {
      problems.push_back({key, fmt::format("unusable value {}", value.dump())});
      continue;
    }
    if (auto problem = analysis::apply_setting(check, key, *text))
      problems.push_back(*problem);
  }
  return problems;
}

} // namespace docent::lsp
