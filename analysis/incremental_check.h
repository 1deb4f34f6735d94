// check_file() after an edit, reusing the findings of the top-level statements it left alone.
//
// A definition's findings depend on its statement's text, the rule settings and the module's
// `__all__` (publicity), never on where the statement stands. IncrementalAnalyzer reuses a
// statement's share of the analysis exactly when its text is unchanged, so a statement whose
// share is the same object as in the last call has the same findings, moved by as many bytes
// and definitions as the statement moved. Those are moved out of the last result (no string
// is copied); the findings of the other statements are found anew, and the module's own
// (E999, DCT204, D100/D104) every time. The result equals check_file() (tested along random
// edits).
#pragma once

#include "analysis/incremental.h"
#include "analysis/rules.h"

namespace docent::analysis {

// Thread-safety: one per document, used by one thread at a time.
class IncrementalChecker {
public:
  using StatementPlace = IncrementalAnalyzer::StatementPlace;

  // check_file(analysis, config, file), valid until the next call. `statements` are analysis's
  // top-level statements (IncrementalAnalyzer::statements_of), or empty when unknown, which
  // checks the whole file.
  const std::vector<Finding>& check(const FileAnalysis& analysis,
                                    std::vector<StatementPlace> statements,
                                    const CheckConfig& config, const ModuleFile& file);

  // How many statements the last call checked anew and reused (for tests and benchmarks).
  size_t last_computed() const { return last_computed_; }
  size_t last_reused() const { return last_reused_; }

private:
  // Where one statement's findings stand in findings_: a run in each group of FindingGroups
  // after the module's (metrics, missing, mismatches).
  struct Runs {
    uint32_t begin[3] = {0, 0, 0};
    uint32_t count[3] = {0, 0, 0};
  };

  // For each of `statements`, the index of the statement of places_ with the same share, or -1;
  // each index at most once.
  std::vector<int> match(const std::vector<StatementPlace>& statements) const;

  std::vector<Finding> findings_;      // The last result...
  std::vector<StatementPlace> places_; // ...its statements (holding their shares, whose
                                       // addresses are the keys)...
  std::vector<Runs> runs_;             // ...and where their findings stand in it.
  CheckConfig config_;                 // The settings and `__all__` it was found under.
  std::optional<std::vector<std::string>> all_;
  bool known_ = false; // False until a call completes: then the members above agree.
  size_t last_computed_ = 0;
  size_t last_reused_ = 0;
};

} // namespace docent::analysis
