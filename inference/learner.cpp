// The feedback recorder's thread and queue (see learner.h).
#include "inference/learner.h"

#include <chrono>

namespace docent::inference {

namespace {

constexpr const char* kDisabled = "learning is disabled (learning.enabled is false)";

} // namespace

Result<std::string> data_directory_of(const LearningSettings& settings) {
  if (!settings.data_directory.empty())
    return Result<std::string>::success(settings.data_directory);
  if (std::optional<std::string> directory = default_data_directory())
    return Result<std::string>::success(*directory);
  return Result<std::string>::failure(
      "no data directory for the learning data: set learning.data-directory, XDG_DATA_HOME or "
      "HOME");
}

int64_t unix_time_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

FeedbackRecorder::FeedbackRecorder(LearningSettings settings, Warn warn)
    : warn_(std::move(warn)), enabled_(settings.enabled), settings_(std::move(settings)) {
  thread_ = std::thread([this] { run(); });
}

FeedbackRecorder::~FeedbackRecorder() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void FeedbackRecorder::configure(LearningSettings settings) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    enabled_ = settings.enabled;
  }
  // A new directory takes effect at the next use of the store (see store()).
  post([this, settings = std::move(settings)] { settings_ = settings; });
}

bool FeedbackRecorder::enabled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return enabled_;
}

void FeedbackRecorder::record(FeedbackEvent event, Done<int64_t> done) {
  post([this, event = std::move(event), done = std::move(done)] {
    std::string error;
    FeedbackStore* store = settings_.enabled ? this->store(error) : nullptr;
    Result<int64_t> result = store != nullptr
                                 ? store->append(event)
                                 : Result<int64_t>::failure(settings_.enabled ? error : kDisabled);
    if (done)
      done(std::move(result));
  });
}

void FeedbackRecorder::stats(Done<LearningStats> done) {
  post([this, done = std::move(done)] {
    std::string error;
    FeedbackStore* store = settings_.enabled ? this->store(error) : nullptr;
    if (store == nullptr)
      return done(Result<LearningStats>::failure(settings_.enabled ? error : kDisabled));
    Result<FeedbackStats> stats = store->stats();
    if (!stats)
      return done(Result<LearningStats>::failure(stats.error));
    done(Result<LearningStats>::success(LearningStats{std::move(*stats), store->path()}));
  });
}

void FeedbackRecorder::reset(Done<int64_t> done) {
  post([this, done = std::move(done)] {
    std::string error;
    FeedbackStore* store = settings_.enabled ? this->store(error) : nullptr;
    done(store != nullptr ? store->reset()
                          : Result<int64_t>::failure(settings_.enabled ? error : kDisabled));
  });
}

void FeedbackRecorder::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void FeedbackRecorder::run() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty())
        return; // Stopping, and everything queued is done.
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

FeedbackStore* FeedbackRecorder::store(std::string& error) {
  const Result<std::string> directory = data_directory_of(settings_);
  if (!directory) {
    error = directory.error;
    warn_once("docent: " + error);
    return nullptr;
  }
  if (store_ && store_directory_ == *directory)
    return store_.get();
  store_.reset();
  FeedbackStoreOpen opened = FeedbackStore::open(*directory);
  if (!opened.warning.empty())
    warn_once(opened.warning);
  if (!opened.store) {
    // Tried again at the next use: the directory may become writable.
    error = opened.error;
    warn_once("docent: learning is off for now: " + error);
    return nullptr;
  }
  store_ = std::move(opened.store);
  store_directory_ = *directory;
  return store_.get();
}

void FeedbackRecorder::warn_once(const std::string& message) {
  if (warn_ && warned_.insert(message).second)
    warn_(message);
}

} // namespace docent::inference
