// What docent learned, applied to what the server shows (docs/learning.md): diagnostics
// downgraded or hidden, code actions ordered, sections left out of generated docstrings, and
// hover's explanation. Each function reads a published snapshot of the model service and never
// waits for the model: a prediction the snapshot lacks is computed from the snapshot's weights
// (LearningSnapshot::compute, microseconds) and asked for (ModelService::want), so that later
// snapshots carry it. What diagnostics show is in adapted_findings.h. Without a loaded model,
// or without enough evidence on a head (policy.h), every function leaves the static behaviour
// as it is.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/docstring_format.h"
#include "analysis/rules.h"
#include "inference/feature_source.h"
#include "inference/model_service.h"
#include "inference/policy.h"
#include "lsp/protocol.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace docent::lsp {

// The learning state one request or publication uses. Thread-safety: a value (the snapshot is
// immutable; the service's want() may be called from any thread).
struct LearningView {
  inference::LearningMode mode = inference::LearningMode::Adapt;
  std::shared_ptr<const inference::LearningSnapshot> snapshot; // Null: static.
  inference::ModelService* service = nullptr;                  // For want(); may be null.

  // A loaded model and a mode other than off.
  bool active() const;
};

// Looks predictions up in a view's snapshot, and computes those it lacks from the snapshot's
// weights; these are asked for (ModelService::want) all at once when it goes, so that later
// snapshots carry them. Thread-safety: one thread; lives no longer than its view.
class PredictionLookup {
public:
  explicit PredictionLookup(const LearningView& view) : view_(view) {}
  ~PredictionLookup();
  PredictionLookup(const PredictionLookup&) = delete;
  PredictionLookup& operator=(const PredictionLookup&) = delete;

  // The entry for `features`: the snapshot's, or computed now; valid while the lookup lives.
  // Null only without a loaded model.
  const inference::PredictionEntry* find(inference::Features features);
  // The entry for `features`, which the snapshot lacks, computed now (nullopt without a loaded
  // model).
  std::optional<inference::PredictionEntry> compute(inference::Features features);

private:
  const LearningView& view_;
  std::vector<inference::Features> missing_;
  std::deque<inference::PredictionEntry> computed_; // What find() computed; its entries stay put.
};

// D100-D107: a missing docstring.
bool is_missing_docstring_code(const std::string& code);
// The kind of suggestion a rule's diagnostics are (E999, a syntax error, is none).
std::optional<inference::SuggestionKind> rule_suggestion_kind(const std::string& code);

// Rank and adapt: `actions` (code_actions_json()'s, with their docent.feedback commands) ordered
// by predicted acceptance, the first one preferred; unchanged unless a head of one of them
// passes the confidence rule.
void order_actions(const LearningView& view, json& actions);

// Adapt: the sections of the docstring generated for definition `index` of `features`'
// analysis; all of them unless the confidence rule says otherwise.
analysis::DocstringSections docstring_sections(const LearningView& view,
                                               inference::FeatureSource& features, int index);

// A sentence for hover over definition `index` about the user's decisions on similar ones, or
// "" without a loaded model or without such decisions.
std::string hover_explanation(const LearningView& view, inference::FeatureSource& features,
                              int index);

} // namespace docent::lsp
