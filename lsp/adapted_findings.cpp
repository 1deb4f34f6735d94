// The diagnostics as the learning policy shows them, from scratch and kept per document (see
// adapted_findings.h).
#include "lsp/adapted_findings.h"

#include "analysis/docstring_rules.h"
#include "inference/feature_source.h"

#include <algorithm>
#include <map>

namespace docent::lsp {

using analysis::Finding;
using inference::Features;
using inference::LearningMode;
using inference::LearningSnapshot;
using inference::PredictionEntry;
using inference::SuggestionKind;
using inference::Visibility;

namespace {

// Whether the policy may change any finding: the common case, and every keystroke's until the
// user has given enough feedback, is no.
bool may_adapt_findings(const LearningView& view) {
  if (view.mode != LearningMode::Adapt || !view.active())
    return false;
  return view.snapshot->departs(SuggestionKind::Docstring) ||
         view.snapshot->departs(SuggestionKind::Complexity);
}

// The kind of `finding` if the policy decides how it is shown (its head departs).
std::optional<SuggestionKind> adapted_kind(const LearningSnapshot& snapshot,
                                           const Finding& finding) {
  const std::optional<SuggestionKind> kind = rule_suggestion_kind(finding.code);
  if (!kind || *kind == SuggestionKind::DocstringUpdate || !snapshot.departs(*kind))
    return std::nullopt;
  return kind;
}

// How a finding of `kind` is shown, with `entry` its definition's predictions (null: as it is,
// without a model to predict with).
Visibility visibility_of(const LearningView& view, SuggestionKind kind,
                         const PredictionEntry* entry) {
  if (entry == nullptr)
    return Visibility::Show;
  const auto at = static_cast<size_t>(kind);
  return inference::diagnostic_visibility(view.mode, entry->prediction.accept[at],
                                          view.snapshot->evidence.of(kind),
                                          entry->similar_kinds[at]);
}

// `findings` as `decided` shows them, written over `shown` (whose strings keep their storage).
void show(const std::vector<Finding>& findings, const std::vector<Visibility>& decided,
          std::vector<Finding>& shown) {
  size_t count = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (decided[i] == Visibility::Hide)
      continue;
    if (count < shown.size())
      shown[count] = findings[i];
    else
      shown.push_back(findings[i]);
    if (decided[i] == Visibility::Downgrade)
      shown[count].severity = analysis::Severity::Hint;
    ++count;
  }
  shown.resize(count);
}

bool all_shown(const std::vector<Visibility>& decided) {
  return std::all_of(decided.begin(), decided.end(),
                     [](Visibility visibility) { return visibility == Visibility::Show; });
}

} // namespace

std::optional<std::vector<Finding>> adapted_findings(const LearningView& view,
                                                     const analysis::FileAnalysis& analysis,
                                                     const std::string& path,
                                                     const std::vector<Finding>& findings) {
  if (!may_adapt_findings(view))
    return std::nullopt;
  inference::FeatureSource features(analysis, path);
  PredictionLookup lookup(view);
  std::map<int, const PredictionEntry*> entries; // By definition: one lookup for its findings.
  const auto entry_of = [&](int definition) {
    const auto found = entries.find(definition);
    if (found != entries.end())
      return found->second;
    return entries[definition] = lookup.find(features.of(definition));
  };
  std::vector<Visibility> decided;
  decided.reserve(findings.size());
  for (const Finding& finding : findings) {
    const std::optional<SuggestionKind> kind = adapted_kind(*view.snapshot, finding);
    decided.push_back(kind ? visibility_of(view, *kind, entry_of(finding.definition))
                           : Visibility::Show);
  }
  std::vector<Finding> shown;
  show(findings, decided, shown);
  return shown;
}

const std::vector<Finding>&
AdaptedFindingsCache::adapt(const LearningView& view, const analysis::FileAnalysis& analysis,
                            const std::string& path, const analysis::IncrementalAnalyzer& analyzer,
                            const std::vector<Finding>& findings) {
  last_computed_ = last_reused_ = 0;
  if (!may_adapt_findings(view)) {
    clear();
    return findings;
  }
  const std::vector<StatementPlace> places = analyzer.statements_of(analysis);
  if (places.empty()) // Not put together from statements: nothing to key on.
    return from_scratch(view, analysis, path, findings);
  ++calls_;
  if (!refresh_context(analysis, path))
    statements_.clear();
  if (view.snapshot != snapshot_) {
    snapshot_ = view.snapshot;
    ++epoch_;
  }
  PredictionLookup lookup(view);
  std::optional<const PredictionEntry*> module; // Looked up at its first finding.
  decided_.assign(findings.size(), Visibility::Show);
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& finding = findings[i];
    const std::optional<SuggestionKind> kind = adapted_kind(*view.snapshot, finding);
    if (!kind)
      continue;
    const PredictionEntry* entry = nullptr;
    if (finding.definition < 0) {
      if (!module)
        module = lookup.find(inference::extract_features(analysis, -1, context_));
      entry = *module;
    } else {
      // The statement holding the definition: the last one starting at or before it.
      const auto after =
          std::upper_bound(places.begin(), places.end(), static_cast<uint32_t>(finding.definition),
                           [](uint32_t definition, const StatementPlace& place) {
                             return definition < place.first_definition;
                           });
      const StatementPlace* place = after == places.begin() ? nullptr : &*(after - 1);
      if (place == nullptr || static_cast<uint32_t>(finding.definition) >=
                                  place->first_definition + place->definition_count) {
        // The analyzer's statements do not hold it: nothing to key on.
        return from_scratch(view, analysis, path, findings);
      }
      entry = entry_of(analysis, *place, finding.definition, lookup);
    }
    decided_[i] = visibility_of(view, *kind, entry);
  }
  // Statements the edit replaced, or that lost their last adapted finding, go.
  for (auto it = statements_.begin(); it != statements_.end();)
    it = it->second.used == calls_ ? std::next(it) : statements_.erase(it);
  if (all_shown(decided_))
    return findings;
  show(findings, decided_, shown_);
  return shown_;
}

const std::vector<Finding>&
AdaptedFindingsCache::from_scratch(const LearningView& view, const analysis::FileAnalysis& analysis,
                                   const std::string& path, const std::vector<Finding>& findings) {
  clear();
  shown_ = std::move(*adapted_findings(view, analysis, path, findings));
  return shown_;
}

void AdaptedFindingsCache::clear() {
  statements_.clear();
  snapshot_.reset();
  path_known_ = false;
  context_ = inference::FileContext{};
  shown_.clear();
}

bool AdaptedFindingsCache::refresh_context(const analysis::FileAnalysis& analysis,
                                           const std::string& path) {
  bool same = path_known_ && path == path_;
  if (!same) {
    inference::FileContext of_path = inference::path_context(path);
    context_.test_file = of_path.test_file;
    context_.module_public = of_path.module_public;
    context_.path_tokens = std::move(of_path.path_tokens);
    path_ = path;
    path_known_ = true;
  }
  const analysis::ModuleModel& model = analysis.model;
  if (model.all != all_) {
    all_ = model.all;
    same = false;
  }
  const size_t count = model.definitions.size();
  const size_t old_count = context_.documented.size();
  const int old_documented = context_.documented_count;
  const size_t old_top_level = context_.top_level.size();
  const int old_top_level_documented = top_level_documented_;
  context_.documented.assign(count, false);
  context_.documented_count = top_level_documented_ = 0;
  context_.top_level.clear();
  for (size_t i = 0; i < count; ++i) {
    const analysis::Definition& definition = model.definitions[i];
    context_.documented[i] = definition.leading_string;
    context_.documented_count += definition.leading_string ? 1 : 0;
    if (definition.parent < 0) {
      context_.top_level.push_back(static_cast<int>(i));
      top_level_documented_ += definition.leading_string ? 1 : 0;
    }
  }
  context_.is_public.resize(count);
  return same && count == old_count && context_.documented_count == old_documented &&
         context_.top_level.size() == old_top_level &&
         top_level_documented_ == old_top_level_documented;
}

const PredictionEntry* AdaptedFindingsCache::entry_of(const analysis::FileAnalysis& analysis,
                                                      const StatementPlace& place, int index,
                                                      PredictionLookup& lookup) {
  const size_t local = static_cast<size_t>(index) - place.first_definition;
  Statement& statement = statements_[place.identity.get()];
  if (statement.identity == nullptr) {
    statement.identity = place.identity;
    statement.slots.resize(place.definition_count);
  }
  statement.used = calls_;
  Slot& slot = statement.slots[local];
  const auto entry = [&slot]() -> const PredictionEntry* {
    return slot.entry ? &*slot.entry : nullptr;
  };
  if (slot.call == calls_)
    return entry(); // Another finding of the same definition.
  slot.call = calls_;
  if (slot.known && slot.epoch == epoch_ && slot.entry) {
    ++last_reused_;
    return entry();
  }
  if (slot.known) { // Looked up in an earlier snapshot, or not there yet.
    slot.epoch = epoch_;
    slot.entry = precomputed(slot.key);
    if (slot.entry) {
      ++last_reused_;
      return entry();
    }
  }
  if (statement.publicity != calls_) {
    const size_t first = place.first_definition, last = first + place.definition_count;
    const std::vector<bool> is_public = analysis::public_definitions(analysis.model, first, last);
    std::copy(is_public.begin() + static_cast<std::ptrdiff_t>(first),
              is_public.begin() + static_cast<std::ptrdiff_t>(last),
              context_.is_public.begin() + static_cast<std::ptrdiff_t>(first));
    statement.publicity = calls_;
  }
  ++last_computed_;
  Features features = inference::extract_features(analysis, index, context_);
  slot.known = true;
  slot.key = inference::features_key(features);
  slot.epoch = epoch_;
  slot.entry = precomputed(slot.key);
  if (!slot.entry) // The definition changed since the snapshot: its prediction, now.
    slot.entry = lookup.compute(std::move(features));
  return entry();
}

std::optional<PredictionEntry> AdaptedFindingsCache::precomputed(uint64_t key) const {
  const auto found = snapshot_->predictions.find(key);
  if (found == snapshot_->predictions.end())
    return std::nullopt;
  return found->second;
}

} // namespace docent::lsp
