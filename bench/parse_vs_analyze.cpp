// Benchmark: single-threaded cost of analyze() relative to tree-sitter parsing alone.
//
// Reads every Python file under a folder into memory first (so no I/O is timed), then, for
// several rounds, times (a) parsing every file with parse_snapshot() and (b) parsing plus
// analyze() of every file; (a) and (b) of one file run right after each other, in alternating
// order, so that both see the same state of a shared machine. Prints the median totals, the
// median of the rounds' ratios (b)/(a) and the files on which analysis costs most relative to
// their parse, so that a miss of the 1.3x target can be traced. Both wall time and the
// thread's CPU time are measured.
//
// Usage: parse_vs_analyze DIR [ROUNDS]   (default: 5 rounds)
#include "analysis/analyzer.h"
#include "analysis/file_walker.h"
#include "analysis/source_file.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
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

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Wall and CPU time of one stretch of work, in seconds.
struct Elapsed {
  double wall = 0;
  double cpu = 0;
};

class Stopwatch {
public:
  Stopwatch() : wall_(Clock::now()), cpu_(thread_cpu_seconds()) {}
  Elapsed elapsed() const {
    return {std::chrono::duration<double>(Clock::now() - wall_).count(),
            thread_cpu_seconds() - cpu_};
  }

private:
  Clock::time_point wall_;
  double cpu_;
};

// Both variants' times of one round, per file.
struct Round {
  std::vector<Elapsed> parse;
  std::vector<Elapsed> both;
};

// Parses one text. The copy handed to the parser is made outside the timed region.
Elapsed time_parse(const std::string& source) {
  std::string text = source;
  const Stopwatch stopwatch;
  auto snapshot = parse_snapshot(std::move(text));
  return stopwatch.elapsed();
}

// Parses and analyzes one text; counts its definitions (so the analysis cannot be skipped).
Elapsed time_parse_and_analyze(const std::string& source, size_t& definitions) {
  std::string text = source;
  const Stopwatch stopwatch;
  const docent::analysis::FileAnalysis analysis = analyze(parse_snapshot(std::move(text)));
  const Elapsed elapsed = stopwatch.elapsed();
  definitions += analysis.definitions.size();
  return elapsed;
}

// One round: each file is parsed, and parsed and analyzed, right after each other (in
// alternating order), so that both variants see the same state of a shared machine.
Round time_round(const std::vector<Source>& sources, int round) {
  Round times;
  size_t definitions = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    if ((i + static_cast<size_t>(round)) % 2 == 0) {
      times.parse.push_back(time_parse(sources[i].text));
      times.both.push_back(time_parse_and_analyze(sources[i].text, definitions));
    } else {
      times.both.push_back(time_parse_and_analyze(sources[i].text, definitions));
      times.parse.push_back(time_parse(sources[i].text));
    }
  }
  if (definitions == 0)
    std::fprintf(stderr, "warning: no definitions found\n");
  return times;
}

Elapsed sum(const std::vector<Elapsed>& values) {
  Elapsed total;
  for (const Elapsed& value : values) {
    total.wall += value.wall;
    total.cpu += value.cpu;
  }
  return total;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Per file, the median over rounds of its CPU times.
std::vector<double> per_file_medians(const std::vector<std::vector<Elapsed>>& rounds) {
  std::vector<double> medians(rounds.front().size());
  for (size_t file = 0; file < medians.size(); ++file) {
    std::vector<double> samples;
    for (const std::vector<Elapsed>& round : rounds)
      samples.push_back(round[file].cpu);
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
  std::printf("files with the most analysis time (median CPU ms: parse, analysis, ratio):\n");
  for (size_t k = 0; k < std::min(count, order.size()); ++k) {
    const size_t i = order[k];
    std::printf("  %8.2f %8.2f %6.2f  %s\n", parse[i] * 1e3, analysis_time(i) * 1e3,
                both[i] / parse[i], sources[i].path.c_str());
  }
}

// Median totals of one clock (wall or cpu) over the rounds, and the median of the rounds'
// ratios (each round's two totals were measured side by side), one "key value" per line.
template <typename Pick>
void print_medians(const char* clock, const std::vector<Elapsed>& parse,
                   const std::vector<Elapsed>& both, Pick pick) {
  std::vector<double> parse_values;
  std::vector<double> both_values;
  std::vector<double> ratios;
  for (size_t i = 0; i < parse.size(); ++i) {
    parse_values.push_back(pick(parse[i]));
    both_values.push_back(pick(both[i]));
    ratios.push_back(pick(both[i]) / pick(parse[i]));
  }
  std::printf("%s parse_ms %.1f\n", clock, median(parse_values) * 1e3);
  std::printf("%s parse_analyze_ms %.1f\n", clock, median(both_values) * 1e3);
  std::printf("%s ratio %.3f\n", clock, median(ratios));
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

  std::vector<std::vector<Elapsed>> parse_rounds;
  std::vector<std::vector<Elapsed>> both_rounds;
  std::vector<Elapsed> parse_totals;
  std::vector<Elapsed> both_totals;
  for (int round = 0; round < rounds; ++round) {
    Round times = time_round(sources, round);
    parse_totals.push_back(sum(times.parse));
    both_totals.push_back(sum(times.both));
    parse_rounds.push_back(std::move(times.parse));
    both_rounds.push_back(std::move(times.both));
    std::printf("round %d: parse %.1f ms (cpu %.1f), parse+analyze %.1f ms (cpu %.1f), "
                "ratio %.3f (cpu %.3f)\n",
                round + 1, parse_totals.back().wall * 1e3, parse_totals.back().cpu * 1e3,
                both_totals.back().wall * 1e3, both_totals.back().cpu * 1e3,
                both_totals.back().wall / parse_totals.back().wall,
                both_totals.back().cpu / parse_totals.back().cpu);
  }
  print_medians("wall", parse_totals, both_totals, [](const Elapsed& e) { return e.wall; });
  print_medians("cpu", parse_totals, both_totals, [](const Elapsed& e) { return e.cpu; });
  print_slowest_analyses(sources, per_file_medians(parse_rounds), per_file_medians(both_rounds),
                         10);
  return 0;
}
