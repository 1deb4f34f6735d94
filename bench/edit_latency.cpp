// Benchmark: latency of one keystroke in the editor, i.e. Document::apply of a one-character
// edit (incremental reparse) followed by re-analysis of the new snapshot.
//
// All scenarios use one file (default /usr/lib/python3.11/typing.py) and pseudo-random edits
// with a fixed seed: at each position a character is inserted (an 'x' inside an identifier, a
// space or a newline) and deleted again right after; both edits are timed.
//   clean         the file as is, no parse time bound, analyze(doc.snapshot());
//   clean+bound   the same with the bound;
//   broken        the file with syntax errors sprinkled in (every 20th line cut mid-expression,
//                 unmatched brackets and quotes), no bound, to see the parse times that a bound
//                 has to accommodate (first quarter of the edits only: every parse is slow);
//   broken+bound  the broken file with the bound;
//   clean+bound+server, broken+bound+server
//                 what a language server would do per keystroke: apply(..., settle = false),
//                 which skips the second, fresh parse after an error-laden incremental parse,
//                 and IncrementalAnalyzer::analyze instead of analyze().
// For each: median, p90, p99 and max of edit + analysis (wall and CPU time), the parse and
// analysis parts, how many apply() calls returned TimedOut or Provisional, the longest run of
// consecutive edits that did not end with a Complete parse, and once the edits stop, how many
// bounded reparse() calls it takes to get a Complete tree (the catch-up).
//
// Usage: edit_latency [FILE] [EDIT_PAIRS] [BOUND_MS]   (defaults: typing.py, 1000, 5)
#include "analysis/analyzer.h"
#include "analysis/document.h"
#include "analysis/incremental.h"
#include "analysis/source_file.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace docent::analysis;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kSeed = 20240611;

// One planned keystroke: the character typed at a byte offset of the original text.
struct Keystroke {
  size_t offset;
  char character;
};

struct Scenario {
  const char* name;
  const std::string& text;
  const std::vector<Keystroke>& keys;
  uint64_t bound_micros; // 0: unbounded.
  bool settle;           // Passed to Document::apply.
  bool incremental;      // IncrementalAnalyzer instead of analyze().
  bool idle = false;     // Between keystrokes, finish and settle the parse (untimed).
};

// Times of one scenario's edits, in milliseconds, and what the parses returned.
struct Samples {
  std::vector<double> total;     // Wall time of apply() + snapshot() + analysis.
  std::vector<double> total_cpu; // The same in CPU time of this thread.
  std::vector<double> parse;     // Wall time of apply() alone (edit, line index, reparse).
  std::vector<double> analyze;   // Wall time of snapshot() + analysis.
  size_t timeouts = 0;
  size_t provisional = 0;
  size_t unsettled_run = 0;         // Current run of edits without a Complete parse.
  size_t longest_unsettled_run = 0; // Longest such run.
  size_t statements_computed = 0;   // IncrementalAnalyzer: top-level statements analyzed anew.
  size_t stale_exact = 0;           // Cut short parses analyzed from the changed statements...
  size_t stale_provisional = 0;     // ...provisionally (they have syntax errors)...
  size_t stale_declined = 0;        // ...or not at all (the previous analysis stays).
  size_t catch_up_calls = 0;        // reparse() calls after the last edit until Complete.
  double catch_up_ms = 0;           // Their total wall time.
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double thread_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) * 1e-6;
}

bool is_identifier_byte(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_' || u >= 0x80;
}

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The first offset at or after `from` that lies between two identifier bytes, or `from`.
size_t inside_identifier(const std::string& text, size_t from) {
  for (size_t i = std::max<size_t>(from, 1); i < text.size(); ++i)
    if (is_identifier_byte(text[i - 1]) && is_identifier_byte(text[i]) &&
        !is_continuation_byte(text[i]))
      return i;
  return from;
}

// The first character boundary at or after `offset`.
size_t character_boundary(const std::string& text, size_t offset) {
  while (offset < text.size() && is_continuation_byte(text[offset]))
    ++offset;
  return offset;
}

// Keystrokes at pseudo-random positions: 60% 'x' in identifiers, 25% spaces, 15% newlines.
// Each is undone right after, so every offset refers to the original text.
std::vector<Keystroke> plan_keystrokes(const std::string& text, size_t count) {
  std::mt19937 rng(kSeed);
  std::vector<Keystroke> keys;
  for (size_t i = 0; i < count; ++i) {
    const size_t offset = rng() % (text.size() + 1);
    const uint32_t kind = rng() % 100;
    if (kind < 60)
      keys.push_back({inside_identifier(text, offset), 'x'});
    else
      keys.push_back({character_boundary(text, offset), kind < 85 ? ' ' : '\n'});
  }
  return keys;
}

Range range_at(const Document& doc, size_t begin, size_t end) {
  const LineIndex& lines = doc.lines();
  return Range{lines.position_of(doc.text(), begin, PositionEncoding::Utf8),
               lines.position_of(doc.text(), end, PositionEncoding::Utf8)};
}

void count_result(ParseResult result, Samples& samples) {
  samples.timeouts += result == ParseResult::TimedOut;
  samples.provisional += result == ParseResult::Provisional;
  samples.unsettled_run = result == ParseResult::Complete ? 0 : samples.unsettled_run + 1;
  samples.longest_unsettled_run = std::max(samples.longest_unsettled_run, samples.unsettled_run);
}

// Applies one change, re-analyzes, and records the times.
void timed_edit(const Scenario& scenario, Document& doc, IncrementalAnalyzer& analyzer,
                const TextChange& change, Samples& samples) {
  const double cpu_start = thread_cpu_ms();
  const Clock::time_point start = Clock::now();
  const ParseResult result = doc.apply(change, PositionEncoding::Utf8, scenario.settle);
  const double parse_ms = ms_since(start);
  const Clock::time_point analysis_start = Clock::now();
  // When the parse is cut short, the server's analyzer parses the changed statements on their
  // own (IncrementalAnalyzer::analyze of a stale snapshot).
  std::shared_ptr<const FileAnalysis> analysis;
  const std::shared_ptr<const Snapshot> snapshot = doc.snapshot();
  if (scenario.incremental)
    analysis = analyzer.analyze(snapshot);
  else
    analysis = std::make_shared<const FileAnalysis>(analyze(snapshot));
  const double analyze_ms = ms_since(analysis_start);
  if (result == ParseResult::TimedOut && scenario.incremental) {
    samples.stale_declined += analysis == nullptr;
    samples.stale_provisional += analysis != nullptr && analysis->provisional;
    samples.stale_exact += analysis != nullptr && !analysis->provisional;
  }
  samples.total_cpu.push_back(thread_cpu_ms() - cpu_start);
  samples.total.push_back(parse_ms + analyze_ms);
  samples.parse.push_back(parse_ms);
  samples.analyze.push_back(analyze_ms);
  samples.statements_computed += scenario.incremental ? analyzer.last_computed() : 0;
  count_result(result, samples);
  if (scenario.idle && result != ParseResult::Complete) {
    // What the server does once the editor pauses: finish and settle the parse, analyze again.
    while (doc.reparse() != ParseResult::Complete) {
    }
    analysis.reset();
    analyzer.analyze(doc.snapshot());
  }
}

// Once typing stops: how many bounded reparse() calls, and how long, until the tree is final.
void catch_up(Document& doc, Samples& samples) {
  const Clock::time_point start = Clock::now();
  do
    ++samples.catch_up_calls;
  while (doc.reparse() != ParseResult::Complete);
  samples.catch_up_ms = ms_since(start);
}

Samples run_scenario(const Scenario& scenario) {
  Document doc(scenario.text, scenario.bound_micros);
  while (doc.reparse() != ParseResult::Complete) {
    // The first parse of a big buffer may need several slices of the bound.
  }
  IncrementalAnalyzer analyzer;
  // Warm up caches, the allocator and the incremental analyzer outside the measurement.
  if (scenario.incremental)
    analyzer.analyze(doc.snapshot());
  else
    analyze(doc.snapshot());
  Samples samples;
  for (const Keystroke& key : scenario.keys) {
    const std::string typed(1, key.character);
    timed_edit(scenario, doc, analyzer, TextChange{range_at(doc, key.offset, key.offset), typed},
               samples);
    timed_edit(scenario, doc, analyzer, TextChange{range_at(doc, key.offset, key.offset + 1), ""},
               samples);
  }
  if (doc.text() != scenario.text)
    std::fprintf(stderr, "warning: the edits did not restore the text\n");
  catch_up(doc, samples);
  return samples;
}

// Nearest-rank percentile.
double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(values.size())));
  return values[std::min(values.size(), std::max<size_t>(rank, 1)) - 1];
}

// One line per scenario, "key value" pairs separated by commas (read by
// scripts/run-benchmarks.sh).
void print_samples(const char* name, const Samples& samples) {
  const std::vector<double>& wall = samples.total;
  const std::vector<double>& cpu = samples.total_cpu;
  const std::vector<double>& parse = samples.parse;
  std::printf("scenario %s: edits %zu, median %.3f, p90 %.3f, p99 %.3f, max %.3f, "
              "cpu median %.3f, cpu p90 %.3f, cpu p99 %.3f, cpu max %.3f, ",
              name, wall.size(), percentile(wall, 50), percentile(wall, 90), percentile(wall, 99),
              percentile(wall, 100), percentile(cpu, 50), percentile(cpu, 90), percentile(cpu, 99),
              percentile(cpu, 100));
  std::printf("parse median %.3f, parse p90 %.3f, parse p99 %.3f, parse max %.3f, "
              "analyze median %.3f, analyze p99 %.3f, ",
              percentile(parse, 50), percentile(parse, 90), percentile(parse, 99),
              percentile(parse, 100), percentile(samples.analyze, 50),
              percentile(samples.analyze, 99));
  std::printf("timed out %zu, provisional %zu, stale analyses exact %zu, provisional %zu, "
              "declined %zu, longest unsettled run %zu, "
              "statements analyzed per edit %.2f, catch-up calls %zu, catch-up ms %.3f\n",
              samples.timeouts, samples.provisional, samples.stale_exact, samples.stale_provisional,
              samples.stale_declined, samples.longest_unsettled_run,
              static_cast<double>(samples.statements_computed) / static_cast<double>(wall.size()),
              samples.catch_up_calls, samples.catch_up_ms);
}

// A line cut in the middle (keeping its indentation), which usually leaves an open expression.
std::string cut_line(const std::string& line) {
  const size_t indent = line.find_first_not_of(" \t");
  if (indent == std::string::npos || line.size() - indent < 4)
    return line;
  return line.substr(0, indent + (line.size() - indent) / 2);
}

// `text` with syntax errors: every 20th line cut mid-expression, an unmatched "(" or "[" at
// the end of every 50th line and a stray quote in every 70th.
std::string break_syntax(const std::string& text) {
  std::string broken;
  size_t line_number = 0;
  for (size_t begin = 0; begin < text.size(); ++line_number) {
    size_t end = text.find('\n', begin);
    end = end == std::string::npos ? text.size() : end;
    std::string line = text.substr(begin, end - begin);
    if (line_number % 20 == 7)
      line = cut_line(line);
    if (line_number % 50 == 23)
      line += line_number % 100 == 23 ? " (" : " [";
    if (line_number % 70 == 41)
      line.insert(line.size() / 2, line_number % 140 == 41 ? "'" : "\"");
    broken += line;
    broken += '\n';
    begin = end + 1;
  }
  return broken;
}

// How long parsing `text` from scratch takes, without a bound (median of five), and whether the
// tree has errors.
void print_full_parse(const char* name, const std::string& text) {
  std::vector<double> times;
  bool has_error = false;
  for (int i = 0; i < 5; ++i) {
    const Clock::time_point start = Clock::now();
    Document doc(text);
    times.push_back(ms_since(start));
    has_error = ts_node_has_error(doc.root());
  }
  std::printf("full parse %s: %zu bytes, median %.3f ms, tree has errors: %s\n", name, text.size(),
              percentile(times, 50), has_error ? "yes" : "no");
}

// The median time of analyze() of the whole file, for scale.
void print_full_analysis(const char* name, const std::string& text) {
  const std::shared_ptr<const Snapshot> snapshot = parse_snapshot(text);
  std::vector<double> times;
  for (int i = 0; i < 5; ++i) {
    const Clock::time_point start = Clock::now();
    analyze(snapshot);
    times.push_back(ms_since(start));
  }
  std::printf("full analyze %s: median %.3f ms\n", name, percentile(times, 50));
}

} // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "/usr/lib/python3.11/typing.py";
  const size_t pairs = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  const double bound_ms = argc > 3 ? std::atof(argv[3]) : 5.0;
  const uint64_t bound = static_cast<uint64_t>(bound_ms * 1000);
  SourceFileResult read = read_source_file(path);
  if (!read.file || pairs == 0) {
    std::fprintf(stderr, "usage: %s [FILE] [EDIT_PAIRS] [BOUND_MS]\n%s\n", argv[0],
                 read.error.c_str());
    return 2;
  }
  const std::string clean = read.file->text;
  const std::string broken = break_syntax(clean);
  std::printf("file %s, %zu edit pairs (insert + delete), seed %u, bound %.1f ms\n", path.c_str(),
              pairs, kSeed, bound_ms);
  print_full_parse("clean", clean);
  print_full_parse("broken", broken);
  print_full_analysis("clean", clean);
  print_full_analysis("broken", broken);
  std::printf("times in ms; wall unless marked cpu (CPU time of the benchmark thread)\n");
  const std::vector<Keystroke> clean_keys = plan_keystrokes(clean, pairs);
  const std::vector<Keystroke> broken_keys = plan_keystrokes(broken, pairs);
  const std::vector<Keystroke> reference_keys(
      broken_keys.begin(), broken_keys.begin() + static_cast<long>((pairs + 3) / 4));
  const Scenario scenarios[] = {
      {"clean", clean, clean_keys, 0, true, false},
      {"clean+bound", clean, clean_keys, bound, true, false},
      {"broken", broken, reference_keys, 0, true, false},
      {"broken+bound", broken, broken_keys, bound, true, false},
      {"clean+bound+server", clean, clean_keys, bound, false, true},
      {"clean+bound+server+idle", clean, clean_keys, bound, false, true, true},
      {"broken+bound+server", broken, broken_keys, bound, false, true},
  };
  for (const Scenario& scenario : scenarios) {
    print_samples(scenario.name, run_scenario(scenario));
    std::fflush(stdout);
  }
  return 0;
}
