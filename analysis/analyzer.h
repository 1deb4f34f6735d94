// Every metric of one module and of each of its definitions, computed from one Snapshot.
//
// This is the single entry point that the CLI (`docent metrics`, `docent check`) and the server
// use, so that they always agree.
#pragma once

#include "analysis/complexity.h"
#include "analysis/document.h"
#include "analysis/halstead.h"
#include "analysis/python_model.h"
#include "analysis/raw_metrics.h"

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace docent::analysis {

struct DefinitionMetrics {
  int cyclomatic = 1;        // radon cc (classes: radon's averaged class score).
  char rank = 'A';           // radon's rank of `cyclomatic`.
  std::optional<int> mccabe; // mccabe graph complexity (functions and methods only).
  int cognitive = 0;         // SonarSource cognitive complexity (classes: sum of methods).
  int max_nesting = 0;       // Deepest nesting of control-flow blocks.
  int params = 0;            // Parameters, without a method's self/cls.
  int loc = 0;               // Lines from the def/class line to the end of the body.
  int sloc = 0;              // radon's raw `sloc` of those lines.
  HalsteadReport halstead;
};

struct ModuleMetrics {
  std::optional<RawMetrics> raw; // nullopt where radon's raw analysis fails on the text.
  std::optional<double> mi;      // radon's maintainability index (multi-line strings as comments).
  char mi_rank = 'A';
  int cyclomatic_total = 1; // radon's total complexity of the module (an MI input).
  HalsteadReport halstead;
};

// Thread-safety: an immutable value once built; it keeps its snapshot alive.
struct FileAnalysis {
  std::shared_ptr<const Snapshot> snapshot;
  // True when the edited statements were parsed on their own because the file's parse was cut
  // short, and that parse had syntax errors: how tree-sitter recovers from an error can depend
  // on the rest of the file, so a later analysis of the whole tree may differ (see
  // IncrementalAnalyzer). False means the same result as analyze() of a complete tree.
  bool provisional = false;
  ModuleModel model;
  ModuleMetrics module;
  std::vector<DefinitionMetrics> definitions; // Parallel to model.definitions.
};

FileAnalysis analyze(std::shared_ptr<const Snapshot> snapshot);

// Building blocks of analyze(), shared with the incremental analyzer (incremental.h).

// Module metrics from the module's raw metrics, Halstead report and radon total complexity.
ModuleMetrics module_metrics(std::optional<RawMetrics> raw, const HalsteadReport& halstead,
                             int cyclomatic_total);

// Halstead reports by the start byte of their definition node.
using HalsteadLookup = std::unordered_map<uint32_t, const HalsteadReport*>;
// radon's SLOC marks (see compute_raw_metrics) of lines first_line, first_line + 1, ...
struct SlocLines {
  std::vector<bool> marks;
  size_t first_line = 0; // 0-based line of marks[0].
};
// Metrics of each of `definitions` (a model's list: parents before children, `children`
// indexing the same list), whose nodes are `nodes`. radon_scores come from
// radon_complexities(); without `sloc` each definition's lines are tokenized on their own.
std::vector<DefinitionMetrics>
measure_definitions(const Snapshot& snapshot, const std::vector<Definition>& definitions,
                    const std::vector<TSNode>& nodes, const std::vector<int>& radon_scores,
                    const HalsteadLookup& halstead, const SlocLines* sloc);
// The same with the definitions' nodes already located in flat trees.
std::vector<DefinitionMetrics>
measure_definitions(const Snapshot& snapshot, const std::vector<Definition>& definitions,
                    const DefinitionNodes& nodes, const std::vector<int>& radon_scores,
                    const HalsteadLookup& halstead, const SlocLines* sloc);

// radon's mi_compute and mi_rank.
double maintainability_index(double halstead_volume, int complexity, int lloc,
                             double comment_percent);
char maintainability_rank(double mi);

} // namespace docent::analysis
