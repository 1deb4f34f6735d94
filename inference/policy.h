// What docent does with the model's predictions: show, downgrade or hide a diagnostic, write or
// leave out a docstring section, order code actions. Pure functions of a prediction and the
// evidence behind it; no torch, no LSP.
//
// The confidence rule (docs/learning.md). docent departs from the static rules only on a head
// (a suggestion kind, or a section) where the user has rejected enough suggestions and where
// the model has a clearly better track record than the static rules: each event is scored
// before the model trains on it (did the model, with p >= 0.5 meaning "accepts", and did
// "always accept" call it right?), older events counting less (kRecordDecay per event), and
// the model's decayed count must exceed the static rules' by more than a margin. Enough
// rejections: for a suggestion kind, at least kMinRejectionsToAdapt, with at least
// kMinAcceptancesToContrast acceptances or rejections that dominate the acceptances
// (kRejectionsPerAcceptance, kMinDominantRejections), margin kRecordMargin; for a section,
// kMinSectionRejections, margin kSectionRecordMargin. Then:
//   - Downgrade (to a Hint) when p(accept) < kDowngradeBelow;
//   - Hide when moreover p(accept) < kHideBelow, the user rejected at least
//     kMinRejectionsToHide suggestions of that kind, and at least kMinSimilarRejectionsToHide
//     of the kSimilarNeighbours most similar past definitions (within kSimilarRadius) were
//     rejected and none accepted;
//   - leave a section out when p(keep) < kDowngradeBelow and the user never kept it on one of
//     the kSimilarNeighbours most similar definitions.
// A user who never rejects therefore always gets exactly the static behaviour, and one whose
// decisions the model does not predict better than the static rules gets it too.
#pragma once

#include "inference/learning_types.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docent::inference {

// The `learning` setting. Off: the static rules, always. Rank: the static rules, with code
// actions ordered by predicted acceptance. Adapt (default): also downgrade and hide diagnostics
// and leave out sections, under the confidence rule.
enum class LearningMode { Off, Rank, Adapt };
std::string_view learning_mode_name(LearningMode mode);
std::optional<LearningMode> learning_mode_from_name(std::string_view name);

inline constexpr int kMinRejectionsToAdapt = 3;
inline constexpr int kMinAcceptancesToContrast = 4;
// Rejections dominate when rejected >= kRejectionsPerAcceptance * accepted +
// kMinDominantRejections (5 of 5, 7 of 8, 9 of 11, 11 of 14): then, under a uniform prior,
// the user accepts fewer than half of the kind's suggestions with probability at least 0.98,
// so that even a model that has learned no more than "rejects" does better than the static
// rules. (With 3 of 3, a simulated user who takes three in four suggestions but was first
// shown three they turn down had everything downgraded: a quarter of the held-out accuracy
// lost, and the mean over ten users fell below the static rules at that decision.)
inline constexpr int kRejectionsPerAcceptance = 2;
inline constexpr int kMinDominantRejections = 5;
// A section left out costs less than a diagnostic taken away (the update action adds it back,
// and a section the user adds back is an acceptance), so a section the user deletes is left
// out after fewer deletions, and a smaller lead of the model suffices: 2 deletions, the
// second of them predicted.
inline constexpr int kMinSectionRejections = 2;
inline constexpr float kSectionRecordMargin = 0.5f;
inline constexpr float kRecordDecay = 0.9f;
inline constexpr float kRecordMargin = 1.0f; // For a suggestion kind.
// Below 0.5 rather than at it: a prediction near 0.5 is a guess, and a guess must not take a
// suggestion away from its static severity.
inline constexpr float kDowngradeBelow = 0.35f;
inline constexpr float kHideBelow = 0.1f;
inline constexpr int kSimilarNeighbours = 10;
// Past definitions farther than this (Euclidean, numeric features) are not similar: two
// definitions that differ in one flag and a little else are about 1 apart.
inline constexpr float kSimilarRadius = 1.0f;
inline constexpr int kMinSimilarRejectionsToHide = 8;
inline constexpr int kMinRejectionsToHide = 20;

// How often the user accepted and rejected suggestions of one head, and the track records:
// decayed counts of events that the model (as it was before the event) and the static rules
// called right.
struct Evidence {
  int accepted = 0;
  int rejected = 0;
  float model_record = 0;
  float static_record = 0;
  int total() const { return accepted + rejected; }
};

// Evidence per head, counted from the user's events. Thread-safety: a value.
struct EvidenceTable {
  std::array<Evidence, kSuggestionKinds> kinds{};
  std::array<Evidence, kSections> sections{};

  // `probability_before` is the model's prediction for the event's head made before training
  // on it (the server predicts when it records the event); without one the event counts as
  // one the model got wrong.
  void add(const FeedbackEvent& event, std::optional<float> probability_before = std::nullopt);
  const Evidence& of(SuggestionKind kind) const { return kinds[static_cast<size_t>(kind)]; }
  const Evidence& of(Section section) const { return sections[static_cast<size_t>(section)]; }
};

// The user's decisions on the `neighbours` past definitions most like `features` (Euclidean
// distance over the numeric features, at most kSimilarRadius) among `events` of one head: a
// suggestion kind, or with `section`, a section. Thread-safety: pure.
Evidence similar_evidence(const std::vector<FeedbackEvent>& events, const Features& features,
                          SuggestionKind kind, std::optional<Section> section = std::nullopt,
                          int neighbours = kSimilarNeighbours);

// Past events laid out for similar_evidence() queries of every head at once: their numeric
// features as columns (feature by feature across the events) and each event's head and outcome
// beside them, so that one pass answers a definition's ten heads, with each event's distance
// still summed feature by feature in order (where similar_evidence() makes ten passes over
// whole events). Gives exactly similar_evidence()'s counts. Thread-safety: immutable once made;
// any thread.
class SimilarEvents {
public:
  SimilarEvents() = default;
  explicit SimilarEvents(const std::vector<FeedbackEvent>& events);

  // similar_evidence(events, features, kind) for every kind and
  // similar_evidence(events, features, kind, section) for every section.
  void evidence(const Features& features, std::array<Evidence, kSuggestionKinds>& kinds,
                std::array<Evidence, kSections>& sections,
                int neighbours = kSimilarNeighbours) const;
  size_t size() const { return heads_.size(); }

private:
  // Squared distances from `x` to every event, in event order.
  std::vector<float> distances(const std::vector<float>& x) const;

  size_t width_ = 0;           // The numeric size of the first event; most have it.
  std::vector<float> columns_; // [width_][events]: the events of width_ (others: zeros).
  std::vector<size_t> others_; // Events of another width (features of another version).
  std::vector<std::vector<float>> other_numeric_; // Their features, parallel to others_.
  std::vector<int> versions_;
  std::vector<uint8_t> heads_; // The kinds, then the sections (as the model's heads).
  std::vector<Outcome> outcomes_;
};

enum class Visibility { Show, Downgrade, Hide };
std::string_view visibility_name(Visibility visibility);

// How a diagnostic the static rules produce is shown. Off and Rank: always Show (at the
// configured severity); Adapt: the confidence rule above, with `evidence` the user's decisions
// on the diagnostic's kind and `similar` those on similar definitions (similar_evidence()).
// Thread-safety: pure.
Visibility diagnostic_visibility(LearningMode mode, float accept_probability,
                                 const Evidence& evidence, const Evidence& similar);

// Whether a generated docstring has a section the generator would write (Args, Returns,
// Yields, Raises, Attributes, Examples). Off and Rank: always. Thread-safety: pure.
bool writes_section(LearningMode mode, float keep_probability, const Evidence& evidence,
                    const Evidence& similar);

// Whether a generated docstring has types: never when the docstring-types setting is off;
// otherwise as writes_section() for Section::Types. Thread-safety: pure.
bool writes_types(LearningMode mode, bool types_setting, float keep_probability,
                  const Evidence& evidence, const Evidence& similar);

// The order to offer code actions in: indices into `accept_probabilities`, most likely taken
// first, ties in the given order. Off: the given order. Thread-safety: pure.
std::vector<size_t> action_order(LearningMode mode, const std::vector<float>& accept_probabilities);

// A sentence for hover about what the user did with similar suggestions, e.g. "docent usually
// suggests a docstring here: you documented 31 of 34 similar functions". `similar` counts the
// user's decisions on similar definitions (the caller picks them); "" without any.
std::string explain(SuggestionKind kind, Visibility visibility, const Evidence& similar,
                    std::string_view noun = "functions");

} // namespace docent::inference
