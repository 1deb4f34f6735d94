// The recorder of feedback: the server hands it events and questions about them, and one
// thread of its own talks to the feedback store, so that the thread reading the client's
// messages never waits for the disk (an append waits for an fsync, and for other processes'
// writes for up to five seconds).
//
// The store is opened at first use, on the recorder's thread: a session in which the user
// gives no feedback creates no file, and a recorder that is disabled never touches the disk.
#pragma once

#include "inference/feedback_store.h"
#include "inference/learning_types.h"
#include "inference/result.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace docent::inference {

// The user's learning settings (`learning.enabled`, `learning.data-directory`).
struct LearningSettings {
  bool enabled = true;
  std::string data_directory; // Empty: default_data_directory().
};

// The directory the settings name, or why there is none.
Result<std::string> data_directory_of(const LearningSettings& settings);

// Now, as FeedbackEvent::time_ms counts it.
int64_t unix_time_ms();

// What docent.learning.stats reports.
struct LearningStats {
  FeedbackStats stats;
  std::string database; // The store's file.
};

// Thread-safety: every method may be called from any thread. Work is done in the order it was
// queued, on the recorder's thread, which also runs every callback (so a callback must not
// wait for another task of the same recorder).
class FeedbackRecorder {
public:
  // Called once per distinct problem with the store, with one line for the user: a damaged
  // database was moved aside, or the store cannot be opened.
  using Warn = std::function<void(const std::string& message)>;
  template <typename T> using Done = std::function<void(Result<T> result)>;

  FeedbackRecorder(LearningSettings settings, Warn warn);
  // Finishes the work already queued (events the user gave are not dropped), then stops.
  ~FeedbackRecorder();
  FeedbackRecorder(const FeedbackRecorder&) = delete;
  FeedbackRecorder& operator=(const FeedbackRecorder&) = delete;

  // New settings apply to work queued after this call. A new data directory closes the store;
  // the next use opens the one there.
  void configure(LearningSettings settings);
  // The settings of the last configure(), for answering at once that learning is off.
  bool enabled() const;

  // Stores `event`; `done` (may be empty) gets its id once it is durable, or why it was not
  // stored (learning is disabled, the store cannot be used).
  void record(FeedbackEvent event, Done<int64_t> done = {});
  void stats(Done<LearningStats> done);
  // Deletes every event; `done` gets how many.
  void reset(Done<int64_t> done);

private:
  using Task = std::function<void()>;

  void post(Task task);
  void run();
  // The store of the current settings, opened if needed; null (with a warning once) if it
  // cannot be used.
  FeedbackStore* store(std::string& error);
  void warn_once(const std::string& message);

  const Warn warn_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> tasks_; // Guarded by mutex_.
  bool stopping_ = false;  // Guarded by mutex_.
  bool enabled_ = true;    // Guarded by mutex_: the last configure()'s, for enabled().

  // Recorder thread only.
  LearningSettings settings_;
  std::unique_ptr<FeedbackStore> store_;
  std::string store_directory_; // The directory store_ was opened in.
  std::set<std::string> warned_;

  std::thread thread_; // Last: starts after everything it uses is constructed.
};

} // namespace docent::inference
