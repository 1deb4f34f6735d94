// The decision rule: static behaviour without evidence, the confidence rule, the modes.
#include "inference/policy.h"

#include <catch2/catch.hpp>

using namespace docent::inference;

TEST_CASE("Without rejections every mode keeps the static behaviour", "[policy]") {
  const Evidence accepted_only{50, 0};
  const Evidence few_rejections{10, kMinRejectionsToAdapt - 1};
  for (LearningMode mode : {LearningMode::Off, LearningMode::Rank, LearningMode::Adapt}) {
    for (float p : {0.0f, 0.05f, 0.4f, 0.75f, 1.0f}) {
      for (const Evidence& evidence : {Evidence{}, accepted_only, few_rejections}) {
        CHECK(diagnostic_visibility(mode, p, evidence) == Visibility::Show);
        CHECK(writes_section(mode, p, evidence));
        CHECK(writes_types(mode, true, p, evidence));
        CHECK_FALSE(writes_types(mode, false, p, evidence));
      }
    }
  }
}

TEST_CASE("Off and rank never change what is shown", "[policy]") {
  const Evidence many_rejections{0, 100};
  for (LearningMode mode : {LearningMode::Off, LearningMode::Rank}) {
    CHECK(diagnostic_visibility(mode, 0.0f, many_rejections) == Visibility::Show);
    CHECK(writes_section(mode, 0.0f, many_rejections));
  }
}

TEST_CASE("Adapt downgrades on a clear prediction and hides only with more evidence", "[policy]") {
  const Evidence some{5, kMinRejectionsToAdapt};
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.6f, some) == Visibility::Show);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.4f, some) == Visibility::Downgrade);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, some) == Visibility::Downgrade);
  const Evidence plenty{10, kMinRejectionsToHide};
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, plenty) == Visibility::Hide);
  CHECK(diagnostic_visibility(LearningMode::Adapt, kHideBelow, plenty) == Visibility::Downgrade);
  // Rejections that are a small share of what the user decided do not hide anything.
  const Evidence mostly_accepted{1000, kMinRejectionsToHide};
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, mostly_accepted) ==
        Visibility::Downgrade);
  CHECK_FALSE(writes_section(LearningMode::Adapt, 0.2f, some));
  CHECK(writes_section(LearningMode::Adapt, 0.8f, some));
}

TEST_CASE("Actions are ordered by predicted acceptance unless learning is off", "[policy]") {
  const std::vector<float> p = {0.2f, 0.9f, 0.5f, 0.9f};
  CHECK(action_order(LearningMode::Off, p) == std::vector<size_t>{0, 1, 2, 3});
  CHECK(action_order(LearningMode::Rank, p) == std::vector<size_t>{1, 3, 2, 0});
  CHECK(action_order(LearningMode::Adapt, p) == std::vector<size_t>{1, 3, 2, 0});
}

TEST_CASE("Evidence is counted per kind and per section", "[policy]") {
  EvidenceTable table;
  FeedbackEvent event;
  event.kind = SuggestionKind::Complexity;
  event.outcome = Outcome::Rejected;
  table.add(event);
  event.kind = SuggestionKind::Docstring;
  event.section = Section::Raises;
  table.add(event);
  event.section.reset();
  event.outcome = Outcome::Accepted;
  table.add(event);
  CHECK(table.of(SuggestionKind::Complexity).rejected == 1);
  CHECK(table.of(SuggestionKind::Docstring).accepted == 1);
  CHECK(table.of(SuggestionKind::Docstring).rejected == 0);
  CHECK(table.of(Section::Raises).rejected == 1);
}

TEST_CASE("Modes have names and hover explains the evidence", "[policy]") {
  CHECK(learning_mode_from_name("adapt") == LearningMode::Adapt);
  CHECK(learning_mode_from_name("rank") == LearningMode::Rank);
  CHECK(learning_mode_from_name("off") == LearningMode::Off);
  CHECK_FALSE(learning_mode_from_name("sometimes"));
  CHECK(learning_mode_name(LearningMode::Adapt) == "adapt");
  CHECK(explain(SuggestionKind::Docstring, Visibility::Show, Evidence{31, 3}) ==
        "docent usually suggests a docstring here: you documented 31 of 34 similar functions");
  CHECK(explain(SuggestionKind::Docstring, Visibility::Show, Evidence{}).empty());
}
