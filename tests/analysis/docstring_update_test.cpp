// Updating docstrings to match their definitions and converting them between styles.
// Data-driven: tests/fixtures/docstring_update/NAME.py holds definitions with outdated
// docstrings; NAME.expected is the file with every update edit applied.
// tests/fixtures/docstring_convert/NAME.py is converted to each structured style in
// NAME.<style>.expected. Set DOCENT_UPDATE_FIXTURES=1 to rewrite the expected files, then review
// the difference.
#include "analysis/docstring_update.h"
#include "fixture_files.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>

using namespace docent::analysis;

namespace {

void compare_or_update(const std::filesystem::path& expected, const std::string& actual) {
  INFO(expected.filename().string());
  CHECK(actual == docent::testing::expected_text(expected, actual));
}

// `source` with the edit `make` gives for each definition applied.
std::string
apply_all(const std::string& source,
          const std::function<std::optional<TextEdit>(const Snapshot&, const ModuleModel&, size_t)>&
              make) {
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  std::vector<TextEdit> edits;
  for (size_t i = 0; i < model.definitions.size(); ++i)
    if (auto edit = make(*snapshot, model, i))
      edits.push_back(std::move(*edit));
  std::sort(edits.begin(), edits.end(),
            [](const TextEdit& a, const TextEdit& b) { return a.range.start > b.range.start; });
  std::string out = source;
  for (const TextEdit& edit : edits)
    out.replace(edit.range.start, edit.range.end - edit.range.start, edit.text);
  return out;
}

std::string updated(const std::string& source, const CheckConfig& config = CheckConfig{}) {
  return apply_all(source, [&](const Snapshot& s, const ModuleModel& m, size_t i) {
    return docstring_update(s, m, i, config);
  });
}

std::string converted(const std::string& source, DocstringStyle target) {
  return apply_all(source, [&](const Snapshot& s, const ModuleModel& m, size_t i) {
    return docstring_conversion(s, m, i, CheckConfig{}, target);
  });
}

std::string_view body_of(const Docstring& docstring) {
  const size_t open = docstring.prefix.size() + docstring.quote.size();
  return std::string_view(docstring.raw)
      .substr(open, docstring.raw.size() - open - docstring.quote.size());
}

std::string_view text_of(std::string_view body, ByteRange range) {
  return body.substr(range.start, range.end - range.start);
}

// Docstring bodies by qualified name.
std::map<std::string, std::string> bodies(const std::string& source) {
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  std::map<std::string, std::string> out;
  for (const Definition& definition : model.definitions)
    if (definition.docstring)
      out[definition.qualname] = std::string(body_of(*definition.docstring));
  return out;
}

// The content a conversion must keep: every entry and prose section, without layout.
std::string content_of(std::string_view body) {
  const ParsedDocstring parsed = parse_docstring(body);
  std::string out = "summary " + parsed.summary + "\ndescription " + parsed.description + "\n";
  for (const DocstringSection& section : parsed.sections) {
    out += std::string("section ") + to_string(section.kind) + "\n";
    if (is_list_section(section.kind))
      for (const DocstringEntry& entry : section.entries)
        out += "  " + entry.name + " | " + entry.type + " | " + entry.description + "\n";
    else
      out += "  " + section.text + "\n";
  }
  return out;
}

} // namespace

TEST_CASE("update fixtures: every outdated docstring updated in its own style") {
  for (const auto& fixture : docent::testing::python_fixtures("docstring_update")) {
    INFO(fixture.filename().string());
    const std::string source = docent::testing::read_file(fixture);
    const std::string result = updated(source);
    compare_or_update(docent::testing::expected_path(fixture), result);
    // The result parses without errors, and is up to date: a second update changes nothing.
    auto snapshot = parse_snapshot(result);
    CHECK(build_module_model(*snapshot).errors.empty());
    CHECK(updated(result) == result);
  }
}

TEST_CASE("update keeps the user's prose byte for byte") {
  for (const auto& fixture : docent::testing::python_fixtures("docstring_update")) {
    INFO(fixture.filename().string());
    const std::string source = docent::testing::read_file(fixture);
    const auto before = bodies(source);
    const auto after = bodies(updated(source));
    for (const auto& [qualname, body] : before) {
      INFO(qualname);
      REQUIRE(after.count(qualname) == 1);
      const std::string& now = after.at(qualname);
      const ParsedDocstring old = parse_docstring(body);
      const ParsedDocstring current = parse_docstring(now);
      // Everything up to the first section is untouched.
      const uint32_t head = std::max(old.summary_range.end, old.description_range.end);
      CHECK(now.substr(0, head) == body.substr(0, head));
      for (const DocstringSection& section : old.sections) {
        if (!is_list_section(section.kind)) {
          CHECK(now.find(text_of(body, section.range)) != std::string::npos);
          continue;
        }
        for (const DocstringEntry& entry : section.entries) {
          // A kept entry keeps its description's bytes.
          const bool kept = std::any_of(
              current.sections.begin(), current.sections.end(), [&](const DocstringSection& s) {
                return s.kind == section.kind &&
                       std::any_of(s.entries.begin(), s.entries.end(), [&](const auto& e) {
                         return e.name == entry.name && e.description == entry.description;
                       });
              });
          if (kept)
            CHECK(now.find(text_of(body, entry.description_range)) != std::string::npos);
        }
      }
    }
  }
}

TEST_CASE("update: the odd spacing of a description survives exactly") {
  const std::string source = "def f(a, b):\n"
                             "    \"\"\"Sum  up.\n"
                             "\n"
                             "    Weird   spacing\n"
                             "         here.\n"
                             "\n"
                             "    Args:\n"
                             "        a:   Two   spaces.\n"
                             "    \"\"\"\n";
  const std::string result = updated(source);
  CHECK(result == "def f(a, b):\n"
                  "    \"\"\"Sum  up.\n"
                  "\n"
                  "    Weird   spacing\n"
                  "         here.\n"
                  "\n"
                  "    Args:\n"
                  "        a:   Two   spaces.\n"
                  "        b: TODO: describe b.\n"
                  "    \"\"\"\n");
}

TEST_CASE("update: nothing to do gives no edit") {
  const std::string source = "def f(a: int) -> int:\n"
                             "    \"\"\"F.\n\n    Args:\n        a (int): A.\n\n"
                             "    Returns:\n        int: A.\n    \"\"\"\n"
                             "    return a\n"
                             "def g(a):\n    \"\"\"Only a summary.\"\"\"\n"
                             "def h(a):\n    pass\n";
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  for (size_t i = 0; i < model.definitions.size(); ++i) {
    CHECK_FALSE(docstring_update(*snapshot, model, i, CheckConfig{}));
    CHECK_FALSE(docstring_outdated(*snapshot, model, i, CheckConfig{}));
  }
}

TEST_CASE("update: types are added only where the docstring has types") {
  const std::string source = "def f(a: int, b: str):\n"
                             "    \"\"\"F.\n\n    Args:\n        a: A.\n    \"\"\"\n";
  CHECK(updated(source) == "def f(a: int, b: str):\n"
                           "    \"\"\"F.\n\n    Args:\n        a: A.\n"
                           "        b: TODO: describe b.\n    \"\"\"\n");
}

TEST_CASE("conversion fixtures: each docstring in every structured style") {
  for (const auto& fixture : docent::testing::python_fixtures("docstring_convert")) {
    INFO(fixture.filename().string());
    const std::string source = docent::testing::read_file(fixture);
    for (DocstringStyle style : {DocstringStyle::Google, DocstringStyle::Numpy,
                                 DocstringStyle::Sphinx, DocstringStyle::Epytext}) {
      INFO(to_string(style));
      const std::string result = converted(source, style);
      auto expected = fixture;
      expected.replace_extension(std::string(".") + to_string(style) + ".expected");
      compare_or_update(expected, result);
      auto snapshot = parse_snapshot(result);
      CHECK(build_module_model(*snapshot).errors.empty());
      // Converted once, nothing more to convert; the content is the same.
      CHECK(converted(result, style) == result);
      const auto before = bodies(source);
      const auto after = bodies(result);
      for (const auto& [qualname, body] : before)
        if (parse_docstring(body).style != DocstringStyle::Pep257)
          CHECK(parse_docstring(after.at(qualname)).style == style);
    }
  }
}

TEST_CASE("conversion round trip google → numpy → google keeps the content") {
  const std::string source =
      docent::testing::read_file(std::string(DOCENT_FIXTURES_DIR) + "/docstring_convert/google.py");
  const std::string back =
      converted(converted(source, DocstringStyle::Numpy), DocstringStyle::Google);
  const auto before = bodies(source);
  const auto after = bodies(back);
  for (const auto& [qualname, body] : before) {
    INFO(qualname);
    CHECK(content_of(after.at(qualname)) == content_of(body));
  }
  // Each style to each other and back keeps the parameters, returns and raises.
  for (DocstringStyle via : {DocstringStyle::Sphinx, DocstringStyle::Epytext}) {
    const auto again = bodies(converted(converted(source, via), DocstringStyle::Google));
    for (const auto& [qualname, body] : before) {
      const ParsedDocstring a = parse_docstring(body), b = parse_docstring(again.at(qualname));
      for (SectionKind kind :
           {SectionKind::Parameters, SectionKind::Returns, SectionKind::Raises}) {
        INFO(to_string(via) << " " << to_string(kind));
        REQUIRE(a.section(kind));
        REQUIRE(b.section(kind));
        REQUIRE(a.section(kind)->entries.size() == b.section(kind)->entries.size());
        for (size_t i = 0; i < a.section(kind)->entries.size(); ++i) {
          CHECK(a.section(kind)->entries[i].name == b.section(kind)->entries[i].name);
          CHECK(a.section(kind)->entries[i].type == b.section(kind)->entries[i].type);
          CHECK(a.section(kind)->entries[i].description == b.section(kind)->entries[i].description);
        }
      }
    }
  }
}

TEST_CASE("conversion: same style, plain docstrings and PEP 257 targets give no edit") {
  const std::string source = "def f(a):\n    \"\"\"F.\n\n    Args:\n        a: A.\n    \"\"\"\n"
                             "def g(a):\n    \"\"\"Only a summary.\"\"\"\n";
  auto snapshot = parse_snapshot(source);
  const ModuleModel model = build_module_model(*snapshot);
  CHECK_FALSE(docstring_conversion(*snapshot, model, 0, CheckConfig{}, DocstringStyle::Google));
  CHECK_FALSE(docstring_conversion(*snapshot, model, 0, CheckConfig{}, DocstringStyle::Pep257));
  CHECK(docstring_conversion(*snapshot, model, 0, CheckConfig{}, DocstringStyle::Numpy));
  CHECK_FALSE(docstring_conversion(*snapshot, model, 1, CheckConfig{}, DocstringStyle::Numpy));
  CHECK(docstring_style_of(model.definitions[0]) == DocstringStyle::Google);
}
