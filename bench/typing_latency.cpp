// Benchmark: latency of typing inside names, the commonest edit, as the server will handle it:
// Document::apply(..., settle = false) with a parse time bound, then IncrementalAnalyzer.
// Inserts a character between two identifier characters at a pseudo-random place, then deletes
// it again (fixed seed), and reports percentiles of the whole step and of the parse alone.
// Usage: typing_latency FILE [EDITS=2000] [BOUND_MS=5]
#include "analysis/incremental.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

using namespace docent::analysis;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(fraction * values.size()))];
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// An offset between two identifier characters.
size_t inside_a_name(const Document& doc, std::mt19937& rng) {
  const std::string_view text = doc.text();
  std::uniform_int_distribution<size_t> pick(1, text.size() - 2);
  for (;;) {
    const size_t at = pick(rng);
    if (is_name_char(text[at - 1]) && is_name_char(text[at]))
      return at;
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [EDITS] [BOUND_MS]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const int edits = argc > 2 ? std::atoi(argv[2]) : 2000;
  const uint64_t bound_micros = argc > 3 ? std::strtoull(argv[3], nullptr, 10) * 1000 : 5000;

  Document doc(bytes.str(), bound_micros);
  while (!doc.complete())
    doc.reparse();
  IncrementalAnalyzer analyzer;
  analyzer.analyze(doc.snapshot());
  std::mt19937 rng(7);
  std::vector<double> total, parse;
  size_t whole_file = 0;
  Position typed_at{};
  for (int i = 0; i < edits; ++i) {
    TextChange change;
    if (i % 2 == 0) {
      typed_at =
          doc.lines().position_of(doc.text(), inside_a_name(doc, rng), PositionEncoding::Utf16);
      change = TextChange{Range{typed_at, typed_at}, "x"};
    } else {
      change = TextChange{Range{typed_at, {typed_at.line, typed_at.character + 1}}, ""};
    }
    const auto start = Clock::now();
    doc.apply(change, PositionEncoding::Utf16, /*settle=*/false);
    parse.push_back(ms_since(start));
    analyzer.analyze(doc.snapshot());
    total.push_back(ms_since(start));
    whole_file += analyzer.last_computed() == 0 && analyzer.last_reused() == 0;
  }
  std::printf("typing inside names: edits %d, median %.3f, p90 %.3f, p99 %.3f, max %.3f, "
              "parse median %.3f, parse p99 %.3f, whole-file analyses %zu\n",
              edits, percentile(total, 0.5), percentile(total, 0.9), percentile(total, 0.99),
              percentile(total, 1.0), percentile(parse, 0.5), percentile(parse, 0.99), whole_file);
  return 0;
}
