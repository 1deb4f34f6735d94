// The open documents and the one thread that parses and analyzes them.
//
// The message thread only queues work here (edits, queries) and returns at once; everything
// that can take time (parsing, analysis, diagnostics) happens on the worker thread, which owns
// each document's tree and incremental analyzer. For each document only the newest text
// matters: edits that arrive while the worker is busy are applied together and analyzed once,
// and no result of an older version is ever published.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/config.h"
#include "analysis/document.h"
#include "lsp/features.h"
#include "lsp/feedback_capture.h"
#include "lsp/learning_policy.h"
#include "lsp/protocol.h"
#include "lsp/settings.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace docent::lsp {

struct WorkerOptions {
  analysis::PositionEncoding encoding = analysis::PositionEncoding::Utf16;
  bool push_diagnostics = true;        // False when the client pulls them.
  uint64_t parse_budget_micros = 5000; // Bound of one parse step (see docs/benchmarks.md).
  // The learning policy for a document's diagnostics (adapted_findings.h), or null for the
  // static rules. Runs on the worker thread and must not block.
  std::function<LearningView()> learning;
};

// Thread-safety: every public member may be called from any thread; the callbacks it is given
// are called on the worker thread.
class DocumentWorker {
public:
  using Send = std::function<void(const std::string& message)>; // A serialized message.
  // The check settings for a file path (pyproject.toml and client settings); `fresh` asks to
  // look at pyproject.toml on disk again.
  using ConfigFor = std::function<analysis::CheckConfig(const std::string& path, bool fresh)>;
  // What a query sees of an open document: its latest analysis and the configuration its
  // diagnostics use (valid during the query, on the worker thread).
  // The last pull-diagnostics answer of a document, kept so that an answer whose diagnostics
  // did not change is neither rendered nor serialized again.
  struct PulledDiagnostics {
    DiagnosticsText text; // The items last answered.
    std::string result_id;
  };
  struct DocumentView {
    const analysis::FileAnalysis& analysis;
    const analysis::CheckConfig& config;
    const std::string& path;   // Empty for URIs that are not local files.
    int64_t version;           // The version of the text `analysis` is of (the newest).
    PulledDiagnostics& pulled; // The worker's, for this document; only jobs touch it.
    FeedbackCapture& feedback; // The worker's, for every document; only jobs touch it.
    // check_file() of `analysis` as the diagnostics show it (WorkerOptions::learning applied),
    // reusing what the last call found and decided for the statements that did not change;
    // valid until the next call.
    std::function<const std::vector<analysis::Finding>&()> shown;
  };
  // Runs on the worker thread once the document is up to date; null if it is not open.
  using Job = std::function<void(const DocumentView* document)>;

  // `record` gets the feedback events that edits and requests give (feedback_capture.h).
  DocumentWorker(WorkerOptions options, Send send, ConfigFor config_for,
                 FeedbackCapture::Record record);
  ~DocumentWorker(); // Stops the thread; queued work is dropped.

  void open(const std::string& uri, std::string text, int64_t version);
  void change(const std::string& uri, int64_t version, std::vector<analysis::TextChange> changes);
  void close(const std::string& uri);
  // A file was saved, or settings changed: look at the configuration again and re-check.
  void reconfigure(const std::string& uri);
  // A file was saved: reconfigure, and settle the feedback on docstrings docent inserted.
  void saved(const std::string& uri);
  void reconfigure_all(EditorSettings editor);
  void query(const std::string& uri, Job job);

  bool is_open(const std::string& uri) const;
  // True while edits or queries wait: background work should hold back.
  bool busy() const { return busy_.load(std::memory_order_relaxed) > 0; }

  struct OpenDocument; // Defined in worker.cpp.

private:
  using Clock = std::chrono::steady_clock;

  // What the message thread hands over, guarded by mutex_.
  struct Inbox {
    std::vector<analysis::TextChange> changes;
    std::string opened_text;
    bool opened = false, closed = false, reconfigure = false, saved = false;
    std::optional<int64_t> version; // Of an open or a change; a re-check keeps the document's.
  };
  struct Query {
    std::string uri;
    Job job;
  };

  void run();
  void note_queued(); // With mutex_ held, for each call that queues work.
  // Sets `flags` in the inbox of `uri` if it is open, and wakes the thread.
  void flag(const std::string& uri, std::initializer_list<bool Inbox::*> flags);
  bool take_work(std::map<std::string, Inbox>& inboxes, std::deque<Query>& queries,
                 bool& reconfigure_all, EditorSettings& editor, int& taken);
  void apply_inbox(const std::string& uri, Inbox& inbox);
  void bring_up_to_date(OpenDocument& document);
  // Tells the feedback capture about one change before it is applied, in bytes.
  void note_change(const OpenDocument& document, const analysis::TextChange& change);
  // Reads the document's check settings and module publicity again (pyproject.toml, folders).
  void refresh_config(OpenDocument& document);
  void note_analysis(OpenDocument& document);
  void make_hot(OpenDocument& document);
  void make_cold(OpenDocument& document);
  bool cool_down();
  // The analysis of the current text while its parse is unfinished (see
  // IncrementalAnalyzer::analyze of a stale snapshot); keeps the last one if it cannot.
  void analyze_before_parse(OpenDocument& document);
  void analyze(OpenDocument& document);
  // Analyzes the changed statements of a document whose last analysis was exact, parsed on their
  // own, before the whole file is parsed; false (nothing changed) if that would not be exact.
  bool analyze_edited_statements(OpenDocument& document);
  void publish_soon(OpenDocument& document);
  void publish_due();
  void publish(OpenDocument& document);
  bool idle_step();
  std::optional<Clock::time_point> next_due() const;

  WorkerOptions options_;
  void send_json(const json& message);
  Send send_;
  ConfigFor config_for_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Inbox> inboxes_; // Guarded by mutex_.
  std::deque<Query> queries_;            // Guarded by mutex_.
  std::map<std::string, bool> open_;     // Guarded by mutex_: URIs opened and not closed.
  bool reconfigure_all_ = false;         // Guarded by mutex_.
  EditorSettings editor_;                // Guarded by mutex_ (the worker keeps a copy).
  bool stopping_ = false;                // Guarded by mutex_.
  int queued_ = 0;                       // Guarded by mutex_: calls not yet taken by the worker.
  // Calls queued or being worked on; also cancels the parses of idle steps.
  analysis::ParseCancel busy_{0};

  // Worker thread only.
  std::map<std::string, std::unique_ptr<OpenDocument>> documents_;
  FeedbackCapture capture_;
  EditorSettings worker_editor_;
  uint64_t use_counter_ = 0;
  bool idle_work_left_ = false; // The last idle step did something; there may be more.
  bool trees_released_ = false; // Since the last malloc_trim().
  std::thread thread_;
};

} // namespace docent::lsp
