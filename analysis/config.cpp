// Parsing and validating check settings from text and from pyproject.toml (toml++).
#include "analysis/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <sstream>

#include <toml++/toml.h>

namespace docent::analysis {

const char* to_string(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Information:
    return "information";
  case Severity::Hint:
    return "hint";
  }
  return "warning";
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "error")
    return Severity::Error;
  if (text == "warning")
    return Severity::Warning;
  if (text == "information" || text == "info")
    return Severity::Information;
  if (text == "hint")
    return Severity::Hint;
  return std::nullopt;
}

namespace {

bool has_prefix_in(const std::vector<std::string>& prefixes, std::string_view code) {
  return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& prefix) {
    return code.substr(0, prefix.size()) == prefix;
  });
}

std::optional<int> parse_positive_int(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0)
    return std::nullopt;
  return value;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::string item;
  for (char c : text) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!item.empty())
        items.push_back(std::move(item));
      item.clear();
    } else {
      item += c;
    }
  }
  if (!item.empty())
    items.push_back(std::move(item));
  return items;
}

using IntSetting = int CheckConfig::*;
struct IntSettingInfo {
  const char* name;
  IntSetting member;
};
constexpr IntSettingInfo kIntSettings[] = {
    {"max-complexity", &CheckConfig::max_complexity},
    {"max-cognitive-complexity", &CheckConfig::max_cognitive_complexity},
    {"max-nesting-depth", &CheckConfig::max_nesting_depth},
    {"max-function-length", &CheckConfig::max_function_length},
    {"max-parameters", &CheckConfig::max_parameters},
    {"docstring-line-width", &CheckConfig::docstring_line_width},
};

using BoolSetting = bool CheckConfig::*;
struct BoolSettingInfo {
  const char* name;
  BoolSetting member;
};
constexpr BoolSettingInfo kBoolSettings[] = {
    {"docstring-types", &CheckConfig::docstring_types},
    {"docstring-init-in-class", &CheckConfig::docstring_init_in_class},
};

constexpr const char* kDocstringStyles[] = {"google", "numpy", "sphinx", "epytext", "pep257"};

using ListSetting = std::vector<std::string> CheckConfig::*;
struct ListSettingInfo {
  const char* name;
  ListSetting member;
};
constexpr ListSettingInfo kListSettings[] = {
    {"select", &CheckConfig::select},
    {"ignore", &CheckConfig::ignore},
    {"exclude", &CheckConfig::exclude},
};

ConfigProblem problem(std::string_view key, std::string message) {
  return ConfigProblem{std::string(key), std::move(message)};
}

std::optional<ConfigProblem> apply_severity(CheckConfig& config, std::string_view key,
                                            std::string_view value) {
  // "C901=error,CCR001=hint"
  std::map<std::string, Severity> parsed;
  for (const std::string& entry : split_list(value)) {
    const size_t equals = entry.find('=');
    const std::optional<Severity> severity =
        equals == std::string::npos ? std::nullopt
                                    : parse_severity(std::string_view(entry).substr(equals + 1));
    if (!severity)
      return problem(key, "expected CODE=error|warning|information|hint, got '" + entry + "'");
    parsed[entry.substr(0, equals)] = *severity;
  }
  for (auto& [code, severity] : parsed)
    config.severity[code] = severity;
  return std::nullopt;
}

} // namespace

bool CheckConfig::is_enabled(std::string_view code) const {
  if (has_prefix_in(ignore, code))
    return false;
  return select.empty() || has_prefix_in(select, code);
}

Severity CheckConfig::severity_of(std::string_view code) const {
  auto found = severity.find(code);
  return found == severity.end() ? Severity::Warning : found->second;
}

std::optional<ConfigProblem> apply_setting(CheckConfig& config, std::string_view key,
                                           std::string_view value) {
  for (const IntSettingInfo& setting : kIntSettings) {
    if (key != setting.name)
      continue;
    std::optional<int> number = parse_positive_int(value);
    if (!number)
      return problem(key, "expected a non-negative integer, got '" + std::string(value) + "'");
    config.*setting.member = *number;
    return std::nullopt;
  }
  for (const ListSettingInfo& setting : kListSettings) {
    if (key == setting.name) {
      config.*setting.member = split_list(value);
      return std::nullopt;
    }
  }
  for (const BoolSettingInfo& setting : kBoolSettings) {
    if (key != setting.name)
      continue;
    if (value != "true" && value != "false")
      return problem(key, "expected true or false, got '" + std::string(value) + "'");
    config.*setting.member = value == "true";
    return std::nullopt;
  }
  if (key == "docstring-style") {
    for (const char* style : kDocstringStyles)
      if (value == style) {
        config.docstring_style = style;
        return std::nullopt;
      }
    return problem(key, "expected google, numpy, sphinx, epytext or pep257, got '" +
                            std::string(value) + "'");
  }
  if (key == "docstring-template") {
    config.docstring_template = std::string(value);
    return std::nullopt;
  }
  if (key == "docstring-quote") {
    if (value != "\"\"\"" && value != "'''")
      return problem(key, "expected \"\"\" or ''', got '" + std::string(value) + "'");
    config.docstring_quote = std::string(value);
    return std::nullopt;
  }
  if (key == "min-maintainability-rank") {
    if (value.size() != 1 || value[0] < 'A' || value[0] > 'C')
      return problem(key, "expected A, B or C, got '" + std::string(value) + "'");
    config.min_maintainability_rank = value[0];
    return std::nullopt;
  }
  if (key == "severity")
    return apply_severity(config, key, value);
  return problem(key, "unknown setting");
}

std::optional<std::string> find_pyproject(const std::string& start) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path folder = fs::absolute(start, error);
  if (error)
    return std::nullopt;
  if (!fs::is_directory(folder, error))
    folder = folder.parent_path();
  for (; !folder.empty(); folder = folder.parent_path()) {
    const fs::path candidate = folder / "pyproject.toml";
    if (fs::is_regular_file(candidate, error))
      return candidate.string();
    if (folder == folder.root_path())
      break;
  }
  return std::nullopt;
}

namespace {

// A TOML value as the text apply_setting() takes: lists joined by commas, tables of
// severities as CODE=level pairs.
std::optional<std::string> toml_value_as_text(const toml::node& node) {
  if (node.is_boolean())
    return node.value<bool>().value_or(false) ? "true" : "false";
  if (auto value = node.value<int64_t>())
    return std::to_string(*value);
  if (auto value = node.value<std::string>())
    return *value;
  if (const toml::array* array = node.as_array()) {
    std::string joined;
    for (const toml::node& item : *array) {
      auto text = item.value<std::string>();
      if (!text)
        return std::nullopt;
      joined += (joined.empty() ? "" : ",") + *text;
    }
    return joined;
  }
  if (const toml::table* table = node.as_table()) {
    std::string joined;
    for (auto&& [code, level] : *table) {
      auto text = level.value<std::string>();
      if (!text)
        return std::nullopt;
      joined += (joined.empty() ? "" : ",") + std::string(code.str()) + "=" + *text;
    }
    return joined;
  }
  return std::nullopt;
}

} // namespace

std::vector<ConfigProblem> load_pyproject(const std::string& path, CheckConfig& config) {
  std::vector<ConfigProblem> problems;
  toml::table document;
  try {
    document = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    std::ostringstream message;
    message << path << ":" << error.source().begin.line << ": " << error.description();
    problems.push_back(problem("pyproject.toml", message.str()));
    return problems;
  }
  const toml::table* settings = document["tool"]["docent"].as_table();
  if (settings == nullptr)
    return problems;
  for (auto&& [key, value] : *settings) {
    std::optional<std::string> text = toml_value_as_text(value);
    if (text && key.str() == "docstring-template" && !text->empty() &&
        std::filesystem::path(*text).is_relative())
      text = (std::filesystem::path(path).parent_path() / *text).lexically_normal().string();
    std::optional<ConfigProblem> found = text ? apply_setting(config, key.str(), *text)
                                              : problem(key.str(), "unsupported value type");
    if (found) {
      found->key = "tool.docent." + found->key;
      problems.push_back(std::move(*found));
    }
  }
  return problems;
}

const std::vector<SettingInfo>& check_settings() {
  static const std::vector<SettingInfo> settings = {
      {"max-complexity", "C901: report functions whose mccabe complexity exceeds this (10)"},
      {"max-cognitive-complexity", "CCR001: report cognitive complexity above this (15)"},
      {"max-nesting-depth", "DCT201: report control flow nested deeper than this (4)"},
      {"max-function-length", "DCT202: report functions longer than this many SLOC (60)"},
      {"max-parameters", "DCT203: report functions with more parameters than this (5)"},
      {"min-maintainability-rank", "DCT204: report modules whose MI rank is worse (B)"},
      {"select", "codes or prefixes to report (all)"},
      {"ignore", "codes or prefixes never to report"},
      {"exclude", "fnmatch patterns of files and folders to skip"},
      {"severity", "per-code severity, e.g. C901=error (warning)"},
      {"docstring-style", "style of the docstrings docent writes: google, numpy, sphinx, "
                          "epytext or pep257 (google)"},
      {"docstring-types", "write types in docstrings, from annotations or defaults (true)"},
      {"docstring-quote", "quotes of the docstrings docent writes: \"\"\" or ''' (\"\"\")"},
      {"docstring-line-width", "wrap docstring lines at this column (88)"},
      {"docstring-init-in-class",
       "document __init__'s parameters in the class docstring, not in __init__'s (false)"},
      {"docstring-template", "a mustache template file for docstrings, autoDocstring's tags "
                             "(relative to the pyproject.toml that sets it)"},
  };
  return settings;
}

} // namespace docent::analysis
