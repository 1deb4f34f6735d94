// Property: the per-document cache of what the learning policy shows (AdaptedFindingsCache)
// gives exactly adapted_findings() of each version along random edits, while snapshots come,
// stay, lose predictions and are retrained (with or without weights to compute a missing
// prediction from); and an edit inside one function looks up only that function's definitions
// again, computing its prediction at once when the snapshot has weights.
#include "analysis/document.h"
#include "analysis/incremental.h"
#include "analysis/incremental_check.h"
#include "analysis/rules.h"
#include "inference/feature_source.h"
#include "lsp/adapted_findings.h"

#include "../../common/random_edits.h"
#include "../../common/random_weights.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <sstream>

using namespace docent::analysis;
using docent::inference::Evidence;
using docent::inference::FeatureSource;
using docent::inference::FeedbackEvent;
using docent::inference::LearningMode;
using docent::inference::LearningSnapshot;
using docent::inference::NetworkWeights;
using docent::inference::PredictionEntry;
using docent::inference::SuggestionKind;
using docent::lsp::AdaptedFindingsCache;
using docent::lsp::LearningView;

namespace {

const char* const kSeedText = R"PY(import os

__all__ = ["Config", "walk", "_hidden"]


class Config(object):
    """Settings."""

    def __init__(self, path, *, strict=False):
        self.path = path

    def load(self, name, mode):
        if name and mode:
            return open(name)
        return None

    def _private(self):
        return 1

    def __repr__(self):
        return "Config"


def walk(tree, depth=0):
    while tree:
        if depth > 3:
            yield tree
        tree = tree.right


def _hidden(a, b, c):
    def inner(x):
        return x
    return inner(a) or b or c


async def fetch(url):
    """Fetches."""
    return url


class Empty:
    pass
)PY";

// Edits that add and remove definitions, docstrings and `__all__` entries (which change every
// definition's features), and others that change one definition's text.
const char* const kFragments[] = {"(",
                                  ")",
                                  ":",
                                  "\n",
                                  "    ",
                                  "_",
                                  "x",
                                  "if a:\n        pass\n",
                                  "\"\"\"Doc.\"\"\"\n    ",
                                  "def g(a, b):\n    return a\n",
                                  "    def m(self, v):\n        return v\n",
                                  "class K:\n    ",
                                  "\"Config\", ",
                                  "__all__ = []\n",
                                  "@property\n    ",
                                  "return",
                                  "yield",
                                  "#",
                                  "é"};

TextChange random_change(std::mt19937& rng, const Document& doc) {
  return test_support::random_change(rng, doc, {kFragments, std::size(kFragments), 30, 3});
}

// Settings under which nearly every definition has a complexity finding too.
CheckConfig strict_config() {
  CheckConfig config;
  config.max_complexity = 1;
  config.max_cognitive_complexity = 0;
  config.max_function_length = 1;
  return config;
}

std::string describe(const std::vector<Finding>& findings) {
  std::ostringstream out;
  for (const Finding& finding : findings)
    out << finding.code << ' ' << to_string(finding.severity) << " def=" << finding.definition
        << ' ' << finding.range.start << '-' << finding.range.end << ' ' << finding.message << '\n';
  return out.str();
}

// A prediction that depends only on the features' key and the model (`salt`), as the model
// service's do: the same definition gets the same entry in every snapshot of one model.
PredictionEntry entry_for(uint64_t key, uint64_t salt) {
  const uint64_t hash = (key ^ salt) * 0x9E3779B97F4A7C15ull;
  PredictionEntry entry;
  for (float& accept : entry.prediction.accept)
    accept = static_cast<float>((hash >> 11) % 1000) / 1000.0f;
  for (Evidence& similar : entry.similar_kinds) {
    similar.rejected = (hash >> 40) % 2 == 0 ? 9 : 2;
    similar.accepted = (hash >> 41) % 4 == 0 ? 1 : 0;
  }
  return entry;
}

// Past decisions: every definition of `analysis` turned down, for both heads, ten times, so
// that a prediction low enough hides its findings.
std::vector<FeedbackEvent> rejections_of(const FileAnalysis& analysis, const std::string& path) {
  FeatureSource features(analysis, path);
  std::vector<FeedbackEvent> events;
  for (int i = -1; i < static_cast<int>(analysis.model.definitions.size()); ++i)
    for (SuggestionKind kind : {SuggestionKind::Docstring, SuggestionKind::Complexity})
      for (int n = 0; n < 10; ++n) {
        FeedbackEvent event;
        event.kind = kind;
        event.outcome = docent::inference::Outcome::Rejected;
        event.features = features.of(i);
        events.push_back(std::move(event));
      }
  return events;
}

// A snapshot whose docstring and complexity heads depart, with predictions for `keys` and,
// when `weights` is set, the weights and past decisions to compute the others from.
std::shared_ptr<const LearningSnapshot>
snapshot_with(const std::vector<uint64_t>& keys, uint64_t salt, bool weights = false,
              const std::vector<FeedbackEvent>& similar = {}) {
  auto snapshot = std::make_shared<LearningSnapshot>();
  snapshot->loaded = true;
  for (SuggestionKind kind : {SuggestionKind::Docstring, SuggestionKind::Complexity}) {
    Evidence& evidence = snapshot->evidence.kinds[static_cast<size_t>(kind)];
    evidence.accepted = 5;
    evidence.rejected = 30;
    evidence.model_record = 12;
    evidence.static_record = 2;
    snapshot->kind_departs[static_cast<size_t>(kind)] = true;
  }
  for (uint64_t key : keys)
    snapshot->predictions[key] = entry_for(key, salt);
  if (weights) {
    snapshot->weights =
        std::make_shared<const NetworkWeights>(test_support::random_network_weights(salt));
    snapshot->similar = std::make_shared<const docent::inference::SimilarEvents>(similar);
  }
  return snapshot;
}

// The features keys of the module and every definition of `analysis`.
std::vector<uint64_t> keys_of(const FileAnalysis& analysis, const std::string& path) {
  FeatureSource features(analysis, path);
  std::vector<uint64_t> keys;
  for (int i = -1; i < static_cast<int>(analysis.model.definitions.size()); ++i)
    keys.push_back(docent::inference::features_key(features.of(i)));
  return keys;
}

} // namespace

TEST_CASE("the cached adapted findings equal a fresh computation along random edits",
          "[property]") {
  const char* const paths[] = {"/nowhere/project/tools/helpers.py", "",
                               "/nowhere/project/tests/test_walk.py"};
  for (uint32_t seed = 1; seed <= 24; ++seed) {
    std::mt19937 rng(seed);
    Document doc(kSeedText);
    IncrementalAnalyzer incremental;
    IncrementalChecker checker;
    AdaptedFindingsCache cache;
    const CheckConfig config = seed % 4 == 0 ? CheckConfig{} : strict_config();
    std::string path = paths[seed % 3];
    uint64_t salt = seed;
    // Odd seeds: snapshots with weights, which compute what they lack.
    const bool weights = seed % 2 == 1;
    std::vector<FeedbackEvent> similar;
    std::vector<uint64_t> known; // The keys the model has predicted, as the service keeps them.
    std::shared_ptr<const LearningSnapshot> snapshot = snapshot_with(known, salt, weights);
    for (int step = 0; step < 60; ++step) {
      if (step > 0)
        doc.apply(random_change(rng, doc), PositionEncoding::Utf16);
      if (step == 30 && seed % 5 == 0)
        path = paths[(seed + 1) % 3];
      const std::shared_ptr<const FileAnalysis> analysis = incremental.analyze(doc.snapshot());
      const std::vector<Finding>& checked =
          checker.check(*analysis, incremental.statements_of(*analysis), config, ModuleFile{});
      // Most versions keep the snapshot (the edited definitions' predictions are not there
      // yet); others bring a snapshot with them, some without a few, some retrained.
      const int next = static_cast<int>(rng() % 10);
      if (next >= 5) {
        if (next == 8)
          salt = rng();
        for (uint64_t key : keys_of(*analysis, path))
          if (rng() % 5 != 0 || next == 8)
            known.push_back(key);
        if (next == 9)
          known.clear();
        if (next == 7)
          similar = rejections_of(*analysis, path);
        snapshot = snapshot_with(known, salt, weights, similar);
      }
      const LearningMode mode = step % 17 == 16 ? LearningMode::Rank : LearningMode::Adapt;
      const LearningView view{mode, snapshot, nullptr};
      const std::optional<std::vector<Finding>> fresh =
          docent::lsp::adapted_findings(view, *analysis, path, checked);
      const std::vector<Finding>& cached = cache.adapt(view, *analysis, path, incremental, checked);
      INFO("seed " << seed << " step " << step << " path " << path << "\n" << doc.text());
      REQUIRE(describe(cached) == describe(fresh ? *fresh : checked));
    }
  }
}

TEST_CASE("an edit inside one function looks up that function's predictions only") {
  Document doc(kSeedText);
  IncrementalAnalyzer incremental;
  IncrementalChecker checker;
  AdaptedFindingsCache cache;
  const CheckConfig config = strict_config();
  const std::string path = "/nowhere/project/helpers.py";
  std::shared_ptr<const FileAnalysis> analysis = incremental.analyze(doc.snapshot());
  const auto adapt = [&](const LearningView& view) {
    const std::vector<Finding>& checked =
        checker.check(*analysis, incremental.statements_of(*analysis), config, ModuleFile{});
    const std::vector<Finding> shown = cache.adapt(view, *analysis, path, incremental, checked);
    const std::optional<std::vector<Finding>> fresh =
        docent::lsp::adapted_findings(view, *analysis, path, checked);
    CHECK(describe(shown) == describe(fresh ? *fresh : checked));
  };
  const auto view_of = [&](uint64_t salt) {
    return LearningView{LearningMode::Adapt, snapshot_with(keys_of(*analysis, path), salt),
                        nullptr};
  };
  const LearningView first = view_of(1);
  adapt(first);
  const size_t definitions = cache.last_computed();
  REQUIRE(definitions >= 8);
  CHECK(cache.last_reused() == 0);

  SECTION("the same version reuses everything") {
    adapt(first);
    CHECK(cache.last_computed() == 0);
    CHECK(cache.last_reused() == definitions);
  }
  SECTION("an edit inside one function computes its statement's definitions") {
    const size_t at = std::string(kSeedText).find("        tree = tree.right");
    const Position position = doc.lines().position_of(doc.text(), at, PositionEncoding::Utf16);
    doc.apply(TextChange{Range{position, position}, "        depth += 1\n"},
              PositionEncoding::Utf16);
    analysis = incremental.analyze(doc.snapshot());
    adapt(first);
    CHECK(cache.last_computed() == 1); // `walk`; its new prediction is not there yet.
    CHECK(cache.last_reused() == definitions - 1);
    // A snapshot that brings it: the others are found again by their keys.
    adapt(view_of(1));
    CHECK(cache.last_computed() == 0);
    CHECK(cache.last_reused() == definitions);
    // A retrained model: the same.
    adapt(view_of(2));
    CHECK(cache.last_computed() == 0);
  }
  SECTION("with weights, the edited function's prediction is computed at once") {
    const size_t at = std::string(kSeedText).find("        tree = tree.right");
    const Position position = doc.lines().position_of(doc.text(), at, PositionEncoding::Utf16);
    doc.apply(TextChange{Range{position, position}, "        depth += 1\n"},
              PositionEncoding::Utf16);
    const std::vector<uint64_t> before = keys_of(*analysis, path);
    analysis = incremental.analyze(doc.snapshot());
    const std::vector<Finding>& checked =
        checker.check(*analysis, incremental.statements_of(*analysis), config, ModuleFile{});
    FeatureSource features(*analysis, path);
    int walk = -1;
    for (size_t i = 0; i < analysis->model.definitions.size(); ++i)
      if (analysis->model.definitions[i].name == "walk")
        walk = static_cast<int>(i);
    REQUIRE(walk >= 0);
    // Weights under which the edited `walk`'s missing docstring is not shown as it is.
    const size_t docstring = static_cast<size_t>(SuggestionKind::Docstring);
    std::shared_ptr<const LearningSnapshot> snapshot;
    docent::inference::Visibility expected = docent::inference::Visibility::Show;
    for (uint64_t salt = 1; salt <= 40 && expected == docent::inference::Visibility::Show; ++salt) {
      snapshot = snapshot_with(before, salt, true);
      const std::optional<PredictionEntry> entry = snapshot->compute(features.of(walk));
      REQUIRE(entry);
      expected = docent::inference::diagnostic_visibility(
          LearningMode::Adapt, entry->prediction.accept[docstring],
          snapshot->evidence.of(SuggestionKind::Docstring), entry->similar_kinds[docstring]);
    }
    REQUIRE(expected != docent::inference::Visibility::Show);
    CHECK(snapshot->find(features.of(walk)) == nullptr); // Not in the snapshot: computed.
    const LearningView view{LearningMode::Adapt, snapshot, nullptr};
    const std::vector<Finding> shown = cache.adapt(view, *analysis, path, incremental, checked);
    CHECK(cache.last_computed() == 1);
    const auto walk_docstring = [&](const Finding& finding) {
      return finding.definition == walk && finding.code == "D103";
    };
    REQUIRE(std::count_if(checked.begin(), checked.end(), walk_docstring) == 1);
    const auto found = std::find_if(shown.begin(), shown.end(), walk_docstring);
    if (expected == docent::inference::Visibility::Hide)
      CHECK(found == shown.end());
    else
      CHECK((found != shown.end() && found->severity == Severity::Hint));
    const std::optional<std::vector<Finding>> fresh =
        docent::lsp::adapted_findings(view, *analysis, path, checked);
    CHECK(describe(shown) == describe(fresh ? *fresh : checked));
  }
  SECTION("a docstring added anywhere computes everything again") {
    const size_t at = std::string(kSeedText).find("        return 1");
    const Position position = doc.lines().position_of(doc.text(), at, PositionEncoding::Utf16);
    doc.apply(TextChange{Range{position, position}, "        \"\"\"Private.\"\"\"\n"},
              PositionEncoding::Utf16);
    analysis = incremental.analyze(doc.snapshot());
    adapt(first);
    CHECK(cache.last_reused() == 0);
    CHECK(cache.last_computed() > 0);
  }
  SECTION("a change of __all__ computes everything again") {
    const size_t at = std::string(kSeedText).find("\"walk\", ");
    const Position start = doc.lines().position_of(doc.text(), at, PositionEncoding::Utf16);
    doc.apply(TextChange{Range{start, Position{start.line, start.character + 8}}, ""},
              PositionEncoding::Utf16);
    std::vector<uint64_t> keys = keys_of(*analysis, path);
    analysis = incremental.analyze(doc.snapshot());
    // `walk` is private now: its features and findings change, the others' features too.
    const std::vector<uint64_t> now = keys_of(*analysis, path);
    keys.insert(keys.end(), now.begin(), now.end());
    adapt(LearningView{LearningMode::Adapt, snapshot_with(keys, 1), nullptr});
    CHECK(cache.last_reused() == 0);
    CHECK(cache.last_computed() > 0);
  }
  SECTION("without a departing head nothing is looked up and the findings are the checked") {
    const LearningView rank{LearningMode::Rank, first.snapshot, nullptr};
    const std::vector<Finding>& checked =
        checker.check(*analysis, incremental.statements_of(*analysis), config, ModuleFile{});
    CHECK(&cache.adapt(rank, *analysis, path, incremental, checked) == &checked);
    CHECK(cache.last_computed() == 0);
    CHECK(cache.last_reused() == 0);
  }
}
