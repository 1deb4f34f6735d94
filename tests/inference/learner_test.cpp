// The feedback recorder: events are durable when their callback says so, the store is opened
// at first use (never when learning is off), a damaged or unusable store warns once, a new
// data directory takes effect at once, and events queued when the recorder stops are kept.
#include "inference/learner.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>

using namespace docent::inference;
using namespace docent::testing;

namespace {

// Long enough for a sanitizer build on a loaded machine: a timeout means "never".
constexpr auto kPatience = std::chrono::seconds(30);

FeedbackEvent event(const std::string& code, Outcome outcome = Outcome::Accepted) {
  FeedbackEvent made;
  made.time_ms = unix_time_ms();
  made.code = code;
  made.outcome = outcome;
  made.features.numeric = {1.0f, 2.0f};
  made.definition = "f";
  made.path = "/project/m.py";
  return made;
}

// The warnings a recorder gave, from its thread.
struct Warnings {
  std::mutex mutex;
  std::vector<std::string> messages;

  FeedbackRecorder::Warn callback() {
    return [this](const std::string& message) {
      std::lock_guard<std::mutex> lock(mutex);
      messages.push_back(message);
    };
  }
  std::vector<std::string> taken() {
    std::lock_guard<std::mutex> lock(mutex);
    return messages;
  }
};

template <typename T> T wait(std::future<T>& future) {
  REQUIRE(future.wait_for(kPatience) == std::future_status::ready);
  return future.get();
}

Result<int64_t> record_and_wait(FeedbackRecorder& recorder, FeedbackEvent made) {
  std::promise<Result<int64_t>> stored;
  std::future<Result<int64_t>> future = stored.get_future();
  recorder.record(std::move(made),
                  [&stored](Result<int64_t> result) { stored.set_value(std::move(result)); });
  return wait(future);
}

LearningStats stats_now(FeedbackRecorder& recorder) {
  std::promise<Result<LearningStats>> answered;
  std::future<Result<LearningStats>> future = answered.get_future();
  recorder.stats(
      [&answered](Result<LearningStats> result) { answered.set_value(std::move(result)); });
  Result<LearningStats> stats = wait(future);
  INFO(stats.error);
  REQUIRE(stats);
  return std::move(*stats);
}

int64_t events_in(const TempDirectory& directory) {
  FeedbackStoreOpen opened = FeedbackStore::open(directory.path());
  REQUIRE(opened.store);
  return *opened.store->count();
}

} // namespace

TEST_CASE("recorder: an event is in the store when its callback has its id") {
  TempDirectory directory;
  Warnings warnings;
  FeedbackRecorder recorder(LearningSettings{true, directory.path()}, warnings.callback());
  CHECK_FALSE(std::filesystem::exists(directory.file(kFeedbackFileName))); // Opened at first use.

  const Result<int64_t> first = record_and_wait(recorder, event("insert"));
  INFO(first.error);
  REQUIRE(first);
  const Result<int64_t> second = record_and_wait(recorder, event("C901", Outcome::Rejected));
  REQUIRE(second);
  CHECK(*second > *first);
  CHECK(events_in(directory) == 2); // Another connection sees both.

  const LearningStats stats = stats_now(recorder);
  CHECK(stats.database == directory.file(kFeedbackFileName));
  CHECK(stats.stats.total() == 2);
  CHECK(stats.stats.per_kind[0].accepted == 1);
  CHECK(stats.stats.per_kind[0].rejected == 1);

  std::promise<Result<int64_t>> reset;
  std::future<Result<int64_t>> deleted = reset.get_future();
  recorder.reset([&reset](Result<int64_t> result) { reset.set_value(std::move(result)); });
  const Result<int64_t> count = wait(deleted);
  REQUIRE(count);
  CHECK(*count == 2);
  CHECK(stats_now(recorder).stats.total() == 0);
  CHECK(warnings.taken().empty());
}

TEST_CASE("recorder: disabled, it records nothing and never touches the disk") {
  TempDirectory directory;
  const std::string data = directory.file("data");
  Warnings warnings;
  FeedbackRecorder recorder(LearningSettings{false, data}, warnings.callback());
  CHECK_FALSE(recorder.enabled());
  const Result<int64_t> stored = record_and_wait(recorder, event("insert"));
  CHECK_FALSE(stored);
  CHECK(stored.error.find("disabled") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(data));

  // Enabled again: events queued after configure() are recorded.
  recorder.configure(LearningSettings{true, data});
  CHECK(recorder.enabled());
  CHECK(record_and_wait(recorder, event("insert")));
  CHECK(std::filesystem::exists(data + "/" + kFeedbackFileName));
  CHECK(warnings.taken().empty());
}

TEST_CASE("recorder: a damaged database gives one warning and recording goes on") {
  TempDirectory directory;
  write_bytes(directory.file(kFeedbackFileName), std::string(8192, '\x7f'));
  Warnings warnings;
  FeedbackRecorder recorder(LearningSettings{true, directory.path()}, warnings.callback());
  CHECK(record_and_wait(recorder, event("insert")));
  CHECK(record_and_wait(recorder, event("update")));
  const std::vector<std::string> messages = warnings.taken();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].find("could not be used") != std::string::npos);
  CHECK(directory.names_starting_with("feedback.sqlite3.corrupt-").size() >= 1);
  CHECK(stats_now(recorder).stats.total() == 2);
}

TEST_CASE("recorder: a store that cannot be opened fails each event and warns once") {
  TempDirectory directory;
  write_bytes(directory.file("file"), "not a directory");
  Warnings warnings;
  FeedbackRecorder recorder(LearningSettings{true, directory.file("file") + "/docent"},
                            warnings.callback());
  const Result<int64_t> first = record_and_wait(recorder, event("insert"));
  const Result<int64_t> second = record_and_wait(recorder, event("insert"));
  CHECK_FALSE(first);
  CHECK_FALSE(second);
  CHECK_FALSE(first.error.empty());
  CHECK(warnings.taken().size() == 1);

  // Pointed at a usable directory, it records again.
  recorder.configure(LearningSettings{true, directory.file("usable")});
  CHECK(record_and_wait(recorder, event("insert")));
}

TEST_CASE("recorder: a new data directory applies to the events queued after it") {
  TempDirectory first, second;
  Warnings warnings;
  FeedbackRecorder recorder(LearningSettings{true, first.path()}, warnings.callback());
  REQUIRE(record_and_wait(recorder, event("insert")));
  recorder.configure(LearningSettings{true, second.path()});
  REQUIRE(record_and_wait(recorder, event("insert")));
  REQUIRE(record_and_wait(recorder, event("insert")));
  CHECK(events_in(first) == 1);
  CHECK(events_in(second) == 2);
  CHECK(stats_now(recorder).database == second.file(kFeedbackFileName));
}

TEST_CASE("recorder: events still queued when it stops are stored") {
  TempDirectory directory;
  {
    Warnings warnings;
    FeedbackRecorder recorder(LearningSettings{true, directory.path()}, warnings.callback());
    for (int i = 0; i < 40; ++i)
      recorder.record(event("insert"));
  }
  CHECK(events_in(directory) == 40);
}
