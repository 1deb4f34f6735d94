// A small work queue over files: workers take the next index, results print in order.
#include "lsp/batch.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace docent::lsp {

namespace {

FileOutcome analyze_one(const std::string& path) {
  FileOutcome outcome;
  outcome.path = path;
  outcome.source = analysis::read_source_file(path);
  if (outcome.source.file)
    outcome.analysis = analysis::analyze(analysis::parse_snapshot(outcome.source.file->text));
  return outcome;
}

} // namespace

void analyze_files(const std::vector<std::string>& paths, unsigned jobs,
                   const std::function<RenderedFile(const FileOutcome&)>& render,
                   const std::function<void(const RenderedFile&)>& emit) {
  if (jobs == 0)
    jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<unsigned>(jobs, std::max<size_t>(paths.size(), 1));

  std::vector<std::optional<RenderedFile>> rendered(paths.size());
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<size_t> next{0};

  auto work = [&] {
    for (size_t i = next++; i < paths.size(); i = next++) {
      RenderedFile text = render(analyze_one(paths[i]));
      std::lock_guard<std::mutex> lock(mutex);
      rendered[i] = std::move(text);
      ready.notify_one();
    }
  };
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < jobs; ++i)
    workers.emplace_back(work);

  for (size_t i = 0; i < paths.size(); ++i) {
    RenderedFile text;
    {
      std::unique_lock<std::mutex> lock(mutex);
      ready.wait(lock, [&] { return rendered[i].has_value(); });
      text = std::move(*rendered[i]);
      rendered[i].reset();
    }
    emit(text);
  }
  for (std::thread& worker : workers)
    worker.join();
}

} // namespace docent::lsp
