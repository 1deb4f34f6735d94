// Finding the Python files under a set of paths, as linters do.
#pragma once

#include <string>
#include <vector>

namespace docent::analysis {

struct WalkOptions {
  // fnmatch(3) patterns; a file or folder is skipped if a pattern matches its path (as given,
  // relative to the starting argument) or its base name.
  std::vector<std::string> exclude;
};

struct WalkResult {
  std::vector<std::string> files;  // Sorted within each argument; arguments in the order given.
  std::vector<std::string> errors; // "path: reason" for arguments that do not exist.
};

// Files named explicitly are always kept; folders are walked recursively for `*.py`, skipping
// hidden folders, virtual environments (a folder holding `pyvenv.cfg`) and build or cache
// folders (`__pycache__`, `build`, `dist`, `node_modules`, `site-packages`, `*.egg-info`).
WalkResult find_python_files(const std::vector<std::string>& paths, const WalkOptions& options);

} // namespace docent::analysis
