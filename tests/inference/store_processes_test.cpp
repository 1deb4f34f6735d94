// The feedback store shared between processes: writers appending at once lose nothing, and a
// writer killed with SIGKILL at any moment loses no event it acknowledged and leaves a sound
// database. The writers are tools/feedback_writer, run as child processes.
#include "inference/feedback_store.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <map>
#include <random>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using namespace docent::inference;
using namespace docent::testing;

namespace {

struct Ack {
  int64_t id = 0;
  long sequence = 0;
};

// A feedback_writer child whose acknowledgements are read from a pipe.
class Writer {
public:
  Writer(const std::string& directory, long count, const std::string& tag) : tag_(tag) {
    int pipe_ends[2];
    REQUIRE(::pipe2(pipe_ends, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
    const std::string count_text = std::to_string(count);
    std::vector<char*> argv = {
        const_cast<char*>(DOCENT_FEEDBACK_WRITER), const_cast<char*>(directory.c_str()),
        const_cast<char*>(count_text.c_str()), const_cast<char*>(tag.c_str()), nullptr};
    const int spawned =
        ::posix_spawn(&pid_, DOCENT_FEEDBACK_WRITER, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_ends[1]);
    output_ = pipe_ends[0];
    REQUIRE(spawned == 0);
  }
  ~Writer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(output_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Reads until at least `count` acknowledgements in all have arrived; false if the writer's
  // output ended first.
  bool read_until(size_t count) {
    while (acks_.size() < count) {
      if (!read_some())
        return false;
    }
    return true;
  }
  void read_to_end() {
    while (read_some()) {
    }
  }
  void kill_now() { ::kill(pid_, SIGKILL); }
  // The wait status, once the writer has ended.
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  const std::vector<Ack>& acks() const { return acks_; }
  const std::string& tag() const { return tag_; }

private:
  bool read_some() {
    char buffer[4096];
    ssize_t got;
    do {
      got = ::read(output_, buffer, sizeof buffer);
    } while (got < 0 && errno == EINTR);
    if (got <= 0)
      return false;
    pending_.append(buffer, static_cast<size_t>(got));
    size_t end;
    while ((end = pending_.find('\n')) != std::string::npos) {
      Ack ack;
      REQUIRE(std::sscanf(pending_.c_str(), "%ld %ld", &ack.id, &ack.sequence) == 2);
      acks_.push_back(ack);
      pending_.erase(0, end + 1);
    }
    return true;
  }

  std::string tag_;
  pid_t pid_ = -1;
  int output_ = -1;
  std::string pending_; // A line not yet complete.
  std::vector<Ack> acks_;
};

std::map<int64_t, FeedbackEvent> events_by_id(FeedbackStore& store) {
  Result<std::vector<FeedbackEvent>> events = store.events_after(0, 10000000);
  INFO(events.error);
  REQUIRE(events);
  std::map<int64_t, FeedbackEvent> by_id;
  for (FeedbackEvent& event : *events)
    by_id.emplace(event.id, std::move(event));
  return by_id;
}

// Every acknowledged event of `writer` is in `events`, under its id and with its content.
void check_acknowledged(const Writer& writer, const std::map<int64_t, FeedbackEvent>& events) {
  for (const Ack& ack : writer.acks()) {
    CAPTURE(writer.tag(), ack.id, ack.sequence);
    const auto found = events.find(ack.id);
    REQUIRE(found != events.end());
    CHECK(found->second.definition == writer.tag() + ":" + std::to_string(ack.sequence));
    CHECK(found->second.features.numeric.size() == 32);
  }
}

std::unique_ptr<FeedbackStore> open_store(const TempDirectory& directory) {
  FeedbackStoreOpen opened = FeedbackStore::open(directory.path());
  INFO(opened.error);
  REQUIRE(opened.store);
  CHECK(opened.warning.empty());
  return std::move(opened.store);
}

} // namespace

TEST_CASE("feedback store: processes appending at once lose no event") {
  TempDirectory directory;
  constexpr long kEach = 150;
  std::unique_ptr<FeedbackStore> store;
  SECTION("to an existing database, with this process appending too") {
    store = open_store(directory);
  }
  SECTION("both creating the database") {}

  Writer first(directory.path(), kEach, "first");
  Writer second(directory.path(), kEach, "second");
  std::vector<int64_t> own_ids;
  if (store) {
    for (int i = 0; i < 50; ++i) {
      FeedbackEvent event;
      event.code = "parent";
      event.definition = "parent:" + std::to_string(i);
      Result<int64_t> id = store->append(event);
      INFO(id.error);
      REQUIRE(id);
      own_ids.push_back(*id);
    }
  }
  for (Writer* writer : {&first, &second}) {
    writer->read_to_end();
    const int status = writer->wait();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(writer->acks().size() == static_cast<size_t>(kEach));
  }
  if (!store)
    store = open_store(directory);

  // This process's store sees what the others wrote after it was opened.
  const std::map<int64_t, FeedbackEvent> events = events_by_id(*store);
  CHECK(events.size() == 2 * kEach + own_ids.size());
  check_acknowledged(first, events);
  check_acknowledged(second, events);
  for (int64_t id : own_ids)
    CHECK(events.count(id) == 1);
  CHECK(raw_sql(store->path(), "PRAGMA integrity_check") == "ok");
}

TEST_CASE("feedback store: a writer killed at any moment loses no acknowledged event") {
  TempDirectory directory;
  const unsigned seed = std::random_device()();
  CAPTURE(seed);
  std::mt19937 random(seed);
  std::vector<std::unique_ptr<Writer>> writers;
  for (int round = 0; round < 8; ++round) {
    CAPTURE(round);
    writers.push_back(
        std::make_unique<Writer>(directory.path(), 0, "round" + std::to_string(round)));
    Writer& writer = *writers.back();
    // Some rounds kill the writer before its first acknowledgement (while it opens the store,
    // or creates it), the others after a random number of them, a random while later.
    const size_t acks_before_kill = std::uniform_int_distribution<size_t>(0, 120)(random);
    if (acks_before_kill > 0)
      REQUIRE(writer.read_until(acks_before_kill));
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(random)));
    writer.kill_now();
    // Lines written before the kill are acknowledgements too.
    writer.read_to_end();
    const int status = writer.wait();
    CHECK(WIFSIGNALED(status));
  }

  std::unique_ptr<FeedbackStore> store = open_store(directory);
  const std::map<int64_t, FeedbackEvent> events = events_by_id(*store);
  size_t acknowledged = 0;
  for (const std::unique_ptr<Writer>& writer : writers) {
    check_acknowledged(*writer, events);
    acknowledged += writer->acks().size();
  }
  CHECK(events.size() >= acknowledged);
  CHECK(raw_sql(store->path(), "PRAGMA integrity_check") == "ok");
}
