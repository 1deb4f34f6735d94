// Helpers for the inference tests: a private temporary directory, raw access to a store's
// database (what a damaged or foreign file looks like), whole-file reads and writes.
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace docent::testing {

// A new directory under $TMPDIR, removed with everything in it at the end of the test.
class TempDirectory {
public:
  TempDirectory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/docent-inference-XXXXXX";
    if (!::mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

  // The names in the directory starting with `prefix`, sorted.
  std::vector<std::string> names_starting_with(const std::string& prefix) const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(prefix, 0) == 0)
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

private:
  std::string path_;
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Runs `sql` on the database at `path` with a connection of its own; the first column of the
// first row, or "error: <message>".
inline std::string raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string answer;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    answer = std::string("error: ") + sqlite3_errmsg(db);
    sqlite3_close_v2(db);
    return answer;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* statement = nullptr;
  const char* rest = sql.c_str();
  // Runs every statement of `sql`; answers with the first row of the last one that has rows.
  while (rest && *rest) {
    if (sqlite3_prepare_v2(db, rest, -1, &statement, &rest) != SQLITE_OK) {
      answer = std::string("error: ") + sqlite3_errmsg(db);
      break;
    }
    if (!statement)
      break; // Only whitespace was left.
    const int status = sqlite3_step(statement);
    if (status == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
      answer = text ? text : "";
    } else if (status != SQLITE_DONE) {
      answer = std::string("error: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(statement);
    statement = nullptr;
    if (answer.rfind("error: ", 0) == 0)
      break;
  }
  sqlite3_close_v2(db);
  return answer;
}

} // namespace docent::testing
