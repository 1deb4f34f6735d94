// Per-statement reuse of check_file()'s findings (see incremental_check.h).
#include "analysis/incremental_check.h"

#include <algorithm>
#include <iterator>
#include <unordered_map>

namespace docent::analysis {

namespace {

std::vector<Finding>& group(FindingGroups& groups, int which) {
  return which == 0 ? groups.metrics : which == 1 ? groups.missing : groups.mismatches;
}

} // namespace

const std::vector<Finding>& IncrementalChecker::check(const FileAnalysis& analysis,
                                                      std::vector<StatementPlace> statements,
                                                      const CheckConfig& config,
                                                      const ModuleFile& file) {
  last_computed_ = last_reused_ = 0;
  if (statements.empty()) {
    known_ = false;
    places_.clear();
    runs_.clear();
    findings_ = check_file(analysis, config, file);
    return findings_;
  }
  if (!known_ || !same_rule_settings(config_, config) || all_ != analysis.model.all) {
    places_.clear();
    runs_.clear();
    findings_.clear();
    config_ = config;
    all_ = analysis.model.all;
  }
  known_ = false; // Until findings_ and places_ agree again (an exception leaves them apart).
  const std::vector<int> matched = match(statements);
  // The findings of the statements not matched, in order.
  std::vector<FindingGroups> fresh;
  for (size_t k = 0; k < statements.size(); ++k) {
    if (matched[k] >= 0) {
      ++last_reused_;
      continue;
    }
    ++last_computed_;
    const StatementPlace& place = statements[k];
    check_definitions(analysis, config, place.first_definition,
                      place.first_definition + place.definition_count, fresh.emplace_back());
  }
  FindingGroups module = check_module(analysis, config, file);
  std::vector<Finding> findings = std::move(module.module);
  findings.reserve(findings_.size() + 8);
  std::vector<Runs> runs(statements.size());
  for (int which = 0; which < 3; ++which) {
    if (which == 1) // D100/D104 come before the definitions' missing docstrings.
      std::move(module.missing.begin(), module.missing.end(), std::back_inserter(findings));
    size_t next_fresh = 0;
    for (size_t k = 0; k < statements.size(); ++k) {
      runs[k].begin[which] = static_cast<uint32_t>(findings.size());
      if (matched[k] < 0) {
        std::vector<Finding>& found = group(fresh[next_fresh++], which);
        std::move(found.begin(), found.end(), std::back_inserter(findings));
      } else {
        const StatementPlace& was = places_[matched[k]];
        const uint32_t bytes = statements[k].begin - was.begin; // Unsigned: wraps back.
        const int definitions = static_cast<int>(statements[k].first_definition) -
                                static_cast<int>(was.first_definition);
        const Runs& where = runs_[matched[k]];
        for (uint32_t i = 0; i < where.count[which]; ++i) {
          Finding& moved = findings.emplace_back(std::move(findings_[where.begin[which] + i]));
          moved.range.start += bytes;
          moved.range.end += bytes;
          moved.definition += definitions;
        }
      }
      runs[k].count[which] = static_cast<uint32_t>(findings.size()) - runs[k].begin[which];
    }
  }
  findings_ = std::move(findings);
  places_ = std::move(statements);
  runs_ = std::move(runs);
  known_ = true;
  return findings_;
}

std::vector<int> IncrementalChecker::match(const std::vector<StatementPlace>& statements) const {
  // An edit replaces a run of statements: the rest match in place from both ends, and only
  // the run in between is looked up by share.
  std::vector<int> matched(statements.size(), -1);
  const size_t common = std::min(statements.size(), places_.size());
  size_t prefix = 0;
  while (prefix < common && statements[prefix].identity == places_[prefix].identity) {
    matched[prefix] = static_cast<int>(prefix);
    ++prefix;
  }
  size_t suffix = 0;
  while (suffix < common - prefix && statements[statements.size() - 1 - suffix].identity ==
                                         places_[places_.size() - 1 - suffix].identity) {
    matched[statements.size() - 1 - suffix] = static_cast<int>(places_.size() - 1 - suffix);
    ++suffix;
  }
  std::unordered_map<const void*, int> middle;
  for (size_t i = prefix; i + suffix < places_.size(); ++i)
    middle.emplace(places_[i].identity.get(), static_cast<int>(i));
  for (size_t k = prefix; k + suffix < statements.size(); ++k) {
    auto found = middle.find(statements[k].identity.get());
    if (found == middle.end())
      continue;
    matched[k] = found->second;
    middle.erase(found); // A statement standing twice (equal texts) is moved out once.
  }
  return matched;
}

} // namespace docent::analysis
