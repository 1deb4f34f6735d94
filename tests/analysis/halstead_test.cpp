// Halstead metrics: every fixtures/halstead/NAME.py against NAME.expected, which
// tests/agreement/halstead_check.py --fixtures generates from radon 5.1.0 (never edit by hand).
//
// NAME.expected lines:
//   module h1 h2 N1 N2                      h_visit(code).total
//   derived length volume difficulty effort time bugs   the same report's floats
//   def|class LINE:COL h1 h2 N1 N2          each FunctionDef (radon's visit_FunctionDef report)
//                                           and ClassDef (a fresh visitor on the node), by position
//   listed NAME h1 h2 N1 N2                 h_visit(code).functions, in order
#include "analysis/document.h"
#include "analysis/halstead.h"
#include "analysis/syntax_tree.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace docent::analysis;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  const std::string directory = DOCENT_FIXTURES_DIR "/halstead";
  DIR* dir = opendir(directory.c_str());
  REQUIRE(dir != nullptr);
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".py") == 0)
      names.push_back(name.substr(0, name.size() - 3));
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::string counts(const HalsteadReport& r) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%d %d %d %d", r.h1, r.h2, r.N1, r.N2);
  return buffer;
}

struct Definition {
  TSNode node;
  bool function;
  bool listed; // A function radon lists: not nested in another function.
};

void collect_definitions(TSNode node, bool in_function, std::vector<Definition>& out) {
  const NodeKind kind = kind_of(node);
  const bool function = kind == NodeKind::FunctionDefinition;
  if (function || kind == NodeKind::ClassDefinition)
    out.push_back({node, function, function && !in_function});
  for_each_named_child(
      node, [&](TSNode child) { collect_definitions(child, in_function || function, out); });
}

// Our results in the format of the expected file, with the derived floats returned apart.
std::vector<std::string> describe(std::string_view text, TSNode root, const HalsteadResult& result,
                                  std::vector<double>& derived) {
  std::vector<std::string> lines{"module " + counts(result.module)};
  const HalsteadReport& m = result.module;
  derived = {m.calculated_length, m.volume, m.difficulty, m.effort, m.time, m.bugs};

  std::vector<Definition> definitions;
  collect_definitions(root, false, definitions);
  REQUIRE(definitions.size() == result.definitions.size());
  std::vector<std::string> listed;
  for (size_t i = 0; i < definitions.size(); ++i) {
    const Definition& d = definitions[i];
    REQUIRE(result.definitions[i].first == start_byte(d.node));
    const HalsteadReport& report = result.definitions[i].second;
    const TSPoint at = ts_node_start_point(d.node);
    lines.push_back(std::string(d.function ? "def " : "class ") + std::to_string(at.row + 1) + ":" +
                    std::to_string(at.column) + " " + counts(report));
    if (d.listed)
      listed.push_back("listed " + std::string(node_text(text, field(d.node, "name"))) + " " +
                       counts(report));
  }
  lines.insert(lines.end(), listed.begin(), listed.end());
  return lines;
}

} // namespace

TEST_CASE("Halstead metrics agree with radon on every fixture") {
  const std::vector<std::string> names = fixture_names();
  REQUIRE(names.size() >= 15);
  for (const std::string& name : names) {
    const std::string base = DOCENT_FIXTURES_DIR "/halstead/" + name;
    std::vector<std::string> expected;
    std::vector<double> expected_derived;
    std::istringstream lines(read_file(base + ".expected"));
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("derived ", 0) != 0) {
        expected.push_back(line);
        continue;
      }
      std::istringstream values(line.substr(8));
      for (std::string value; values >> value;)
        expected_derived.push_back(std::stod(value));
    }
    REQUIRE_FALSE(expected.empty());

    const auto snapshot = parse_snapshot(read_file(base + ".py"));
    const HalsteadResult result = compute_halstead(snapshot->text(), snapshot->root());
    std::vector<double> derived;
    const std::vector<std::string> actual =
        describe(snapshot->text(), snapshot->root(), result, derived);

    INFO("fixture " << name << ".py");
    CHECK(actual == expected);
    REQUIRE(derived.size() == expected_derived.size());
    for (size_t i = 0; i < derived.size(); ++i)
      CHECK(derived[i] == Approx(expected_derived[i]).epsilon(1e-12));
  }
}

TEST_CASE("Halstead report guards against empty operator or operand sets") {
  const HalsteadReport none = halstead_report(0, 0, 0, 0);
  CHECK(none.vocabulary == 0);
  CHECK(none.volume == 0);
  CHECK(none.difficulty == 0);
  CHECK(none.calculated_length == 0);

  // Operators without operands cannot happen in radon, but the guards still apply.
  const HalsteadReport operators_only = halstead_report(2, 0, 3, 0);
  CHECK(operators_only.calculated_length == 0);
  CHECK(operators_only.difficulty == 0);
  CHECK(operators_only.volume == Approx(3.0));

  const HalsteadReport r = halstead_report(1, 2, 1, 2); // `a + b`
  CHECK(r.vocabulary == 3);
  CHECK(r.length == 3);
  CHECK(r.calculated_length == Approx(2.0));
  CHECK(r.volume == Approx(3 * std::log2(3.0)));
  CHECK(r.difficulty == Approx(0.5));
  CHECK(r.effort == Approx(r.difficulty * r.volume));
  CHECK(r.time == Approx(r.effort / 18));
  CHECK(r.bugs == Approx(r.volume / 3000));
}

TEST_CASE("Definitions are keyed by the definition node, decorators excluded") {
  const auto snapshot = parse_snapshot("@deco\nclass C:\n    def m(self):\n        return 1 + 1\n");
  const HalsteadResult result = compute_halstead(snapshot->text(), snapshot->root());
  REQUIRE(result.definitions.size() == 2);
  CHECK(result.definitions[0].first == snapshot->text().find("class"));
  CHECK(result.definitions[1].first == snapshot->text().find("def"));
  CHECK(counts(result.definitions[1].second) == "1 1 1 2");
  CHECK(counts(result.definitions[0].second) == "1 1 1 2");
  CHECK(counts(result.module) == "1 1 1 2");
}
