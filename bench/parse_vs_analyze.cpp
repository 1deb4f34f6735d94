// Benchmark: single-threaded cost of analyze() relative to tree-sitter parsing alone.
//
// Reads every Python file under a folder into memory first (so no I/O is timed), then, for
// several rounds, times (a) parsing every file with parse_snapshot() and (b) parsing plus
// analyze() of every file. Prints the median of each, the ratio (b)/(a) and the files on which
// analysis costs most relative to their parse, so that a miss of the 1.3x target can be traced.
//
// Usage: parse_vs_analyze DIR [ROUNDS]   (default: 5 rounds)
#include "analysis/analyzer.h"
#include "analysis/file_walker.h"
#include "analysis/source_file.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using docent::analysis::analyze;
using docent::analysis::parse_snapshot;
using Clock = std::chrono::steady_clock;

struct Source {
  std::string path;
  std::string text;
};

// Per-file times of one round, in seconds.
struct FileTimes {
  std::vector<double> parse;
  std::vector<double> analyze;
};

std::vector<Source> load_sources(const std::string& folder) {
  std::vector<Source> sources;
  const auto walk = docent::analysis::find_python_files({folder}, {});
  for (const std::string& path : walk.files) {
    docent::analysis::SourceFileResult read = docent::analysis::read_source_file(path);
    if (read.file)
      sources.push_back({path, std::move(read.file->text)});
    else
      std::fprintf(stderr, "skipped %s: %s\n", path.c_str(), read.error.c_str());
  }
  return sources;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Parses every source; returns the time of each parse. The text copy handed to the parser is
// made outside the timed region.
std::vector<double> time_parse_only(const std::vector<Source>& sources) {
  std::vector<double> times;
  times.reserve(sources.size());
  for (const Source& source : sources) {
    std::string text = source.text;
    const Clock::time_point start = Clock::now();
    auto snapshot = parse_snapshot(std::move(text));
    times.push_back(seconds_since(start));
  }
  return times;
}

// Parses and analyzes every source; returns the time of each parse + analysis.
std::vector<double> time_parse_and_analyze(const std::vector<Source>& sources) {
  std::vector<double> times;
  times.reserve(sources.size());
  size_t definitions = 0;
  for (const Source& source : sources) {
    std::string text = source.text;
    const Clock::time_point start = Clock::now();
    const docent::analysis::FileAnalysis analysis = analyze(parse_snapshot(std::move(text)));
    times.push_back(seconds_since(start));
    definitions += analysis.definitions.size();
  }
  if (definitions == 0)
    std::fprintf(stderr, "warning: no definitions found\n");
  return times;
}

double sum(const std::vector<double>& values) {
  double total = 0;
  for (double value : values)
    total += value;
  return total;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Per file, the median over rounds of its times.
std::vector<double> per_file_medians(const std::vector<std::vector<double>>& rounds) {
  std::vector<double> medians(rounds.front().size());
  for (size_t file = 0; file < medians.size(); ++file) {
    std::vector<double> samples;
    for (const std::vector<double>& round : rounds)
      samples.push_back(round[file]);
    medians[file] = median(samples);
  }
  return medians;
}

// The files where analysis (parse+analyze minus parse) takes longest, with their ratios.
void print_slowest_analyses(const std::vector<Source>& sources, const std::vector<double>& parse,
                            const std::vector<double>& both, size_t count) {
  std::vector<size_t> order(sources.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  auto analysis_time = [&](size_t i) { return both[i] - parse[i]; };
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return analysis_time(a) > analysis_time(b); });
  std::printf("files with the most analysis time (median ms: parse, analysis, ratio):\n");
  for (size_t k = 0; k < std::min(count, order.size()); ++k) {
    const size_t i = order[k];
    std::printf("  %8.2f %8.2f %6.2f  %s\n", parse[i] * 1e3, analysis_time(i) * 1e3,
                both[i] / parse[i], sources[i].path.c_str());
  }
}

size_t total_bytes(const std::vector<Source>& sources) {
  size_t bytes = 0;
  for (const Source& source : sources)
    bytes += source.text.size();
  return bytes;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s DIR [ROUNDS]\n", argv[0]);
    return 2;
  }
  const int rounds = argc == 3 ? std::max(1, std::atoi(argv[2])) : 5;
  const std::vector<Source> sources = load_sources(argv[1]);
  if (sources.empty()) {
    std::fprintf(stderr, "no Python files under %s\n", argv[1]);
    return 2;
  }
  std::printf("files %zu, bytes %zu, rounds %d\n", sources.size(), total_bytes(sources), rounds);

  std::vector<std::vector<double>> parse_rounds;
  std::vector<std::vector<double>> both_rounds;
  std::vector<double> parse_totals;
  std::vector<double> both_totals;
  for (int round = 0; round < rounds; ++round) {
    // Alternate the order so that neither variant always runs on a warmer cache.
    if (round % 2 == 0) {
      parse_rounds.push_back(time_parse_only(sources));
      both_rounds.push_back(time_parse_and_analyze(sources));
    } else {
      both_rounds.push_back(time_parse_and_analyze(sources));
      parse_rounds.push_back(time_parse_only(sources));
    }
    parse_totals.push_back(sum(parse_rounds.back()));
    both_totals.push_back(sum(both_rounds.back()));
    std::printf("round %d: parse %.1f ms, parse+analyze %.1f ms\n", round + 1,
                parse_totals.back() * 1e3, both_totals.back() * 1e3);
  }
  const double parse_ms = median(parse_totals) * 1e3;
  const double both_ms = median(both_totals) * 1e3;
  std::printf("median parse_ms %.1f\n", parse_ms);
  std::printf("median parse_analyze_ms %.1f\n", both_ms);
  std::printf("ratio %.3f\n", both_ms / parse_ms);
  print_slowest_analyses(sources, per_file_medians(parse_rounds), per_file_medians(both_rounds),
                         10);
  return 0;
}
