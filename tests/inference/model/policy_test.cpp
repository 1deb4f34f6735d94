// The decision rule: static behaviour without evidence, the confidence rule, the modes.
#include "inference/policy.h"

#include <algorithm>
#include <random>

#include <catch2/catch.hpp>

using namespace docent::inference;

namespace {

// Evidence of `accepted` and `rejected` events whose track record favours the model by `lead`.
Evidence evidence(int accepted, int rejected, float lead = kRecordMargin + 1) {
  Evidence e{accepted, rejected};
  e.static_record = 2;
  e.model_record = 2 + lead;
  return e;
}

const Evidence kAllRejected{0, kMinSimilarRejectionsToHide};

} // namespace

TEST_CASE("Without rejections every mode keeps the static behaviour", "[policy]") {
  const Evidence accepted_only = evidence(50, 0);
  const Evidence few_rejections =
      evidence(10, std::min(kMinRejectionsToAdapt, kMinSectionRejections) - 1);
  for (LearningMode mode : {LearningMode::Off, LearningMode::Rank, LearningMode::Adapt}) {
    for (float p : {0.0f, 0.05f, 0.4f, 0.75f, 1.0f}) {
      for (const Evidence& head : {Evidence{}, accepted_only, few_rejections}) {
        CHECK(diagnostic_visibility(mode, p, head, kAllRejected) == Visibility::Show);
        CHECK(writes_section(mode, p, head, kAllRejected));
        CHECK(writes_types(mode, true, p, head, kAllRejected));
        CHECK_FALSE(writes_types(mode, false, p, head, kAllRejected));
      }
    }
  }
}

TEST_CASE("Off and rank never change what is shown", "[policy]") {
  const Evidence many_rejections = evidence(0, 100);
  for (LearningMode mode : {LearningMode::Off, LearningMode::Rank}) {
    CHECK(diagnostic_visibility(mode, 0.0f, many_rejections, kAllRejected) == Visibility::Show);
    CHECK(writes_section(mode, 0.0f, many_rejections, kAllRejected));
  }
}

TEST_CASE("Adapt needs a model that beats the static rules on the user's decisions", "[policy]") {
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, evidence(5, 5, 0.0f), kAllRejected) ==
        Visibility::Show);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, evidence(5, 5, kRecordMargin),
                              kAllRejected) == Visibility::Show);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, evidence(5, 5), kAllRejected) ==
        Visibility::Downgrade);
}

TEST_CASE("Rejections count with acceptances to contrast them, or when they dominate", "[policy]") {
  const auto visibility = [](int accepted, int rejected) {
    return diagnostic_visibility(LearningMode::Adapt, 0.01f, evidence(accepted, rejected),
                                 kAllRejected);
  };
  // Without enough acceptances: 5 of 5, 7 of 8, 9 of 11, 11 of 14 rejected, not one fewer.
  CHECK(visibility(0, kMinRejectionsToAdapt) == Visibility::Show);
  for (int accepted = 0; accepted < kMinAcceptancesToContrast; ++accepted) {
    const int dominant = kRejectionsPerAcceptance * accepted + kMinDominantRejections;
    CHECK(visibility(accepted, dominant - 1) == Visibility::Show);
    CHECK(visibility(accepted, dominant) == Visibility::Downgrade);
  }
  // With them, a few rejections suffice.
  CHECK(visibility(kMinAcceptancesToContrast, kMinRejectionsToAdapt) == Visibility::Downgrade);
  CHECK(visibility(50, kMinRejectionsToAdapt - 1) == Visibility::Show);
}

TEST_CASE("A section is left out after fewer deletions and a smaller lead", "[policy]") {
  const Evidence one = evidence(0, kMinSectionRejections - 1);
  CHECK(writes_section(LearningMode::Adapt, 0.01f, one, kAllRejected));
  const Evidence enough = evidence(0, kMinSectionRejections, kSectionRecordMargin + 0.1f);
  CHECK_FALSE(writes_section(LearningMode::Adapt, 0.01f, enough, kAllRejected));
  const Evidence no_lead = evidence(0, kMinSectionRejections, kSectionRecordMargin);
  CHECK(writes_section(LearningMode::Adapt, 0.01f, no_lead, kAllRejected));
  // A kind needs more than a section does.
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, enough, kAllRejected) ==
        Visibility::Show);
}

TEST_CASE("Adapt downgrades on a clear prediction and hides only with more evidence", "[policy]") {
  const Evidence some = evidence(5, kMinRejectionsToAdapt);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.6f, some, kAllRejected) == Visibility::Show);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.45f, some, kAllRejected) == Visibility::Show);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.2f, some, kAllRejected) ==
        Visibility::Downgrade);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, some, kAllRejected) ==
        Visibility::Downgrade);
  const Evidence plenty = evidence(10, kMinRejectionsToHide);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, plenty, kAllRejected) ==
        Visibility::Hide);
  CHECK(diagnostic_visibility(LearningMode::Adapt, kHideBelow, plenty, kAllRejected) ==
        Visibility::Downgrade);
  // One acceptance among similar definitions, or too few of them, and nothing is hidden.
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, plenty,
                              Evidence{1, kMinSimilarRejectionsToHide}) == Visibility::Downgrade);
  CHECK(diagnostic_visibility(LearningMode::Adapt, 0.01f, plenty,
                              Evidence{0, kMinSimilarRejectionsToHide - 1}) ==
        Visibility::Downgrade);
  CHECK_FALSE(writes_section(LearningMode::Adapt, 0.2f, some, kAllRejected));
  CHECK(writes_section(LearningMode::Adapt, 0.2f, some, Evidence{1, 5}));
  CHECK(writes_section(LearningMode::Adapt, 0.8f, some, kAllRejected));
}

TEST_CASE("The track record scores each event before training on it", "[policy]") {
  EvidenceTable table;
  FeedbackEvent rejected;
  rejected.outcome = Outcome::Rejected;
  table.add(rejected, 0.2f); // The model said "rejects": right; the static rules wrong.
  table.add(rejected, 0.9f); // Both wrong.
  table.add(rejected);       // No prediction: counts as wrong.
  const Evidence& e = table.of(SuggestionKind::Docstring);
  CHECK(e.rejected == 3);
  CHECK(e.static_record == 0);
  CHECK(e.model_record == Approx(kRecordDecay * kRecordDecay));
}

TEST_CASE("Similar evidence counts the nearest events of the same head", "[policy]") {
  auto event = [](float x, Outcome outcome, std::optional<Section> section = std::nullopt) {
    FeedbackEvent e;
    e.outcome = outcome;
    e.section = section;
    e.features.version = 1;
    e.features.numeric = {x, 0.0f};
    return e;
  };
  const std::vector<FeedbackEvent> events = {
      event(0.0f, Outcome::Rejected), event(0.1f, Outcome::Rejected),
      event(5.0f, Outcome::Accepted), event(0.0f, Outcome::Accepted, Section::Raises)};
  Features probe;
  probe.version = 1;
  probe.numeric = {0.05f, 0.0f};
  const Evidence two = similar_evidence(events, probe, SuggestionKind::Docstring, std::nullopt, 2);
  CHECK(two.rejected == 2);
  CHECK(two.accepted == 0);
  // The accepted event at 5.0 is too far to be similar.
  const Evidence all = similar_evidence(events, probe, SuggestionKind::Docstring);
  CHECK(all.total() == 2);
  const Evidence section =
      similar_evidence(events, probe, SuggestionKind::Docstring, Section::Raises);
  CHECK(section.accepted == 1);
  CHECK(section.total() == 1);
}

TEST_CASE("SimilarEvents counts what similar_evidence counts, for every head", "[policy]") {
  // Definitions near each other (a few small numbers), of every head, a few of another version
  // or size, with ties, so that the radius, the order of ties and the count all matter.
  std::mt19937 random(5);
  const auto numeric = [&] {
    std::vector<float> x(6);
    for (float& value : x)
      value = static_cast<float>(random() % 3) * 0.25f;
    return x;
  };
  std::vector<FeedbackEvent> events(600);
  for (FeedbackEvent& event : events) {
    event.kind = static_cast<SuggestionKind>(random() % kSuggestionKinds);
    if (random() % 3 == 0)
      event.section = static_cast<Section>(random() % kSections);
    event.outcome = random() % 2 == 0 ? Outcome::Accepted : Outcome::Rejected;
    event.features.version = random() % 10 == 0 ? 2 : 1;
    event.features.numeric = numeric();
    if (random() % 20 == 0)
      event.features.numeric.resize(4); // Compared on the features both have.
  }
  const SimilarEvents similar(events);
  REQUIRE(similar.size() == events.size());
  for (int probe_index = 0; probe_index < 50; ++probe_index) {
    Features probe;
    probe.version = 1;
    probe.numeric = numeric();
    if (probe_index % 10 == 9)
      probe.numeric.resize(5);
    for (const int neighbours : {kSimilarNeighbours, 3}) {
      std::array<Evidence, kSuggestionKinds> kinds;
      std::array<Evidence, kSections> sections;
      similar.evidence(probe, kinds, sections, neighbours);
      for (int k = 0; k < kSuggestionKinds; ++k) {
        const Evidence expected = similar_evidence(events, probe, static_cast<SuggestionKind>(k),
                                                   std::nullopt, neighbours);
        CHECK(kinds[static_cast<size_t>(k)].accepted == expected.accepted);
        CHECK(kinds[static_cast<size_t>(k)].rejected == expected.rejected);
      }
      for (int s = 0; s < kSections; ++s) {
        const Evidence expected = similar_evidence(events, probe, SuggestionKind::Docstring,
                                                   static_cast<Section>(s), neighbours);
        CHECK(sections[static_cast<size_t>(s)].accepted == expected.accepted);
        CHECK(sections[static_cast<size_t>(s)].rejected == expected.rejected);
      }
    }
  }
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
