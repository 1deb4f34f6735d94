// The feedback store in one process: every field survives a round trip, reads and statistics
// see what was appended, reset empties it, and damaged or foreign databases are moved aside
// with a warning while the store stays usable.
#include "inference/feedback_store.h"
#include "test_support.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <thread>

using namespace docent::inference;
using namespace docent::testing;

namespace {

std::unique_ptr<FeedbackStore> open_store(const TempDirectory& directory) {
  FeedbackStoreOpen opened = FeedbackStore::open(directory.path());
  INFO(opened.error);
  REQUIRE(opened.store);
  CHECK(opened.warning.empty());
  return std::move(opened.store);
}

FeedbackEvent simple_event(const std::string& code, Outcome outcome = Outcome::Accepted,
                           SuggestionKind kind = SuggestionKind::Docstring) {
  FeedbackEvent event;
  event.time_ms = 1700000000000;
  event.kind = kind;
  event.code = code;
  event.outcome = outcome;
  event.features.version = 1;
  event.features.numeric = {0.5f, 2.0f};
  event.features.tokens = {7, 11};
  event.definition = "module.function";
  event.path = "/project/module.py";
  return event;
}

// Every field but the id, which the store assigns. Floats compare by bits, so that NaN and -0
// count as kept.
void check_same_event(const FeedbackEvent& stored, const FeedbackEvent& original) {
  CHECK(stored.time_ms == original.time_ms);
  CHECK(stored.kind == original.kind);
  CHECK(stored.code == original.code);
  CHECK(stored.outcome == original.outcome);
  CHECK(std::memcmp(&stored.weight, &original.weight, sizeof(float)) == 0);
  CHECK(stored.section == original.section);
  CHECK(stored.features.version == original.features.version);
  REQUIRE(stored.features.numeric.size() == original.features.numeric.size());
  if (!original.features.numeric.empty()) // memcmp may not be given an empty vector's null.
    CHECK(std::memcmp(stored.features.numeric.data(), original.features.numeric.data(),
                      original.features.numeric.size() * sizeof(float)) == 0);
  CHECK(stored.features.tokens == original.features.tokens);
  CHECK(stored.definition == original.definition);
  CHECK(stored.path == original.path);
}

std::vector<FeedbackEvent> all_events(FeedbackStore& store) {
  Result<std::vector<FeedbackEvent>> events = store.events_after(0, 1000000);
  INFO(events.error);
  REQUIRE(events);
  return std::move(*events);
}

// A store's directory holding a database with some events, closed again.
void fill_store(const TempDirectory& directory, int events) {
  std::unique_ptr<FeedbackStore> store = open_store(directory);
  std::vector<FeedbackEvent> batch;
  for (int i = 0; i < events; ++i) {
    FeedbackEvent event = simple_event("D10" + std::to_string(i % 8));
    event.definition = "module.f" + std::to_string(i) + std::string(200, 'x');
    event.features.numeric.assign(64, static_cast<float>(i));
    batch.push_back(event);
  }
  REQUIRE(store->append_all(batch));
}

// The databases moved aside in `directory` (without their -wal and -shm files).
std::vector<std::string> moved_aside_databases(const TempDirectory& directory) {
  std::vector<std::string> databases;
  for (const std::string& name : directory.names_starting_with("feedback.sqlite3.corrupt-")) {
    const std::string suffix = name.substr(name.size() - 4);
    if (suffix != "-wal" && suffix != "-shm")
      databases.push_back(name);
  }
  return databases;
}

// Opens a store over a damaged file: a warning, the file moved aside with its bytes intact, and
// a fresh store that works.
void check_moved_aside(const TempDirectory& directory, const std::string& reason_part = "") {
  const std::string path = directory.file(kFeedbackFileName);
  const std::string damaged_bytes = read_bytes(path);
  FeedbackStoreOpen opened = FeedbackStore::open(directory.path());
  INFO(opened.error);
  REQUIRE(opened.store);
  CHECK(opened.warning.find("moved to") != std::string::npos);
  CHECK(opened.warning.find('\n') == std::string::npos);
  CHECK(opened.warning.find(reason_part) != std::string::npos);
  const std::vector<std::string> aside = moved_aside_databases(directory);
  REQUIRE(aside.size() == 1);
  CHECK(read_bytes(directory.file(aside[0])) == damaged_bytes);
  CHECK(opened.warning.find(aside[0]) != std::string::npos);

  REQUIRE(*opened.store->count() == 0);
  REQUIRE(opened.store->append(simple_event("D103")));
  CHECK(*opened.store->count() == 1);
  opened.store.reset();
  // The fresh file is healthy: opening again keeps it.
  std::unique_ptr<FeedbackStore> again = open_store(directory);
  CHECK(*again->count() == 1);
}

} // namespace

TEST_CASE("feedback store: every field of an event survives a round trip") {
  TempDirectory directory;
  FeedbackEvent full;
  full.time_ms = 1712345678901;
  full.kind = SuggestionKind::DocstringUpdate;
  full.code = "DOC101";
  full.outcome = Outcome::Rejected;
  full.weight = 0.25f;
  full.section = Section::Types;
  full.features.version = 3;
  full.features.numeric = {1.5f,
                           -0.0f,
                           std::numeric_limits<float>::max(),
                           std::numeric_limits<float>::denorm_min(),
                           std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN()};
  full.features.tokens = {0, 1, 0xffffffffu, 123456789};
  full.definition = "Klasse.méthode";
  full.path = "/home/user/it's \"here\"/ä 1.py";

  FeedbackEvent empty; // Empty vectors and strings, no section, time 0.
  empty.time_ms = 0;
  empty.code = "";

  std::vector<FeedbackEvent> originals = {full, empty};
  // Every name of every enumeration, so that each is written and read back by name.
  for (int kind = 0; kind < kSuggestionKinds; ++kind) {
    for (Outcome outcome : {Outcome::Accepted, Outcome::Rejected}) {
      FeedbackEvent event = simple_event("C901", outcome, static_cast<SuggestionKind>(kind));
      originals.push_back(event);
    }
  }
  for (int section = 0; section < kSections; ++section) {
    FeedbackEvent event = simple_event("insert");
    event.section = static_cast<Section>(section);
    event.weight = 0.5f;
    originals.push_back(event);
  }

  std::vector<int64_t> ids;
  {
    std::unique_ptr<FeedbackStore> store = open_store(directory);
    for (const FeedbackEvent& event : originals) {
      Result<int64_t> id = store->append(event);
      INFO(id.error);
      REQUIRE(id);
      ids.push_back(*id);
    }
  }
  // Read back by a new store, as the next session would.
  std::unique_ptr<FeedbackStore> store = open_store(directory);
  const std::vector<FeedbackEvent> stored = all_events(*store);
  REQUIRE(stored.size() == originals.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    CAPTURE(i);
    CHECK(stored[i].id == ids[i]);
    check_same_event(stored[i], originals[i]);
  }
  // Names, not numbers, are in the file.
  const std::string path = directory.file(kFeedbackFileName);
  CHECK(raw_sql(path, "SELECT kind || ' ' || outcome || ' ' || section FROM events WHERE id = " +
                          std::to_string(ids[0])) == "docstring-update rejected types");
}

TEST_CASE("feedback store: ids increase, events_after, recent and count read what was appended") {
  TempDirectory directory;
  std::unique_ptr<FeedbackStore> store = open_store(directory);
  CHECK(*store->count() == 0);
  CHECK(store->recent(5)->empty());

  std::vector<int64_t> ids;
  for (int i = 0; i < 10; ++i) {
    FeedbackEvent event = simple_event("D10" + std::to_string(i));
    event.time_ms = i;
    ids.push_back(*store->append(event));
  }
  Result<std::vector<int64_t>> batch =
      store->append_all({simple_event("batch-1"), simple_event("batch-2")});
  REQUIRE(batch);
  REQUIRE(batch->size() == 2);
  ids.insert(ids.end(), batch->begin(), batch->end());
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  CHECK(*store->count() == 12);

  const std::vector<FeedbackEvent> after = *store->events_after(ids[3], 4);
  REQUIRE(after.size() == 4);
  for (size_t i = 0; i < after.size(); ++i)
    CHECK(after[i].id == ids[4 + i]);
  CHECK(store->events_after(ids.back(), 10)->empty());

  const std::vector<FeedbackEvent> newest = *store->recent(3);
  REQUIRE(newest.size() == 3);
  CHECK(newest[0].code == "D109");
  CHECK(newest[1].code == "batch-1");
  CHECK(newest[2].code == "batch-2"); // Newest last.
  CHECK(store->recent(100)->size() == 12);
  CHECK(store->recent(0)->empty());
  CHECK(store->append_all({})->empty());
}

TEST_CASE("feedback store: reset deletes every event and ids go on increasing") {
  TempDirectory directory;
  std::unique_ptr<FeedbackStore> store = open_store(directory);
  int64_t last = 0;
  for (int i = 0; i < 5; ++i)
    last = *store->append(simple_event("C901"));
  Result<int64_t> deleted = store->reset();
  REQUIRE(deleted);
  CHECK(*deleted == 5);
  CHECK(*store->count() == 0);
  CHECK(store->recent(10)->empty());
  CHECK(store->stats()->total() == 0);

  // A cursor kept from before the reset still sees the new events.
  const int64_t next = *store->append(simple_event("D103"));
  CHECK(next > last);
  REQUIRE(store->events_after(last, 10)->size() == 1);
  CHECK(*store->reset() == 1);
  CHECK(*store->reset() == 0);
}

TEST_CASE("feedback store: statistics per kind, code, section and outcome") {
  TempDirectory directory;
  std::unique_ptr<FeedbackStore> store = open_store(directory);
  auto add = [&](SuggestionKind kind, const std::string& code, Outcome outcome, int times,
                 std::optional<Section> section = std::nullopt) {
    for (int i = 0; i < times; ++i) {
      FeedbackEvent event = simple_event(code, outcome, kind);
      event.section = section;
      REQUIRE(store->append(event));
    }
  };
  add(SuggestionKind::Complexity, "C901", Outcome::Accepted, 2);
  add(SuggestionKind::Complexity, "C901", Outcome::Rejected, 3);
  add(SuggestionKind::Docstring, "D103", Outcome::Rejected, 1);
  add(SuggestionKind::Docstring, "D103", Outcome::Accepted, 4);
  add(SuggestionKind::Docstring, "insert", Outcome::Rejected, 2, Section::Types);
  add(SuggestionKind::Docstring, "insert", Outcome::Accepted, 1, Section::Args);

  const Result<FeedbackStats> stats = store->stats();
  REQUIRE(stats);
  CHECK(stats->total() == 13);
  const OutcomeCounts& docstring = stats->per_kind[static_cast<size_t>(SuggestionKind::Docstring)];
  const OutcomeCounts& update =
      stats->per_kind[static_cast<size_t>(SuggestionKind::DocstringUpdate)];
  const OutcomeCounts& complexity =
      stats->per_kind[static_cast<size_t>(SuggestionKind::Complexity)];
  CHECK(docstring.accepted == 5);
  CHECK(docstring.rejected == 3);
  CHECK(update.total() == 0);
  CHECK(complexity.accepted == 2);
  CHECK(complexity.rejected == 3);

  // Ordered by kind (enumeration order), code, then section with "none" first.
  REQUIRE(stats->per_code.size() == 4);
  const CodeStats& d103 = stats->per_code[0];
  CHECK(d103.kind == SuggestionKind::Docstring);
  CHECK(d103.code == "D103");
  CHECK_FALSE(d103.section);
  CHECK(d103.counts.accepted == 4);
  CHECK(d103.counts.rejected == 1);
  CHECK(stats->per_code[1].code == "insert");
  CHECK(stats->per_code[1].section == Section::Args);
  CHECK(stats->per_code[1].counts.accepted == 1);
  CHECK(stats->per_code[2].section == Section::Types);
  CHECK(stats->per_code[2].counts.rejected == 2);
  CHECK(stats->per_code[3].kind == SuggestionKind::Complexity);
  CHECK(stats->per_code[3].counts.total() == 5);
}

TEST_CASE("feedback store: rows a newer docent wrote with unknown names are skipped") {
  TempDirectory directory;
  std::unique_ptr<FeedbackStore> store = open_store(directory);
  const int64_t first = *store->append(simple_event("D103"));
  // As if a newer docent had appended an enumerator, without changing the schema.
  REQUIRE(raw_sql(directory.file(kFeedbackFileName),
                  "INSERT INTO events (time_ms, kind, code, outcome, weight, section, "
                  "feature_version, numeric, tokens, definition, path) VALUES "
                  "(1, 'future-kind', 'X1', 'accepted', 1, NULL, 1, x'', x'', '', ''), "
                  "(1, 'docstring', 'X2', 'accepted', 1, 'future-section', 1, x'', x'', '', ''), "
                  "(1, 'docstring', 'X3', 'accepted', 1, NULL, 1, x'010203', x'', '', '')") == "");
  const int64_t last = *store->append(simple_event("D104"));
  CHECK(*store->count() == 2);
  CHECK(store->stats()->total() == 2);
  // The cursor is not stopped by the skipped rows.
  const std::vector<FeedbackEvent> after = *store->events_after(first, 1);
  REQUIRE(after.size() == 1);
  CHECK(after[0].id == last);
  CHECK(store->recent(2)->front().id == first);
}

TEST_CASE("feedback store: one store appended to from several threads") {
  TempDirectory directory;
  std::unique_ptr<FeedbackStore> store = open_store(directory);
  constexpr int kThreads = 4, kEach = 20;
  std::vector<std::vector<int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Result<int64_t> id = store->append(simple_event("thread-" + std::to_string(t)));
        if (id)
          ids[t].push_back(*id);
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  std::vector<int64_t> all;
  for (const std::vector<int64_t>& some : ids) {
    CHECK(some.size() == static_cast<size_t>(kEach));
    all.insert(all.end(), some.begin(), some.end());
  }
  std::sort(all.begin(), all.end());
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
  CHECK(*store->count() == kThreads * kEach);
}

TEST_CASE("feedback store: settings of the connection") {
  TempDirectory directory;
  std::unique_ptr<FeedbackStore> store = open_store(directory);
  const std::string path = directory.file(kFeedbackFileName);
  CHECK(store->path() == path);
  CHECK(raw_sql(path, "PRAGMA journal_mode") == "wal");
  CHECK(raw_sql(path, "PRAGMA user_version") == std::to_string(kFeedbackSchemaVersion));
}

TEST_CASE("feedback store: a file of random bytes is moved aside") {
  TempDirectory directory;
  std::mt19937 random(12345);
  std::string noise(8192, '\0');
  for (char& byte : noise)
    byte = static_cast<char>(random() & 0xff);
  write_bytes(directory.file(kFeedbackFileName), noise);
  check_moved_aside(directory, "not a database");
}

TEST_CASE("feedback store: a text file is moved aside") {
  TempDirectory directory;
  write_bytes(directory.file(kFeedbackFileName), "these are my notes, not a database\n");
  check_moved_aside(directory);
}

TEST_CASE("feedback store: a truncated database is moved aside") {
  TempDirectory directory;
  fill_store(directory, 300);
  const std::string path = directory.file(kFeedbackFileName);
  const std::string whole = read_bytes(path);
  REQUIRE(whole.size() > 16 * 4096);
  SECTION("to half its size") {
    write_bytes(path, whole.substr(0, whole.size() / 2));
  }
  SECTION("by its last page") {
    write_bytes(path, whole.substr(0, whole.size() - 4096));
  }
  SECTION("inside its header") {
    write_bytes(path, whole.substr(0, 60));
  }
  check_moved_aside(directory);
}

// Overwrites pages 2 to 9 of the database with noise (the header page stays, so that SQLite
// opens the file and it is its check that finds the damage).
void damage_pages(const std::string& path) {
  std::string bytes = read_bytes(path);
  REQUIRE(bytes.size() > 10 * 4096);
  std::mt19937 random(777);
  for (size_t i = 4096; i < 10 * 4096; ++i)
    bytes[i] = static_cast<char>(random() & 0xff);
  write_bytes(path, bytes);
}

TEST_CASE("feedback store: a database with damaged pages is moved aside") {
  TempDirectory directory;
  fill_store(directory, 300);
  damage_pages(directory.file(kFeedbackFileName));
  check_moved_aside(directory);
}

TEST_CASE("feedback store: a damaged database's WAL is moved aside with it, untouched") {
  TempDirectory directory;
  const std::string path = directory.file(kFeedbackFileName);
  SECTION("a text file and a stray log") {
    std::string text;
    while (text.size() < 3 * 4096)
      text += "these are my notes, not a database\n";
    write_bytes(path, text);
    write_bytes(path + "-wal", "not a log either");
  }
  SECTION("a database with damaged pages and the log a crash left") {
    // A copy of the files while a store has them open is what a crash leaves.
    TempDirectory live;
    fill_store(live, 300);
    std::unique_ptr<FeedbackStore> store = open_store(live);
    REQUIRE(store->append(simple_event("in-the-log")));
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::copy_file(live.file(kFeedbackFileName) + suffix, path + suffix);
    REQUIRE(read_bytes(path + "-wal").size() > 0);
    damage_pages(path);
  }
  const std::string wal = read_bytes(path + "-wal");
  check_moved_aside(directory);
  const std::string aside = directory.file(moved_aside_databases(directory).at(0));
  CHECK(read_bytes(aside + "-wal") == wal);
}

TEST_CASE("feedback store: a newer schema version is moved aside") {
  TempDirectory directory;
  fill_store(directory, 3);
  REQUIRE(raw_sql(directory.file(kFeedbackFileName),
                  "PRAGMA user_version = " + std::to_string(kFeedbackSchemaVersion + 1)) == "");
  check_moved_aside(directory, "schema version " + std::to_string(kFeedbackSchemaVersion + 1));
}

TEST_CASE("feedback store: another program's SQLite database is moved aside") {
  TempDirectory directory;
  const std::string path = directory.file(kFeedbackFileName);
  SECTION("no schema version") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_close(db);
    REQUIRE(raw_sql(path, "CREATE TABLE notes (text TEXT)") == "");
  }
  SECTION("our version, not our table") {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_close(db);
    REQUIRE(raw_sql(path, "CREATE TABLE events (text TEXT); PRAGMA user_version = 1") == "");
  }
  check_moved_aside(directory);
}

TEST_CASE("feedback store: a directory that cannot be made is an error, not a crash") {
  TempDirectory directory;
  write_bytes(directory.file("plain-file"), "x");
  FeedbackStoreOpen opened = FeedbackStore::open(directory.file("plain-file") + "/docent");
  CHECK_FALSE(opened.store);
  CHECK_FALSE(opened.error.empty());
}

TEST_CASE("feedback store: no data directory is an error, not the current directory") {
  FeedbackStoreOpen opened = FeedbackStore::open("");
  CHECK_FALSE(opened.store);
  CHECK_FALSE(opened.error.empty());
}

TEST_CASE("feedback store: a database path that is a directory is left alone") {
  TempDirectory directory;
  std::filesystem::create_directory(directory.file(kFeedbackFileName));
  FeedbackStoreOpen opened = FeedbackStore::open(directory.path());
  CHECK_FALSE(opened.store);
  CHECK_FALSE(opened.error.empty());
  CHECK(directory.names_starting_with("feedback.sqlite3.corrupt-").empty());
}

TEST_CASE("feedback store: the default data directory follows XDG") {
  CHECK(data_directory_from("/xdg/data", "/home/user") == "/xdg/data/docent");
  CHECK(data_directory_from(nullptr, "/home/user") == "/home/user/.local/share/docent");
  CHECK(data_directory_from("", "/home/user") == "/home/user/.local/share/docent");
  CHECK(data_directory_from("relative/data", "/home/user") == "/home/user/.local/share/docent");
  CHECK(data_directory_from(nullptr, nullptr) == std::nullopt);
  CHECK(data_directory_from(nullptr, "relative") == std::nullopt);
}
