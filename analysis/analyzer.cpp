// Assembles the module model and every metric for one snapshot.
#include "analysis/analyzer.h"

#include "analysis/cognitive.h"
#include "analysis/complexity.h"
#include "analysis/syntax_tree.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace docent::analysis {

double maintainability_index(double halstead_volume, int complexity, int lloc,
                             double comment_percent) {
  // radon.metrics.mi_compute, term by term in the same order so rounding agrees.
  if (halstead_volume <= 0 || lloc <= 0)
    return 100.0;
  const double sloc_scale = std::log(static_cast<double>(lloc));
  const double volume_scale = std::log(halstead_volume);
  const double comments_scale = std::sqrt(2.46 * (comment_percent * M_PI / 180.0));
  const double nn_mi = 171 - 5.2 * volume_scale - 0.23 * complexity - 16.2 * sloc_scale +
                       50 * std::sin(comments_scale);
  return std::min(std::max(0.0, nn_mi * 100 / 171.0), 100.0);
}

char maintainability_rank(double mi) {
  // radon.metrics.mi_rank: chr(65 + (9 - score >= 0) + (19 - score >= 0))
  return static_cast<char>('A' + (9 - mi >= 0) + (19 - mi >= 0));
}

namespace {

bool is_static_method(const Definition& definition) {
  return std::find(definition.decorators.begin(), definition.decorators.end(), "staticmethod") !=
         definition.decorators.end();
}

int parameter_count(const Definition& definition) {
  int count = static_cast<int>(definition.parameters.size());
  // The receiver of a method is not something a caller passes.
  if (definition.kind == DefinitionKind::Method && count > 0 && !is_static_method(definition))
    --count;
  return count;
}

// The definition's lines, from its def/class line through its last line.
std::string_view definition_lines(const Snapshot& snapshot, const Definition& definition) {
  const LineIndex& lines = snapshot.lines();
  const size_t begin = lines.line_start(definition.line - 1);
  const size_t end = lines.line_content_end(definition.end_line - 1);
  return snapshot.text().substr(begin, end - begin);
}

int count_marked(const std::vector<bool>& marks, size_t begin, size_t end) {
  int count = 0;
  for (size_t k = begin; k < end && k < marks.size(); ++k)
    count += marks[k];
  return count;
}

DefinitionMetrics function_metrics(const Definition& definition,
                                   const DefinitionNodes::Located& node, int radon_score) {
  DefinitionMetrics metrics;
  metrics.cyclomatic = radon_score;
  static const FlatTree kNoTree;
  const FlatTree& tree = node.tree != nullptr ? *node.tree : kNoTree;
  metrics.mccabe = mccabe_complexity(tree, node.index);
  const CognitiveMetrics cognitive = cognitive_metrics(tree, node.index);
  metrics.cognitive = cognitive.cognitive;
  metrics.max_nesting = cognitive.max_nesting;
  metrics.params = parameter_count(definition);
  return metrics;
}

} // namespace

std::vector<DefinitionMetrics>
measure_definitions(const Snapshot& snapshot, const std::vector<Definition>& definitions,
                    const DefinitionNodes& nodes, const std::vector<int>& radon_scores,
                    const HalsteadLookup& halstead, const SlocLines* sloc) {
  std::vector<DefinitionMetrics> measured(definitions.size());
  // Children come after their parents, so a reverse pass sees methods before their class.
  for (size_t i = definitions.size(); i-- > 0;) {
    const Definition& definition = definitions[i];
    DefinitionMetrics& metrics = measured[i];
    if (definition.kind == DefinitionKind::Class) {
      int methods = 0;
      for (int child : definition.children) {
        if (definitions[child].kind != DefinitionKind::Method)
          continue;
        ++methods;
        metrics.cognitive += measured[child].cognitive;
        metrics.max_nesting = std::max(metrics.max_nesting, measured[child].max_nesting);
      }
      metrics.cyclomatic = average_class_complexity(radon_scores[i], methods);
    } else {
      metrics = function_metrics(definition, nodes.nodes[i], radon_scores[i]);
    }
    metrics.rank = radon_rank(metrics.cyclomatic);
    metrics.loc = static_cast<int>(definition.end_line - definition.line + 1);
    if (sloc != nullptr)
      metrics.sloc = count_marked(sloc->marks, definition.line - 1 - sloc->first_line,
                                  definition.end_line - sloc->first_line);
    else if (auto raw = compute_raw_metrics(definition_lines(snapshot, definition)))
      metrics.sloc = raw->sloc;
    if (auto found = halstead.find(definition.definition.start); found != halstead.end())
      metrics.halstead = *found->second;
  }
  return measured;
}

ModuleMetrics module_metrics(std::optional<RawMetrics> raw, const HalsteadReport& halstead,
                             int cyclomatic_total) {
  ModuleMetrics module;
  module.raw = raw;
  module.halstead = halstead;
  module.cyclomatic_total = cyclomatic_total;
  if (raw) {
    // radon mi's defaults: multi-line strings count as comment lines.
    const double comments =
        raw->sloc != 0 ? (raw->comments + raw->multi) / static_cast<double>(raw->sloc) * 100 : 0;
    module.mi = maintainability_index(halstead.volume, cyclomatic_total, raw->lloc, comments);
    module.mi_rank = maintainability_rank(*module.mi);
  }
  return module;
}

std::vector<DefinitionMetrics>
measure_definitions(const Snapshot& snapshot, const std::vector<Definition>& definitions,
                    const std::vector<TSNode>& nodes, const std::vector<int>& radon_scores,
                    const HalsteadLookup& halstead, const SlocLines* sloc) {
  return measure_definitions(snapshot, definitions,
                             locate_definitions(definitions, nodes, snapshot.text()), radon_scores,
                             halstead, sloc);
}

FileAnalysis analyze(std::shared_ptr<const Snapshot> snapshot) {
  FileAnalysis analysis;
  analysis.snapshot = snapshot;
  analysis.model = build_module_model(*snapshot);
  const ModuleModel& model = analysis.model;
  // Every metric walks this one copy of the tree (see FlatTree for why).
  const FlatTree tree(snapshot->root(), snapshot->text(), FlatTree::Folding::Inert);
  const DefinitionNodes nodes = locate_definitions(tree, model.definitions);
  const HalsteadResult halstead = compute_halstead(snapshot->text(), tree);
  const std::vector<int> radon_scores = radon_complexities(model.definitions, nodes);
  SlocLines sloc;
  const std::optional<RawMetrics> raw = compute_raw_metrics(snapshot->text(), sloc.marks);
  analysis.module =
      module_metrics(raw, halstead.module, radon_module_complexity(model, radon_scores, tree));
  // Counting over the module's SLOC lines needs radon's lines to be LSP's lines.
  const bool count_sloc_lines =
      raw && has_only_newline_breaks(snapshot->text()) && model.errors.empty();
  HalsteadLookup halstead_by_start;
  for (const auto& [start, report] : halstead.definitions)
    halstead_by_start.emplace(start, &report);
  analysis.definitions = measure_definitions(*snapshot, model.definitions, nodes, radon_scores,
                                             halstead_by_start, count_sloc_lines ? &sloc : nullptr);
  return analysis;
}

} // namespace docent::analysis
