// Analyzing many files on all cores, handing each result to a consumer in input order.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/source_file.h"

#include <functional>
#include <string>
#include <vector>

namespace docent::lsp {

struct FileOutcome {
  std::string path;
  analysis::SourceFileResult source;              // The read; `source.error` if it failed.
  std::optional<analysis::FileAnalysis> analysis; // Present when the file was read.
};

// What a command makes of one file: text for stdout and stderr, and counts for the exit status.
struct RenderedFile {
  std::string out;
  std::string err;
  size_t findings = 0;
  bool failed = false; // The file could not be read.
};

// Reads and analyzes every path with `jobs` threads (0: one per core). `render` runs on the
// worker threads; `emit` runs on the calling thread, once per path, in the order of `paths`,
// as soon as that path and all before it are done.
// Thread-safety: `render` must be safe to call concurrently; `emit` is never concurrent.
void analyze_files(const std::vector<std::string>& paths, unsigned jobs,
                   const std::function<RenderedFile(const FileOutcome&)>& render,
                   const std::function<void(const RenderedFile&)>& emit);

} // namespace docent::lsp
