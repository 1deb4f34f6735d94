// The decision rule between the model's predictions and what the user sees (see policy.h).
#include "inference/policy.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace docent::inference {
namespace {

constexpr std::array<std::string_view, 3> kModeNames = {"off", "rank", "adapt"};
constexpr std::array<std::string_view, 3> kVisibilityNames = {"show", "downgrade", "hide"};

// The model has called the user's recent decisions on the head better than the static rules
// did, by more than `margin`.
bool beats_static_rules(const Evidence& evidence, float margin) {
  return evidence.model_record > evidence.static_record + margin;
}

// Rejections enough to learn from, with acceptances to tell them from (a few rejections alone
// cannot tell "rejects these" from "rejects everything"), or rejections that outnumber the
// acceptances so clearly that the user turns down most suggestions of the kind either way.
bool kind_may_adapt(const Evidence& evidence) {
  const bool contrast =
      evidence.accepted >= kMinAcceptancesToContrast ||
      evidence.rejected >= kRejectionsPerAcceptance * evidence.accepted + kMinDominantRejections;
  return evidence.rejected >= kMinRejectionsToAdapt && contrast &&
         beats_static_rules(evidence, kRecordMargin);
}

// A section left out is cheap to add back: fewer deletions and a smaller lead (policy.h).
bool section_may_adapt(const Evidence& evidence) {
  return evidence.rejected >= kMinSectionRejections &&
         beats_static_rules(evidence, kSectionRecordMargin);
}

bool similar_were_all_rejected(const Evidence& similar) {
  return similar.rejected >= kMinSimilarRejectionsToHide && similar.accepted == 0;
}

float squared_distance(const std::vector<float>& a, const std::vector<float>& b) {
  float sum = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
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

void EvidenceTable::add(const FeedbackEvent& event, std::optional<float> probability_before) {
  Evidence& evidence = event.section ? sections[static_cast<size_t>(*event.section)]
                                     : kinds[static_cast<size_t>(event.kind)];
  const bool accepted = event.outcome == Outcome::Accepted;
  (accepted ? evidence.accepted : evidence.rejected) += 1;
  const bool model_right = probability_before && (*probability_before >= 0.5f) == accepted;
  evidence.model_record = kRecordDecay * evidence.model_record + (model_right ? 1.0f : 0.0f);
  evidence.static_record = kRecordDecay * evidence.static_record + (accepted ? 1.0f : 0.0f);
}

std::string_view visibility_name(Visibility visibility) {
  return kVisibilityNames[static_cast<size_t>(visibility)];
}

Evidence similar_evidence(const std::vector<FeedbackEvent>& events, const Features& features,
                          SuggestionKind kind, std::optional<Section> section, int neighbours) {
  std::vector<std::pair<float, Outcome>> candidates;
  for (const FeedbackEvent& event : events) {
    if (event.section != section || (!section && event.kind != kind) ||
        event.features.version != features.version)
      continue;
    const float distance = squared_distance(event.features.numeric, features.numeric);
    if (distance <= kSimilarRadius * kSimilarRadius)
      candidates.emplace_back(distance, event.outcome);
  }
  const size_t keep = std::min(candidates.size(), static_cast<size_t>(std::max(neighbours, 0)));
  // Ties keep the older event first, so the answer does not depend on the sort's whims.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Evidence similar;
  for (size_t i = 0; i < keep; ++i)
    (candidates[i].second == Outcome::Accepted ? similar.accepted : similar.rejected) += 1;
  return similar;
}

SimilarEvents::SimilarEvents(const std::vector<FeedbackEvent>& events) {
  const size_t count = events.size();
  width_ = events.empty() ? 0 : events.front().features.numeric.size();
  columns_.assign(width_ * count, 0.0f);
  for (size_t e = 0; e < count; ++e) {
    const FeedbackEvent& event = events[e];
    const std::vector<float>& numeric = event.features.numeric;
    if (numeric.size() == width_) {
      for (size_t f = 0; f < width_; ++f)
        columns_[f * count + e] = numeric[f];
    } else {
      others_.push_back(e);
      other_numeric_.push_back(numeric);
    }
    versions_.push_back(event.features.version);
    heads_.push_back(static_cast<uint8_t>(head_of(event)));
    outcomes_.push_back(event.outcome);
  }
}

std::vector<float> SimilarEvents::distances(const std::vector<float>& x) const {
  const size_t count = heads_.size();
  std::vector<float> sums(count, 0.0f);
  // squared_distance() of each event, its terms added in the same order; feature by feature
  // across the events, which vectorizes.
  const size_t shared = std::min(width_, x.size());
  for (size_t f = 0; f < shared; ++f) {
    const float* column = columns_.data() + f * count;
    const float value = x[f];
    for (size_t e = 0; e < count; ++e)
      sums[e] += (column[e] - value) * (column[e] - value);
  }
  for (size_t i = 0; i < others_.size(); ++i)
    sums[others_[i]] = squared_distance(other_numeric_[i], x);
  return sums;
}

void SimilarEvents::evidence(const Features& features,
                             std::array<Evidence, kSuggestionKinds>& kinds,
                             std::array<Evidence, kSections>& sections, int neighbours) const {
  std::array<std::vector<std::pair<float, Outcome>>, kSuggestionKinds + kSections> candidates;
  const std::vector<float> sums = distances(features.numeric);
  for (size_t e = 0; e < heads_.size(); ++e)
    if (versions_[e] == features.version && sums[e] <= kSimilarRadius * kSimilarRadius)
      candidates[heads_[e]].emplace_back(sums[e], outcomes_[e]);
  const size_t most = static_cast<size_t>(std::max(neighbours, 0));
  for (size_t head = 0; head < candidates.size(); ++head) {
    auto& found = candidates[head];
    // As similar_evidence(): ties keep the older event first.
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Evidence& counted = head < static_cast<size_t>(kSuggestionKinds)
                            ? kinds[head]
                            : sections[head - static_cast<size_t>(kSuggestionKinds)];
    counted = Evidence{};
    for (size_t i = 0; i < std::min(found.size(), most); ++i)
      (found[i].second == Outcome::Accepted ? counted.accepted : counted.rejected) += 1;
  }
}

Visibility diagnostic_visibility(LearningMode mode, float accept_probability,
                                 const Evidence& evidence, const Evidence& similar) {
  if (mode != LearningMode::Adapt || !kind_may_adapt(evidence))
    return Visibility::Show;
  if (accept_probability < kHideBelow && similar_were_all_rejected(similar) &&
      evidence.rejected >= kMinRejectionsToHide)
    return Visibility::Hide;
  if (accept_probability < kDowngradeBelow)
    return Visibility::Downgrade;
  return Visibility::Show;
}

bool writes_section(LearningMode mode, float keep_probability, const Evidence& evidence,
                    const Evidence& similar) {
  if (mode != LearningMode::Adapt || !section_may_adapt(evidence) || similar.accepted > 0)
    return true;
  return keep_probability >= kDowngradeBelow;
}

bool writes_types(LearningMode mode, bool types_setting, float keep_probability,
                  const Evidence& evidence, const Evidence& similar) {
  return types_setting && writes_section(mode, keep_probability, evidence, similar);
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
  const std::string_view verb = kind == SuggestionKind::Complexity  ? "acted on warnings about"
                                : kind == SuggestionKind::Docstring ? "documented"
                                                                    : "updated the docstrings of";
  const std::string_view what = kind == SuggestionKind::Complexity  ? "a complexity warning"
                                : kind == SuggestionKind::Docstring ? "a docstring"
                                                                    : "a docstring update";
  const std::string_view usually =
      visibility == Visibility::Show ? "usually suggests" : "rarely suggests";
  return fmt::format("docent {} {} here: you {} {} of {} similar {}", usually, what, verb,
                     similar.accepted, similar.total(), noun);
}

} // namespace docent::inference
