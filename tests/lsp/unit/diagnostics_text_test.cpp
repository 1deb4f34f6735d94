// Property: the diagnostics a document's DiagnosticsText serializes after any sequence of edits
// are exactly those a fresh DiagnosticsText serializes for the same findings, and update()
// reports a change exactly when the serialized set changed.
#include "analysis/analyzer.h"
#include "analysis/document.h"
#include "analysis/rules.h"
#include "lsp/features.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using namespace docent::analysis;
using docent::lsp::DiagnosticsText;

namespace {

constexpr const char* kSeedText = R"PY(import os


class Config(object):
    limit: int = 3

    def __init__(self, path, *, strict=False):
        self.path = path

    def load(self, name: str = "é😀") -> dict:
        if name and self.path:
            for k in name:
                if k:
                    return {k: 1}
        return {}


def walk(tree, depth=0):
    while tree:
        if depth > 3 and tree.left:
            yield from walk(tree.left, depth + 1)
        elif depth < 0:
            break


def ünïcode(a, b, c):  # noqa: D103
    return a or b or c
)PY";

// Edits that add and remove findings and move them: names, docstrings, branches, lines, and
// multi-byte characters before them.
constexpr const char* kFragments[] = {"x",
                                      "é",
                                      "😀",
                                      "\n",
                                      "\n\n",
                                      "\r",
                                      "\r\n",
                                      "    ",
                                      "\"\"\"Doc.\"\"\"\n    ",
                                      "if a:\n        pass\n    ",
                                      "def f(a, b):\n    return a\n",
                                      "# noqa\n",
                                      ""};

TextChange random_change(std::mt19937& rng, const Document& doc) {
  const LineIndex& lines = doc.lines();
  std::uniform_int_distribution<size_t> pick_line(0, lines.line_count() - 1);
  const size_t line = pick_line(rng);
  const size_t length = lines.line_content_end(line) - lines.line_start(line);
  std::uniform_int_distribution<uint32_t> pick_column(0, static_cast<uint32_t>(length));
  const Position start{static_cast<uint32_t>(line), pick_column(rng)};
  Position end = start;
  std::uniform_int_distribution<int> pick_kind(0, 3);
  if (pick_kind(rng) == 0)
    end.character += 1 + pick_kind(rng); // Deletes a few units (clamped at the line's end).
  std::uniform_int_distribution<size_t> pick_text(0, std::size(kFragments) - 1);
  return TextChange{Range{start, end}, kFragments[pick_text(rng)]};
}

CheckConfig strict_config() {
  CheckConfig config;
  config.max_complexity = 2;
  config.max_cognitive_complexity = 2;
  config.max_parameters = 2;
  return config;
}

} // namespace

TEST_CASE("diagnostics text after random edits equals a fresh one", "[property]") {
  const PositionEncoding encodings[] = {PositionEncoding::Utf8, PositionEncoding::Utf16,
                                        PositionEncoding::Utf32};
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    std::mt19937 rng(seed);
    const PositionEncoding encoding = encodings[seed % 3];
    const CheckConfig config = seed % 2 == 0 ? CheckConfig{} : strict_config();
    Document doc(kSeedText);
    DiagnosticsText kept;
    std::string last_array;
    for (int step = 0; step < 80; ++step) {
      doc.apply(random_change(rng, doc), encoding);
      const FileAnalysis analysis = analyze(doc.snapshot());
      const std::vector<Finding> findings = check_file(analysis, config, ModuleFile{});
      INFO("seed " << seed << " step " << step << "\n" << doc.text());
      const bool changed = kept.update(analysis, findings, encoding);
      DiagnosticsText fresh;
      REQUIRE(fresh.update(analysis, findings, encoding));
      REQUIRE(kept.array() == fresh.array());
      REQUIRE(kept.content_hash() == fresh.content_hash());
      REQUIRE(kept.empty() == findings.empty());
      REQUIRE(changed == (step == 0 || kept.array() != last_array));
      // Asked again with nothing changed, it reports nothing.
      REQUIRE_FALSE(kept.update(analysis, findings, encoding));
      last_array = kept.array();
    }
  }
}

TEST_CASE("diagnostics text reports the same set again after forget", "[features]") {
  Document doc(kSeedText);
  const FileAnalysis analysis = analyze(doc.snapshot());
  const std::vector<Finding> findings = check_file(analysis, CheckConfig{}, ModuleFile{});
  REQUIRE_FALSE(findings.empty());
  DiagnosticsText text;
  REQUIRE(text.update(analysis, findings, PositionEncoding::Utf16));
  const std::string array = text.array();
  CHECK(array.front() == '[');
  CHECK(array.find("\"source\":\"docent\"") != std::string::npos);
  text.forget();
  CHECK(text.update(analysis, findings, PositionEncoding::Utf16));
  CHECK(text.array() == array);
  CHECK_FALSE(text.update(analysis, findings, PositionEncoding::Utf16));
  CHECK(text.update(analysis, {}, PositionEncoding::Utf16));
  CHECK(text.array() == "[]");
  CHECK(text.empty());
}
