// Cognitive complexity and max nesting depth: data-driven over tests/fixtures/cognitive (each
// NAME.py against NAME.expected, "def-line cognitive max-nesting" per function in source order),
// plus the edge cases no fixture shows.
#include "analysis/cognitive.h"
#include "analysis/document.h"
#include "analysis/syntax_tree.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace docent::analysis;

namespace {

struct Measured {
  uint32_t line;
  int cognitive;
  int max_nesting;
  bool operator==(const Measured& other) const {
    return line == other.line && cognitive == other.cognitive && max_nesting == other.max_nesting;
  }
};

std::ostream& operator<<(std::ostream& out, const Measured& m) {
  return out << m.line << ' ' << m.cognitive << ' ' << m.max_nesting;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every function_definition of the tree, in source order.
std::vector<TSNode> functions_of(TSNode root) {
  std::vector<TSNode> found;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  for (bool done = false; !done;) {
    const TSNode node = ts_tree_cursor_current_node(&cursor);
    if (kind_of(node) == NodeKind::FunctionDefinition)
      found.push_back(node);
    if (ts_tree_cursor_goto_first_child(&cursor))
      continue;
    while (!ts_tree_cursor_goto_next_sibling(&cursor))
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        done = true;
        break;
      }
  }
  ts_tree_cursor_delete(&cursor);
  return found;
}

// Measures through the two single-metric entry points, which must agree with the combined one.
std::vector<Measured> measure(const Snapshot& snapshot) {
  std::vector<Measured> rows;
  for (TSNode function : functions_of(snapshot.root())) {
    const CognitiveMetrics both = cognitive_metrics(snapshot.text(), function);
    const int cognitive = cognitive_complexity(snapshot.text(), function);
    const int nesting = max_nesting_depth(snapshot.text(), function);
    CHECK(both.cognitive == cognitive);
    CHECK(both.max_nesting == nesting);
    rows.push_back({first_line(function), cognitive, nesting});
  }
  return rows;
}

std::vector<Measured> read_expected(const std::filesystem::path& path) {
  std::vector<Measured> rows;
  std::istringstream lines(read_file(path));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    Measured row{};
    fields >> row.line >> row.cognitive >> row.max_nesting;
    rows.push_back(row);
  }
  return rows;
}

// The metrics of the first function of `source`.
CognitiveMetrics first_function(const std::string& source) {
  const auto snapshot = parse_snapshot(source);
  const std::vector<TSNode> functions = functions_of(snapshot->root());
  REQUIRE(!functions.empty());
  return cognitive_metrics(snapshot->text(), functions.front());
}

} // namespace

TEST_CASE("cognitive fixtures match their expected values") {
  const std::filesystem::path directory = DOCENT_FIXTURES_DIR "/cognitive";
  std::vector<std::filesystem::path> fixtures;
  for (const auto& entry : std::filesystem::directory_iterator(directory))
    if (entry.path().extension() == ".py")
      fixtures.push_back(entry.path());
  std::sort(fixtures.begin(), fixtures.end());
  REQUIRE(fixtures.size() >= 15);

  for (const auto& fixture : fixtures) {
    DYNAMIC_SECTION(fixture.filename().string()) {
      const auto snapshot = parse_snapshot(read_file(fixture));
      REQUIRE_FALSE(ts_node_has_error(snapshot->root()));
      std::filesystem::path expected = fixture;
      expected.replace_extension(".expected");
      REQUIRE(std::filesystem::exists(expected));
      CHECK(measure(*snapshot) == read_expected(expected));
    }
  }
}

TEST_CASE("a decorated definition means its function, with its decorators") {
  const auto snapshot =
      parse_snapshot("@wrap(a if b else c)\ndef f(x):\n    if x:\n        pass\n");
  const TSNode decorated = ts_node_named_child(snapshot->root(), 0);
  REQUIRE(kind_of(decorated) == NodeKind::DecoratedDefinition);
  CHECK(cognitive_complexity(snapshot->text(), decorated) == 2);
  CHECK(max_nesting_depth(snapshot->text(), decorated) == 1);
}

TEST_CASE("a node that is not a function measures 0") {
  const auto snapshot = parse_snapshot("if a:\n    pass\n");
  CHECK(cognitive_complexity(snapshot->text(), snapshot->root()) == 0);
  CHECK(max_nesting_depth(snapshot->text(), snapshot->root()) == 0);
}

TEST_CASE("long boolean chains and deep nesting do not exhaust the stack") {
  // 20000 operands: a left-leaning boolean_operator tree 20000 deep. One sequence of `or` with
  // one switch to `and` in the middle and back: 3.
  std::string chain = "def f():\n    return a";
  for (int i = 0; i < 20000; ++i)
    chain += (i == 10000 ? " and a" : " or a");
  chain += "\n";
  CHECK(first_function(chain).cognitive == 3);

  // 80 nested ifs (one-space indents: the grammar's scanner keeps a bounded indent stack):
  // 1 + 2 + ... + 80, and as deep.
  std::string nested = "def f():\n";
  for (int i = 0; i < 80; ++i)
    nested += std::string(i + 1, ' ') + "if a:\n";
  nested += std::string(81, ' ') + "pass\n";
  const CognitiveMetrics deep = first_function(nested);
  CHECK(deep.cognitive == 80 * 81 / 2);
  CHECK(deep.max_nesting == 80);
}

TEST_CASE("broken code still measures what parsed") {
  const CognitiveMetrics broken =
      first_function("def f(a):\n    if a:\n        x = (\n    return 1\n");
  CHECK(broken.cognitive >= 0);
  CHECK(broken.max_nesting >= 0);
}
