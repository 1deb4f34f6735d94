// Background indexing of the workspace's Python files (see workspace_index.h).
#include "lsp/workspace_index.h"

#include "analysis/analyzer.h"
#include "analysis/source_file.h"

#include <chrono>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace docent::lsp {

using namespace docent::analysis;

FileSummary summarize_file(const std::string& path) {
  FileSummary summary;
  SourceFileResult source = read_source_file(path);
  if (!source.file)
    return summary;
  const FileAnalysis analysis = analyze(parse_snapshot(std::move(source.file->text)));
  summary.syntax_errors = !analysis.model.errors.empty();
  for (size_t i = 0; i < analysis.model.definitions.size(); ++i) {
    const Definition& definition = analysis.model.definitions[i];
    ++summary.definitions;
    summary.documented += definition.docstring.has_value();
    if (definition.kind != DefinitionKind::Class)
      ++summary.ranks[analysis.definitions[i].rank - 'A'];
    summary.parameters.add(definition);
  }
  return summary;
}

// Every file's parameter descriptions in one.
std::shared_ptr<const ParameterDescriptions>
merge_descriptions(const std::map<std::string, FileSummary>& files) {
  auto merged = std::make_shared<ParameterDescriptions>();
  for (const auto& [path, summary] : files)
    merged->merge(summary.parameters);
  return merged;
}

WorkspaceIndex::WorkspaceIndex(std::vector<std::string> roots, WalkOptions walk,
                               std::function<bool()> hold_back, IndexProgress progress)
    : roots_(std::move(roots)), walk_(std::move(walk)), hold_back_(std::move(hold_back)),
      progress_(std::move(progress)) {}

WorkspaceIndex::~WorkspaceIndex() {
  stopping_ = true;
  if (thread_.joinable())
    thread_.join();
}

void WorkspaceIndex::start() {
  thread_ = std::thread([this] { run(); });
}

void WorkspaceIndex::run() {
  // Below the message and document threads: on a two-core machine typing must not wait.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  const std::vector<std::string> files = find_python_files(roots_, walk_).files;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    total_ = files.size();
  }
  progress_.begin(files.size());
  size_t done = 0;
  auto last_report = std::chrono::steady_clock::now();
  for (const std::string& path : files) {
    while (hold_back_() && !stopping_)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (stopping_)
      return;
    FileSummary summary = summarize_file(path);
    ++done;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      files_[path] = std::move(summary);
      // Rebuilt now and then rather than per file: readers hold the previous one meanwhile.
      if (done % 64 == 0)
        descriptions_ = merge_descriptions(files_);
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_report > std::chrono::milliseconds(200)) {
      progress_.report(done, files.size());
      last_report = now;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    descriptions_ = merge_descriptions(files_);
    done_ = true;
  }
  progress_.end(files.size());
}

std::shared_ptr<const ParameterDescriptions> WorkspaceIndex::parameter_descriptions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return descriptions_;
}

nlohmann::json WorkspaceIndex::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t definitions = 0, documented = 0, with_errors = 0;
  std::array<size_t, 6> ranks{};
  for (const auto& [path, summary] : files_) {
    definitions += summary.definitions;
    documented += summary.documented;
    with_errors += summary.syntax_errors;
    for (size_t i = 0; i < ranks.size(); ++i)
      ranks[i] += summary.ranks[i];
  }
  nlohmann::json by_rank = nlohmann::json::object();
  for (size_t i = 0; i < ranks.size(); ++i)
    by_rank[std::string(1, static_cast<char>('A' + i))] = ranks[i];
  return nlohmann::json{
      {"files", total_},
      {"indexed", files_.size()},
      {"indexing", !done_},
      {"filesWithSyntaxErrors", with_errors},
      {"definitions", definitions},
      {"documented", documented},
      {"documentedFraction",
       definitions == 0 ? 0.0 : static_cast<double>(documented) / definitions},
      {"complexityRanks", by_rank},
  };
}

} // namespace docent::lsp
