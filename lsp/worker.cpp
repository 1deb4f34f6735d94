// The worker thread: applies queued edits, parses within a time bound, analyzes incrementally,
// publishes diagnostics and runs queries (see worker.h).
#include "lsp/worker.h"

#include "analysis/document.h"
#include "analysis/incremental.h"
#include "analysis/incremental_check.h"
#include "lsp/adapted_findings.h"
#include "lsp/features.h"

#include <fmt/format.h>

#include <malloc.h>
#include <spdlog/spdlog.h>

namespace docent::lsp {

using namespace docent::analysis;

// A document is hot (a tree, a parser and an incremental analyzer, ready for the next
// keystroke) or cold (only its latest analysis, whose snapshot keeps the text but not the
// tree). A tree takes about 25 times the memory of its text, so only the most recently
// edited documents stay hot; a cold one is parsed again on its next edit.
struct DocumentWorker::OpenDocument {
  OpenDocument(std::string uri_, std::string text, uint64_t budget)
      : uri(std::move(uri_)), document(std::make_unique<Document>(std::move(text), budget)) {}

  bool hot() const { return document != nullptr; }
  // One bounded step of the parse, without settling (see Document::reparse()).
  void parse_step(const ParseCancel* cancel) {
    const ParseResult result = document->reparse(/*settle=*/false, cancel);
    parsed = result != ParseResult::TimedOut;
    settled = result == ParseResult::Complete;
    if (parsed)
      unparsed_keystrokes = 0;
  }
  // The analysis is of the current text and equals what a parse of the whole file gives.
  bool analysis_exact() const {
    return analysis && analyzed_version == version && !analysis->provisional;
  }

  std::string uri;
  std::string path;                   // Empty for URIs that are not local files.
  std::unique_ptr<Document> document; // Null while cold.
  IncrementalAnalyzer analyzer;
  IncrementalChecker checker; // The findings of `analysis`, from those of unchanged statements.
  uint64_t last_used = 0;     // When it was last opened or edited (a counter).
  std::shared_ptr<const FileAnalysis> analysis; // Of `analyzed_version`.
  CheckConfig config;
  ModuleFile module;   // Whether the file is a public module or package (read with `config`).
  int64_t version = 0; // Of the text in `document`.
  int64_t analyzed_version = -1; // -1 until the first analysis.
  bool parsed = false;           // The tree reflects the text (no parse was cut short).
  bool settled = false;          // ...and is the canonical tree (what a fresh parse gives).
  // Keystrokes analyzed before the parse since the tree last reflected the text.
  int unparsed_keystrokes = 0;
  DiagnosticsText published; // The set last sent.
  PulledDiagnostics pulled;
  std::optional<Clock::time_point> publish_at;
  Clock::time_point config_checked;

  // check_file() of `analysis` (which must be set), valid until the next call.
  const std::vector<Finding>& findings() {
    return checker.check(*analysis, analyzer.statements_of(*analysis), config, module);
  }
  // findings() as the diagnostics show them under `learning` (WorkerOptions::learning).
  const std::vector<Finding>& shown(const std::function<LearningView()>& learning) {
    const std::vector<Finding>& checked = findings();
    return learning ? adapted.adapt(learning(), *analysis, path, analyzer, checked) : checked;
  }
  AdaptedFindingsCache adapted; // What the learning policy decided for `checker`'s findings.
};

namespace {

// How often, at most, an edited document looks for changes to its pyproject.toml.
constexpr auto kConfigRecheck = std::chrono::seconds(1);

// How many documents keep their trees (see OpenDocument).
constexpr size_t kHotDocuments = 8;

// How many keystrokes in a row are analyzed before the whole file is parsed (see
// analyze_edited_statements()): tree-sitter reuses less of a stale tree the more edits it has
// not caught up with, so when keystrokes come faster than the idle parses, every third one
// parses the file first (measured in docs/benchmarks.md).
constexpr int kMaxUnparsedKeystrokes = 2;

// LSP clamps positions past the end; log it, since it means the client and the server
// disagree about the text.
void log_if_out_of_range(const Document& document, const TextChange& change,
                         PositionEncoding encoding, const std::string& uri) {
  if (!change.range)
    return;
  for (const Position& position : {change.range->start, change.range->end}) {
    const size_t offset = document.lines().offset_of(document.text(), position, encoding);
    if (!(document.lines().position_of(document.text(), offset, encoding) == position))
      spdlog::warn("{}: edit at {}:{} is outside the text; clamped", uri, position.line,
                   position.character);
  }
}

} // namespace

void DocumentWorker::send_json(const json& message) {
  send_(message.dump(-1, ' ', false, json::error_handler_t::replace));
}

DocumentWorker::DocumentWorker(WorkerOptions options, Send send, ConfigFor config_for,
                               FeedbackCapture::Record record)
    : options_(options), send_(std::move(send)), config_for_(std::move(config_for)),
      capture_(std::move(record)) {
  thread_ = std::thread([this] { run(); });
}

DocumentWorker::~DocumentWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void DocumentWorker::open(const std::string& uri, std::string text, int64_t version) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Inbox& inbox = inboxes_[uri];
    inbox = Inbox{};
    inbox.opened = true;
    inbox.opened_text = std::move(text);
    inbox.version = version;
    open_[uri] = true;
    note_queued();
  }
  wake_.notify_one();
}

void DocumentWorker::change(const std::string& uri, int64_t version,
                            std::vector<TextChange> changes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (open_.count(uri) == 0) {
      spdlog::warn("{}: change to a document that is not open; ignored", uri);
      return;
    }
    Inbox& inbox = inboxes_[uri];
    for (TextChange& change : changes) {
      if (!change.range) { // A whole-text change makes the earlier ones moot.
        inbox.changes.clear();
      }
      inbox.changes.push_back(std::move(change));
    }
    inbox.version = version;
    note_queued();
  }
  wake_.notify_one();
}

void DocumentWorker::close(const std::string& uri) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (open_.erase(uri) == 0) {
      spdlog::warn("{}: close of a document that is not open; ignored", uri);
      return;
    }
    Inbox& inbox = inboxes_[uri];
    inbox = Inbox{};
    inbox.closed = true;
    note_queued();
  }
  wake_.notify_one();
}

void DocumentWorker::flag(const std::string& uri, std::initializer_list<bool Inbox::*> flags) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (open_.count(uri) == 0)
      return;
    Inbox& inbox = inboxes_[uri];
    for (bool Inbox::*flag : flags)
      inbox.*flag = true;
    note_queued();
  }
  wake_.notify_one();
}

void DocumentWorker::reconfigure(const std::string& uri) {
  flag(uri, {&Inbox::reconfigure});
}

void DocumentWorker::saved(const std::string& uri) {
  flag(uri, {&Inbox::reconfigure, &Inbox::saved});
}

void DocumentWorker::reconfigure_all(EditorSettings editor) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reconfigure_all_ = true;
    editor_ = editor;
    note_queued();
  }
  wake_.notify_one();
}

void DocumentWorker::query(const std::string& uri, Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queries_.push_back(Query{uri, std::move(job)});
    note_queued();
  }
  wake_.notify_one();
}

bool DocumentWorker::is_open(const std::string& uri) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_.count(uri) != 0;
}

void DocumentWorker::note_queued() {
  ++queued_;
  ++busy_;
}

bool DocumentWorker::take_work(std::map<std::string, Inbox>& inboxes, std::deque<Query>& queries,
                               bool& reconfigure_all, EditorSettings& editor, int& taken) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto has_work = [&] {
    return stopping_ || !inboxes_.empty() || !queries_.empty() || reconfigure_all_;
  };
  if (!has_work()) {
    // Idle work (finishing a cut-short parse, settling a tree) goes on without waiting.
    const bool idle_pending = idle_work_left_;
    if (!idle_pending) {
      if (std::optional<Clock::time_point> due = next_due())
        wake_.wait_until(lock, *due, has_work);
      else
        wake_.wait(lock, has_work);
    }
  }
  if (stopping_)
    return false;
  inboxes.swap(inboxes_);
  queries.swap(queries_);
  reconfigure_all = reconfigure_all_;
  reconfigure_all_ = false;
  editor = editor_;
  // Calls for the same document merge into one inbox: count calls, not inboxes.
  taken = queued_;
  queued_ = 0;
  return true;
}

void DocumentWorker::run() {
  for (;;) {
    std::map<std::string, Inbox> inboxes;
    std::deque<Query> queries;
    bool reconfigure_all = false;
    EditorSettings editor;
    int taken = 0;
    if (!take_work(inboxes, queries, reconfigure_all, editor, taken))
      return;
    worker_editor_ = editor;
    capture_.set_enabled(editor.learning_enabled);
    for (auto& [uri, inbox] : inboxes) {
      apply_inbox(uri, inbox);
      cool_down(); // Opening a hundred files at once must not hold a hundred trees.
    }
    if (reconfigure_all)
      for (auto& [uri, document] : documents_) {
        refresh_config(*document);
        document->published.forget(); // Settings may change the set: compare anew.
        publish_soon(*document);
      }
    for (Query& query : queries) {
      auto found = documents_.find(query.uri);
      OpenDocument* document = found == documents_.end() ? nullptr : found->second.get();
      if (document != nullptr)
        bring_up_to_date(*document);
      try {
        if (document != nullptr && document->analysis) {
          const DocumentView view{*document->analysis,
                                  document->config,
                                  document->path,
                                  document->analyzed_version,
                                  document->pulled,
                                  capture_,
                                  [this, document]() -> const std::vector<Finding>& {
                                    return document->shown(options_.learning);
                                  }};
          query.job(&view);
        } else {
          query.job(nullptr);
        }
      } catch (const std::exception& error) {
        spdlog::error("query on {} failed: {}", query.uri, error.what());
      }
    }
    busy_ -= static_cast<size_t>(taken);
    publish_due();
    // What came in meanwhile (a pull request right behind its edit) is answered first.
    if (busy())
      continue;
    // Freeing the previous versions' trees and definitions waits until the answers are out.
    for (auto& [uri, document] : documents_)
      document->analyzer.release_retired();
    idle_work_left_ = idle_step();
    // glibc keeps freed memory in the worker thread's arena; give the trees back.
    if (trees_released_)
      malloc_trim(0);
    trees_released_ = false;
  }
}

void DocumentWorker::apply_inbox(const std::string& uri, Inbox& inbox) {
  if (inbox.closed) {
    auto found = documents_.find(uri);
    if (found != documents_.end() && options_.push_diagnostics &&
        found->second->published.known() && !found->second->published.empty())
      send_json(notification("textDocument/publishDiagnostics",
                             json{{"uri", uri}, {"diagnostics", json::array()}}));
    if (found != documents_.end() && capture_.follows(uri)) {
      bring_up_to_date(*found->second); // The sections kept are judged on the last text.
      capture_.closed(uri, found->second->analysis.get());
    } else {
      capture_.closed(uri, nullptr);
    }
    documents_.erase(uri);
    return;
  }
  OpenDocument* document = nullptr;
  if (inbox.opened) {
    auto created = std::make_unique<OpenDocument>(uri, std::move(inbox.opened_text),
                                                  options_.parse_budget_micros);
    document = created.get();
    document->path = path_from_uri(uri).value_or("");
    refresh_config(*document);
    documents_[uri] = std::move(created);
  } else {
    auto found = documents_.find(uri);
    if (found == documents_.end())
      return;
    document = found->second.get();
  }
  const bool exact_before = document->hot() && document->analysis_exact();
  document->version = inbox.version.value_or(document->version);
  document->last_used = ++use_counter_;
  if (!inbox.changes.empty())
    make_hot(*document);
  for (const TextChange& change : inbox.changes) {
    log_if_out_of_range(*document->document, change, options_.encoding, uri);
    note_change(*document, change);
    document->document->edit(change, options_.encoding);
  }
  if (inbox.reconfigure || Clock::now() - document->config_checked > kConfigRecheck) {
    refresh_config(*document);
    if (inbox.reconfigure) {
      document->published.forget();
      document->pulled = PulledDiagnostics{};
    }
  }
  if (exact_before && !inbox.changes.empty() && !inbox.opened &&
      document->unparsed_keystrokes < kMaxUnparsedKeystrokes &&
      analyze_edited_statements(*document)) {
    ++document->unparsed_keystrokes;
    // Answered from the changed statements; the whole file is parsed when the worker is idle.
  } else if (document->hot()) {
    // One bounded parse step now; if it is cut short, later steps finish it between other
    // work, and meanwhile the changed statements are analyzed from their text.
    document->parse_step(nullptr);
    if (document->parsed) {
      analyze(*document);
    } else {
      analyze_before_parse(*document);
    }
  } else if (inbox.reconfigure) {
    publish_soon(*document); // A cold document's analysis is of its current text.
  }
  if (inbox.saved && capture_.follows(uri)) {
    bring_up_to_date(*document); // The sections kept are judged on the saved text.
    capture_.saved(uri, *document->analysis);
  }
}

void DocumentWorker::refresh_config(OpenDocument& document) {
  document.config = config_for_(document.path, true);
  document.module = module_file(document.path);
  document.config_checked = Clock::now();
}

void DocumentWorker::note_change(const OpenDocument& document, const TextChange& change) {
  if (!capture_.follows(document.uri))
    return;
  const Document& text = *document.document;
  if (change.range) {
    size_t start = text.lines().offset_of(text.text(), change.range->start, options_.encoding);
    size_t end = text.lines().offset_of(text.text(), change.range->end, options_.encoding);
    if (end < start)
      std::swap(start, end);
    capture_.edited(document.uri, start, end, change.text.size());
    return;
  }
  // A whole new text: the bytes between the common prefix and suffix changed (undo in some
  // clients sends the text whole, and must still be seen as the edit it is).
  const std::string_view before = text.text(), after = change.text;
  size_t prefix = 0;
  while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix])
    ++prefix;
  size_t suffix = 0;
  while (suffix < before.size() - prefix && suffix < after.size() - prefix &&
         before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
    ++suffix;
  capture_.edited(document.uri, prefix, before.size() - suffix, after.size() - suffix - prefix);
}

void DocumentWorker::note_analysis(OpenDocument& document) {
  if (capture_.follows(document.uri))
    capture_.analyzed(document.uri, *document.analysis);
}

void DocumentWorker::make_hot(OpenDocument& document) {
  if (document.hot())
    return;
  // The text is the cold analysis' text; parsing it again is the price of having let the
  // tree go (a few milliseconds for a thousand lines).
  document.document = std::make_unique<Document>(std::string(document.analysis->snapshot->text()),
                                                 options_.parse_budget_micros);
  document.analyzer = IncrementalAnalyzer();
  document.analysis.reset();
  document.parsed = document.settled = false;
}

void DocumentWorker::make_cold(OpenDocument& document) {
  spdlog::debug("{}: letting its tree go", document.uri);
  auto cold = std::make_shared<FileAnalysis>(*document.analysis);
  cold->snapshot = document.analysis->snapshot->without_tree();
  document.analysis = std::move(cold);
  document.analyzer = IncrementalAnalyzer();
  document.checker = IncrementalChecker(); // They hold the statements' shares.
  document.adapted = AdaptedFindingsCache();
  document.document.reset();
}

// Lets the least recently used hot documents go cold, once their analysis is final.
bool DocumentWorker::cool_down() {
  std::vector<OpenDocument*> hot;
  for (auto& [uri, document] : documents_)
    if (document->hot())
      hot.push_back(document.get());
  if (hot.size() <= kHotDocuments)
    return false;
  std::sort(hot.begin(), hot.end(), [](const OpenDocument* a, const OpenDocument* b) {
    return a->last_used < b->last_used;
  });
  bool cooled = false;
  for (size_t i = 0; i + kHotDocuments < hot.size(); ++i) {
    OpenDocument& document = *hot[i];
    if (document.parsed && document.settled && document.analysis &&
        document.analyzed_version == document.version) {
      make_cold(document);
      cooled = trees_released_ = true;
    }
  }
  return cooled;
}

void DocumentWorker::bring_up_to_date(OpenDocument& document) {
  if (!document.hot())
    return; // Its analysis is of its current text.
  if (document.analysis_exact())
    return; // Made before the parse finished, but equal to what the parse would give.
  while (!document.parsed)
    document.parse_step(nullptr);
  if (document.analyzed_version != document.version || !document.analysis ||
      document.analysis->provisional)
    analyze(document);
}

bool DocumentWorker::analyze_edited_statements(OpenDocument& document) {
  // The parse of the whole file re-reads every top-level statement (tree-sitter-python cannot
  // reuse its lists of statements), while the edited statements, parsed on their own from the
  // stale tree, cost about an incremental parse of themselves. Their analysis is used when it
  // equals what the whole parse would give (not provisional); the parse follows when idle.
  if (document.analyzer.last_result() != document.analysis)
    return false;
  document.analysis.reset(); // Lets the analyzer move definitions out of it.
  std::shared_ptr<const FileAnalysis> analysis =
      document.analyzer.analyze_edit(document.document->snapshot());
  if (!analysis) {
    document.analysis = document.analyzer.last_result();
    return false;
  }
  document.parsed = document.settled = false;
  document.analysis = std::move(analysis);
  document.analyzed_version = document.version;
  note_analysis(document);
  publish_soon(document);
  return true;
}

void DocumentWorker::analyze_before_parse(OpenDocument& document) {
  // The current analysis is kept alive: the analyzer may decline, and then it stays.
  std::shared_ptr<const FileAnalysis> analysis =
      document.analyzer.analyze(document.document->snapshot());
  if (!analysis)
    return;
  document.analysis = std::move(analysis);
  document.analyzed_version = document.version;
  note_analysis(document);
  publish_soon(document);
}

void DocumentWorker::analyze(OpenDocument& document) {
  document.analysis.reset(); // Lets the analyzer move definitions out of it.
  document.analysis = document.analyzer.analyze(document.document->snapshot());
  document.analyzed_version = document.version;
  note_analysis(document);
  publish_soon(document);
}

void DocumentWorker::publish_soon(OpenDocument& document) {
  if (options_.push_diagnostics)
    document.publish_at = Clock::now() + std::chrono::milliseconds(worker_editor_.debounce_ms);
}

std::optional<DocumentWorker::Clock::time_point> DocumentWorker::next_due() const {
  std::optional<Clock::time_point> due;
  for (const auto& [uri, document] : documents_)
    if (document->publish_at && (!due || *document->publish_at < *due))
      due = document->publish_at;
  return due;
}

void DocumentWorker::publish_due() {
  const Clock::time_point now = Clock::now();
  for (auto& [uri, document] : documents_)
    if (document->publish_at && *document->publish_at <= now)
      publish(*document);
}

void DocumentWorker::publish(OpenDocument& document) {
  document.publish_at.reset();
  if (!document.analysis)
    return;
  const FileAnalysis& analysis = *document.analysis;
  const std::vector<Finding>& findings = document.shown(options_.learning);
  if (!document.published.update(analysis, findings, options_.encoding))
    return; // Unchanged sets are not sent again.
  // Written around the serialized set: its items are serialized once each (DiagnosticsText).
  send_(fmt::format(R"({{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics",)"
                    R"("params":{{"uri":{},"version":{},"diagnostics":{}}}}})",
                    json(document.uri).dump(-1, ' ', false, json::error_handler_t::replace),
                    document.analyzed_version, document.published.array()));
}

bool DocumentWorker::idle_step() {
  // Finished documents cool down before unfinished ones get their next parse step: while many
  // are being opened, parses come in bounded slices, and the trees of the finished ones
  // would otherwise all stay in memory until the last one is done.
  const bool cooled = cool_down();
  for (auto& [uri, document] : documents_) {
    if (!document->hot() || (document->parsed && document->settled))
      continue;
    if (!document->parsed) {
      // Finish a parse that was cut short or left for now, one bounded step at a time, and
      // give way as soon as work comes in: this runs between keystrokes.
      document->parse_step(&busy_);
      // An analysis made from the changed statements alone that is not provisional already
      // equals what this tree gives.
      if (document->parsed && !document->analysis_exact())
        analyze(*document);
    } else if (document->document->reparse(/*settle=*/true, &busy_) == ParseResult::Complete) {
      // The provisional tree became canonical: the diagnostics now equal `docent check`'s.
      document->settled = true;
      analyze(*document);
    }
    return true;
  }
  return cooled;
}

} // namespace docent::lsp
