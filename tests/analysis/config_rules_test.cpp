// Settings from text and pyproject.toml, `# noqa` semantics, and rule selection.
#include "analysis/config.h"
#include "analysis/rules.h"
#include "analysis/source_file.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace docent::analysis;

namespace {

std::filesystem::path temp_folder(const std::string& name) {
  auto folder = std::filesystem::temp_directory_path() / ("docent-test-" + name);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

std::vector<std::string> codes_of(const std::string& source, const CheckConfig& config) {
  const FileAnalysis analysis = analyze(parse_snapshot(source));
  std::vector<std::string> codes;
  for (const Finding& finding : check_file(analysis, config))
    codes.push_back(finding.code);
  return codes;
}

const char* const kComplex = "\"\"\"Module.\"\"\"\n"
                             "def f(a, b, c, d, e, g):\n"
                             "    \"\"\"Nest.\"\"\"\n"
                             "    if a:\n        if b:\n            if c:\n"
                             "                if d:\n                    if e and g:\n"
                             "                        return g\n";

} // namespace

TEST_CASE("noqa follows flake8") {
  CHECK(noqa_suppresses("def f():  # noqa", "C901"));
  CHECK(noqa_suppresses("def f():  # NOQA", "C901"));
  CHECK(noqa_suppresses("def f():  # noqa: C901", "C901"));
  CHECK(noqa_suppresses("def f():  # noqa:C901,CCR001", "CCR001"));
  CHECK(noqa_suppresses("def f():  # noqa: C9", "C901"));
  CHECK_FALSE(noqa_suppresses("def f():  # noqa: E501", "C901"));
  CHECK_FALSE(noqa_suppresses("def f():  # no qa", "C901"));
  CHECK_FALSE(noqa_suppresses("def f(): pass", "C901"));
}

TEST_CASE("rules report with thresholds, select, ignore and noqa") {
  CheckConfig config;
  CHECK(codes_of(kComplex, config) == std::vector<std::string>{"CCR001", "DCT201", "DCT203"});
  config.max_parameters = 6;
  config.max_nesting_depth = 5;
  CHECK(codes_of(kComplex, config) == std::vector<std::string>{"CCR001"});
  config.max_complexity = 3;
  CHECK(codes_of(kComplex, config) == std::vector<std::string>{"C901", "CCR001"});
  config.ignore = {"CC"};
  CHECK(codes_of(kComplex, config) == std::vector<std::string>{"C901"});
  config.select = {"DCT"};
  CHECK(codes_of(kComplex, config).empty());
  CheckConfig defaults;
  std::string suppressed = kComplex;
  suppressed.insert(suppressed.find(':') + 1, "  # noqa: CCR001, DCT2");
  CHECK(codes_of(suppressed, defaults).empty());
}

TEST_CASE("a syntax error is one E999 finding and the rest is still checked") {
  CheckConfig config;
  const std::string source = std::string("def broken(:\n    pass\n\n\n") + kComplex;
  const auto codes = codes_of(source, config);
  REQUIRE(!codes.empty());
  CHECK(codes.front() == "E999");
  CHECK(std::find(codes.begin(), codes.end(), "CCR001") != codes.end());
}

TEST_CASE("settings from text are validated by key") {
  CheckConfig config;
  CHECK_FALSE(apply_setting(config, "max-complexity", "12"));
  CHECK(config.max_complexity == 12);
  auto problem = apply_setting(config, "max-complexity", "twelve");
  REQUIRE(problem);
  CHECK(problem->key == "max-complexity");
  CHECK(config.max_complexity == 12);
  CHECK(apply_setting(config, "no-such-setting", "1"));
  CHECK(apply_setting(config, "min-maintainability-rank", "D"));
  CHECK_FALSE(apply_setting(config, "severity", "C901=error, CCR001=hint"));
  CHECK(config.severity_of("C901") == Severity::Error);
  CHECK(config.severity_of("CCR001") == Severity::Hint);
  CHECK(config.severity_of("DCT201") == Severity::Warning);
  CHECK(apply_setting(config, "severity", "C901=loud"));
}

TEST_CASE("pyproject.toml: nearest file, tool.docent table, invalid values keep defaults") {
  const auto folder = temp_folder("pyproject");
  std::filesystem::create_directories(folder / "pkg" / "sub");
  std::ofstream(folder / "pyproject.toml") << "[tool.docent]\n"
                                              "max-complexity = 7\n"
                                              "max-parameters = \"many\"\n"
                                              "ignore = [\"DCT202\"]\n"
                                              "severity = { C901 = \"error\" }\n"
                                              "unknown-key = 1\n";
  const auto found = find_pyproject((folder / "pkg" / "sub").string());
  REQUIRE(found);
  CHECK(*found == (folder / "pyproject.toml").string());
  CheckConfig config;
  const auto problems = load_pyproject(*found, config);
  CHECK(config.max_complexity == 7);
  CHECK(config.max_parameters == 5);
  CHECK(config.ignore == std::vector<std::string>{"DCT202"});
  CHECK(config.severity_of("C901") == Severity::Error);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].key == "tool.docent.max-parameters");
  CHECK(problems[1].key == "tool.docent.unknown-key");
}

TEST_CASE("docstring settings: style, types, quotes, width, from text and from TOML") {
  CheckConfig config;
  CHECK_FALSE(apply_setting(config, "docstring-style", "numpy"));
  CHECK(config.docstring_style == "numpy");
  CHECK(apply_setting(config, "docstring-style", "javadoc")->key == "docstring-style");
  CHECK(config.docstring_style == "numpy");
  CHECK_FALSE(apply_setting(config, "docstring-types", "false"));
  CHECK_FALSE(config.docstring_types);
  CHECK(apply_setting(config, "docstring-types", "no"));
  CHECK_FALSE(apply_setting(config, "docstring-quote", "'''"));
  CHECK(config.docstring_quote == "'''");
  CHECK(apply_setting(config, "docstring-quote", "\""));
  CHECK_FALSE(apply_setting(config, "docstring-line-width", "72"));
  CHECK(config.docstring_line_width == 72);

  const auto folder = temp_folder("docstring-toml");
  std::ofstream(folder / "pyproject.toml")
      << "[tool.docent]\ndocstring-style = \"sphinx\"\ndocstring-types = false\n"
         "docstring-init-in-class = true\n";
  CheckConfig from_toml;
  CHECK(load_pyproject((folder / "pyproject.toml").string(), from_toml).empty());
  CHECK(from_toml.docstring_style == "sphinx");
  CHECK_FALSE(from_toml.docstring_types);
  CHECK(from_toml.docstring_init_in_class);
}

TEST_CASE("a malformed pyproject.toml is one problem, not a crash") {
  const auto folder = temp_folder("bad-toml");
  std::ofstream(folder / "pyproject.toml") << "[tool.docent\nmax-complexity = = 3\n";
  CheckConfig config;
  const auto problems = load_pyproject((folder / "pyproject.toml").string(), config);
  REQUIRE(problems.size() == 1);
  CHECK(config.max_complexity == 10);
}

TEST_CASE("source files: BOM, PEP 263 codings, invalid UTF-8") {
  auto bom = decode_source("\xEF\xBB\xBFx = 1\n");
  REQUIRE(bom.file);
  CHECK(bom.file->had_bom);
  CHECK(bom.file->text == "x = 1\n");

  auto latin = decode_source("# -*- coding: latin-1 -*-\nname = '\xE9'\n");
  REQUIRE(latin.file);
  CHECK(latin.file->encoding == "iso-8859-1");
  CHECK(latin.file->text == "# -*- coding: latin-1 -*-\nname = '\xC3\xA9'\n");

  auto second_line =
      decode_source("#!/usr/bin/python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n");
  REQUIRE(second_line.file);
  CHECK(second_line.file->text.find("\xE2\x82\xAC") != std::string::npos); // The euro sign.

  CHECK_FALSE(coding_cookie("x = 1\n# coding: latin-1\n"));

  auto unknown = decode_source("# coding: no-such-codec\nx = 1\n");
  CHECK_FALSE(unknown.file);
  CHECK(unknown.error.find("no-such-codec") != std::string::npos);

  auto invalid = decode_source("x = '\xFF'\n");
  REQUIRE(invalid.file);
  CHECK(invalid.file->invalid_utf8_at == std::optional<size_t>(5));
}
