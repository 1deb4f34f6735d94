// Per-statement reuse of check_file()'s findings (see incremental_check.h).
#include "analysis/incremental_check.h"

#include <iterator>

namespace docent::analysis {

namespace {

// Moves findings by `bytes` and `definitions` (both may be negative, as unsigned wrap-around).
void shift(std::vector<Finding>& findings, uint32_t bytes, int definitions) {
  for (Finding& finding : findings) {
    finding.range.start += bytes;
    finding.range.end += bytes;
    finding.definition += definitions;
  }
}

void shift(FindingGroups& groups, uint32_t bytes, int definitions) {
  for (std::vector<Finding>* group : {&groups.metrics, &groups.missing, &groups.mismatches})
    shift(*group, bytes, definitions);
}

void append_shifted(const std::vector<Finding>& from, uint32_t bytes, int definitions,
                    std::vector<Finding>& to) {
  const size_t first = to.size();
  to.insert(to.end(), from.begin(), from.end());
  for (size_t i = first; i < to.size(); ++i) {
    to[i].range.start += bytes;
    to[i].range.end += bytes;
    to[i].definition += definitions;
  }
}

} // namespace

std::vector<Finding>
IncrementalChecker::check(const FileAnalysis& analysis,
                          const std::vector<IncrementalAnalyzer::StatementPlace>& statements,
                          const CheckConfig& config, const ModuleFile& file) {
  last_computed_ = last_reused_ = 0;
  if (statements.empty()) {
    kept_.clear();
    known_ = false;
    return check_file(analysis, config, file);
  }
  forget_if_settings_changed(analysis, config);
  ++calls_;
  FindingGroups groups = check_module(analysis, config, file);
  for (const IncrementalAnalyzer::StatementPlace& place : statements) {
    const Kept& kept = findings_of(analysis, config, place);
    const int definitions = static_cast<int>(place.first_definition);
    append_shifted(kept.findings.metrics, place.begin, definitions, groups.metrics);
    append_shifted(kept.findings.missing, place.begin, definitions, groups.missing);
    append_shifted(kept.findings.mismatches, place.begin, definitions, groups.mismatches);
  }
  // The statements the edit replaced go; an unchanged file keeps everything.
  if (kept_.size() > statements.size())
    for (auto it = kept_.begin(); it != kept_.end();)
      it = it->second.used == calls_ ? std::next(it) : kept_.erase(it);
  return joined(std::move(groups));
}

void IncrementalChecker::forget_if_settings_changed(const FileAnalysis& analysis,
                                                    const CheckConfig& config) {
  if (known_ && same_rule_settings(config_, config) && all_ == analysis.model.all)
    return;
  kept_.clear();
  config_ = config;
  all_ = analysis.model.all;
  known_ = true;
}

const IncrementalChecker::Kept&
IncrementalChecker::findings_of(const FileAnalysis& analysis, const CheckConfig& config,
                                const IncrementalAnalyzer::StatementPlace& place) {
  auto [it, added] = kept_.try_emplace(place.identity.get());
  Kept& kept = it->second;
  kept.used = calls_;
  if (!added) {
    ++last_reused_;
    return kept;
  }
  ++last_computed_;
  kept.identity = place.identity;
  check_definitions(analysis, config, place.first_definition,
                    place.first_definition + place.definition_count, kept.findings);
  shift(kept.findings, 0u - place.begin, -static_cast<int>(place.first_definition));
  return kept;
}

} // namespace docent::analysis
