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

// Checks that merging the statement partials of the module's children gives the module total
// field by field, and that the statements' relative definition reports, made absolute, are the
// whole walk's.
void check_statements_merge(const std::string& text) {
  const auto snapshot = parse_snapshot(text);
  const TSNode root = snapshot->root();
  const HalsteadResult whole = compute_halstead(snapshot->text(), root);

  std::vector<HalsteadStatement> statements;
  std::vector<std::pair<uint32_t, HalsteadReport>> definitions;
  const uint32_t count = ts_node_named_child_count(root);
  for (uint32_t i = 0; i < count; ++i) {
    const TSNode statement = ts_node_named_child(root, i);
    statements.push_back(compute_halstead_statement(snapshot->text(), statement));
    const HalsteadPartial& part = statements.back().module;
    CHECK(std::is_sorted(part.operators.begin(), part.operators.end()));
    CHECK(std::adjacent_find(part.operators.begin(), part.operators.end()) == part.operators.end());
    CHECK(std::is_sorted(part.operands.begin(), part.operands.end()));
    CHECK(std::adjacent_find(part.operands.begin(), part.operands.end()) == part.operands.end());
    for (const auto& [offset, report] : statements.back().definitions)
      definitions.emplace_back(start_byte(statement) + offset, report);
  }
  std::vector<const HalsteadPartial*> parts;
  for (const HalsteadStatement& statement : statements)
    parts.push_back(&statement.module);
  const HalsteadReport merged = merge_halstead(parts);

  const HalsteadReport& m = whole.module;
  CHECK(counts(merged) == counts(m));
  CHECK(merged.vocabulary == m.vocabulary);
  CHECK(merged.length == m.length);
  CHECK(merged.calculated_length == m.calculated_length);
  CHECK(merged.volume == m.volume);
  CHECK(merged.difficulty == m.difficulty);
  CHECK(merged.effort == m.effort);
  CHECK(merged.time == m.time);
  CHECK(merged.bugs == m.bugs);

  REQUIRE(definitions.size() == whole.definitions.size());
  for (size_t i = 0; i < definitions.size(); ++i) {
    CHECK(definitions[i].first == whole.definitions[i].first);
    CHECK(counts(definitions[i].second) == counts(whole.definitions[i].second));
  }
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

TEST_CASE("Halstead statement partials merge into the module total on every fixture") {
  for (const std::string& name : fixture_names()) {
    INFO("fixture " << name << ".py");
    check_statements_merge(read_file(DOCENT_FIXTURES_DIR "/halstead/" + name + ".py"));
  }
}

TEST_CASE("Halstead statement partials merge into the module total on real modules") {
  for (const char* path : {"/usr/lib/python3.11/typing.py", "/usr/lib/python3.11/ast.py",
                           "/usr/lib/python3.11/argparse.py"}) {
    std::ifstream in(path);
    if (!in)
      continue; // Not installed here.
    INFO(path);
    check_statements_merge(read_file(path));
  }
}

TEST_CASE("Halstead statement keys depend only on the statement's text") {
  // The same statement at two places, with values that Python finds equal spelled apart.
  const auto snapshot = parse_snapshot("# lead\n"
                                       "x = 1 + 1.0 + True + 0x1 + 0 * False\n"
                                       "def f(a):\n    return a + 'a' + b'a' + 1j + 2e0\n"
                                       "x = 1 + 1.0 + True + 0x1 + 0 * False\n");
  const TSNode root = snapshot->root();
  REQUIRE(ts_node_named_child_count(root) == 4);
  const HalsteadStatement comment =
      compute_halstead_statement(snapshot->text(), ts_node_named_child(root, 0));
  CHECK(comment.module.N1 == 0);
  CHECK(comment.module.N2 == 0);
  CHECK(comment.module.operands.empty());
  CHECK(comment.definitions.empty());

  const HalsteadStatement first =
      compute_halstead_statement(snapshot->text(), ts_node_named_child(root, 1));
  const HalsteadStatement last =
      compute_halstead_statement(snapshot->text(), ts_node_named_child(root, 3));
  CHECK(first.module.operands == last.module.operands);
  CHECK(first.module.operators == last.module.operators);
  // 1 (== 1.0 == True == 0x1) and 0 (== False); the four nested BinOps are operands by identity
  // (an assignment target is no operand).
  CHECK(first.module.operands.size() == 2);
  CHECK(first.module.identity_operands == 4);
  CHECK(first.module.N2 == 10);

  const HalsteadStatement function =
      compute_halstead_statement(snapshot->text(), ts_node_named_child(root, 2));
  REQUIRE(function.definitions.size() == 1);
  CHECK(function.definitions[0].first == 0);
  // a and 'a' are one operand, in context f; b'a', 1j and 2 are three more.
  CHECK(function.module.operands.size() == 4);
  CHECK(function.module.identity_operands == 3); // The nested BinOps.
  CHECK(counts(function.definitions[0].second) == counts(merge_halstead({&function.module})));
}
