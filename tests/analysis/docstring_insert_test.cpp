// Docstring insertion: fixtures (every undocumented definition of a file gets a docstring; the
// result is compared with the expected file byte for byte) and the whole standard library (the
// edited files parse to the same trees with one more statement per definition).
#include "analysis/docstring_insert.h"
#include "analysis/file_walker.h"
#include "analysis/source_file.h"
#include "fixture_files.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

using namespace docent::analysis;
using namespace docent::testing;

namespace {

constexpr std::string_view kMarker = "\"\"\"Inserted docstring of ";

// A docstring with a blank line and an indented line, indented as a generator writes it.
std::string docstring_for(const Snapshot& snapshot, const Definition& definition) {
  const std::string indent = body_layout(snapshot, definition).indent;
  return std::string(kMarker) + definition.qualname + ".\n\n" + indent + "Args:\n" + indent +
         "    more: text.\n" + indent + "\"\"\"";
}

struct Inserted {
  std::string text;
  size_t count = 0;
};

// `text` with a docstring inserted into every definition that can take one.
Inserted insert_everywhere(const std::string& text) {
  const std::shared_ptr<const Snapshot> snapshot = parse_snapshot(text);
  const ModuleModel model = build_module_model(*snapshot);
  std::vector<TextEdit> edits;
  for (const Definition& definition : model.definitions)
    if (auto edit =
            docstring_insertion(*snapshot, definition, docstring_for(*snapshot, definition)))
      edits.push_back(std::move(*edit));
  std::sort(edits.begin(), edits.end(),
            [](const TextEdit& a, const TextEdit& b) { return a.range.start > b.range.start; });
  Inserted result{text, edits.size()};
  for (const TextEdit& edit : edits)
    result.text.replace(edit.range.start, edit.range.end - edit.range.start, edit.text);
  return result;
}

bool is_comment(TSNode node) {
  return std::string_view(ts_node_type(node)) == "comment";
}

bool is_inserted_docstring(std::string_view text, TSNode node) {
  if (std::string_view(ts_node_type(node)) != "expression_statement")
    return false;
  const std::string_view body =
      text.substr(ts_node_start_byte(node), ts_node_end_byte(node) - ts_node_start_byte(node));
  return body.substr(0, kMarker.size()) == kMarker;
}

// The children of `node` but comments: tree-sitter attaches a comment between a signature and
// its body to the definition, and the same comment below a docstring to the body.
std::vector<TSNode> children_of(TSNode node) {
  std::vector<TSNode> children;
  for (uint32_t i = 0; i < ts_node_child_count(node); ++i)
    if (!is_comment(ts_node_child(node, i)))
      children.push_back(ts_node_child(node, i));
  return children;
}

// Every comment's text, in order.
void collect_comments(std::string_view text, TSNode node, std::vector<std::string_view>& out) {
  if (is_comment(node))
    out.push_back(
        text.substr(ts_node_start_byte(node), ts_node_end_byte(node) - ts_node_start_byte(node)));
  for (uint32_t i = 0; i < ts_node_child_count(node); ++i)
    collect_comments(text, ts_node_child(node, i), out);
}

// Whether `edited` is `original` with inserted docstring statements and nothing else changed:
// the same node types in the same shape (positions aside), errors included, comments aside
// (they are compared in order separately).
bool same_tree_but_docstrings(std::string_view original_text, TSNode original,
                              std::string_view edited_text, TSNode edited, std::string& where) {
  if (std::string_view(ts_node_type(original)) != ts_node_type(edited) ||
      ts_node_is_missing(original) != ts_node_is_missing(edited)) {
    where = std::string(ts_node_type(original)) + " became " + ts_node_type(edited) + " at byte " +
            std::to_string(ts_node_start_byte(original));
    return false;
  }
  std::vector<TSNode> kept;
  for (TSNode child : children_of(edited))
    if (!is_inserted_docstring(edited_text, child))
      kept.push_back(child);
  const std::vector<TSNode> before = children_of(original);
  if (kept.size() != before.size()) {
    where = std::string(ts_node_type(original)) + " at byte " +
            std::to_string(ts_node_start_byte(original)) + " has another number of children";
    return false;
  }
  for (size_t i = 0; i < kept.size(); ++i)
    if (!same_tree_but_docstrings(original_text, before[i], edited_text, kept[i], where))
      return false;
  return true;
}

} // namespace

TEST_CASE("docstring insertion: fixtures") {
  for (const auto& path : python_fixtures("docstring_insert")) {
    INFO(path.filename().string());
    const std::string text = read_file(path);
    const Inserted inserted = insert_everywhere(text);
    CHECK(inserted.text == read_file(expected_path(path)));
    // Inserting again finds nothing left to document.
    CHECK(insert_everywhere(inserted.text).count == 0);
  }
}

TEST_CASE("docstring insertion: no definition with a docstring or a syntax error is edited") {
  const std::string text = "def f():\n    \"\"\"Doc.\"\"\"\n\n\ndef g(:\n    return 1\n";
  const std::shared_ptr<const Snapshot> snapshot = parse_snapshot(text);
  for (const Definition& definition : build_module_model(*snapshot).definitions)
    CHECK_FALSE(docstring_insertion(*snapshot, definition, "\"\"\"X.\"\"\""));
}

TEST_CASE("docstring insertion: every undocumented definition of the standard library",
          "[stdlib]") {
  const std::string corpus = "/usr/lib/python3.11";
  if (!std::filesystem::exists(corpus)) {
    WARN("no " << corpus << ": nothing to test");
    return;
  }
  size_t files = 0, definitions = 0;
  for (const std::string& path : find_python_files({corpus}, {}).files) {
    SourceFileResult read = read_source_file(path);
    if (!read.file)
      continue;
    const std::string& text = read.file->text;
    const Inserted inserted = insert_everywhere(text);
    const std::shared_ptr<const Snapshot> before = parse_snapshot(text);
    const std::shared_ptr<const Snapshot> after = parse_snapshot(inserted.text);
    std::string where;
    const bool same =
        same_tree_but_docstrings(text, before->root(), inserted.text, after->root(), where);
    INFO(path << ": " << where);
    REQUIRE(same);
    std::vector<std::string_view> comments_before, comments_after;
    collect_comments(text, before->root(), comments_before);
    collect_comments(inserted.text, after->root(), comments_after);
    REQUIRE(comments_before == comments_after);
    ++files;
    definitions += inserted.count;
  }
  CHECK(files > 600);
  CHECK(definitions > 10000);
}
