// Recursive discovery of Python files with the skip rules of ruff and flake8.
#include "analysis/file_walker.h"

#include <algorithm>
#include <filesystem>
#include <fnmatch.h>
#include <system_error>

namespace docent::analysis {

namespace fs = std::filesystem;

namespace {

bool matches_any(const std::vector<std::string>& patterns, const std::string& path,
                 const std::string& name) {
  for (const std::string& pattern : patterns)
    if (fnmatch(pattern.c_str(), path.c_str(), 0) == 0 ||
        fnmatch(pattern.c_str(), name.c_str(), 0) == 0)
      return true;
  return false;
}

bool is_skipped_folder(const fs::path& folder) {
  const std::string name = folder.filename().string();
  static const char* const kSkipped[] = {"__pycache__",  "build",         "dist",
                                         "node_modules", "site-packages", "__pypackages__"};
  if (name.size() > 1 && name[0] == '.')
    return true;
  for (const char* skipped : kSkipped)
    if (name == skipped)
      return true;
  if (name.size() > 9 && name.compare(name.size() - 9, 9, ".egg-info") == 0)
    return true;
  std::error_code ignored;
  return fs::exists(folder / "pyvenv.cfg", ignored);
}

void walk_folder(const fs::path& root, const WalkOptions& options,
                 std::vector<std::string>& files) {
  std::error_code error;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
  std::vector<std::string> found;
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    const bool is_folder = it->is_directory(error);
    if (is_folder) {
      if (is_skipped_folder(path) || matches_any(options.exclude, path.string(), name))
        it.disable_recursion_pending();
      continue;
    }
    if (path.extension() == ".py" && !matches_any(options.exclude, path.string(), name))
      found.push_back(path.string());
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
}

} // namespace

WalkResult find_python_files(const std::vector<std::string>& paths, const WalkOptions& options) {
  WalkResult result;
  for (const std::string& argument : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(argument, error);
    if (error || !fs::exists(status)) {
      result.errors.push_back(argument + ": No such file or directory");
    } else if (fs::is_directory(status)) {
      walk_folder(argument, options, result.files);
    } else {
      result.files.push_back(argument);
    }
  }
  return result;
}

} // namespace docent::analysis
