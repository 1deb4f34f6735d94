// Benchmark: latency of one keystroke in the editor, i.e. Document::apply of a one-character
// edit (incremental reparse) followed by analyze() of the new snapshot.
//
// Scenarios, all on one file (default /usr/lib/python3.11/typing.py), each with the same
// pseudo-random edits (fixed seed): at each position a character is inserted (an 'x' inside an
// identifier, a space or a newline) and then deleted again, and both edits are timed.
//   clean      the file as is, with the parse time bound;
//   broken     the file with syntax errors sprinkled in (every 20th line cut mid-expression,
//              unmatched brackets and quotes), without a time bound, to see the parse times
//              that a bound has to accommodate;
//   broken+bound  the same buffer with the parse time bound.
// For each: median, p90, p99 and max of the whole edit + analysis, the median of the parse and
// the analysis parts, and how many parses hit the bound.
//
// Usage: edit_latency [FILE] [EDIT_PAIRS] [BOUND_MS]   (defaults: typing.py, 1000, 20)
#include "analysis/analyzer.h"
#include "analysis/document.h"
#include "analysis/source_file.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace docent::analysis;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kSeed = 20240611;

// Times of one scenario's edits, in milliseconds.
struct Samples {
  std::vector<double> total;   // apply() + snapshot() + analyze().
  std::vector<double> parse;   // apply() alone (edit, line index, reparse).
  std::vector<double> analyze; // snapshot() + analyze().
  size_t timeouts = 0;
  size_t incomplete_snapshots = 0;
};

// One planned keystroke: the character typed at a byte offset of the text it applies to.
struct Keystroke {
  size_t offset;
  char character;
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
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

// Applies one change, re-analyzes, and records the times.
void timed_edit(Document& doc, const TextChange& change, Samples& samples) {
  const Clock::time_point start = Clock::now();
  const ParseResult result = doc.apply(change, PositionEncoding::Utf8);
  const double parse_ms = ms_since(start);
  const Clock::time_point analysis_start = Clock::now();
  const std::shared_ptr<const Snapshot> snapshot = doc.snapshot();
  const FileAnalysis analysis = analyze(snapshot);
  const double analyze_ms = ms_since(analysis_start);
  samples.total.push_back(parse_ms + analyze_ms);
  samples.parse.push_back(parse_ms);
  samples.analyze.push_back(analyze_ms);
  samples.timeouts += result == ParseResult::TimedOut;
  samples.incomplete_snapshots += !snapshot->complete();
}

Samples run_scenario(const std::string& text, uint64_t bound_micros,
                     const std::vector<Keystroke>& keys) {
  Document doc(text, bound_micros);
  while (doc.reparse() == ParseResult::TimedOut) {
    // The first parse of a big buffer may need several slices of the bound.
  }
  analyze(doc.snapshot()); // Warm up caches and allocator outside the measurement.
  Samples samples;
  for (const Keystroke& key : keys) {
    timed_edit(doc,
               TextChange{range_at(doc, key.offset, key.offset), std::string(1, key.character)},
               samples);
    timed_edit(doc, TextChange{range_at(doc, key.offset, key.offset + 1), ""}, samples);
  }
  if (doc.text() != text)
    std::fprintf(stderr, "warning: the edits did not restore the text\n");
  return samples;
}

// Nearest-rank percentile.
double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(values.size())));
  return values[std::min(values.size(), std::max<size_t>(rank, 1)) - 1];
}

void print_samples(const char* name, const Samples& samples) {
  const std::vector<double>& t = samples.total;
  std::printf("scenario %s: edits %zu, median %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms; "
              "parse median %.3f ms, p99 %.3f ms, max %.3f ms; analyze median %.3f ms; "
              "bound hit %zu times; incomplete snapshots %zu\n",
              name, t.size(), percentile(t, 50), percentile(t, 90), percentile(t, 99),
              percentile(t, 100), percentile(samples.parse, 50), percentile(samples.parse, 99),
              percentile(samples.parse, 100), percentile(samples.analyze, 50), samples.timeouts,
              samples.incomplete_snapshots);
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

} // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "/usr/lib/python3.11/typing.py";
  const size_t pairs = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  const double bound_ms = argc > 3 ? std::atof(argv[3]) : 20.0;
  const uint64_t bound_micros = static_cast<uint64_t>(bound_ms * 1000);
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
  print_samples("clean", run_scenario(clean, bound_micros, plan_keystrokes(clean, pairs)));
  const std::vector<Keystroke> broken_keys = plan_keystrokes(broken, pairs);
  print_samples("broken", run_scenario(broken, 0, broken_keys));
  print_samples("broken+bound", run_scenario(broken, bound_micros, broken_keys));
  return 0;
}
