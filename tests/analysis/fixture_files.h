// Helpers for data-driven tests: iterate a fixture folder, read files, compare line sets.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace docent::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The `.py` fixtures of a folder under tests/fixtures, sorted by name.
inline std::vector<std::filesystem::path> python_fixtures(const std::string& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(DOCENT_FIXTURES_DIR) + "/" + folder))
    if (entry.path().extension() == ".py" && entry.path().filename() != "regen.py")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Whether DOCENT_UPDATE_FIXTURES is set: tests then rewrite their expected files (review the
// difference before committing it).
inline bool updating_fixtures() {
  return std::getenv("DOCENT_UPDATE_FIXTURES") != nullptr;
}

// The expected file's text, after rewriting it with `actual` when updating_fixtures().
inline std::string expected_text(const std::filesystem::path& expected, const std::string& actual) {
  if (updating_fixtures())
    std::ofstream(expected, std::ios::binary) << actual;
  return read_file(expected);
}

inline std::filesystem::path expected_path(const std::filesystem::path& fixture) {
  return std::filesystem::path(fixture).replace_extension(".expected");
}

} // namespace docent::testing
