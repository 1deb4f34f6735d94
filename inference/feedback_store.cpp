// The feedback store over SQLite (see feedback_store.h for what it promises).
#include "inference/feedback_store.h"

#include "inference/file_util.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <limits>
#include <map>
#include <sys/file.h>
#include <tuple>
#include <unistd.h>

namespace docent::inference {
namespace {

// How long a statement waits for another process's write lock before failing with "busy".
constexpr int kBusyTimeoutMs = 5000;

constexpr const char* kCreateSchema = R"sql(
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  code TEXT NOT NULL,
  outcome TEXT NOT NULL,
  weight REAL NOT NULL,
  section TEXT,
  feature_version INTEGER NOT NULL,
  numeric BLOB NOT NULL,
  tokens BLOB NOT NULL,
  definition TEXT NOT NULL,
  path TEXT NOT NULL
);
PRAGMA user_version = 1;
)sql";
static_assert(kFeedbackSchemaVersion == 1, "kCreateSchema writes the schema version");

// The columns in the order read_event() reads them.
constexpr const char* kEventColumns = "id, time_ms, kind, code, outcome, weight, section, "
                                      "feature_version, numeric, tokens, definition, path";

struct CloseConnection {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, CloseConnection>;

std::string sqlite_error(sqlite3* db, std::string_view what) {
  return "feedback store: " + std::string(what) + ": " + sqlite3_errmsg(db);
}

// A prepared statement, finalized when it goes out of scope. A failed bind is remembered and
// returned by step(), so that callers check one result.
class Statement {
public:
  Statement(sqlite3* db, const std::string& sql) {
    status_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr);
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool prepared() const { return statement_ != nullptr; }

  void bind_int(int index, int64_t value) { note(sqlite3_bind_int64(statement_, index, value)); }
  void bind_double(int index, double value) { note(sqlite3_bind_double(statement_, index, value)); }
  void bind_null(int index) { note(sqlite3_bind_null(statement_, index)); }
  void bind_text(int index, std::string_view text) {
    // A null pointer would bind NULL, not an empty string.
    note(sqlite3_bind_text64(statement_, index, text.empty() ? "" : text.data(), text.size(),
                             SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void bind_blob(int index, const void* bytes, size_t size) {
    // Likewise: an empty vector's null data must still make an (empty) blob.
    note(size == 0 ? sqlite3_bind_zeroblob(statement_, index, 0)
                   : sqlite3_bind_blob64(statement_, index, bytes, size, SQLITE_TRANSIENT));
  }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() {
    if (!prepared() || status_ != SQLITE_OK)
      return status_ == SQLITE_OK ? SQLITE_ERROR : status_;
    return sqlite3_step(statement_);
  }
  // Ready to run again with new bindings (a failed prepare stays failed).
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    if (prepared())
      status_ = SQLITE_OK;
  }

  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  int64_t int_at(int column) const { return sqlite3_column_int64(statement_, column); }
  double double_at(int column) const { return sqlite3_column_double(statement_, column); }
  std::string_view text_at(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    return text ? std::string_view(text, sqlite3_column_bytes(statement_, column))
                : std::string_view();
  }
  std::string_view blob_at(int column) const {
    // sqlite3_column_blob is null for an empty blob; the size call must come after it.
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement_, column));
    return bytes ? std::string_view(bytes, sqlite3_column_bytes(statement_, column))
                 : std::string_view();
  }

private:
  void note(int status) {
    if (status_ == SQLITE_OK)
      status_ = status;
  }

  sqlite3_stmt* statement_ = nullptr;
  int status_ = SQLITE_OK;
};

bool execute(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

// The first column of the first row of `sql`; nullopt on error (or no row).
std::optional<std::string> query_text(sqlite3* db, const char* sql) {
  Statement statement(db, sql);
  if (statement.step() != SQLITE_ROW)
    return std::nullopt;
  return std::string(statement.text_at(0));
}

std::optional<int64_t> query_int(sqlite3* db, const char* sql) {
  Statement statement(db, sql);
  if (statement.step() != SQLITE_ROW)
    return std::nullopt;
  return statement.int_at(0);
}

// Vectors are stored as their bytes in native order: the file stays on the machine that wrote it.
template <typename T> std::vector<T> vector_from_blob(std::string_view bytes) {
  std::vector<T> values(bytes.size() / sizeof(T));
  if (!values.empty())
    std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
  return values;
}

std::string quoted_list(std::vector<std::string_view> names) {
  std::string list;
  for (std::string_view name : names) {
    list += list.empty() ? "'" : ", '";
    for (char c : name)
      list += c == '\'' ? std::string("''") : std::string(1, c);
    list += "'";
  }
  return list;
}

// The rows this docent can read: names it knows (a newer docent may have appended enumerators)
// and vectors of whole elements. Reads filter in SQL rather than after LIMIT, so that a skipped
// row never stops an events_after() cursor.
const std::string& readable_rows() {
  static const std::string condition = [] {
    std::vector<std::string_view> kinds, outcomes, sections;
    for (int i = 0; i < kSuggestionKinds; ++i)
      kinds.push_back(suggestion_kind_name(static_cast<SuggestionKind>(i)));
    for (Outcome outcome : {Outcome::Accepted, Outcome::Rejected})
      outcomes.push_back(outcome_name(outcome));
    for (int i = 0; i < kSections; ++i)
      sections.push_back(section_name(static_cast<Section>(i)));
    return "kind IN (" + quoted_list(kinds) + ") AND outcome IN (" + quoted_list(outcomes) +
           ") AND (section IS NULL OR section IN (" + quoted_list(sections) +
           ")) AND length(numeric) % 4 = 0 AND length(tokens) % 4 = 0";
  }();
  return condition;
}

// The event in the current row of a query that selected kEventColumns.
std::optional<FeedbackEvent> read_event(const Statement& row) {
  const std::optional<SuggestionKind> kind = suggestion_kind_from_name(row.text_at(2));
  const std::optional<Outcome> outcome = outcome_from_name(row.text_at(4));
  std::optional<Section> section;
  if (!row.is_null(6)) {
    section = section_from_name(row.text_at(6));
    if (!section)
      return std::nullopt;
  }
  if (!kind || !outcome)
    return std::nullopt;
  FeedbackEvent event;
  event.id = row.int_at(0);
  event.time_ms = row.int_at(1);
  event.kind = *kind;
  event.code = std::string(row.text_at(3));
  event.outcome = *outcome;
  event.weight = static_cast<float>(row.double_at(5));
  event.section = section;
  event.features.version = static_cast<int>(row.int_at(7));
  event.features.numeric = vector_from_blob<float>(row.blob_at(8));
  event.features.tokens = vector_from_blob<uint32_t>(row.blob_at(9));
  event.definition = std::string(row.text_at(10));
  event.path = std::string(row.text_at(11));
  return event;
}

void bind_event(Statement& insert, const FeedbackEvent& event) {
  insert.bind_int(1, event.time_ms);
  insert.bind_text(2, suggestion_kind_name(event.kind));
  insert.bind_text(3, event.code);
  insert.bind_text(4, outcome_name(event.outcome));
  insert.bind_double(5, event.weight);
  if (event.section)
    insert.bind_text(6, section_name(*event.section));
  else
    insert.bind_null(6);
  insert.bind_int(7, event.features.version);
  insert.bind_blob(8, event.features.numeric.data(), event.features.numeric.size() * sizeof(float));
  insert.bind_blob(9, event.features.tokens.data(),
                   event.features.tokens.size() * sizeof(uint32_t));
  insert.bind_text(10, event.definition);
  insert.bind_text(11, event.path);
}

Result<std::vector<FeedbackEvent>> select_events(sqlite3* db, const std::string& sql,
                                                 std::initializer_list<int64_t> parameters) {
  Statement select(db, sql);
  int index = 1;
  for (int64_t parameter : parameters)
    select.bind_int(index++, parameter);
  std::vector<FeedbackEvent> events;
  int status;
  while ((status = select.step()) == SQLITE_ROW) {
    if (std::optional<FeedbackEvent> event = read_event(select))
      events.push_back(std::move(*event));
  }
  if (status != SQLITE_DONE)
    return Result<std::vector<FeedbackEvent>>::failure(sqlite_error(db, "reading events"));
  return Result<std::vector<FeedbackEvent>>::success(std::move(events));
}

int64_t sql_limit(size_t limit) {
  return static_cast<int64_t>(
      std::min<size_t>(limit, static_cast<size_t>(std::numeric_limits<int64_t>::max())));
}

// ---- Opening, and the repair of damaged files ----

// An exclusive flock on a file beside the database while alive. Opening holds it, so that two
// processes never both decide that the file is damaged and the second moves aside the fresh
// database the first has just created.
class OpenLock {
public:
  explicit OpenLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      error_ = "feedback store: cannot create " + path + ": " + errno_text(errno);
      return;
    }
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        error_ = "feedback store: cannot lock " + path + ": " + errno_text(errno);
        return;
      }
    }
  }
  ~OpenLock() {
    if (fd_ >= 0)
      ::close(fd_); // Releases the lock.
  }
  OpenLock(const OpenLock&) = delete;
  OpenLock& operator=(const OpenLock&) = delete;

  const std::string& error() const { return error_; }

private:
  int fd_ = -1;
  std::string error_;
};

enum class Verdict {
  Usable,
  Damaged, // Not SQLite, fails its check, or a schema this docent does not know: move aside.
  Failed,  // Cannot be used now (permissions, disk full, locked too long): leave it alone.
};

struct Opened {
  Connection db;
  Verdict verdict = Verdict::Usable;
  std::string reason; // Why not usable.
};

Opened damaged(std::string reason) {
  return Opened{nullptr, Verdict::Damaged, std::move(reason)};
}

// A failure of the last call on `db`, damage or not by its code. Only SQLite's own verdicts
// count as damage: a busy or unreadable file must never be moved aside.
Opened failure_of(const Connection& db, std::string_view step) {
  const int code = sqlite3_errcode(db.get()) & 0xff;
  const bool damage = code == SQLITE_NOTADB || code == SQLITE_CORRUPT;
  return Opened{nullptr, damage ? Verdict::Damaged : Verdict::Failed,
                damage ? std::string(sqlite3_errmsg(db.get())) : sqlite_error(db.get(), step)};
}

// `PRAGMA quick_check`: nullopt if fine, else the first problem (or the error that stopped it).
std::optional<Opened> quick_check(const Connection& db) {
  Statement check(db.get(), "PRAGMA quick_check");
  if (check.step() != SQLITE_ROW)
    return failure_of(db, "checking the database");
  const std::string first(check.text_at(0));
  if (first != "ok")
    return damaged("quick_check: " + first);
  return std::nullopt;
}

// Reads, without writing, whether the database has docent's schema: nullopt if it does or is
// empty (then `empty` is set), else why it cannot be used.
std::optional<Opened> check_schema(const Connection& db, bool& empty) {
  const std::optional<int64_t> version = query_int(db.get(), "PRAGMA user_version");
  const std::optional<int64_t> objects = query_int(db.get(), "SELECT count(*) FROM sqlite_master");
  if (!version || !objects)
    return failure_of(db, "reading the schema");
  empty = *version == 0 && *objects == 0;
  if (empty)
    return std::nullopt;
  if (*version == 0)
    return damaged("it is an SQLite database of something else (no schema version)");
  if (*version != kFeedbackSchemaVersion)
    return damaged("its schema version " + std::to_string(*version) + " is not this docent's (" +
                   std::to_string(kFeedbackSchemaVersion) + ")");
  // A table of that name without our columns is someone else's database.
  Statement shape(db.get(), std::string("SELECT ") + kEventColumns + " FROM events LIMIT 0");
  if (!shape.prepared())
    return damaged(std::string("its events table is not docent's: ") + sqlite3_errmsg(db.get()));
  return std::nullopt;
}

// Creates the schema in an empty database. The check and the creation are one write
// transaction, so that two processes opening a new directory at once create it once.
std::optional<Opened> create_schema_if_empty(const Connection& db) {
  if (!execute(db.get(), "BEGIN IMMEDIATE"))
    return failure_of(db, "starting the schema transaction");
  bool empty = false;
  std::optional<Opened> problem = check_schema(db, empty);
  if (!problem && empty && !execute(db.get(), kCreateSchema))
    problem = failure_of(db, "creating the schema");
  if (!problem && !execute(db.get(), "COMMIT"))
    problem = failure_of(db, "committing the schema");
  if (problem) {
    execute(db.get(), "ROLLBACK");
    return problem;
  }
  return std::nullopt;
}

// Opens `path` and decides whether it can be used.
Opened open_database(const std::string& path) {
  sqlite3* raw = nullptr;
  // The connection is guarded by the store's mutex, so SQLite's own mutex is not needed.
  const int status =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw); // Even a failed open gives a handle, to read the error from.
  if (status != SQLITE_OK)
    return failure_of(db, "opening " + path);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);

  // A damaged file is moved aside as it was found: nothing is written before the verdict, and
  // closing the connection must not checkpoint the WAL into the file.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  if (std::optional<Opened> problem = quick_check(db))
    return std::move(*problem);
  bool empty = false;
  if (std::optional<Opened> problem = check_schema(db, empty))
    return std::move(*problem);

  // WAL lets readers and the writer of other processes go on together. Where the file system
  // cannot share the WAL index (some network mounts) SQLite keeps the rollback journal, which
  // is as durable with synchronous=FULL, only slower; so the answer is not checked.
  if (!query_text(db.get(), "PRAGMA journal_mode=WAL"))
    return failure_of(db, "setting WAL mode");
  // FULL syncs the WAL at every commit: an acknowledged event survives power loss, not only a
  // crash. secure_delete makes reset() overwrite what it deletes.
  if (!execute(db.get(), "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON"))
    return failure_of(db, "setting durability");
  if (empty) {
    if (std::optional<Opened> problem = create_schema_if_empty(db))
      return std::move(*problem);
  }
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
  return Opened{std::move(db), Verdict::Usable, {}};
}

// Moves the database and its WAL and shared-memory files aside, under one timestamped name.
// The WAL goes first: a WAL left beside a new database would be replayed into it (its frames
// are checked against the WAL's own header, not against the database).
Result<std::string> move_database_aside(const std::string& path) {
  const std::string aside = unused_aside_path(path, "corrupt");
  for (const char* suffix : {"-wal", "-journal", "-shm", ""}) {
    const std::string from = path + suffix;
    if (::access(from.c_str(), F_OK) != 0)
      continue;
    if (Status moved = rename_file(from, aside + suffix); !moved)
      return Result<std::string>::failure("feedback store: " + moved.error);
  }
  return Result<std::string>::success(aside);
}

// `text` on one line of at most 300 bytes, for a warning that the editor shows in one line.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
  }
  constexpr size_t kLimit = 300;
  if (text.size() > kLimit) {
    size_t cut = kLimit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
      --cut; // Not inside a UTF-8 sequence.
    text = text.substr(0, cut) + "...";
  }
  return text;
}

} // namespace

std::optional<std::string> data_directory_from(const char* xdg_data_home, const char* home) {
  if (xdg_data_home && xdg_data_home[0] == '/')
    return (std::filesystem::path(xdg_data_home) / "docent").string();
  if (home && home[0] == '/')
    return (std::filesystem::path(home) / ".local" / "share" / "docent").string();
  return std::nullopt;
}

std::optional<std::string> default_data_directory() {
  return data_directory_from(std::getenv("XDG_DATA_HOME"), std::getenv("HOME"));
}

int64_t FeedbackStats::total() const {
  int64_t sum = 0;
  for (const OutcomeCounts& counts : per_kind)
    sum += counts.total();
  return sum;
}

FeedbackStore::FeedbackStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

FeedbackStore::~FeedbackStore() {
  sqlite3_close_v2(db_);
}

FeedbackStoreOpen FeedbackStore::open(const std::string& directory) {
  FeedbackStoreOpen result;
  if (directory.empty()) {
    // Not the current directory: the caller found no data directory.
    result.error = "feedback store: no data directory";
    return result;
  }
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    result.error = "feedback store: cannot create " + directory + ": " + error.message();
    return result;
  }
  const std::string path = (std::filesystem::path(directory) / kFeedbackFileName).string();
  OpenLock lock(path + ".lock");
  if (!lock.error().empty()) {
    result.error = lock.error();
    return result;
  }

  Opened opened = open_database(path);
  if (opened.verdict == Verdict::Damaged) {
    // Closed before the move: SQLite must not write to the file under its new name.
    opened.db.reset();
    const Result<std::string> aside = move_database_aside(path);
    if (!aside) {
      result.error = aside.error;
      return result;
    }
    result.warning = "docent: the learning data in " + path + " could not be used (" +
                     one_line(opened.reason) + "); it was moved to " + *aside +
                     " and learning starts afresh";
    opened = open_database(path);
  }
  if (opened.verdict != Verdict::Usable) {
    result.error = opened.reason;
    return result;
  }
  result.store.reset(new FeedbackStore(opened.db.release(), path));
  return result;
}

Result<int64_t> FeedbackStore::append(const FeedbackEvent& event) {
  Result<std::vector<int64_t>> ids = append_all({event});
  if (!ids)
    return Result<int64_t>::failure(std::move(ids.error));
  return Result<int64_t>::success(ids->front());
}

Result<std::vector<int64_t>> FeedbackStore::append_all(const std::vector<FeedbackEvent>& events) {
  using IdsResult = Result<std::vector<int64_t>>;
  std::lock_guard<std::mutex> guard(mutex_);
  // IMMEDIATE takes the write lock up front, where the busy timeout applies; a deferred
  // transaction that upgrades later can fail at once with "busy".
  if (!execute(db_, "BEGIN IMMEDIATE"))
    return IdsResult::failure(sqlite_error(db_, "starting a transaction"));
  Statement insert(db_, "INSERT INTO events (time_ms, kind, code, outcome, weight, section, "
                        "feature_version, numeric, tokens, definition, path) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::vector<int64_t> ids;
  for (const FeedbackEvent& event : events) {
    insert.reset();
    bind_event(insert, event);
    if (insert.step() != SQLITE_DONE) {
      std::string why = sqlite_error(db_, "storing an event");
      execute(db_, "ROLLBACK");
      return IdsResult::failure(std::move(why));
    }
    ids.push_back(sqlite3_last_insert_rowid(db_));
  }
  // With synchronous=FULL the commit returns after the WAL is synced: now the ids may be shown.
  if (!execute(db_, "COMMIT")) {
    std::string why = sqlite_error(db_, "committing events");
    execute(db_, "ROLLBACK");
    return IdsResult::failure(std::move(why));
  }
  return IdsResult::success(std::move(ids));
}

Result<std::vector<FeedbackEvent>> FeedbackStore::events_after(int64_t id, size_t limit) {
  std::lock_guard<std::mutex> guard(mutex_);
  return select_events(db_,
                       std::string("SELECT ") + kEventColumns + " FROM events WHERE id > ? AND " +
                           readable_rows() + " ORDER BY id LIMIT ?",
                       {id, sql_limit(limit)});
}

Result<std::vector<FeedbackEvent>> FeedbackStore::recent(size_t n) {
  std::lock_guard<std::mutex> guard(mutex_);
  return select_events(db_,
                       std::string("SELECT * FROM (SELECT ") + kEventColumns +
                           " FROM events WHERE " + readable_rows() +
                           " ORDER BY id DESC LIMIT ?) ORDER BY id",
                       {sql_limit(n)});
}

Result<int64_t> FeedbackStore::count() {
  std::lock_guard<std::mutex> guard(mutex_);
  Statement select(db_, "SELECT count(*) FROM events WHERE " + readable_rows());
  if (select.step() != SQLITE_ROW)
    return Result<int64_t>::failure(sqlite_error(db_, "counting events"));
  return Result<int64_t>::success(select.int_at(0));
}

Result<FeedbackStats> FeedbackStore::stats() {
  std::lock_guard<std::mutex> guard(mutex_);
  Statement select(db_, "SELECT kind, code, section, outcome, count(*) FROM events WHERE " +
                            readable_rows() + " GROUP BY kind, code, section, outcome");
  // Keyed by the enumerators, so that rows come out in their order rather than by name.
  std::map<std::tuple<SuggestionKind, std::string, std::optional<Section>>, OutcomeCounts> groups;
  FeedbackStats stats;
  int status;
  while ((status = select.step()) == SQLITE_ROW) {
    const std::optional<SuggestionKind> kind = suggestion_kind_from_name(select.text_at(0));
    const std::optional<Outcome> outcome = outcome_from_name(select.text_at(3));
    const std::optional<Section> section =
        select.is_null(2) ? std::nullopt : section_from_name(select.text_at(2));
    if (!kind || !outcome)
      continue;
    const int64_t n = select.int_at(4);
    OutcomeCounts& group = groups[{*kind, std::string(select.text_at(1)), section}];
    OutcomeCounts& per_kind = stats.per_kind[static_cast<size_t>(*kind)];
    (*outcome == Outcome::Accepted ? group.accepted : group.rejected) += n;
    (*outcome == Outcome::Accepted ? per_kind.accepted : per_kind.rejected) += n;
  }
  if (status != SQLITE_DONE)
    return Result<FeedbackStats>::failure(sqlite_error(db_, "reading statistics"));
  for (auto& [key, counts] : groups)
    stats.per_code.push_back(
        CodeStats{std::get<0>(key), std::get<1>(key), std::get<2>(key), counts});
  return Result<FeedbackStats>::success(std::move(stats));
}

Result<int64_t> FeedbackStore::reset() {
  std::lock_guard<std::mutex> guard(mutex_);
  // AUTOINCREMENT keeps the highest id in sqlite_sequence, so new ids stay above deleted ones.
  if (!execute(db_, "DELETE FROM events"))
    return Result<int64_t>::failure(sqlite_error(db_, "deleting events"));
  return Result<int64_t>::success(sqlite3_changes64(db_));
}

} // namespace docent::inference
