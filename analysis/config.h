// Settings of the checks: thresholds, selected codes, severities, excludes.
//
// One struct serves the CLI, `pyproject.toml` and (later) the server, with the same setting
// names everywhere (kebab-case, as ruff and flake8 spell theirs).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace docent::analysis {

enum class Severity { Error, Warning, Information, Hint };
const char* to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

struct CheckConfig {
  int max_complexity = 10;             // C901: mccabe complexity above this.
  int max_cognitive_complexity = 15;   // CCR001: cognitive complexity above this (Sonar's default).
  int max_nesting_depth = 4;           // DCT201: control-flow nesting deeper than this.
  int max_function_length = 60;        // DCT202: function SLOC above this.
  int max_parameters = 5;              // DCT203: parameters above this (pylint's max-args).
  char min_maintainability_rank = 'B'; // DCT204: module MI rank worse than this (A best).
  std::vector<std::string> select;     // Code prefixes to report; empty means all.
  std::vector<std::string> ignore;     // Code prefixes never reported.
  std::vector<std::string> exclude;    // fnmatch patterns of files and folders to skip.
  std::map<std::string, Severity, std::less<>> severity; // Per code; others are warnings.
  // The docstrings docent writes (docs/docstrings.md).
  std::string docstring_style = "google"; // google, numpy, sphinx, epytext or pep257.
  bool docstring_types = true;            // Types in the docstring (from annotations, defaults).
  std::string docstring_quote = "\"\"\""; // """ or '''.
  int docstring_line_width = 88;          // Wrap descriptions at this column.
  bool docstring_init_in_class = false;   // __init__'s parameters in the class docstring.
  std::string docstring_template;         // A mustache template file to write them from instead.

  bool is_enabled(std::string_view code) const;
  Severity severity_of(std::string_view code) const;
};

// A setting that could not be used; the default stays in force.
struct ConfigProblem {
  std::string key;
  std::string message;
};

// A setting as text (from a command-line flag or a client), applied by its name.
// Returns a problem if the name is unknown or the value invalid; the config is then unchanged.
std::optional<ConfigProblem> apply_setting(CheckConfig& config, std::string_view key,
                                           std::string_view value);

// The nearest `pyproject.toml` at or above `start` (a file or folder), if any.
std::optional<std::string> find_pyproject(const std::string& start);

// Reads `[tool.docent]` of a pyproject.toml into `config`. Invalid values are reported by key
// and leave the defaults in place; an unreadable or malformed file is one problem.
std::vector<ConfigProblem> load_pyproject(const std::string& path, CheckConfig& config);

// Every setting name with its description, for help texts and docs.
struct SettingInfo {
  const char* name;
  const char* description;
};
const std::vector<SettingInfo>& check_settings();

} // namespace docent::analysis
