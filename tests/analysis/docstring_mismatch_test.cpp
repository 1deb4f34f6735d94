// Data-driven: the docstring/signature mismatch findings (DOC1xx-DOC5xx) of each fixture in
// tests/fixtures/docstring_mismatch, as `LINE:COLUMN: CODE message` in NAME.expected.
//
// A fixture's leading `# config: key = value` lines are settings applied before checking (by
// default only `select = DOC`, so that the D1xx and complexity rules stay out of the way).
#include "analysis/docstring_format.h"
#include "analysis/docstring_insert.h"
#include "analysis/rules.h"
#include "fixture_files.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace docent::analysis;

namespace {

CheckConfig fixture_config(const std::string& text) {
  CheckConfig config;
  config.select = {"DOC"};
  std::istringstream lines(text);
  constexpr std::string_view kPrefix = "# config:";
  for (std::string line; std::getline(lines, line) && line.rfind(kPrefix, 0) == 0;) {
    const std::string setting = line.substr(kPrefix.size());
    const size_t equals = setting.find('=');
    REQUIRE(equals != std::string::npos);
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(' '));
      s.erase(s.find_last_not_of(" \r") + 1);
      return s;
    };
    const auto problem =
        apply_setting(config, trim(setting.substr(0, equals)), trim(setting.substr(equals + 1)));
    REQUIRE_FALSE(problem);
  }
  return config;
}

std::string mismatch_lines(const std::filesystem::path& fixture) {
  const std::string text = docent::testing::read_file(fixture);
  const FileAnalysis analysis = analyze(parse_snapshot(text));
  std::vector<std::pair<std::pair<size_t, size_t>, std::string>> found;
  for (const Finding& finding : check_file(analysis, fixture_config(text), fixture.string())) {
    const size_t line = analysis.snapshot->lines().line_of(finding.range.start);
    const size_t column = finding.range.start - analysis.snapshot->lines().line_start(line);
    found.push_back({{line + 1, column + 1}, finding.code + " " + finding.message});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [at, what] : found)
    out += std::to_string(at.first) + ":" + std::to_string(at.second) + ": " + what + "\n";
  return out;
}

} // namespace

TEST_CASE("docstring mismatch fixtures") {
  const auto fixtures = docent::testing::python_fixtures("docstring_mismatch");
  REQUIRE(!fixtures.empty());
  for (const auto& fixture : fixtures) {
    INFO(fixture.filename().string());
    CHECK(mismatch_lines(fixture) ==
          docent::testing::read_file(docent::testing::expected_path(fixture)));
  }
}

TEST_CASE("docstrings docent writes have no mismatches") {
  // Every undocumented definition of the generation fixtures (and of these fixtures) gets the
  // docstring docent writes, in each style, with and without types and for either place of
  // `__init__`'s parameters; the result must check clean.
  std::vector<std::filesystem::path> sources =
      docent::testing::python_fixtures("docstring_format/generate");
  for (const auto& path : docent::testing::python_fixtures("docstring_rules"))
    sources.push_back(path);
  REQUIRE(!sources.empty());
  for (const auto& path : sources) {
    const std::string original = docent::testing::read_file(path);
    for (const char* style : {"google", "numpy", "sphinx", "epytext"})
      for (const bool types : {true, false})
        for (const bool init_in_class : {false, true}) {
          CheckConfig config;
          config.docstring_style = style;
          config.docstring_types = types;
          config.docstring_init_in_class = init_in_class;
          const FileAnalysis before = analyze(parse_snapshot(original));
          std::vector<TextEdit> edits;
          DocstringWriter writer(config);
          for (size_t i = 0; i < before.model.definitions.size(); ++i)
            if (auto edit = writer.document(*before.snapshot, before.model, i))
              edits.push_back(std::move(*edit));
          CHECK_FALSE(edits.empty());
          std::string text = original;
          std::sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
            return a.range.start > b.range.start;
          });
          for (const TextEdit& edit : edits)
            text.replace(edit.range.start, edit.range.end - edit.range.start, edit.text);
          config.select = {"DOC"};
          const FileAnalysis after = analyze(parse_snapshot(text));
          std::string findings;
          for (const Finding& finding : check_file(after, config))
            findings += finding.code + " " + finding.message + "\n";
          INFO(path.filename().string() << " " << style << (types ? " types" : "")
                                        << (init_in_class ? " init-in-class" : "") << "\n"
                                        << text);
          CHECK(findings.empty());
        }
  }
}
