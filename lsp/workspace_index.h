// The workspace index: every Python file of the workspace analyzed once in the background,
// summarized for workspace-wide features (docent/workspaceStats now; docstring reuse and
// learning later). It never competes with open documents: it holds back while the document
// worker has work, and runs at a lower scheduling priority.
#pragma once

#include "analysis/file_walker.h"
#include "analysis/parameter_descriptions.h"

#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace docent::lsp {

// What the index keeps of one file.
struct FileSummary {
  size_t definitions = 0;
  size_t documented = 0;         // Definitions with a docstring.
  std::array<size_t, 6> ranks{}; // Functions and methods by radon rank A..F.
  bool syntax_errors = false;
  analysis::ParameterDescriptions parameters; // What its docstrings say of parameters.
};

struct IndexProgress {
  std::function<void(size_t total)> begin;
  std::function<void(size_t done, size_t total)> report;
  std::function<void(size_t total)> end;
};

// Thread-safety: every member may be called from any thread.
class WorkspaceIndex {
public:
  // `hold_back` is polled between files; while it returns true the index waits.
  WorkspaceIndex(std::vector<std::string> roots, analysis::WalkOptions walk,
                 std::function<bool()> hold_back, IndexProgress progress);
  ~WorkspaceIndex(); // Stops indexing.

  void start();
  // docent/workspaceStats: files, definitions, documented fraction, complexity distribution.
  nlohmann::json stats() const;
  // The parameter descriptions of every file indexed so far (never null).
  std::shared_ptr<const analysis::ParameterDescriptions> parameter_descriptions() const;

private:
  void run();

  std::vector<std::string> roots_;
  analysis::WalkOptions walk_;
  std::function<bool()> hold_back_;
  IndexProgress progress_;
  mutable std::mutex mutex_;
  std::map<std::string, FileSummary> files_; // Guarded by mutex_.
  size_t total_ = 0;                         // Guarded by mutex_.
  bool done_ = false;                        // Guarded by mutex_.
  // Merged from files_ every few files and at the end. Guarded by mutex_.
  std::shared_ptr<const analysis::ParameterDescriptions> descriptions_ =
      std::make_shared<const analysis::ParameterDescriptions>();
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The summary of one analyzed file (exposed for tests).
FileSummary summarize_file(const std::string& path);

} // namespace docent::lsp
