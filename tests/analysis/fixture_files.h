// Helpers for data-driven tests: iterate a fixture folder, read files, compare line sets.
#pragma once

#include <algorithm>
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

inline std::filesystem::path expected_path(const std::filesystem::path& fixture) {
  return std::filesystem::path(fixture).replace_extension(".expected");
}

} // namespace docent::testing
