// Docstrings from a mustache template with autoDocstring's tags: a fixture file documented
// with a Google-like template is compared with the expected file; a broken template is an
// error, not a crash.
#include "analysis/docstring_insert.h"
#include "analysis/docstring_template.h"
#include "fixture_files.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace docent::analysis;
using namespace docent::testing;

namespace {

const std::string kFolder = std::string(DOCENT_FIXTURES_DIR) + "/docstring_template/";

// The text with every definition documented from the template; the first error, if any.
std::string document_all(const std::string& text, const CheckConfig& config, std::string& error) {
  const std::shared_ptr<const Snapshot> snapshot = parse_snapshot(text);
  const ModuleModel model = build_module_model(*snapshot);
  std::vector<TextEdit> edits;
  DocstringWriter writer(config);
  for (size_t i = 0; i < model.definitions.size() && writer.error().empty(); ++i)
    if (auto edit = writer.document(*snapshot, model, i))
      edits.push_back(std::move(*edit));
  error = writer.error();
  std::sort(edits.begin(), edits.end(),
            [](const TextEdit& a, const TextEdit& b) { return a.range.start > b.range.start; });
  std::string result = text;
  for (const TextEdit& edit : edits)
    result.replace(edit.range.start, edit.range.end - edit.range.start, edit.text);
  return result;
}

} // namespace

TEST_CASE("docstring templates: autoDocstring's tags fill a Google-like template") {
  CheckConfig config;
  config.docstring_template = kFolder + "google.mustache";
  std::string error;
  const std::string documented = document_all(read_file(kFolder + "functions.py"), config, error);
  CHECK(error.empty());
  CHECK(documented == read_file(kFolder + "functions.expected"));
}

TEST_CASE("docstring templates: unreadable and malformed templates are errors") {
  const std::string text = "def f(a):\n    return a\n";
  CheckConfig config;
  std::string error;
  config.docstring_template = kFolder + "no-such.mustache";
  CHECK(document_all(text, config, error) == text);
  CHECK(error.find("cannot read") != std::string::npos);
  error.clear();
  config.docstring_template = kFolder + "broken.mustache";
  CHECK(document_all(text, config, error) == text);
  CHECK(error.rfind("docstring template: ", 0) == 0);
}
