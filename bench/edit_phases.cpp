// Benchmark: what one keystroke costs the server, phase by phase, on one file (CPU time of the
// thread): the incremental reparse (Document::apply without settling, bounded as the server
// bounds it), taking the snapshot, IncrementalAnalyzer::analyze, the findings (check_file's, from
// those of the unchanged statements, as the server finds them), and the diagnostics compared
// with the set last sent (serializing those that changed, if any); apart, putting the whole
// set's JSON together again (what sending the set costs on the push path, not in the total). Edits
// insert an 'x' inside an identifier and delete it again, at positions drawn with a fixed seed;
// between edits the parse is finished (the editor idles between keystrokes), as in the server
// benchmark's L1.
//
// With --before-parse, each keystroke goes as the server's does when the document's last
// analysis was exact: the edit is applied without parsing ("apply"), and the changed statements
// are parsed on their own and analyzed (IncrementalAnalyzer::analyze_edit, in "analyze"); when
// that declines, the file is parsed and analyzed as above (both then count in "analyze").
//
// Usage: edit_phases FILE [EDIT_PAIRS] [--before-parse]   (default 300 pairs)
#include "analysis/document.h"
#include "analysis/incremental.h"
#include "analysis/incremental_check.h"
#include "analysis/rules.h"
#include "analysis/source_file.h"
#include "analysis/syntax_tree.h"
#include "bench/keystrokes.h"
#include "lsp/features.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace docent::analysis;
using namespace docent::bench;

constexpr uint64_t kParseBudgetMicros = 5000; // The server's default --parse-budget-us.

// For each line, the number of lines of the top-level statement it belongs to.
std::vector<uint32_t> statement_sizes(const Snapshot& snapshot) {
  std::vector<uint32_t> sizes(snapshot.lines().line_count() + 1, 1);
  for_each_named_child(snapshot.root(), [&](TSNode node) {
    const uint32_t first = ts_node_start_point(node).row, last = ts_node_end_point(node).row;
    for (uint32_t line = first; line <= last && line < sizes.size(); ++line)
      sizes[line] = last - first + 1;
  });
  return sizes;
}

struct Phases {
  std::vector<double> apply, snapshot, analyze, check, signature, json, total;
  // By the size of the edited statement: <= 200 and > 200 lines.
  std::vector<double> apply_small, apply_large, analyze_small, analyze_large;
  std::vector<double> total_small, total_large;
};

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: edit_phases FILE [EDIT_PAIRS]\n");
    return 2;
  }
  const SourceFileResult read = read_source_file(argv[1]);
  if (!read.file) {
    std::fprintf(stderr, "edit_phases: %s\n", read.error.c_str());
    return 2;
  }
  const std::string& source = read.file->text;
  const int pairs = argc > 2 ? std::atoi(argv[2]) : 300;
  const bool before_parse = argc > 3 && std::string(argv[3]) == "--before-parse";
  Document document(source, kParseBudgetMicros);
  settle(document);
  IncrementalAnalyzer analyzer;
  IncrementalChecker checker;
  const CheckConfig config;
  const ModuleFile module = module_file(argv[1]); // Read once per document, as the server does.
  std::shared_ptr<const FileAnalysis> analysis = analyzer.analyze(document.snapshot());
  const std::vector<size_t> offsets = inside_identifiers(*document.snapshot());
  const std::vector<uint32_t> sizes = statement_sizes(*document.snapshot());
  std::mt19937 random(20240611);
  Phases phases;
  docent::lsp::DiagnosticsText published;
  int declined = 0;
  int parsed_first = 0; // With --before-parse: keystrokes analyze_edit() declined.
  for (int pair = 0; pair < pairs && !offsets.empty(); ++pair) {
    const size_t offset = offsets[random() % offsets.size()];
    for (const bool insert : {true, false}) {
      const Position at =
          document.lines().position_of(document.text(), offset, PositionEncoding::Utf16);
      TextChange change{Range{at, insert ? at : Position{at.line, at.character + 1}},
                        insert ? "x" : ""};
      const double start = thread_cpu_micros();
      if (before_parse)
        document.edit(change, PositionEncoding::Utf16);
      else
        document.apply(change, PositionEncoding::Utf16, /*settle=*/false);
      const double applied = thread_cpu_micros();
      std::shared_ptr<const Snapshot> snapshot = document.snapshot();
      const double taken = thread_cpu_micros();
      analysis.reset(); // As the server does: the analyzer can then move definitions.
      if (before_parse) {
        analysis = analyzer.analyze_edit(snapshot);
        if (!analysis) { // The parse comes first after all.
          ++parsed_first;
          document.reparse(/*settle=*/false);
          analysis = analyzer.analyze(document.snapshot());
        }
      } else {
        analysis = analyzer.analyze(snapshot);
      }
      const double analyzed = thread_cpu_micros();
      if (!analysis) { // The parse was cut short and the change could not be analyzed alone.
        ++declined;
        settle(document);
        analysis = analyzer.analyze(document.snapshot());
        continue;
      }
      const std::vector<Finding>& findings =
          checker.check(*analysis, analyzer.statements_of(*analysis), config, module);
      const double checked = thread_cpu_micros();
      // What the server does with them: compare with the set last sent, and serialize the
      // diagnostics that changed, if any.
      published.update(*analysis, findings, PositionEncoding::Utf16);
      const double signed_at = thread_cpu_micros();
      // What publishing costs when the set is sent again: its JSON, serialized (the
      // diagnostics whose text is unchanged are reused from the last set).
      published.forget();
      published.update(*analysis, findings, PositionEncoding::Utf16);
      phases.json.push_back(thread_cpu_micros() - signed_at);
      phases.apply.push_back(applied - start);
      phases.snapshot.push_back(taken - applied);
      phases.analyze.push_back(analyzed - taken);
      phases.check.push_back(checked - analyzed);
      phases.signature.push_back(signed_at - checked);
      phases.total.push_back(signed_at - start);
      const bool small = sizes[at.line] <= 200;
      (small ? phases.apply_small : phases.apply_large).push_back(applied - start);
      (small ? phases.analyze_small : phases.analyze_large).push_back(analyzed - taken);
      (small ? phases.total_small : phases.total_large).push_back(signed_at - start);
      analyzer.release_retired(); // As the server does, once the diagnostics are out.
      settle(document);
    }
  }
  if (phases.total.empty())
    return 1;
  std::printf("%zu edits (%d declined), CPU microseconds, median / p99:\n", phases.total.size(),
              declined);
  if (before_parse)
    std::printf("  analyzed before the parse: %zu; parsed first: %d\n",
                phases.total.size() - parsed_first, parsed_first);
  const std::pair<const char*, const std::vector<double>*> rows[] = {
      {"apply", &phases.apply},
      {"snapshot", &phases.snapshot},
      {"analyze", &phases.analyze},
      {"check_file", &phases.check},
      {"diagnostics (compare)", &phases.signature},
      {"json (sent again)", &phases.json},
      {"total", &phases.total},
      {"apply, statements <= 200 lines", &phases.apply_small},
      {"apply, statements > 200 lines", &phases.apply_large},
      {"analyze, statements <= 200 lines", &phases.analyze_small},
      {"analyze, statements > 200 lines", &phases.analyze_large},
      {"total, statements <= 200 lines", &phases.total_small},
      {"total, statements > 200 lines", &phases.total_large}};
  for (const auto& [name, values] : rows)
    if (!values->empty())
      std::printf("  %-32s %8.0f %8.0f\n", name, percentile(*values, 0.5),
                  percentile(*values, 0.99));
  return 0;
}
