// What docent learned, applied to what the server shows (docs/learning.md): diagnostics
// downgraded or hidden, code actions ordered, sections left out of generated docstrings, and
// hover's explanation. Each function reads a published snapshot of the model service and never
// waits for the model: a prediction the snapshot lacks is asked for (ModelService::want) and
// the static behaviour stands until a later snapshot has it. Without a loaded model, or without
// enough evidence on a head (policy.h), every function leaves the static behaviour as it is.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/docstring_format.h"
#include "analysis/rules.h"
#include "inference/feature_source.h"
#include "inference/model_service.h"
#include "inference/policy.h"
#include "lsp/protocol.h"

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
  std::string document; // The URI the predictions are wanted for (want()'s origin).

  // A loaded model and a mode other than off.
  bool active() const;
};

// D100-D107: a missing docstring.
bool is_missing_docstring_code(const std::string& code);
// The kind of suggestion a rule's diagnostics are (E999, a syntax error, is none).
std::optional<inference::SuggestionKind> rule_suggestion_kind(const std::string& code);

// Adapt: the findings to show instead of `findings`, in which the missing-docstring and
// complexity findings the user is predicted to reject are downgraded to Hint or removed
// (policy.h diagnostic_visibility); nullopt when the policy changes nothing under `view` (no
// head departs: every keystroke's case until then), so that nothing is copied. Both the pushed
// and the pulled diagnostics go through this; `docent check` does not (it stays static).
std::optional<std::vector<analysis::Finding>>
adapted_findings(const LearningView& view, const analysis::FileAnalysis& analysis,
                 const std::string& path, const std::vector<analysis::Finding>& findings);

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
