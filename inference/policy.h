// What docent does with the model's predictions: show, downgrade or hide a diagnostic, write or
// leave out a docstring section, order code actions. Pure functions of a prediction and the
// evidence behind it; no torch, no LSP.
//
// The confidence rule (docs/learning.md): docent departs from the static rules only on a head
// (a suggestion kind, or a section) where the user has rejected at least kMinRejectionsToAdapt
// suggestions, and then only as far as the prediction is clear:
//   - Downgrade (to a Hint) when p(accept) < kDowngradeBelow;
//   - Hide when p(accept) < kHideBelow and the user has rejected at least kMinRejectionsToHide
//     suggestions of that kind, at least kMinRejectionShareToHide of all they decided on;
//   - leave a section out when p(keep) < kDowngradeBelow (a section is cheap to delete, and a
//     section left out can be added back from the update action).
// A user who never rejects therefore always gets exactly the static behaviour.
#pragma once

#include "inference/learning_types.h"

#include <array>
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
inline constexpr float kDowngradeBelow = 0.5f;
inline constexpr float kHideBelow = 0.1f;
inline constexpr int kMinRejectionsToHide = 10;
inline constexpr float kMinRejectionShareToHide = 0.3f;

// How often the user accepted and rejected suggestions of one head.
struct Evidence {
  int accepted = 0;
  int rejected = 0;
  int total() const { return accepted + rejected; }
};

// Evidence per head, counted from the user's events. Thread-safety: a value.
struct EvidenceTable {
  std::array<Evidence, kSuggestionKinds> kinds{};
  std::array<Evidence, kSections> sections{};

  void add(const FeedbackEvent& event);
  const Evidence& of(SuggestionKind kind) const { return kinds[static_cast<size_t>(kind)]; }
  const Evidence& of(Section section) const { return sections[static_cast<size_t>(section)]; }
};

enum class Visibility { Show, Downgrade, Hide };
std::string_view visibility_name(Visibility visibility);

// How a diagnostic the static rules produce is shown. Off and Rank: always Show (at the
// configured severity); Adapt: the confidence rule above. Thread-safety: pure.
Visibility diagnostic_visibility(LearningMode mode, float accept_probability,
                                 const Evidence& evidence);

// Whether a generated docstring has a section the generator would write (Args, Returns,
// Yields, Raises, Attributes, Examples). Off and Rank: always. Thread-safety: pure.
bool writes_section(LearningMode mode, float keep_probability, const Evidence& evidence);

// Whether a generated docstring has types: never when the docstring-types setting is off;
// otherwise as writes_section() for Section::Types. Thread-safety: pure.
bool writes_types(LearningMode mode, bool types_setting, float keep_probability,
                  const Evidence& evidence);

// The order to offer code actions in: indices into `accept_probabilities`, most likely taken
// first, ties in the given order. Off: the given order. Thread-safety: pure.
std::vector<size_t> action_order(LearningMode mode, const std::vector<float>& accept_probabilities);

// A sentence for hover about what the user did with similar suggestions, e.g. "docent usually
// suggests a docstring here: you documented 31 of 34 similar functions". `similar` counts the
// user's decisions on similar definitions (the caller picks them); "" without any.
std::string explain(SuggestionKind kind, Visibility visibility, const Evidence& similar,
                    std::string_view noun = "functions");

} // namespace docent::inference
