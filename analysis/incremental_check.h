// check_file() after an edit, reusing the findings of the top-level statements it left alone.
//
// A definition's findings depend on its statement's text, the rule settings and the module's
// `__all__` (publicity), never on where the statement stands: so they are kept per statement,
// with positions relative to it, keyed by the identity of the statement's share of the analysis
// (IncrementalAnalyzer reuses that share exactly when the text is unchanged), and moved to the
// statement's new place. The module's own findings (E999, DCT204, D100/D104) are computed
// every time. The result equals check_file() (tested along random edits).
#pragma once

#include "analysis/incremental.h"
#include "analysis/rules.h"

#include <unordered_map>

namespace docent::analysis {

// Thread-safety: one per document, used by one thread at a time.
class IncrementalChecker {
public:
  // check_file(analysis, config, file); `statements` are analysis's top-level statements
  // (IncrementalAnalyzer::statements_of), or empty when unknown, which checks the whole file.
  std::vector<Finding> check(const FileAnalysis& analysis,
                             const std::vector<IncrementalAnalyzer::StatementPlace>& statements,
                             const CheckConfig& config, const ModuleFile& file);

  // How many statements the last call checked anew and reused (for tests and benchmarks).
  size_t last_computed() const { return last_computed_; }
  size_t last_reused() const { return last_reused_; }

private:
  // A statement's findings, relative to it: bytes from its first byte, definitions from its
  // first definition.
  struct Kept {
    std::shared_ptr<const void> identity; // Keeps the address from being reused.
    FindingGroups findings;
    uint64_t used = 0; // The last call that placed it.
  };

  // Drops what was found under other settings or another `__all__`.
  void forget_if_settings_changed(const FileAnalysis& analysis, const CheckConfig& config);
  const Kept& findings_of(const FileAnalysis& analysis, const CheckConfig& config,
                          const IncrementalAnalyzer::StatementPlace& place);

  std::unordered_map<const void*, Kept> kept_;
  CheckConfig config_;
  std::optional<std::vector<std::string>> all_;
  bool known_ = false; // config_ and all_ are those of kept_.
  uint64_t calls_ = 0;
  size_t last_computed_ = 0;
  size_t last_reused_ = 0;
};

} // namespace docent::analysis
