// FlatTree: the copy of a syntax tree the metrics walk. Its layout must match a cursor walk
// over the tree, and folding inert nodes must change no metric.
#include "analysis/cognitive.h"
#include "analysis/complexity.h"
#include "analysis/document.h"
#include "analysis/halstead.h"
#include "analysis/python_model.h"
#include "analysis/syntax_tree.h"
#include "fixture_files.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

using namespace docent::analysis;
using docent::testing::python_fixtures;
using docent::testing::read_file;

namespace {

// Every fixture file, broken code included, and a few real modules when they are installed.
std::vector<std::string> sources() {
  std::vector<std::string> texts;
  for (const char* folder : {"cognitive", "cyclomatic", "halstead", "mi", "model", "raw"})
    for (const auto& path : python_fixtures(folder))
      texts.push_back(read_file(path));
  for (const char* path : {"/usr/lib/python3.11/typing.py", "/usr/lib/python3.11/ast.py",
                           "/usr/lib/python3.11/argparse.py"})
    if (std::ifstream(path))
      texts.push_back(read_file(path));
  return texts;
}

struct Visited {
  TSNode node;
  uint32_t parent;
};

// The nodes a cursor walk visits, in order, with their parents' positions in that order.
std::vector<Visited> cursor_walk(TSNode root) {
  std::vector<Visited> visited;
  std::vector<uint32_t> open;
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  for (;;) {
    visited.push_back(
        {ts_tree_cursor_current_node(&cursor), open.empty() ? FlatTree::kNone : open.back()});
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      open.push_back(static_cast<uint32_t>(visited.size() - 1));
      continue;
    }
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        return visited;
      }
      open.pop_back();
    }
  }
}

bool same_report(const HalsteadReport& a, const HalsteadReport& b) {
  return a.h1 == b.h1 && a.h2 == b.h2 && a.N1 == b.N1 && a.N2 == b.N2;
}

} // namespace

TEST_CASE("a flat tree holds every node in the order a cursor walk visits them") {
  for (const std::string& text : sources()) {
    const auto snapshot = parse_snapshot(text);
    const FlatTree tree(snapshot->root());
    const std::vector<Visited> visited = cursor_walk(snapshot->root());
    REQUIRE(tree.size() == visited.size());
    for (uint32_t i = 0; i < tree.size(); ++i) {
      const FlatTree::Node& node = tree[i];
      const TSNode expected = visited[i].node;
      INFO("node " << i << " " << ts_node_type(expected));
      CHECK(node.symbol == ts_node_symbol(expected));
      CHECK(node.kind == kind_of(expected));
      CHECK(node.start_byte == ts_node_start_byte(expected));
      CHECK(node.end_byte == ts_node_end_byte(expected));
      CHECK(node.named == ts_node_is_named(expected));
      CHECK(node.extra == ts_node_is_extra(expected));
      CHECK(node.parent == visited[i].parent);
      CHECK_FALSE(node.folded);
      // The subtree ends where the next node outside it starts.
      CHECK(node.end > i);
      CHECK(node.end <= tree.size());
      if (node.end < tree.size())
        CHECK(tree[node.end].start_byte >= node.end_byte);
      if (node.parent != FlatTree::kNone)
        CHECK(node.end <= tree[node.parent].end);
      CHECK(tree.find(expected) <= i);
    }
  }
}

TEST_CASE("a flat tree records the fields the metrics read") {
  const auto snapshot = parse_snapshot("@d\ndef f(a):\n    return -a + b\n");
  const FlatTree tree(snapshot->root());
  const uint32_t decorated = tree.first_child(0);
  REQUIRE(tree[decorated].kind == NodeKind::DecoratedDefinition);
  const uint32_t function = tree.child_by_field(decorated, field_id("definition"));
  REQUIRE(function != FlatTree::kNone);
  CHECK(tree[function].kind == NodeKind::FunctionDefinition);
  CHECK(tree.text(snapshot->text(), tree.child_by_field(function, field_id("name"))) == "f");
  const uint32_t body = tree.child_by_field(function, field_id("body"));
  REQUIRE(body != FlatTree::kNone);
  CHECK(tree[body].kind == NodeKind::Block);
  CHECK(tree.child_by_field(function, field_id("no such field")) == FlatTree::kNone);
}

TEST_CASE("folding leaves out inert subtrees and changes no metric") {
  uint32_t full_nodes = 0;
  uint32_t folded_nodes = 0;
  for (const std::string& text : sources()) {
    const auto snapshot = parse_snapshot(text);
    const FlatTree full(snapshot->root());
    const FlatTree folded(snapshot->root(), snapshot->text(), FlatTree::Folding::Inert);
    full_nodes += full.size();
    folded_nodes += folded.size();

    const HalsteadResult full_halstead = compute_halstead(snapshot->text(), full);
    const HalsteadResult folded_halstead = compute_halstead(snapshot->text(), folded);
    CHECK(same_report(full_halstead.module, folded_halstead.module));
    REQUIRE(full_halstead.definitions.size() == folded_halstead.definitions.size());
    for (size_t i = 0; i < full_halstead.definitions.size(); ++i) {
      CHECK(full_halstead.definitions[i].first == folded_halstead.definitions[i].first);
      CHECK(
          same_report(full_halstead.definitions[i].second, folded_halstead.definitions[i].second));
    }

    const ModuleModel model = build_module_model(*snapshot);
    const DefinitionNodes full_nodes_of = locate_definitions(full, model.definitions);
    const DefinitionNodes folded_nodes_of = locate_definitions(folded, model.definitions);
    const std::vector<int> full_scores = radon_complexities(model.definitions, full_nodes_of);
    CHECK(full_scores == radon_complexities(model.definitions, folded_nodes_of));
    CHECK(radon_module_complexity(model, full_scores, full) ==
          radon_module_complexity(model, full_scores, folded));
    for (size_t i = 0; i < model.definitions.size(); ++i) {
      const DefinitionNodes::Located& a = full_nodes_of.nodes[i];
      const DefinitionNodes::Located& b = folded_nodes_of.nodes[i];
      REQUIRE(a.tree != nullptr);
      REQUIRE(b.tree != nullptr);
      CHECK(mccabe_complexity(*a.tree, a.index) == mccabe_complexity(*b.tree, b.index));
      const CognitiveMetrics full_cognitive = cognitive_metrics(*a.tree, a.index);
      const CognitiveMetrics folded_cognitive = cognitive_metrics(*b.tree, b.index);
      CHECK(full_cognitive.cognitive == folded_cognitive.cognitive);
      CHECK(full_cognitive.max_nesting == folded_cognitive.max_nesting);
    }
  }
  CHECK(folded_nodes < full_nodes);
}

TEST_CASE("folding keeps what the metrics count and the children they read") {
  const auto snapshot = parse_snapshot("x = f(a, *b, **c)\n"
                                       "y = g(a) + h.i\n"
                                       "'''if and or'''\n"
                                       "z = 1if t else 2\n"
                                       "import os, sys\n");
  const FlatTree tree(snapshot->root(), snapshot->text(), FlatTree::Folding::Inert);
  const std::string_view text = snapshot->text();
  auto index_of = [&](std::string_view spelled, NodeKind kind) {
    const size_t start = text.find(spelled);
    REQUIRE(start != std::string_view::npos);
    const uint32_t index = tree.find(static_cast<uint32_t>(start),
                                     static_cast<uint32_t>(start + spelled.size()), kind);
    REQUIRE(index != FlatTree::kNone);
    return index;
  };
  auto node_of = [&](std::string_view spelled, NodeKind kind) {
    return tree[index_of(spelled, kind)];
  };
  // Unpacking is no operator: the whole statement folds.
  CHECK(node_of("x = f(a, *b, **c)", NodeKind::ExpressionStatement).folded);
  // An operator keeps its operands, and an attribute operand its children (`h`, `.`, `i`); a
  // call does not.
  CHECK_FALSE(node_of("g(a) + h.i", NodeKind::BinaryOperator).folded);
  CHECK(node_of("g(a)", NodeKind::Call).folded);
  const uint32_t attribute = index_of("h.i", NodeKind::Attribute);
  CHECK_FALSE(tree[attribute].folded);
  CHECK(tree[attribute].end == attribute + 4);
  // A string folds whatever it says.
  CHECK(node_of("'''if and or'''", NodeKind::String).folded);
  // A keyword glued to a number still counts.
  CHECK_FALSE(node_of("1if t else 2", NodeKind::ConditionalExpression).folded);
  CHECK(node_of("import os, sys", NodeKind::ImportStatement).folded);
}
