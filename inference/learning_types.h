// The vocabulary that the feedback store, the model and the server share: what docent
// suggested, what the user did with it, and the features the suggestion is judged by.
//
// These are plain values: no torch, no SQLite, no JSON. The store writes them by name (see
// suggestion_kind_name), so enumerators may be appended but never renumbered or renamed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docent::inference {

// What docent suggested. One model head predicts, per kind, whether the user takes it.
enum class SuggestionKind : uint8_t {
  Docstring,       // A missing-docstring diagnostic (D1xx) or an insert-docstring action.
  DocstringUpdate, // An update or convert action, or a DOC1xx-DOC5xx mismatch diagnostic.
  Complexity,      // C901, CCR001, DCT201-DCT204.
};
inline constexpr int kSuggestionKinds = 3;

// What the user did with a suggestion (or, for section feedback, with one section).
enum class Outcome : uint8_t { Accepted, Rejected };

// Docstring parts whose keeping the model predicts per user. `Types` is the types written in
// Args/Returns entries, which some users keep and others always delete.
enum class Section : uint8_t { Args, Returns, Yields, Raises, Attributes, Examples, Types };
inline constexpr int kSections = 7;

// A definition as the model sees it. `numeric` has the layout of the feature version that
// produced it (features.h); `tokens` are hashed buckets of its name, path and decorators.
struct Features {
  int version = 0;
  std::vector<float> numeric;
  std::vector<uint32_t> tokens;
};

// One thing the user did, as recorded by the server and replayed to train the model.
struct FeedbackEvent {
  int64_t id = 0;      // Assigned by the store; increasing in the order events were stored.
  int64_t time_ms = 0; // Unix time in milliseconds.
  SuggestionKind kind = SuggestionKind::Docstring;
  std::string code; // The rule code ("C901", "D103") or action ("insert", "update").
  Outcome outcome = Outcome::Accepted;
  float weight = 1.0f;            // Strong signals 1; weak ones (actions not taken) less.
  std::optional<Section> section; // Set for section feedback: kept (Accepted) or not.
  Features features;
  std::string definition; // Qualified name, for statistics and explanations.
  std::string path;       // File of the definition.
};

// The model's head an event speaks of: its section's for section feedback (after the kinds'),
// else its kind's.
inline int head_of(const FeedbackEvent& event) {
  return event.section ? kSuggestionKinds + static_cast<int>(*event.section)
                       : static_cast<int>(event.kind);
}

std::string_view suggestion_kind_name(SuggestionKind kind);
std::optional<SuggestionKind> suggestion_kind_from_name(std::string_view name);
std::string_view outcome_name(Outcome outcome);
std::optional<Outcome> outcome_from_name(std::string_view name);
std::string_view section_name(Section section);
std::optional<Section> section_from_name(std::string_view name);

} // namespace docent::inference
