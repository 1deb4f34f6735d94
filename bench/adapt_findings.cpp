// Benchmark: what the learning policy adds to a keystroke once it departs from the static rules
// (CPU time of the thread): the findings as the diagnostics show them, worked out from scratch
// (adapted_findings()) and kept per document (AdaptedFindingsCache), on one file. The snapshot
// departs on the docstring and complexity heads and holds a prediction for every definition, as
// the model service's does once the file's have been wanted, and weights of the network's size
// with SIMILAR_EVENTS past decisions on the file's definitions; after each edit it lacks the
// edited definition's new features, whose prediction the keystroke's publication computes from
// the weights, and then a new snapshot (the model trained) brings them. Edits are edit_phases':
// an 'x' inserted inside an identifier and deleted again, at positions drawn with a fixed seed.
//
// Usage: adapt_findings FILE [EDIT_PAIRS [SIMILAR_EVENTS]]   (default 300 pairs, 20 events; the
// model service keeps at most kSimilarEvents)
#include "analysis/document.h"
#include "analysis/incremental.h"
#include "analysis/incremental_check.h"
#include "analysis/rules.h"
#include "analysis/source_file.h"
#include "analysis/syntax_tree.h"
#include "bench/keystrokes.h"
#include "inference/feature_source.h"
#include "lsp/adapted_findings.h"
#include "tests/common/random_weights.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace docent::analysis;
using namespace docent::bench;
using docent::inference::LearningSnapshot;
using docent::inference::PredictionEntry;
using docent::inference::SuggestionKind;

// A spread of predictions: about a third of the definitions downgraded, a tenth hidden.
PredictionEntry entry_for(uint64_t key) {
  const uint64_t hash = key * 0x9E3779B97F4A7C15ull;
  PredictionEntry entry;
  for (float& accept : entry.prediction.accept)
    accept = static_cast<float>((hash >> 11) % 1000) / 1000.0f;
  for (docent::inference::Evidence& similar : entry.similar_kinds)
    similar.rejected = 9;
  return entry;
}

// The snapshot `base` with predictions for the module and every definition of `analysis` too.
std::shared_ptr<const LearningSnapshot> with_predictions(const LearningSnapshot& base,
                                                         const FileAnalysis& analysis,
                                                         const std::string& path) {
  auto snapshot = std::make_shared<LearningSnapshot>(base);
  docent::inference::FeatureSource features(analysis, path);
  for (int i = -1; i < static_cast<int>(analysis.model.definitions.size()); ++i) {
    const uint64_t key = docent::inference::features_key(features.of(i));
    snapshot->predictions.emplace(key, entry_for(key));
  }
  return snapshot;
}

// `count` rejections, one head after the other, on the file's definitions in turn.
std::vector<docent::inference::FeedbackEvent>
past_decisions(const FileAnalysis& analysis, const std::string& path, size_t count) {
  docent::inference::FeatureSource features(analysis, path);
  const int definitions = static_cast<int>(analysis.model.definitions.size());
  std::vector<docent::inference::FeedbackEvent> events(count);
  for (size_t i = 0; i < count; ++i) {
    events[i].kind = i % 2 == 0 ? SuggestionKind::Docstring : SuggestionKind::Complexity;
    events[i].outcome = docent::inference::Outcome::Rejected;
    events[i].features =
        features.of(static_cast<int>(i % static_cast<size_t>(definitions + 1)) - 1);
  }
  return events;
}

// A snapshot of a model that departs, with weights of the network's size (torch_model.cpp).
std::shared_ptr<const LearningSnapshot>
departing_snapshot(const std::vector<docent::inference::FeedbackEvent>& similar) {
  auto snapshot = std::make_shared<LearningSnapshot>();
  snapshot->loaded = true;
  snapshot->weights = std::make_shared<const docent::inference::NetworkWeights>(
      test_support::random_network_weights(1, 8, 32, docent::inference::kTokenBuckets));
  snapshot->similar = std::make_shared<const docent::inference::SimilarEvents>(similar);
  for (SuggestionKind kind : {SuggestionKind::Docstring, SuggestionKind::Complexity}) {
    docent::inference::Evidence& evidence = snapshot->evidence.kinds[static_cast<size_t>(kind)];
    evidence.accepted = 5;
    evidence.rejected = 30;
    evidence.model_record = 12;
    evidence.static_record = 2;
    snapshot->kind_departs[static_cast<size_t>(kind)] = true;
  }
  return snapshot;
}

struct Samples {
  std::vector<double> fresh_edit, cached_edit, fresh_reply, cached_reply, check;
  std::vector<double> computed_edit, computed_reply;
};

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: adapt_findings FILE [EDIT_PAIRS [SIMILAR_EVENTS]]\n");
    return 2;
  }
  const SourceFileResult read = read_source_file(argv[1]);
  if (!read.file) {
    std::fprintf(stderr, "adapt_findings: %s\n", read.error.c_str());
    return 2;
  }
  const std::string path = argv[1];
  const int pairs = argc > 2 ? std::atoi(argv[2]) : 300;
  const size_t similar_events = argc > 3 ? static_cast<size_t>(std::atoll(argv[3])) : 20;
  Document document(read.file->text);
  IncrementalAnalyzer analyzer;
  IncrementalChecker checker;
  const CheckConfig config;
  const ModuleFile module = module_file(path);
  std::shared_ptr<const FileAnalysis> analysis = analyzer.analyze(document.snapshot());
  std::shared_ptr<const LearningSnapshot> snapshot = with_predictions(
      *departing_snapshot(past_decisions(*analysis, path, similar_events)), *analysis, path);
  docent::lsp::AdaptedFindingsCache cache;
  const std::vector<size_t> offsets = inside_identifiers(*document.snapshot());
  std::mt19937 random(20240611);
  Samples samples;
  size_t adapted = 0, shown = 0;
  for (int pair = 0; pair < pairs && !offsets.empty(); ++pair) {
    const size_t offset = offsets[random() % offsets.size()];
    for (const bool insert : {true, false}) {
      const Position at =
          document.lines().position_of(document.text(), offset, PositionEncoding::Utf16);
      document.apply(TextChange{Range{at, insert ? at : Position{at.line, at.character + 1}},
                                insert ? "x" : ""},
                     PositionEncoding::Utf16);
      settle(document);
      analysis.reset();
      analysis = analyzer.analyze(document.snapshot());
      const double before_check = thread_cpu_micros();
      const std::vector<Finding>& findings =
          checker.check(*analysis, analyzer.statements_of(*analysis), config, module);
      samples.check.push_back(thread_cpu_micros() - before_check);
      // The keystroke's publication, then the one of a new snapshot that has the edited
      // definition's prediction.
      for (const bool reply : {false, true}) {
        if (reply)
          snapshot = with_predictions(*snapshot, *analysis, path);
        const docent::lsp::LearningView view{docent::inference::LearningMode::Adapt, snapshot,
                                             nullptr};
        const double start = thread_cpu_micros();
        const std::optional<std::vector<Finding>> fresh =
            docent::lsp::adapted_findings(view, *analysis, path, findings);
        const double middle = thread_cpu_micros();
        const std::vector<Finding>& cached = cache.adapt(view, *analysis, path, analyzer, findings);
        const double end = thread_cpu_micros();
        if (fresh->size() != cached.size()) {
          std::fprintf(stderr, "adapt_findings: the cache disagrees with adapted_findings()\n");
          return 1;
        }
        (reply ? samples.fresh_reply : samples.fresh_edit).push_back(middle - start);
        (reply ? samples.cached_reply : samples.cached_edit).push_back(end - middle);
        (reply ? samples.computed_reply : samples.computed_edit)
            .push_back(static_cast<double>(cache.last_computed()));
        adapted = cache.last_computed() + cache.last_reused();
        shown = cached.size();
      }
      analyzer.release_retired();
    }
  }
  if (samples.check.empty())
    return 1;
  std::printf("%zu edits; %zu findings, %zu of whose definitions are looked up, %zu shown; "
              "%zu past decisions; CPU microseconds, median / p90 / p99:\n",
              samples.check.size(),
              checker.check(*analysis, analyzer.statements_of(*analysis), config, module).size(),
              adapted, shown, similar_events);
  const std::pair<const char*, const std::vector<double>*> rows[] = {
      {"findings (IncrementalChecker)", &samples.check},
      {"keystroke: adapted_findings()", &samples.fresh_edit},
      {"keystroke: AdaptedFindingsCache", &samples.cached_edit},
      {"  definitions computed", &samples.computed_edit},
      {"new snapshot: adapted_findings()", &samples.fresh_reply},
      {"new snapshot: AdaptedFindingsCache", &samples.cached_reply},
      {"  definitions computed", &samples.computed_reply}};
  for (const auto& [name, values] : rows)
    std::printf("  %-38s %8.1f %8.1f %8.1f\n", name, percentile(*values, 0.5),
                percentile(*values, 0.9), percentile(*values, 0.99));
  return 0;
}
