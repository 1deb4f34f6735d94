// Names of the learning vocabulary, as the feedback store and the commands write them.
#include "inference/learning_types.h"

#include <array>

namespace docent::inference {
namespace {

constexpr std::array<std::string_view, kSuggestionKinds> kKindNames = {
    "docstring", "docstring-update", "complexity"};
constexpr std::array<std::string_view, 2> kOutcomeNames = {"accepted", "rejected"};
constexpr std::array<std::string_view, kSections> kSectionNames = {
    "args", "returns", "yields", "raises", "attributes", "examples", "types"};

template <typename Enum, size_t N>
std::optional<Enum> from_name(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name)
      return static_cast<Enum>(i);
  }
  return std::nullopt;
}

} // namespace

std::string_view suggestion_kind_name(SuggestionKind kind) {
  return kKindNames[static_cast<size_t>(kind)];
}
std::optional<SuggestionKind> suggestion_kind_from_name(std::string_view name) {
  return from_name<SuggestionKind>(kKindNames, name);
}
std::string_view outcome_name(Outcome outcome) {
  return kOutcomeNames[static_cast<size_t>(outcome)];
}
std::optional<Outcome> outcome_from_name(std::string_view name) {
  return from_name<Outcome>(kOutcomeNames, name);
}
std::string_view section_name(Section section) {
  return kSectionNames[static_cast<size_t>(section)];
}
std::optional<Section> section_from_name(std::string_view name) {
  return from_name<Section>(kSectionNames, name);
}

} // namespace docent::inference
