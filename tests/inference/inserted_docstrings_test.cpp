// Following inserted docstrings through edits: ranges move with edits before them, a deleted
// docstring is rejected once, removed sections (and types) are rejected once each, kept ones
// are accepted when the document settles, and nothing is judged while a syntax error is inside
// the definition.
#include "inference/inserted_docstrings.h"

#include "analysis/analyzer.h"
#include "analysis/document.h"

#include <catch2/catch.hpp>

using namespace docent::inference;
using docent::analysis::analyze;
using docent::analysis::FileAnalysis;
using docent::analysis::parse_snapshot;

namespace {

const char* const kDocumented = "import os\n"
                                "\n"
                                "\n"
                                "def scale(width: float, factor=2):\n"
                                "    \"\"\"Scale.\n"
                                "\n"
                                "    Args:\n"
                                "        width (float): TODO: describe width.\n"
                                "        factor (int): TODO: describe factor. Defaults to 2.\n"
                                "\n"
                                "    Returns:\n"
                                "        TODO: describe the return value.\n"
                                "\n"
                                "    Raises:\n"
                                "        ValueError: TODO: describe when.\n"
                                "    \"\"\"\n"
                                "    if width < 0:\n"
                                "        raise ValueError(width)\n"
                                "    return width * factor\n";

// A text edited the way the server sees it: each replacement reported to the followed
// docstrings, then the new text analyzed.
class Edited {
public:
  Edited(std::string text, InsertedDocstrings& followed)
      : text_(std::move(text)), followed_(followed) {}

  const std::string& text() const { return text_; }
  FileAnalysis analysis() const { return analyze(parse_snapshot(text_)); }

  // Replaces the first occurrence of `what` (which must be there).
  void replace(const std::string& what, const std::string& with) {
    const size_t at = text_.find(what);
    REQUIRE(at != std::string::npos);
    followed_.edited(at, at + what.size(), with.size());
    text_.replace(at, what.size(), with);
  }

  std::vector<FeedbackEvent> review() { return followed_.review(analysis()); }
  std::vector<FeedbackEvent> settle() { return followed_.settle(analysis()); }

private:
  std::string text_;
  InsertedDocstrings& followed_;
};

std::vector<std::string> describe(const std::vector<FeedbackEvent>& events) {
  std::vector<std::string> described;
  for (const FeedbackEvent& event : events) {
    CHECK(event.kind == SuggestionKind::Docstring);
    CHECK(event.code == "insert");
    CHECK(event.path == "/p/m.py");
    CHECK(event.features.version == kFeatureVersion);
    CHECK_FALSE(event.features.numeric.empty());
    described.push_back(std::string(outcome_name(event.outcome)) + " " +
                        (event.section ? std::string(section_name(*event.section)) : "docstring") +
                        " " + event.definition);
  }
  return described;
}

using Described = std::vector<std::string>;

} // namespace

TEST_CASE("inserted docstrings: a removed section is rejected once, kept ones accepted on "
          "settling") {
  InsertedDocstrings followed;
  Edited document(kDocumented, followed);
  followed.follow(document.analysis(), "scale", 4, "insert", "/p/m.py");
  CHECK(followed.size() == 1);

  document.replace("import os\n", "import os\nimport sys\n"); // Before it: the range moves.
  CHECK(document.review().empty());
  document.replace("\n    Raises:\n        ValueError: TODO: describe when.\n", "\n");
  CHECK(describe(document.review()) == Described{"rejected raises scale"});
  document.replace("Scale.", "Scale the width."); // Still no Raises: judged once.
  CHECK(document.review().empty());

  CHECK(describe(document.settle()) ==
        Described{"accepted args scale", "accepted returns scale", "accepted types scale"});
  CHECK(document.settle().empty());
  // Deleting it after the document settled still rejects the docstring.
  const size_t start = document.text().find("    \"\"\"Scale");
  const size_t end = document.text().find("\"\"\"\n", start + 7) + 4;
  document.replace(document.text().substr(start, end - start), "");
  CHECK(describe(document.review()) == Described{"rejected docstring scale"});
  CHECK(followed.size() == 0);
}

TEST_CASE("inserted docstrings: types removed from every entry are rejected") {
  InsertedDocstrings followed;
  Edited document(kDocumented, followed);
  followed.follow(document.analysis(), "scale", 4, "insert", "/p/m.py");
  document.replace("width (float):", "width:");
  CHECK(document.review().empty()); // One type is left.
  document.replace("factor (int):", "factor:");
  CHECK(describe(document.review()) == Described{"rejected types scale"});
  CHECK(describe(document.settle()) ==
        Described{"accepted args scale", "accepted returns scale", "accepted raises scale"});
}

TEST_CASE("inserted docstrings: nothing is judged while a syntax error is inside") {
  InsertedDocstrings followed;
  Edited document(kDocumented, followed);
  followed.follow(document.analysis(), "scale", 4, "insert", "/p/m.py");
  // The closing quotes deleted: the string runs to the end of the file, no docstring is left.
  document.replace("    \"\"\"\n    if width", "    if width");
  CHECK(document.review().empty());
  CHECK(document.settle().empty());
  // Typed back: every section is still there.
  document.replace("    if width", "    \"\"\"\n    if width");
  CHECK(document.review().empty());
  CHECK(describe(document.settle()) == Described{"accepted args scale", "accepted returns scale",
                                                 "accepted raises scale", "accepted types scale"});
}

TEST_CASE("inserted docstrings: a docstring the client had not sent yet is looked for") {
  InsertedDocstrings followed;
  const std::string undocumented = "def unit(name):\n    return name\n";
  Edited document(undocumented, followed);
  followed.follow(document.analysis(), "unit", 1, "insert", "/p/m.py");
  CHECK(followed.size() == 1); // Expected.
  document.replace("):\n", "):\n    \"\"\"Unit.\"\"\"\n");
  CHECK(document.review().empty()); // Found and followed: a PEP 257 docstring, no sections.
  CHECK(document.settle().empty());
  document.replace("    \"\"\"Unit.\"\"\"\n", "");
  CHECK(describe(document.review()) == Described{"rejected docstring unit"});
}

TEST_CASE("inserted docstrings: a definition removed with its docstring is no verdict") {
  InsertedDocstrings followed;
  const std::string two = "def a():\n    \"\"\"A.\"\"\"\n\n\ndef b():\n    \"\"\"B.\"\"\"\n";
  Edited document(two, followed);
  followed.follow(document.analysis(), "b", 5, "insert", "/p/m.py");
  followed.follow(document.analysis(), "", 0, "insert", "/p/m.py"); // No module docstring.
  document.replace("\n\ndef b():\n    \"\"\"B.\"\"\"\n", "");
  CHECK(document.review().empty());
  CHECK(followed.size() == 1); // The module's, still looked for.
}

TEST_CASE("inserted docstrings: the module docstring is followed too") {
  InsertedDocstrings followed;
  Edited document("\"\"\"Tools.\"\"\"\nimport os\n", followed);
  followed.follow(document.analysis(), "", 0, "insert-module", "/p/m.py");
  document.replace("import os", "import sys");
  CHECK(document.review().empty());
  document.replace("\"\"\"Tools.\"\"\"\n", "");
  const std::vector<FeedbackEvent> events = document.review();
  REQUIRE(events.size() == 1);
  CHECK(events[0].outcome == Outcome::Rejected);
  CHECK(events[0].code == "insert-module");
  CHECK(events[0].definition.empty());
}
