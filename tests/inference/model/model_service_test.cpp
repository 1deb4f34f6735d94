// The model service (inference/model_service.h) with the real module: it trains on the store's
// events, saves and restores its state, rebuilds a damaged model file from the log, picks up
// events that another process stored, and answers wanted predictions through its snapshot.
// Everything happens on the service's thread, so the tests wait for the snapshot to show it
// (never for a time).
#include "inference/model_service.h"

#include "../test_support.h"
#include "inference/features.h"
#include "inference/feedback_store.h"
#include "inference/model_file.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

using namespace docent::inference;
using docent::testing::TempDirectory;

namespace {

// A definition whose private flag decides what the user does with its docstring suggestion.
Features definition_features(std::mt19937& random, bool is_private) {
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  Features features;
  features.version = kFeatureVersion;
  features.numeric.assign(kNumericFeatures, 0.0f);
  features.numeric[kCyclomaticLog] = 3 * unit(random);
  features.numeric[kKindFunction] = 1.0f;
  features.numeric[kPrivate] = is_private ? 1.0f : 0.0f;
  features.numeric[kPublic] = is_private ? 0.0f : 1.0f;
  features.tokens = {static_cast<uint32_t>(random() % kTokenBuckets)};
  return features;
}

// The user documents public functions and never private ones.
std::vector<FeedbackEvent> user_events(int count, unsigned seed) {
  std::mt19937 random(seed);
  std::vector<FeedbackEvent> events;
  for (int i = 0; i < count; ++i) {
    FeedbackEvent event;
    event.kind = SuggestionKind::Docstring;
    event.code = "insert";
    event.features = definition_features(random, i % 2 == 0);
    event.outcome = event.features.numeric[kPrivate] > 0 ? Outcome::Rejected : Outcome::Accepted;
    event.definition = "f" + std::to_string(i);
    events.push_back(event);
  }
  return events;
}

void append(const TempDirectory& directory, const std::vector<FeedbackEvent>& events) {
  FeedbackStoreOpen opened = FeedbackStore::open(directory.path());
  REQUIRE(opened.store);
  REQUIRE(opened.store->append_all(events));
}

// A service on the module the build made, with the warnings it gave.
struct Service {
  std::mutex mutex;
  std::vector<std::string> warnings;
  std::atomic<int> changes{0};
  ModelService service{[this](const std::string& message) {
                         std::lock_guard<std::mutex> lock(mutex);
                         warnings.push_back(message);
                       },
                       [this] { ++changes; }, DOCENT_MODEL_MODULE_PATH};

  explicit Service(const TempDirectory& directory) {
    service.configure(LearningSettings{true, directory.path()});
  }

  std::vector<std::string> warned() {
    std::lock_guard<std::mutex> lock(mutex);
    return warnings;
  }

  // Waits until the snapshot satisfies `ready`; false after a minute (that is, never).
  template <typename Ready> bool until(Ready ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready(*service.snapshot()))
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  bool trained(int64_t events) {
    return until([events](const LearningSnapshot& snapshot) {
      return snapshot.loaded && snapshot.trained_events == events;
    });
  }
};

int64_t decisions(const EvidenceTable& evidence, SuggestionKind kind) {
  return evidence.of(kind).total();
}

} // namespace

TEST_CASE("model service: trains on the store's events, saves, and a new one restores it",
          "[service]") {
  TempDirectory directory;
  append(directory, user_events(12, 1));
  EvidenceTable learned;
  {
    Service first(directory);
    // No saved model: nothing is loaded until an event is recorded.
    CHECK_FALSE(first.service.snapshot()->loaded);
    first.service.recorded();
    REQUIRE(first.trained(12));
    learned = first.service.snapshot()->evidence;
    CHECK(decisions(learned, SuggestionKind::Docstring) == 12);
    CHECK(learned.of(SuggestionKind::Docstring).rejected == 6);
    first.service.stop(); // Saves what is not saved yet.
  }
  CHECK(std::filesystem::exists(directory.file(kModelFileName)));

  Service second(directory); // Loads at once: a saved model exists.
  REQUIRE(second.trained(12));
  const EvidenceTable restored = second.service.snapshot()->evidence;
  CHECK(restored.of(SuggestionKind::Docstring).accepted ==
        learned.of(SuggestionKind::Docstring).accepted);
  CHECK(restored.of(SuggestionKind::Docstring).model_record ==
        learned.of(SuggestionKind::Docstring).model_record);
  CHECK(second.warned().empty());

  SECTION("wanted predictions appear in the snapshots after the next training") {
    std::mt19937 random(7);
    const Features wanted = definition_features(random, true);
    CHECK(second.service.snapshot()->find(wanted) == nullptr);
    second.service.want({wanted});
    // Precomputed from the next training on (until then a request computes it itself).
    append(directory, user_events(1, 4));
    second.service.recorded();
    REQUIRE(second.until(
        [&](const LearningSnapshot& snapshot) { return snapshot.find(wanted) != nullptr; }));
    const std::shared_ptr<const LearningSnapshot> snapshot = second.service.snapshot();
    const PredictionEntry& entry = *snapshot->find(wanted);
    // What a request computes from the snapshot is the entry the service precomputed.
    const std::optional<PredictionEntry> computed = snapshot->compute(wanted);
    REQUIRE(computed);
    CHECK(computed->prediction.accept == entry.prediction.accept);
    CHECK(computed->prediction.keep == entry.prediction.keep);
    CHECK(computed->similar_kinds[0].rejected == entry.similar_kinds[0].rejected);
    // Private functions were always turned down.
    CHECK(entry.prediction.accept[0] < 0.5f);
    CHECK(entry.similar_kinds[0].rejected > 0);
    CHECK(entry.similar_kinds[0].accepted == 0);
  }

  SECTION("reset forgets the model and deletes its file") {
    second.service.reset();
    REQUIRE(second.until(
        [](const LearningSnapshot& snapshot) { return snapshot.trained_events == 0; }));
    CHECK(decisions(second.service.snapshot()->evidence, SuggestionKind::Docstring) == 0);
    CHECK_FALSE(std::filesystem::exists(directory.file(kModelFileName)));
  }
}

TEST_CASE("model service: a damaged or mismatched model file is moved aside and rebuilt from "
          "the log",
          "[service]") {
  TempDirectory directory;
  append(directory, user_events(5, 2));
  const bool damaged = GENERATE(true, false);
  if (damaged)
    docent::testing::write_bytes(directory.file(kModelFileName), std::string(64, 'x'));
  else // Intact, but of another feature version.
    REQUIRE(save_model_file(directory.file(kModelFileName), "bytes", kModelFileFormat,
                            kFeatureVersion + 1));
  Service service(directory);
  REQUIRE(service.trained(5));
  const std::vector<std::string> warnings = service.warned();
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("moved aside") != std::string::npos);
  CHECK(directory.names_starting_with(std::string(kModelFileName) + ".bad-").size() == 1);
}

TEST_CASE("model service: two services sharing one directory learn each other's events",
          "[service]") {
  TempDirectory directory;
  const std::vector<FeedbackEvent> events = user_events(6, 3);
  append(directory, {events[0]});
  Service a(directory), b(directory);
  a.service.recorded();
  b.service.recorded();
  REQUIRE(a.trained(1));
  REQUIRE(b.trained(1));
  // Events that a's process stored: b was not told, and finds them in the store.
  append(directory, {events.begin() + 1, events.end()});
  a.service.recorded();
  CHECK(a.trained(6));
  CHECK(b.trained(6));
}
