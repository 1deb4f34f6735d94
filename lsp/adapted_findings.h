// The diagnostics as the learning policy shows them (learning_policy.h): the missing-docstring
// and complexity findings the user is predicted to reject downgraded to Hint or removed.
//
// adapted_findings() works it out from scratch. AdaptedFindingsCache, one per open document,
// gives the same result on every publication for the cost of what the edit touched: the
// features of a definition (and so its prediction) depend only on its top-level statement's
// text, the module's `__all__`, the path and a few counts over the file (definitions, documented
// ones, module-level ones and documented module-level ones), so the prediction looked up for
// each definition is kept with its statement's share (IncrementalAnalyzer::StatementPlace) and
// reused while those are the same. An edit that adds or removes a definition or a docstring
// changes the counts and with them every definition's features: then every feature is
// computed again, once. A prediction the snapshot lacks (the edited definition's) is computed
// at once from the snapshot's weights (LearningSnapshot::compute), so each publication shows
// the adapted result for its version. A new snapshot (the model trained) is searched by the
// kept features keys, computing no features; nothing kept depends on the learning mode.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/incremental.h"
#include "analysis/rules.h"
#include "inference/features.h"
#include "inference/model_service.h"
#include "inference/policy.h"
#include "lsp/learning_policy.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace docent::lsp {

// Adapt: the findings to show instead of `findings`, in which the missing-docstring and
// complexity findings the user is predicted to reject are downgraded to Hint or removed
// (policy.h diagnostic_visibility); nullopt when the policy changes nothing under `view` (no
// head departs: every keystroke's case until then), so that nothing is copied. Predictions the
// snapshot lacks are computed from its weights (PredictionLookup). `docent check` does not go
// through this (it stays static).
std::optional<std::vector<analysis::Finding>>
adapted_findings(const LearningView& view, const analysis::FileAnalysis& analysis,
                 const std::string& path, const std::vector<analysis::Finding>& findings);

// adapted_findings() of one document's successive analyses, reusing what an edit left alone.
// Thread-safety: none; one per document, owned and used by the thread that owns the document
// (the server's worker).
class AdaptedFindingsCache {
public:
  // adapted_findings(view, analysis, path, findings), or `findings` itself where that is
  // nullopt; valid until the next call and while `findings` is. `analyzer` made `analysis`:
  // its statements (statements_of()) are what is kept; an analysis that is not its last result
  // is worked out from scratch.
  const std::vector<analysis::Finding>& adapt(const LearningView& view,
                                              const analysis::FileAnalysis& analysis,
                                              const std::string& path,
                                              const analysis::IncrementalAnalyzer& analyzer,
                                              const std::vector<analysis::Finding>& findings);

  // Definitions whose features the last call computed, and whose kept prediction (or features
  // key, when the snapshot changed) it reused (for tests and benchmarks).
  size_t last_computed() const { return last_computed_; }
  size_t last_reused() const { return last_reused_; }

private:
  using StatementPlace = analysis::IncrementalAnalyzer::StatementPlace;

  // One definition's features key and its entry under the snapshot of `epoch` (nullopt: none
  // without a model).
  struct Slot {
    bool known = false;
    uint64_t key = 0;
    uint64_t epoch = 0;
    std::optional<inference::PredictionEntry> entry;
    uint64_t call = 0; // The last call that decided its entry.
  };
  // The slots of one top-level statement's definitions, in order.
  struct Statement {
    std::shared_ptr<const void> identity; // Held: its address is the key of statements_.
    std::vector<Slot> slots;
    uint64_t used = 0;      // The last call that looked at it.
    uint64_t publicity = 0; // The call that set context_.is_public for its definitions.
  };

  // Forgets everything kept (and the statements' shares it holds).
  void clear();
  // Brings context_ up to date with `analysis` and `path`; false if every definition's
  // features may have changed since the last call.
  bool refresh_context(const analysis::FileAnalysis& analysis, const std::string& path);
  // The entry of definition `index` of statement `place`, looked up or computed (null without
  // a model); valid until the next call.
  const inference::PredictionEntry* entry_of(const analysis::FileAnalysis& analysis,
                                             const StatementPlace& place, int index,
                                             PredictionLookup& lookup);
  // The current snapshot's precomputed entry of the features of `key`.
  std::optional<inference::PredictionEntry> precomputed(uint64_t key) const;
  // adapted_findings(), kept for the next call, which starts over.
  const std::vector<analysis::Finding>&
  from_scratch(const LearningView& view, const analysis::FileAnalysis& analysis,
               const std::string& path, const std::vector<analysis::Finding>& findings);

  // The file as file_context() sees it: the path's part (with the module's publicity, which
  // reads the folders' `__init__.py`) once per path and after clear(); documented and top_level
  // at every call (a pass over the definitions' flags); is_public only for the definitions
  // whose features are computed (extract_features() reads a definition's own).
  inference::FileContext context_;
  std::string path_;
  bool path_known_ = false;
  std::optional<std::vector<std::string>> all_;
  int top_level_documented_ = 0;

  std::shared_ptr<const inference::LearningSnapshot> snapshot_;
  uint64_t epoch_ = 0; // Counts the snapshots seen: a slot of another epoch is looked up again.
  std::unordered_map<const void*, Statement> statements_;
  uint64_t calls_ = 0;

  std::vector<inference::Visibility> decided_; // Parallel to the findings of the current call.
  std::vector<analysis::Finding> shown_;       // The last result, its storage reused.
  size_t last_computed_ = 0;
  size_t last_reused_ = 0;
};

} // namespace docent::lsp
