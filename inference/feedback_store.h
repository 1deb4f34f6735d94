// The feedback store: every outcome of a suggestion that the user gave, kept in an SQLite
// database so that the model can be trained again from it (a replay buffer that outlives the
// process) and the user can see and reset what docent learned.
//
// One file, `feedback.sqlite3`, in a per-user data directory (default_data_directory()). An
// event is one row: kind, outcome and section by name, feature vectors as blobs of float32 and
// uint32 in native byte order (the file stays on the machine that wrote it).
// Durability: WAL with synchronous=FULL, so an append returns only once its transaction is in
// the log on disk; an event acknowledged to the client survives `kill -9` and power loss.
// Several processes (editor windows) may share the directory: SQLite's locks serialize their
// appends (each waits up to five seconds for another's), and ids increase in commit order, so
// events_after() lets one process pick up what the others wrote.
// A database that is not SQLite, fails `PRAGMA quick_check` or has a schema version this docent
// does not know is moved aside to `feedback.sqlite3.corrupt-<unix time>` (with its -wal, -shm
// and any rollback journal, untouched) and replaced by an empty one; the open result then carries a
// warning for the user.
#pragma once

#include "inference/learning_types.h"
#include "inference/result.h"

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace docent::inference {

inline constexpr const char* kFeedbackFileName = "feedback.sqlite3";
// The schema this docent writes, in `PRAGMA user_version`. A newer one is moved aside.
inline constexpr int kFeedbackSchemaVersion = 1;

// Where docent keeps per-user data: $XDG_DATA_HOME/docent, else $HOME/.local/share/docent;
// nullopt if neither variable gives an absolute path.
std::optional<std::string> default_data_directory();
// The same from the variables' values (null when unset). A relative XDG_DATA_HOME is ignored,
// as the XDG Base Directory specification says.
std::optional<std::string> data_directory_from(const char* xdg_data_home, const char* home);

struct OutcomeCounts {
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t total() const { return accepted + rejected; }
};

// The events of one kind, code and section (none for whole suggestions).
struct CodeStats {
  SuggestionKind kind = SuggestionKind::Docstring;
  std::string code;
  std::optional<Section> section;
  OutcomeCounts counts;
};

struct FeedbackStats {
  std::array<OutcomeCounts, kSuggestionKinds> per_kind; // Indexed by SuggestionKind.
  std::vector<CodeStats> per_code; // Ordered by kind, code, then section (none first).
  int64_t total() const;
};

class FeedbackStore;

struct FeedbackStoreOpen {
  std::unique_ptr<FeedbackStore> store; // Null if the store cannot be used.
  std::string error;                    // Why, when `store` is null.
  std::string warning; // One line to show the user once (a damaged file was moved aside).
};

// Thread-safety: one SQLite connection per store, guarded by a mutex; every method may be
// called from any thread, and calls are serialized. Calls block on the disk (append waits for
// an fsync, milliseconds) and on other processes' writes (up to five seconds), so a caller on a
// latency-sensitive thread hands them to another one.
class FeedbackStore {
public:
  // Opens or creates `directory`/feedback.sqlite3, creating `directory` if needed. Opens of
  // the same directory are serialized between processes (a lock file beside the database), so
  // two processes never both move a damaged file aside.
  static FeedbackStoreOpen open(const std::string& directory);

  ~FeedbackStore();
  FeedbackStore(const FeedbackStore&) = delete;
  FeedbackStore& operator=(const FeedbackStore&) = delete;

  // Stores `event` (its `id` is ignored) and returns the id it was given, once committed.
  Result<int64_t> append(const FeedbackEvent& event);
  // Stores `events` in one transaction (one disk flush): all of them or none. Their ids, in order.
  Result<std::vector<int64_t>> append_all(const std::vector<FeedbackEvent>& events);

  // Reads see only rows this docent understands: one that a newer docent wrote with a kind,
  // outcome or section appended since is skipped, not an error.

  // Up to `limit` events with ids above `id`, oldest first: poll with the last id seen to pick
  // up what other processes appended.
  Result<std::vector<FeedbackEvent>> events_after(int64_t id, size_t limit);
  // The `n` newest events, newest last.
  Result<std::vector<FeedbackEvent>> recent(size_t n);
  Result<int64_t> count();
  Result<FeedbackStats> stats();
  // Deletes every event (their bytes are overwritten, not just unlinked); the number deleted.
  // Ids keep increasing across a reset, so events_after() cursors stay valid.
  Result<int64_t> reset();

  const std::string& path() const { return path_; }

private:
  FeedbackStore(sqlite3* db, std::string path);

  std::mutex mutex_;
  sqlite3* db_; // Guarded by mutex_.
  const std::string path_;
};

} // namespace docent::inference
