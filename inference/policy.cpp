// The decision rule between the model's predictions and what the user sees (see policy.h).
#include "inference/policy.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace docent::inference {
namespace {

constexpr std::array<std::string_view, 3> kModeNames = {"off", "rank", "adapt"};
constexpr std::array<std::string_view, 3> kVisibilityNames = {"show", "downgrade", "hide"};

bool enough_to_adapt(const Evidence& evidence) {
  return evidence.rejected >= kMinRejectionsToAdapt;
}

bool enough_to_hide(const Evidence& evidence) {
  return evidence.rejected >= kMinRejectionsToHide &&
         static_cast<float>(evidence.rejected) >=
             kMinRejectionShareToHide * static_cast<float>(evidence.total());
}

} // namespace

std::string_view learning_mode_name(LearningMode mode) {
  return kModeNames[static_cast<size_t>(mode)];
}

std::optional<LearningMode> learning_mode_from_name(std::string_view name) {
  for (size_t i = 0; i < kModeNames.size(); ++i)
    if (kModeNames[i] == name)
      return static_cast<LearningMode>(i);
  return std::nullopt;
}

void EvidenceTable::add(const FeedbackEvent& event) {
  Evidence& evidence = event.section ? sections[static_cast<size_t>(*event.section)]
                                     : kinds[static_cast<size_t>(event.kind)];
  (event.outcome == Outcome::Accepted ? evidence.accepted : evidence.rejected) += 1;
}

std::string_view visibility_name(Visibility visibility) {
  return kVisibilityNames[static_cast<size_t>(visibility)];
}

Visibility diagnostic_visibility(LearningMode mode, float accept_probability,
                                 const Evidence& evidence) {
  if (mode != LearningMode::Adapt || !enough_to_adapt(evidence))
    return Visibility::Show;
  if (accept_probability < kHideBelow && enough_to_hide(evidence))
    return Visibility::Hide;
  if (accept_probability < kDowngradeBelow)
    return Visibility::Downgrade;
  return Visibility::Show;
}

bool writes_section(LearningMode mode, float keep_probability, const Evidence& evidence) {
  if (mode != LearningMode::Adapt || !enough_to_adapt(evidence))
    return true;
  return keep_probability >= kDowngradeBelow;
}

bool writes_types(LearningMode mode, bool types_setting, float keep_probability,
                  const Evidence& evidence) {
  return types_setting && writes_section(mode, keep_probability, evidence);
}

std::vector<size_t> action_order(LearningMode mode,
                                 const std::vector<float>& accept_probabilities) {
  std::vector<size_t> order(accept_probabilities.size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (mode == LearningMode::Off)
    return order;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return accept_probabilities[a] > accept_probabilities[b];
  });
  return order;
}

std::string explain(SuggestionKind kind, Visibility visibility, const Evidence& similar,
                    std::string_view noun) {
  if (similar.total() == 0)
    return "";
  const std::string_view verb = kind == SuggestionKind::Complexity ? "acted on warnings about"
                                : kind == SuggestionKind::Docstring ? "documented"
                                                                     : "updated the docstrings of";
  const std::string_view what = kind == SuggestionKind::Complexity ? "a complexity warning"
                                : kind == SuggestionKind::Docstring ? "a docstring"
                                                                     : "a docstring update";
  const std::string_view usually = visibility == Visibility::Show ? "usually suggests"
                                                                  : "rarely suggests";
  return fmt::format("docent {} {} here: you {} {} of {} similar {}", usually, what, verb,
                     similar.accepted, similar.total(), noun);
}

} // namespace docent::inference
