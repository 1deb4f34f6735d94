// Re-analysis after an edit that recomputes only the top-level statements whose text changed.
//
// A module's metrics decompose over its top-level statements: each statement's definitions and
// their metrics depend only on the statement's text, radon's raw counts and total complexity
// are sums over statements, and Halstead's distinct-operand sets merge (halstead.h). So each
// statement's share is kept, keyed by its text, and an edit inside one function costs about
// the analysis of that function. Files where this does not hold exactly (syntax errors, two
// statements on one line, line breaks that radon's str.splitlines() sees but LSP does not) go
// through analyze() whole.
#pragma once

#include "analysis/analyzer.h"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace docent::analysis {

// Thread-safety: one per document, used by one thread at a time.
class IncrementalAnalyzer {
public:
  IncrementalAnalyzer();
  ~IncrementalAnalyzer();
  IncrementalAnalyzer(IncrementalAnalyzer&&) noexcept;
  IncrementalAnalyzer& operator=(IncrementalAnalyzer&&) noexcept;

  // The same result as analyze(snapshot), reusing the statements of the previous call.
  FileAnalysis analyze(std::shared_ptr<const Snapshot> snapshot);

  // How many top-level statements the last call analyzed anew and reused (for tests and
  // benchmarks); both 0 after a whole-file analysis.
  size_t last_computed() const { return last_computed_; }
  size_t last_reused() const { return last_reused_; }

  // One top-level statement's share of the analysis, and where a statement stands in a
  // snapshot (both defined in incremental.cpp).
  struct Statement;
  struct Span;

private:
  // The module's `__all__`, recomputed only when a statement assigning it changes.
  std::optional<std::vector<std::string>> module_all(const Snapshot& snapshot,
                                                     const std::vector<Span>& spans);

  std::unordered_map<std::string, std::shared_ptr<const Statement>> statements_;
  std::string all_key_;
  std::optional<std::vector<std::string>> all_;
  bool all_known_ = false;
  size_t last_computed_ = 0;
  size_t last_reused_ = 0;
};

} // namespace docent::analysis
