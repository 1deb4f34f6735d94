// Property: any sequence of random edits applied incrementally gives the same tree, the same
// metrics and the same findings as a fresh parse of the final text.
#include "analysis/analyzer.h"
#include "analysis/document.h"
#include "analysis/incremental.h"
#include "analysis/incremental_check.h"
#include "analysis/rules.h"

#include "../common/random_edits.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

using namespace docent::analysis;

namespace {

const char* const kSeedText = R"PY("""Seed module: its docstring and __all__ are edited too."""
import os

__all__ = ["Config", "walk"]


class Config(object):
    """Settings."""

    limit: int = 3

    def __init__(self, path, *, strict=False):
        self.path = path
        self.items = [x for x in os.listdir(path) if x and not x.startswith(".")]

    async def load(self, name: str = "é😀") -> dict:  # noqa: CCR001
        try:
            with open(name) as handle:
                return {k: v for k, v in handle if k or v}
        except (OSError, ValueError) as error:
            raise RuntimeError(name) from error
        finally:
            pass


def walk(tree, depth=0):
    while tree:
        if depth > 3 and tree.left:
            yield from walk(tree.left, depth + 1)
        elif depth < 0:
            break
        else:
            tree = tree.right if tree.right else None
    match depth:
        case 0 if tree:
            return lambda: depth or 1
        case _:
            return None
)PY";

// Pieces of Python that make edits interesting: brackets, quotes, keywords, line ends of
// every kind and multi-byte characters.
const char* const kFragments[] = {
    "(", ")", "[", "]", "{", "}", "'", "\"", "\"\"\"", ":", "\n", "\r\n", "\r", "    ", "\t",
    "if x:", "else", "def g():", "and", "or", " not ", "é", "😀", "#", "\\", "lambda: 0",
    "for i in y:", "return", "yield", "class K:", "@dec\n",
    // Line breaks that Python's str.splitlines() sees and LSP does not: a file holding one is
    // analyzed whole, and incremental analysis resumes once it is gone.
    "\f", "\v", "\xe2\x80\xa8", "\xc2\x85", "\x1c"};

void describe_range(std::ostream& out, const char* name, ByteRange range) {
  out << ' ' << name << '@' << range.start << '-' << range.end;
}

void describe_flows(std::ostream& out, const char* name, const std::vector<FlowStatement>& flows) {
  for (const FlowStatement& flow : flows) {
    describe_range(out, name, flow.range);
    out << '=' << flow.value << (flow.is_yield_from ? " from" : "") << " caught=" << flow.caught;
  }
}

// Everything the model and the metrics say of a definition, on one line.
void describe_definition(std::ostream& out, const Definition& d, const DefinitionMetrics& m) {
  out << to_string(d.kind) << (d.is_async ? " async " : " ") << d.qualname << " parent=" << d.parent
      << " children=";
  for (int child : d.children)
    out << child << ',';
  out << ' ' << d.line << '-' << d.end_line;
  describe_range(out, "whole", d.whole);
  describe_range(out, "def", d.definition);
  describe_range(out, "name", d.name_range);
  describe_range(out, "sig", d.signature);
  describe_range(out, "body", d.body);
  for (const std::string& decorator : d.decorators)
    out << " @" << decorator;
  for (const std::string& base : d.bases)
    out << " base:" << base;
  for (const Parameter& parameter : d.parameters) {
    out << " param:" << to_string(parameter.kind) << ':' << parameter.name << ':'
        << parameter.annotation << '=' << parameter.default_value;
    describe_range(out, "", parameter.range);
  }
  out << " ->" << d.return_annotation;
  if (d.docstring) {
    describe_range(out, "doc", d.docstring->range);
    out << '=' << d.docstring->cooked << (d.docstring->has_section_markers ? " sections" : "");
  }
  out << (d.leading_string ? " leading" : "") << (d.touches_error ? " error" : "");
  describe_flows(out, "raise", d.raises);
  describe_flows(out, "return", d.returns);
  describe_flows(out, "yield", d.yields);
  for (const ClassAttribute& attribute : d.attributes) {
    out << " attr:" << attribute.name << ':' << attribute.annotation << '=' << attribute.value
        << (attribute.from_init ? " init" : "");
    describe_range(out, "", attribute.range);
  }
  out << " cc=" << m.cyclomatic << m.rank << " mc=" << m.mccabe.value_or(-1)
      << " cog=" << m.cognitive << " nest=" << m.max_nesting << " p=" << m.params
      << " loc=" << m.loc << " sloc=" << m.sloc << " h=" << m.halstead.h1 << '/' << m.halstead.h2
      << '/' << m.halstead.N1 << '/' << m.halstead.N2 << '\n';
}

std::string describe(const FileAnalysis& analysis) {
  std::ostringstream out;
  const ModuleModel& model = analysis.model;
  for (size_t i = 0; i < model.definitions.size(); ++i)
    describe_definition(out, model.definitions[i], analysis.definitions[i]);
  const ModuleMetrics& module = analysis.module;
  out << "module cc=" << module.cyclomatic_total << " mi=" << module.mi.value_or(-1)
      << module.mi_rank << " h=" << module.halstead.h1 << '/' << module.halstead.h2 << '/'
      << module.halstead.N1 << '/' << module.halstead.N2 << " errors=" << model.errors.size()
      << (model.leading_string ? " leading" : "");
  if (const std::optional<RawMetrics>& raw = module.raw)
    out << " raw=" << raw->loc << '/' << raw->lloc << '/' << raw->sloc << '/' << raw->comments
        << '/' << raw->multi << '/' << raw->blank << '/' << raw->single_comments;
  if (model.docstring)
    out << " doc@" << model.docstring->range.start << '=' << model.docstring->cooked;
  if (model.all)
    for (const std::string& name : *model.all)
      out << " all:" << name;
  return out.str();
}

// Settings under which nearly every definition has findings, so that reusing them is tested.
CheckConfig strict_config() {
  CheckConfig config;
  config.max_complexity = 1;
  config.max_cognitive_complexity = 0;
  config.max_nesting_depth = 0;
  config.max_function_length = 1;
  config.max_parameters = 0;
  return config;
}

std::string describe(const std::vector<Finding>& findings) {
  std::ostringstream out;
  for (const Finding& finding : findings) {
    out << finding.code << ' ' << finding.message << ' ' << to_string(finding.severity)
        << " def=" << finding.definition;
    describe_range(out, "", finding.range);
    out << '\n';
  }
  return out.str();
}

// The findings of the incremental analyzer's last result, reusing unchanged statements'.
std::string incremental_findings(IncrementalChecker& checker, const IncrementalAnalyzer& analyzer,
                                 const FileAnalysis& analysis, const CheckConfig& config) {
  return describe(checker.check(analysis, analyzer.statements_of(analysis), config, ModuleFile{}));
}

// Counts what the analyzer made of stale snapshots; an exact result must equal a fresh
// analysis of the same text.
struct StaleOutcomes {
  size_t exact = 0, provisional = 0, declined = 0;
  void count(const std::shared_ptr<const FileAnalysis>& result, const std::string& text) {
    if (!result) {
      ++declined;
    } else if (result->provisional) {
      ++provisional;
    } else {
      ++exact;
      REQUIRE(::describe(*result) == ::describe(analyze(parse_snapshot(text))));
    }
  }
  std::string describe() const {
    return "exact " + std::to_string(exact) + ", provisional " + std::to_string(provisional) +
           ", declined " + std::to_string(declined);
  }
};

// Calls body(seed, rng, document, analyzer) for seeds 1 to 40: a document of the seed text, and
// an analyzer that goes member by member for every class on odd seeds.
template <typename Body> void for_each_seed(Body&& body) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    Document doc(kSeedText);
    IncrementalAnalyzer incremental;
    if (seed % 2 == 1)
      incremental.set_memberwise_class_lines(1);
    body(seed, rng, doc, incremental);
  }
}

TextChange random_change(std::mt19937& rng, const Document& doc) {
  return test_support::random_change(rng, doc, {kFragments, std::size(kFragments), 90, 4});
}

} // namespace

TEST_CASE("random incremental edits equal a fresh parse", "[property]") {
  const PositionEncoding encodings[] = {PositionEncoding::Utf8, PositionEncoding::Utf16,
                                        PositionEncoding::Utf32};
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    Document doc(kSeedText);
    IncrementalAnalyzer incremental;
    IncrementalChecker checker;
    const CheckConfig config = seed % 4 == 0 ? CheckConfig{} : strict_config();
    // On even seeds the previous result stays alive, so the analyzer copies the definitions
    // it reuses instead of moving them out of the previous result.
    std::shared_ptr<const FileAnalysis> held;
    const PositionEncoding encoding = encodings[seed % 3];
    // Every class member by member on half the seeds (by default only long classes are).
    if (seed / 2 % 2 == 1)
      incremental.set_memberwise_class_lines(1);
    for (int step = 0; step < 60; ++step) {
      doc.apply(random_change(rng, doc), encoding);
      const std::string text(doc.text());
      Document fresh(text);
      INFO("seed " << seed << " step " << step << "\n" << text);
      REQUIRE(doc.sexp() == fresh.sexp());
      const FileAnalysis fresh_analysis = analyze(fresh.snapshot());
      const std::string expected = describe(fresh_analysis);
      const std::shared_ptr<const FileAnalysis> result = incremental.analyze(doc.snapshot());
      REQUIRE(describe(*result) == expected);
      REQUIRE(incremental_findings(checker, incremental, *result, config) ==
              describe(check_file(fresh_analysis, config, ModuleFile{})));
      if (seed % 2 == 0)
        held = result;
      if (step % 10 == 9)
        REQUIRE(describe(analyze(doc.snapshot())) == expected);
    }
  }
}

TEST_CASE("statements parsed on their own equal a fresh parse unless provisional", "[property]") {
  // What the server does when the parse of the whole file is cut short: the analyzer sees a
  // snapshot whose tree is stale and parses the changed statements alone. Runs of one to three
  // such edits start from the seed text, so that most start from a file without errors.
  StaleOutcomes outcomes;
  for_each_seed([&](uint32_t seed, std::mt19937& rng, Document& doc,
                    IncrementalAnalyzer& incremental) {
    std::uniform_int_distribution<int> coin(0, 2);
    for (int round = 0; round < 20; ++round) {
      doc.apply(TextChange{std::nullopt, kSeedText}, PositionEncoding::Utf16);
      incremental.analyze(doc.snapshot());
      for (int step = 0; step <= coin(rng); ++step) {
        TextChange change = random_change(rng, doc);
        if (coin(rng) == 0 && change.range) // Typing inside a name, the commonest edit.
          change = TextChange{Range{change.range->start, change.range->start}, "x"};
        doc.apply(change, PositionEncoding::Utf16);
        const std::string text(doc.text());
        INFO("seed " << seed << " round " << round << " step " << step << "\n" << text);
        auto stale = std::make_shared<const Snapshot>(text, doc.lines(), nullptr, TreeState::Stale);
        outcomes.count(incremental.analyze(stale), text);
      }
      // Once the whole tree is parsed, the next analysis reuses what the stale ones kept.
      const std::string expected = describe(analyze(parse_snapshot(std::string(doc.text()))));
      REQUIRE(describe(*incremental.analyze(doc.snapshot())) == expected);
    }
  });
  INFO(outcomes.describe());
  CHECK(outcomes.exact > 400); // The property must not hold only vacuously.
  CHECK(outcomes.provisional > 0);
  CHECK(outcomes.declined < outcomes.exact);
}

TEST_CASE("edits analyzed from the stale tree equal a fresh analysis unless provisional",
          "[property]") {
  // What the server does on a keystroke: the document is edited but not parsed, and the
  // analyzer parses the changed statements on their own, reusing the stale tree's nodes. One to
  // four edits pile up before the whole file is parsed again, as when keystrokes come faster
  // than the idle parses.
  size_t exact_edits = 0;
  StaleOutcomes outcomes;
  for_each_seed(
      [&](uint32_t seed, std::mt19937& rng, Document& doc, IncrementalAnalyzer& incremental) {
        incremental.analyze(doc.snapshot());
        std::uniform_int_distribution<int> pile(1, 4);
        for (int round = 0; round < 25; ++round) {
          if (round % 5 == 0) { // Back to a text without errors now and then.
            doc.apply(TextChange{std::nullopt, kSeedText}, PositionEncoding::Utf16);
            incremental.analyze(doc.snapshot());
          }
          const int edits = pile(rng);
          for (int step = 0; step < edits; ++step) {
            TextChange change = random_change(rng, doc);
            if (rng() % 2 == 0 && change.range) // Typing inside a name, the commonest edit.
              change = TextChange{Range{change.range->start, change.range->start}, "x"};
            doc.edit(change, PositionEncoding::Utf16);
            const std::string text(doc.text());
            INFO("seed " << seed << " round " << round << " step " << step << "\n" << text);
            const std::shared_ptr<const Snapshot> stale = doc.snapshot();
            REQUIRE(stale->tree_state() == TreeState::Stale);
            // As the server asks first: only an exact analysis, or nothing changed.
            const std::shared_ptr<const FileAnalysis> held = incremental.last_result();
            if (const std::shared_ptr<const FileAnalysis> edit = incremental.analyze_edit(stale)) {
              ++exact_edits;
              REQUIRE_FALSE(edit->provisional);
              REQUIRE(describe(*edit) == describe(analyze(parse_snapshot(text))));
              continue;
            }
            REQUIRE(incremental.last_result() == held);
            outcomes.count(incremental.analyze(stale), text);
          }
          while (doc.reparse() == ParseResult::TimedOut) {
          }
          const std::string expected = describe(analyze(parse_snapshot(std::string(doc.text()))));
          REQUIRE(describe(*incremental.analyze(doc.snapshot())) == expected);
        }
      });
  INFO("exact edits " << exact_edits << ", then " << outcomes.describe());
  CHECK(exact_edits > 150); // The property must not hold only vacuously.
  CHECK(outcomes.provisional > 0);
}

TEST_CASE("a bounded parse resumes and converges to the full tree", "[property]") {
  std::string big;
  for (int i = 0; i < 400; ++i)
    big += "def f" + std::to_string(i) + "(a, (b, [c, {d: e(\n";
  Document doc(big, 1); // A 1 µs budget: every parse call is interrupted at first.
  int attempts = 1;
  while (!doc.complete() && attempts < 100000) {
    doc.reparse();
    ++attempts;
  }
  REQUIRE(doc.complete());
  CHECK(doc.sexp() == Document(big).sexp());
  // Edits after an interrupted parse restart it with the new text.
  doc.apply(TextChange{Range{{0, 0}, {0, 0}}, "x = 1\n"}, PositionEncoding::Utf16);
  while (!doc.complete())
    doc.reparse();
  CHECK(doc.sexp() == Document(std::string(doc.text())).sexp());
}

TEST_CASE("an edit inside one function re-analyzes only its statement") {
  Document doc(kSeedText);
  IncrementalAnalyzer incremental;
  incremental.analyze(doc.snapshot());
  const size_t statements = incremental.last_computed();
  REQUIRE(statements >= 3);
  // Inside `walk`: `depth > 3` becomes `depth > 30`.
  const size_t at = std::string(kSeedText).find("depth > 3") + 9;
  const Position position = doc.lines().position_of(doc.text(), at, PositionEncoding::Utf16);
  doc.apply(TextChange{Range{position, position}, "0"}, PositionEncoding::Utf16);
  std::shared_ptr<const FileAnalysis> analysis = incremental.analyze(doc.snapshot());
  CHECK(incremental.last_computed() == 1);
  CHECK(incremental.last_reused() == statements - 1);
  CHECK(describe(*analysis) == describe(analyze(doc.snapshot())));
  analysis.reset(); // Released: the next call moves its definitions instead of copying them.
  // Lines inserted above every definition shift all of them; nothing is recomputed.
  doc.apply(TextChange{Range{{0, 0}, {0, 0}}, "# header\n\n"}, PositionEncoding::Utf16);
  CHECK(describe(*incremental.analyze(doc.snapshot())) == describe(analyze(doc.snapshot())));
  CHECK(incremental.last_computed() == 1); // The new comment line.
}

TEST_CASE("an edit inside one function re-checks only its statement") {
  Document doc(kSeedText);
  IncrementalAnalyzer incremental;
  IncrementalChecker checker;
  const CheckConfig config = strict_config();
  std::shared_ptr<const FileAnalysis> analysis = incremental.analyze(doc.snapshot());
  checker.check(*analysis, incremental.statements_of(*analysis), config, ModuleFile{});
  const size_t statements = checker.last_computed();
  REQUIRE(statements >= 3);
  // Lines inserted inside `walk` move the findings of `walk` alone; those above stay.
  const size_t at = std::string(kSeedText).find("    match depth:");
  const Position position = doc.lines().position_of(doc.text(), at, PositionEncoding::Utf16);
  doc.apply(TextChange{Range{position, position}, "    if depth:\n        pass\n"},
            PositionEncoding::Utf16);
  analysis = incremental.analyze(doc.snapshot());
  const std::vector<Finding> findings =
      checker.check(*analysis, incremental.statements_of(*analysis), config, ModuleFile{});
  CHECK(checker.last_computed() == 1);
  CHECK(checker.last_reused() == statements - 1);
  CHECK(describe(findings) == describe(check_file(analyze(doc.snapshot()), config, ModuleFile{})));
  // Lines inserted above every definition shift all of their findings; none is recomputed.
  doc.apply(TextChange{Range{{0, 0}, {0, 0}}, "# header\n\n"}, PositionEncoding::Utf16);
  analysis = incremental.analyze(doc.snapshot());
  CHECK(incremental_findings(checker, incremental, *analysis, config) ==
        describe(check_file(analyze(doc.snapshot()), config, ModuleFile{})));
  CHECK(checker.last_computed() == 1); // The new comment line.
  // Other settings find anew.
  CheckConfig relaxed;
  analysis = incremental.analyze(doc.snapshot());
  CHECK(incremental_findings(checker, incremental, *analysis, relaxed) ==
        describe(check_file(analyze(doc.snapshot()), relaxed, ModuleFile{})));
  CHECK(checker.last_reused() == 0);
}

TEST_CASE("a class whose docstring names raise, return or yield is analyzed member by member") {
  // A docstring holds no statement, whatever its words, so it does not keep the class from
  // being analyzed member by member; a string with an interpolation is checked like any other
  // statement of the class's own.
  const std::string text = "class K:\n"
                           "    \"\"\"Methods return values, raise errors and yield items.\"\"\"\n"
                           "\n"
                           "    def m(self, a):\n"
                           "        if a:\n"
                           "            raise ValueError(a)\n"
                           "        return a\n"
                           "\n"
                           "    f\"{(yield)}\"\n"
                           "\n"
                           "    def n(self):\n"
                           "        yield self\n";
  Document doc(text);
  IncrementalAnalyzer incremental;
  incremental.set_memberwise_class_lines(1);
  CHECK(describe(*incremental.analyze(doc.snapshot())) == describe(analyze(doc.snapshot())));
  // Typing in a method, then in the docstring, then removing the interpolated string.
  const std::vector<TextChange> edits = {
      TextChange{Range{{3, 9}, {3, 9}}, "x"}, TextChange{Range{{1, 12}, {1, 12}}, "y"},
      TextChange{Range{{8, 0}, {10, 0}}, ""},
      TextChange{Range{{5, 12}, {5, 12}}, "return a\n            "}};
  for (const TextChange& change : edits) {
    doc.apply(change, PositionEncoding::Utf16);
    INFO(doc.text());
    CHECK(describe(*incremental.analyze(doc.snapshot())) == describe(analyze(doc.snapshot())));
  }
}

namespace {

// A module of the standard library, if this machine has it.
std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in)
    return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

} // namespace

TEST_CASE("edits inside the long classes of real modules equal a fresh analysis", "[property]") {
  // Long classes are analyzed member by member; typing inside names, new lines, pasted and
  // deleted lines inside their methods must give what a fresh analysis gives.
  for (const char* path :
       {"/usr/lib/python3.11/_pydecimal.py", "/usr/lib/python3.11/argparse.py"}) {
    const std::optional<std::string> text = read_file(path);
    if (!text)
      continue;
    Document doc(*text);
    IncrementalAnalyzer incremental;
    IncrementalChecker checker;
    const CheckConfig config;
    incremental.analyze(doc.snapshot());
    std::mt19937 rng(7);
    const char* const inserts[] = {"x", "\n", "        y = a if b else c\n", "#",
                                   "    def added(self, q):\n        return q and self\n\n"};
    for (int step = 0; step < 40; ++step) {
      std::uniform_int_distribution<uint32_t> line(
          0, static_cast<uint32_t>(doc.lines().line_count() - 1));
      std::uniform_int_distribution<uint32_t> column(0, 12);
      std::uniform_int_distribution<size_t> pick(0, std::size(inserts));
      const Position at{line(rng), column(rng)};
      const size_t which = pick(rng);
      const TextChange change = which == std::size(inserts)
                                    ? TextChange{Range{{at.line, 0}, {at.line + 1, 0}}, ""}
                                    // Delete a line.
                                    : TextChange{Range{at, at}, inserts[which]};
      doc.apply(change, PositionEncoding::Utf16);
      INFO(path << " step " << step);
      const std::shared_ptr<const FileAnalysis> result = incremental.analyze(doc.snapshot());
      const FileAnalysis fresh = analyze(doc.snapshot());
      REQUIRE(describe(*result) == describe(fresh));
      REQUIRE(incremental_findings(checker, incremental, *result, config) ==
              describe(check_file(fresh, config, ModuleFile{})));
    }
  }
}

namespace {

bool is_letter(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
// Between two letters of a word.
bool inside_word(std::string_view text, size_t i) {
  return is_letter(text[i - 1]) && is_letter(text[i]);
}
std::string_view word_at(std::string_view text, size_t i) {
  size_t begin = i, end = i;
  while (begin > 0 && is_letter(text[begin - 1]))
    --begin;
  while (end < text.size() && is_letter(text[end]))
    ++end;
  return text.substr(begin, end - begin);
}
// Typing inside these would make a syntax error (or an identifier of them).
bool is_keyword(std::string_view word) {
  static const char* const keywords[] = {
      "False",   "None",     "True",     "and",    "as",   "assert", "async",  "await",
      "break",   "class",    "continue", "def",    "del",  "elif",   "else",   "except",
      "finally", "for",      "from",     "global", "if",   "import", "in",     "is",
      "lambda",  "nonlocal", "not",      "or",     "pass", "raise",  "return", "try",
      "while",   "with",     "yield",    "match",  "case", "type",   "print",  "self"};
  return std::find(std::begin(keywords), std::end(keywords), word) != std::end(keywords);
}

// Modules with long classes that go member by member.
constexpr const char* kLongClassModules[] = {"/usr/lib/python3.11/argparse.py",
                                             "/usr/lib/python3.11/_pydecimal.py"};

const Definition* longest_top_level_class(const FileAnalysis& analysis) {
  const Definition* longest = nullptr;
  for (const Definition& definition : analysis.model.definitions)
    if (definition.kind == DefinitionKind::Class && definition.parent == -1 &&
        (longest == nullptr ||
         definition.end_line - definition.line > longest->end_line - longest->line))
      longest = &definition;
  return longest;
}

// Calls body(path, document, analyzer, longest class) for each of kLongClassModules that is
// installed, once the analyzer has analyzed the document's text.
template <typename Body> void with_long_class_modules(Body&& body) {
  for (const char* path : kLongClassModules) {
    const std::optional<std::string> source = read_file(path);
    if (!source)
      continue;
    Document doc(*source);
    IncrementalAnalyzer incremental;
    const std::shared_ptr<const FileAnalysis> first = incremental.analyze(doc.snapshot());
    const Definition* longest = longest_top_level_class(*first);
    REQUIRE(longest != nullptr);
    body(path, doc, incremental, longest);
  }
}

} // namespace

TEST_CASE("typing again and again inside one long class equals a fresh analysis", "[property]") {
  // Each version of a long class analyzed member by member hands its merged Halstead parts on
  // to the next one, which updates them with the members that changed: typing inside the
  // names of one class, keystroke after keystroke, must give what a fresh analysis gives.
  with_long_class_modules([](const char* path, Document& doc, IncrementalAnalyzer& incremental,
                             const Definition* longest) {
    const uint32_t first_line = longest->line, last_line = longest->end_line; // 1-based.
    std::mt19937 rng(11);
    std::vector<Position> typed; // Where an 'x' was typed and is still there.
    for (int step = 0; step < 80; ++step) {
      const std::string_view text = doc.text();
      std::uniform_int_distribution<uint32_t> line(first_line, last_line - 1);
      TextChange change;
      if (!typed.empty() && step % 3 == 2) { // Delete the last 'x' typed.
        const Position at = typed.back();
        typed.pop_back();
        change = TextChange{Range{at, Position{at.line, at.character + 1}}, ""};
      } else {
        // Inside an identifier of a line of the class: an operand changes.
        std::optional<Position> at;
        while (!at) {
          const uint32_t row = line(rng);
          const size_t begin = doc.lines().line_start(row), end = doc.lines().line_content_end(row);
          for (size_t i = begin + 1; i < end && !at; ++i)
            if (inside_word(text, i) && !is_keyword(word_at(text, i)) && rng() % 4 == 0)
              at = Position{row, static_cast<uint32_t>(i - begin)};
        }
        typed.push_back(*at);
        change = TextChange{Range{*at, *at}, "x"};
      }
      doc.apply(change, PositionEncoding::Utf8);
      INFO(path << " step " << step);
      // One snapshot for both: the analyzer then learns what changed from the document.
      const std::shared_ptr<const Snapshot> snapshot = doc.snapshot();
      const std::shared_ptr<const FileAnalysis> result = incremental.analyze(snapshot);
      REQUIRE(describe(*result) == describe(analyze(snapshot)));
    }
  });
}

TEST_CASE("typing inside long classes before the reparse equals a fresh analysis", "[property]") {
  // The server's keystroke: the edited member is parsed on its own from the stale tree and
  // the class is put together from its members' shares without a tree of the whole file.
  with_long_class_modules([](const char* path, Document& doc, IncrementalAnalyzer& incremental,
                             const Definition* longest) {
    std::mt19937 rng(5);
    size_t exact = 0;
    for (int step = 0; step < 60; ++step) {
      const std::string_view text = doc.text();
      std::uniform_int_distribution<uint32_t> line(longest->line, longest->end_line - 1);
      std::optional<size_t> at;
      while (!at) {
        const uint32_t row = line(rng);
        for (size_t i = doc.lines().line_start(row) + 1;
             i < doc.lines().line_content_end(row) && !at; ++i)
          if (inside_word(text, i) && !is_keyword(word_at(text, i)) && rng() % 4 == 0)
            at = i;
      }
      const Position where = doc.lines().position_of(text, *at, PositionEncoding::Utf8);
      // Type an 'x', or delete the letter there.
      const Position end = step % 3 == 2 ? Position{where.line, where.character + 1} : where;
      doc.edit(TextChange{Range{where, end}, step % 3 == 2 ? "" : "x"}, PositionEncoding::Utf8);
      INFO(path << " step " << step);
      const std::shared_ptr<const Snapshot> stale = doc.snapshot();
      std::shared_ptr<const FileAnalysis> result = incremental.analyze_edit(stale);
      exact += result != nullptr;
      if (!result)
        result = incremental.analyze(stale);
      REQUIRE(result != nullptr);
      if (!result->provisional)
        REQUIRE(describe(*result) == describe(analyze(parse_snapshot(std::string(doc.text())))));
      if (step % 4 == 3) { // Now and then the idle parse catches up.
        doc.reparse();
        const std::shared_ptr<const Snapshot> parsed = doc.snapshot();
        REQUIRE(describe(*incremental.analyze(parsed)) == describe(analyze(parsed)));
      }
    }
    CHECK(exact > 40);
  });
}

TEST_CASE("adding and removing a function inside one long class equals a fresh analysis",
          "[property]") {
  // A function added inside one method changes how many definitions that member has, so
  // every later member's definitions move to other places in the list.
  with_long_class_modules([](const char* path, Document& doc, IncrementalAnalyzer& incremental,
                             const Definition* longest) {
    // Lines of the class (0-based) that start a return statement: a statement may stand there.
    std::vector<uint32_t> returns;
    for (uint32_t row = longest->line; row < longest->end_line; ++row) {
      const std::string_view line =
          doc.text().substr(doc.lines().line_start(row),
                            doc.lines().line_content_end(row) - doc.lines().line_start(row));
      const size_t indent = line.find_first_not_of(' ');
      if (indent != std::string_view::npos && line.substr(indent).rfind("return ", 0) == 0)
        returns.push_back(row);
    }
    REQUIRE(returns.size() > 10);
    std::mt19937 rng(3);
    for (int step = 0; step < 20; ++step) {
      const uint32_t row = returns[rng() % returns.size()];
      const std::string_view line = doc.text().substr(doc.lines().line_start(row), 64);
      const std::string indent(line.substr(0, line.find_first_not_of(' ')));
      const std::string added =
          indent + (step % 2 == 0 ? "def added(a, b):\n" + indent + "    return a\n"
                                  : "def added(): pass\n");
      const uint32_t lines_added = step % 2 == 0 ? 2 : 1;
      for (const bool add : {true, false}) {
        doc.apply(add ? TextChange{Range{Position{row, 0}, Position{row, 0}}, added}
                      : TextChange{Range{Position{row, 0}, Position{row + lines_added, 0}}, ""},
                  PositionEncoding::Utf8);
        INFO(path << " step " << step << (add ? " added" : " removed") << " at line " << row);
        const std::shared_ptr<const Snapshot> snapshot = doc.snapshot();
        const std::shared_ptr<const FileAnalysis> result = incremental.analyze(snapshot);
        REQUIRE(describe(*result) == describe(analyze(snapshot)));
      }
    }
  });
}
