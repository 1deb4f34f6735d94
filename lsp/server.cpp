// The message loop and lifecycle of the language server (see server.h).
//
// Threads: the message thread (run_server's caller) reads and dispatches every message and
// answers lifecycle and bookkeeping requests itself; the document worker parses, analyzes and
// answers document queries; the workspace index runs at low priority; the feedback recorder
// appends the user's feedback to the store; the model service loads, trains and saves the
// learning model and publishes snapshots that requests read without waiting; a watch thread
// ends the process when the editor dies. Any thread may write a message (Transport::write
// serializes).
#include "lsp/server.h"

#include "analysis/config.h"
#include "inference/learner.h"
#include "inference/model_service.h"
#include "lsp/code_actions.h"
#include "lsp/features.h"
#include "lsp/feedback_json.h"
#include "lsp/learning_policy.h"
#include "lsp/protocol.h"
#include "lsp/settings.h"
#include "lsp/worker.h"
#include "lsp/workspace_index.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <future>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

namespace docent::lsp {

using namespace docent::analysis;

namespace {

constexpr const char* kVersion = "0.1.0";
constexpr const char* kIndexToken = "docent-index";

// A request the client may still cancel. Thread-safety: all members lock.
class RequestTracker {
public:
  void start(const json& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    running_.insert(id.dump());
  }
  // True for the one caller that gets to answer `id` (the handler or the cancellation).
  bool finish(const json& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    return running_.erase(id.dump()) == 1;
  }

private:
  std::mutex mutex_;
  std::set<std::string> running_;
};

// Settings from every source, merged per file. Thread-safety: all members lock.
class Configuration {
public:
  using Report = std::function<void(const std::string& message)>;
  explicit Configuration(Report report) : report_(std::move(report)) {}

  void set_client_settings(const json& settings) {
    std::lock_guard<std::mutex> lock(mutex_);
    client_ = settings;
    EditorSettings editor;
    CheckConfig scratch;
    report_problems("settings", apply_settings(client_, scratch, &editor));
    editor_ = editor;
  }

  EditorSettings editor() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return editor_;
  }

  void set_root(std::string root) {
    std::lock_guard<std::mutex> lock(mutex_);
    root_ = std::move(root);
  }

  // Defaults, then [tool.docent] of the nearest pyproject.toml, then the client's settings.
  CheckConfig config_for(const std::string& path, bool fresh) {
    std::lock_guard<std::mutex> lock(mutex_);
    CheckConfig config;
    const std::string start = path.empty() ? root_ : path;
    if (!start.empty())
      if (std::optional<std::string> pyproject = find_pyproject(start))
        config = pyproject_config(*pyproject, fresh);
    std::vector<ConfigProblem> problems = apply_settings(client_, config, nullptr);
    report_problems("settings", problems);
    return config;
  }

  WalkOptions walk_options() { return WalkOptions{config_for("", true).exclude}; }

private:
  struct Loaded {
    bool read = false;
    std::optional<std::string> text; // Null when the file could not be read.
    CheckConfig config;
  };

  static std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // A pyproject.toml is small: comparing its text tells a change that a timestamp can miss
  // (two writes within one tick of the file system's clock).
  CheckConfig pyproject_config(const std::string& pyproject, bool fresh) {
    Loaded& loaded = pyprojects_[pyproject];
    if (fresh || !loaded.read) {
      std::optional<std::string> text = read_file(pyproject);
      if (!loaded.read || text != loaded.text) {
        loaded.read = true;
        loaded.text = std::move(text);
        loaded.config = CheckConfig{};
        report_problems(pyproject, load_pyproject(pyproject, loaded.config));
      }
    }
    return loaded.config;
  }

  // One warning per distinct problem, naming the key.
  void report_problems(const std::string& where, const std::vector<ConfigProblem>& problems) {
    for (const ConfigProblem& problem : problems) {
      std::string message =
          fmt::format("docent: {}: {}: {}; using the default", where, problem.key, problem.message);
      if (reported_.insert(message).second) {
        spdlog::warn("{}", message);
        report_(message);
      }
    }
  }

  mutable std::mutex mutex_;
  Report report_;
  json client_ = json::object();
  EditorSettings editor_;
  std::string root_;
  std::map<std::string, Loaded> pyprojects_;
  std::set<std::string> reported_;
};

// Ends the process when the editor that started it is gone (LSP: initialize's processId).
class ParentWatch {
public:
  explicit ParentWatch(pid_t pid) {
    thread_ = std::thread([this, pid] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stopping_) {
        if (::kill(pid, 0) != 0 && errno == ESRCH) {
          spdlog::error("the editor process {} is gone; exiting", pid);
          spdlog::shutdown();
          std::_Exit(1);
        }
        wake_.wait_for(lock, std::chrono::seconds(1));
      }
    });
  }
  ~ParentWatch() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

struct InvalidParams : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const json& require(const json& params, const char* key) {
  if (!params.is_object() || !params.contains(key))
    throw InvalidParams(std::string("missing '") + key + "'");
  return params[key];
}

std::string require_string(const json& params, const char* key) {
  const json& value = require(params, key);
  if (!value.is_string())
    throw InvalidParams(std::string("'") + key + "' must be a string");
  return value.get<std::string>();
}

// An optional string member: `fallback` when absent or null.
std::string optional_string(const json& params, const char* key, const std::string& fallback) {
  if (!params.is_object() || !params.contains(key) || params[key].is_null())
    return fallback;
  if (!params[key].is_string())
    throw InvalidParams(std::string("'") + key + "' must be a string");
  return params[key].get<std::string>();
}

std::string document_uri(const json& params) {
  return require_string(require(params, "textDocument"), "uri");
}

int64_t document_version(const json& text_document) {
  const json& version = require(text_document, "version");
  if (!version.is_number_integer())
    throw InvalidParams("'version' must be an integer");
  return version.get<int64_t>();
}

// Whether the client resolves a code action's `edit` with codeAction/resolve (LSP 3.16+).
bool client_resolves_edits(const json& capabilities) {
  const json* properties =
      find_path(capabilities, {"textDocument", "codeAction", "resolveSupport", "properties"});
  return properties != nullptr && properties->is_array() &&
         std::find(properties->begin(), properties->end(), "edit") != properties->end();
}

Position require_position(const json& params) {
  std::string error;
  std::optional<Position> position = position_from_json(require(params, "position"), error);
  if (!position)
    throw InvalidParams("position: " + error);
  return *position;
}

std::vector<TextChange> content_changes(const json& params) {
  const json& changes = require(params, "contentChanges");
  if (!changes.is_array())
    throw InvalidParams("'contentChanges' must be an array");
  std::vector<TextChange> result;
  for (const json& change : changes) {
    TextChange parsed;
    parsed.text = require_string(change, "text");
    if (change.contains("range")) {
      std::string error;
      parsed.range = range_from_json(change["range"], error);
      if (!parsed.range)
        throw InvalidParams("contentChanges: " + error);
    }
    result.push_back(std::move(parsed));
  }
  return result;
}

bool is_valid_id(const json& id) {
  return id.is_number_integer() || id.is_string();
}

inference::LearningSettings learning_settings(const EditorSettings& editor) {
  return inference::LearningSettings{editor.learning_enabled, editor.learning_data_directory};
}

// Whether the user asked for these code actions (LSP 3.17's triggerKind Invoked, or a client
// that does not say), as opposed to a light bulb that follows the cursor.
bool invoked_by_user(const json& context) {
  const json* trigger = find_path(context, {"triggerKind"});
  return trigger == nullptr || !trigger->is_number_integer() || trigger->get<int>() == 1;
}

constexpr const char* kLearningDisabled = "learning is disabled (learning.enabled is false)";

// The model's part of docent.learning.stats: whether it is loaded and what it has trained on,
// so that a client (and the tests) can tell when it has caught up with the feedback.
json model_json(const inference::LearningSnapshot& snapshot) {
  return json{{"loaded", snapshot.loaded},
              {"status", snapshot.status},
              {"load_seconds", snapshot.load_seconds},
              {"trained_events", snapshot.trained_events},
              {"last_event", snapshot.last_event}};
}

class Server {
public:
  Server(Transport& transport, const ServerOptions& options)
      : transport_(transport), options_(options),
        configuration_([this](const std::string& message) { show_warning(message); }) {}

  ~Server() {
    index_.reset(); // Before the worker it polls.
    if (model_)
      model_->stop(); // No more callbacks into the worker; its snapshot stays readable.
    worker_.reset();
    recorder_.reset(); // After the worker, which records; its queued events are stored.
    model_.reset();    // After the recorder, whose callbacks tell it about events.
    parent_.reset();
  }

  int run() {
    for (;;) {
      ReadResult read = transport_.read();
      switch (read.status) {
      case ReadResult::Status::Message:
        if (!read.problem.empty())
          spdlog::warn("{}", read.problem);
        handle_body(std::move(read.body));
        break;
      case ReadResult::Status::BadHeader:
      case ReadResult::Status::TooLarge:
        spdlog::warn("{}", read.problem);
        break;
      case ReadResult::Status::EndOfInput:
        spdlog::info("{}; stopping", read.problem);
        return shutdown_requested_ ? 0 : 1;
      }
      if (exit_requested_)
        return shutdown_requested_ ? 0 : 1;
    }
  }

private:
  enum class State { Uninitialized, Running, ShutDown };

  void send(const json& message) {
    transport_.write(message.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  // At log level debug, one line per message read and per reply sent, as clangd's verbose log
  // has: what a user attaches to a report about a request that seems never answered.
  static void trace(const char* what, const std::string& method, const json& id) {
    if (spdlog::should_log(spdlog::level::debug))
      spdlog::debug("{} {} {}", what, method, id.is_null() ? std::string() : id.dump());
  }

  void reply(const json& id, json result) {
    if (!tracker_.finish(id))
      return;
    trace("-->", "reply", id);
    send(response(id, std::move(result)));
  }

  // The same with the result already serialized: a large result is not serialized twice.
  void reply_serialized(const json& id, const std::string& result) {
    if (!tracker_.finish(id))
      return;
    trace("-->", "reply", id);
    transport_.write(fmt::format(R"({{"jsonrpc":"2.0","id":{},"result":{}}})", id.dump(), result));
  }

  void reply_error(const json& id, int code, const std::string& message) {
    if (!tracker_.finish(id))
      return;
    trace("-->", "error", id);
    send(error_response(id, code, message));
  }

  void show_warning(const std::string& message) {
    send(notification("window/showMessage", json{{"type", 2}, {"message", message}}));
  }

  void handle_body(std::string body) {
    if (const size_t replaced = repair_utf8(body))
      spdlog::warn("message with {} bytes of invalid UTF-8; replaced by U+FFFD", replaced);
    json message;
    try {
      message = json::parse(body);
    } catch (const json::parse_error& error) {
      spdlog::warn("malformed JSON: {}", error.what());
      send(error_response(nullptr, kParseError, std::string("Parse error: ") + error.what()));
      return;
    }
    if (!message.is_object()) {
      send(error_response(nullptr, kInvalidRequest, "Invalid Request: not a JSON object"));
      return;
    }
    const auto method = message.find("method");
    const auto id = message.find("id");
    if (method == message.end()) {
      if (id != message.end() && (message.contains("result") || message.contains("error")))
        handle_client_response(*id, message);
      else
        send(error_response(id != message.end() && is_valid_id(*id) ? *id : json(nullptr),
                            kInvalidRequest, "Invalid Request: no method"));
      return;
    }
    if (!method->is_string() || (id != message.end() && !is_valid_id(*id))) {
      send(error_response(id != message.end() && is_valid_id(*id) ? *id : json(nullptr),
                          kInvalidRequest, "Invalid Request: bad method or id"));
      return;
    }
    const json params = message.contains("params") ? message["params"] : json(nullptr);
    trace("<--", method->get<std::string>(), id == message.end() ? json(nullptr) : *id);
    if (id == message.end())
      handle_notification(method->get<std::string>(), params);
    else
      handle_request(*id, method->get<std::string>(), params);
  }

  void handle_request(const json& id, const std::string& method, const json& params) {
    tracker_.start(id);
    if (state_ == State::Uninitialized && method != "initialize")
      return reply_error(id, kServerNotInitialized, "the server is not initialized yet");
    if (state_ == State::Running && method == "initialize")
      return reply_error(id, kInvalidRequest, "initialize was already received");
    if (state_ == State::ShutDown)
      return reply_error(id, kInvalidRequest, "the server is shutting down");
    try {
      dispatch_request(id, method, params);
    } catch (const InvalidParams& error) {
      reply_error(id, kInvalidParams, std::string("Invalid params: ") + error.what());
    } catch (const std::exception& error) {
      spdlog::error("{} failed: {}", method, error.what());
      reply_error(id, kInternalError, std::string("Internal error: ") + error.what());
    }
  }

  void dispatch_request(const json& id, const std::string& method, const json& params) {
    if (method == "initialize")
      return reply(id, initialize(params));
    if (method == "shutdown") {
      state_ = State::ShutDown;
      shutdown_requested_ = true;
      return reply(id, nullptr);
    }
    if (method == "textDocument/hover")
      return hover(id, params);
    if (method == "textDocument/codeLens")
      return code_lens(id, params);
    if (method == "textDocument/diagnostic")
      return pull_diagnostics(id, params);
    if (method == "textDocument/codeAction")
      return code_action(id, params);
    if (method == "codeAction/resolve")
      return resolve_code_action(id, params);
    if (method == "workspace/executeCommand")
      return execute_command(id, params);
    if (method == "docent/workspaceStats")
      return reply(id, index_ ? index_->stats() : json::object());
    reply_error(id, kMethodNotFound, "Method not found: " + method);
  }

  void handle_notification(const std::string& method, const json& params) {
    if (method == "exit") {
      exit_requested_ = true;
      return;
    }
    if (state_ != State::Running)
      return; // Before initialize and after shutdown, notifications other than exit drop.
    try {
      dispatch_notification(method, params);
    } catch (const std::exception& error) {
      spdlog::warn("{}: {}; ignored", method, error.what());
    }
  }

  void dispatch_notification(const std::string& method, const json& params) {
    if (method == "initialized")
      return initialized();
    if (method == "textDocument/didOpen") {
      const json& document = require(params, "textDocument");
      return worker_->open(require_string(document, "uri"), require_string(document, "text"),
                           document_version(document));
    }
    if (method == "textDocument/didChange") {
      const json& document = require(params, "textDocument");
      return worker_->change(require_string(document, "uri"), document_version(document),
                             content_changes(params));
    }
    if (method == "textDocument/didClose")
      return worker_->close(document_uri(params));
    if (method == "textDocument/didSave")
      return worker_->saved(document_uri(params));
    if (method == "workspace/didChangeConfiguration")
      return settings_changed(params);
    if (method == "workspace/didChangeWatchedFiles")
      return worker_->reconfigure_all(configuration_.editor());
    if (method == "$/cancelRequest") {
      const json& id = require(params, "id");
      if (tracker_.finish(id))
        send(error_response(id, kRequestCancelled, "Request cancelled"));
      return;
    }
    // Unknown notifications, `$/` ones included, are ignored as the specification asks.
  }

  json initialize(const json& params) {
    if (!params.is_object())
      throw InvalidParams("initialize needs an object of params");
    const json capabilities = params.value("capabilities", json::object());
    client_capabilities_ = capabilities;
    encoding_ = negotiate_encoding(capabilities);
    const json* formats = find_path(capabilities, {"textDocument", "hover", "contentFormat"});
    markdown_ = formats != nullptr && formats->is_array() &&
                std::find(formats->begin(), formats->end(), "markdown") != formats->end();
    pull_diagnostics_ = find_path(capabilities, {"textDocument", "diagnostic"}) != nullptr;
    resolve_edits_ = client_resolves_edits(capabilities);
    const json* document_changes =
        find_path(capabilities, {"workspace", "workspaceEdit", "documentChanges"});
    document_changes_ = document_changes != nullptr && document_changes->is_boolean() &&
                        document_changes->get<bool>();
    if (params.contains("initializationOptions"))
      configuration_.set_client_settings(params["initializationOptions"]);
    roots_ = workspace_roots(params);
    if (!roots_.empty())
      configuration_.set_root(roots_.front());
    if (std::optional<pid_t> parent = parent_process(params))
      parent_ = std::make_unique<ParentWatch>(*parent);

    recorder_ = std::make_unique<inference::FeedbackRecorder>(
        learning_settings(configuration_.editor()), [this](const std::string& message) {
          spdlog::warn("{}", message);
          show_warning(message);
        });
    refresh_diagnostics_ =
        pull_diagnostics_ && client_supports({"workspace", "diagnostics", "refreshSupport"});
    // Created before the worker, which reads its snapshots, and configured after it, since its
    // callbacks go to the worker.
    model_ = std::make_unique<inference::ModelService>(
        [this](const std::string& message) {
          spdlog::warn("{}", message);
          show_warning(message);
        },
        [this] { learning_changed(); });
    learning_mode_ = configuration_.editor().learning_mode;
    WorkerOptions worker;
    worker.encoding = encoding_;
    worker.push_diagnostics = !pull_diagnostics_;
    worker.parse_budget_micros = options_.parse_budget_micros;
    worker.learning = [this] { return learning_view(); };
    worker_ = std::make_unique<DocumentWorker>(
        worker, [this](const std::string& message) { transport_.write(message); },
        [this](const std::string& path, bool fresh) {
          return configuration_.config_for(path, fresh);
        },
        [this](inference::FeedbackEvent event) { record_quietly(std::move(event)); });
    worker_->reconfigure_all(configuration_.editor());
    model_->configure(learning_settings(configuration_.editor()));
    state_ = State::Running;

    json result = {
        {"capabilities",
         {{"positionEncoding", encoding_name(encoding_)},
          {"textDocumentSync",
           {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
          {"hoverProvider", true},
          {"codeLensProvider", {{"resolveProvider", false}}},
          {"codeActionProvider",
           {{"codeActionKinds", {"quickfix", "refactor.rewrite", "source.docent.addDocstrings"}},
            {"resolveProvider", true}}},
          {"executeCommandProvider",
           {{"commands", {kFeedbackCommand, kStatsCommand, kResetCommand}}}},
          {"workspace", {{"workspaceFolders", {{"supported", true}}}}}}},
        {"serverInfo", {{"name", "docent"}, {"version", kVersion}}},
    };
    if (pull_diagnostics_)
      result["capabilities"]["diagnosticProvider"] = {{"identifier", "docent"},
                                                      {"interFileDependencies", false},
                                                      {"workspaceDiagnostics", false}};
    return result;
  }

  // initialize's processId, if it can be a process: a pid that does not fit pid_t would
  // truncate to another process, or to 0 or -1, which kill() takes for groups of processes.
  static std::optional<pid_t> parent_process(const json& params) {
    const json process = params.value("processId", json(nullptr));
    if (!process.is_number_integer())
      return std::nullopt;
    const int64_t pid = process.get<int64_t>();
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) {
      spdlog::warn("initialize: processId {} is not a process id; not watched", pid);
      return std::nullopt;
    }
    return static_cast<pid_t>(pid);
  }

  static std::vector<std::string> workspace_roots(const json& params) {
    std::vector<std::string> roots;
    const json folders = params.value("workspaceFolders", json(nullptr));
    if (folders.is_array())
      for (const json& folder : folders)
        if (folder.is_object() && folder.contains("uri") && folder["uri"].is_string())
          if (auto path = path_from_uri(folder["uri"].get<std::string>()))
            roots.push_back(*path);
    const json root_uri = params.value("rootUri", json(nullptr));
    if (roots.empty() && root_uri.is_string())
      if (auto path = path_from_uri(root_uri.get<std::string>()))
        roots.push_back(*path);
    const json root_path = params.value("rootPath", json(nullptr));
    if (roots.empty() && root_path.is_string())
      roots.push_back(root_path.get<std::string>());
    return roots;
  }

  bool client_supports(std::initializer_list<const char*> path) const {
    const json* value = find_path(client_capabilities_, path);
    return value != nullptr && value->is_boolean() && value->get<bool>();
  }

  void initialized() {
    if (initialized_received_) {
      spdlog::warn("a second initialized notification; ignored");
      return;
    }
    initialized_received_ = true;
    if (client_supports({"workspace", "configuration"}))
      request_configuration();
    if (client_supports({"workspace", "didChangeWatchedFiles", "dynamicRegistration"}))
      send_request(
          "client/registerCapability",
          json{{"registrations",
                {{{"id", "docent-pyproject"},
                  {"method", "workspace/didChangeWatchedFiles"},
                  {"registerOptions", {{"watchers", {{{"globPattern", "**/pyproject.toml"}}}}}}}}}},
          nullptr);
    start_index();
  }

  void start_index() {
    if (roots_.empty())
      return;
    // Progress goes out only once the client has created the token, and never if it refused.
    auto use_progress = std::make_shared<std::atomic<bool>>(false);
    index_ = std::make_unique<WorkspaceIndex>(
        roots_, configuration_.walk_options(), [this] { return worker_->busy(); },
        index_progress(use_progress));
    if (!client_supports({"window", "workDoneProgress"}))
      return index_->start();
    send_request("window/workDoneProgress/create", json{{"token", kIndexToken}},
                 [this, use_progress](const json& reply) {
                   *use_progress = !reply.contains("error");
                   index_->start();
                 });
  }

  IndexProgress index_progress(std::shared_ptr<std::atomic<bool>> use_progress) {
    auto report = [this, use_progress](json value) {
      if (*use_progress)
        send(notification("$/progress", json{{"token", kIndexToken}, {"value", std::move(value)}}));
    };
    return IndexProgress{
        [report](size_t total) {
          report(json{{"kind", "begin"},
                      {"title", "docent: indexing"},
                      {"message", fmt::format("0/{} files", total)},
                      {"percentage", 0},
                      {"cancellable", false}});
        },
        [report](size_t done, size_t total) {
          report(json{{"kind", "report"},
                      {"message", fmt::format("{}/{} files", done, total)},
                      {"percentage", total == 0 ? 100 : done * 100 / total}});
        },
        [report](size_t total) {
          report(json{{"kind", "end"}, {"message", fmt::format("{} files indexed", total)}});
        }};
  }

  void settings_changed(const json& params) {
    const json settings = params.is_object() ? params.value("settings", json(nullptr)) : json();
    if ((settings.is_null() || settings.empty()) && client_supports({"workspace", "configuration"}))
      return request_configuration(); // The client expects to be asked.
    configuration_.set_client_settings(settings);
    editor_settings_changed();
  }

  void editor_settings_changed() {
    const EditorSettings editor = configuration_.editor();
    learning_mode_ = editor.learning_mode;
    worker_->reconfigure_all(editor);
    recorder_->configure(learning_settings(editor));
    model_->configure(learning_settings(editor));
  }

  // What requests and publications apply of the learning model: never waits for it.
  LearningView learning_view() const {
    return LearningView{learning_mode_.load(), model_->snapshot(), model_.get()};
  }

  // The model trained: what diagnostics show may change in every document. Publish them again
  // (push), or ask the client to pull them again when it can be asked.
  void learning_changed() {
    worker_->reconfigure_all(configuration_.editor());
    if (refresh_diagnostics_)
      send(request("docent-refresh-" + std::to_string(++refresh_requests_),
                   "workspace/diagnostic/refresh", nullptr));
  }

  void request_configuration() {
    send_request("workspace/configuration", json{{"items", {{{"section", "docent"}}}}},
                 [this](const json& reply) {
                   const json* items = find_path(reply, {"result"});
                   if (items == nullptr || !items->is_array() || items->empty())
                     return;
                   const json& settings = items->front();
                   configuration_.set_client_settings(settings.is_null() ? json::object()
                                                                         : settings);
                   editor_settings_changed();
                 });
  }

  void send_request(const std::string& method, json params,
                    std::function<void(const json& reply)> on_reply) {
    const std::string id = "docent-" + std::to_string(++next_request_);
    if (on_reply)
      pending_replies_[id] = std::move(on_reply);
    send(request(id, method, std::move(params)));
  }

  void handle_client_response(const json& id, const json& message) {
    if (!id.is_string())
      return;
    const auto found = pending_replies_.find(id.get<std::string>());
    if (found == pending_replies_.end())
      return;
    auto on_reply = std::move(found->second);
    pending_replies_.erase(found);
    if (message.contains("error"))
      spdlog::warn("the client answered {} with an error: {}", id.dump(), message["error"].dump());
    on_reply(message);
  }

  // Document queries run on the worker once the document is up to date.
  template <typename Answer> void on_worker(const json& id, const std::string& uri, Answer answer) {
    worker_->query(uri, [this, id, answer](const DocumentWorker::DocumentView* document) {
      try {
        if constexpr (std::is_same_v<decltype(answer(document)), std::string>)
          reply_serialized(id, answer(document));
        else
          reply(id, answer(document));
      } catch (const RequestError& error) {
        reply_error(id, error.code, error.what());
      } catch (const std::exception& error) {
        spdlog::error("request {} failed: {}", id.dump(), error.what());
        reply_error(id, kInternalError, std::string("Internal error: ") + error.what());
      }
    });
  }

  // Called on the worker; `reuse` was taken on the message thread, which owns index_.
  ActionContext action_context(const std::string& uri, const DocumentWorker::DocumentView& document,
                               std::shared_ptr<const ParameterDescriptions> reuse,
                               bool learning = false, std::string id_prefix = {}) const {
    ActionContext context;
    context.uri = uri;
    context.path = document.path;
    context.version = document.version;
    context.encoding = encoding_;
    context.resolve_edits = resolve_edits_;
    context.document_changes = document_changes_;
    context.reuse = std::move(reuse);
    context.learning = learning;
    context.id_prefix = std::move(id_prefix);
    context.contexts = &file_contexts_;
    const LearningView view = learning_view();
    if (view.mode == inference::LearningMode::Adapt && view.active() &&
        view.snapshot->departs_anywhere()) {
      auto features = std::make_shared<inference::FeatureSource>(document.analysis, document.path,
                                                                 &file_contexts_);
      context.docstring_sections = [view, features](int index) {
        return docstring_sections(view, *features, index);
      };
    }
    return context;
  }

  void code_action(const json& id, const json& params) {
    const std::string uri = document_uri(params);
    if (!params.contains("range"))
      throw InvalidParams("missing 'range'");
    std::string error;
    const std::optional<Range> range = range_from_json(params["range"], error);
    if (!range)
      throw InvalidParams("range: " + error);
    const json context = params.value("context", json::object());
    const auto reuse = index_ ? index_->parameter_descriptions() : nullptr;
    const bool learning = recorder_->enabled();
    const std::string id_prefix = "docent-" + std::to_string(++action_requests_);
    on_worker(id, uri, [=](const DocumentWorker::DocumentView* document) -> json {
      if (document == nullptr)
        return json::array();
      const Snapshot& snapshot = *document->analysis.snapshot;
      const size_t cursor = snapshot.lines().offset_of(snapshot.text(), range->start, encoding_);
      json actions = code_actions_json(document->analysis, document->config,
                                       action_context(uri, *document, reuse, learning, id_prefix),
                                       cursor, context);
      order_actions(learning_view(), actions);
      document->feedback.shown(uri, actions, invoked_by_user(context));
      return actions;
    });
  }

  void execute_command(const json& id, const json& params) {
    const std::string command = require_string(params, "command");
    const json arguments = params.value("arguments", json::array());
    if (command == kFeedbackCommand)
      return record_feedback(id, arguments);
    if (command == kStatsCommand)
      return learning_stats(id);
    if (command == kResetCommand)
      return reset_learning(id);
    throw InvalidParams("unknown command '" + command + "'");
  }

  // docent.feedback: the client applied a docent action. Answered once the event is durable.
  void record_feedback(const json& id, const json& arguments) {
    std::string error;
    std::optional<FeedbackArguments> parsed = feedback_arguments(arguments, error);
    if (!parsed)
      throw InvalidParams("docent.feedback: " + error);
    if (!recorder_->enabled())
      return reply(id, json{{"recorded", false}, {"reason", kLearningDisabled}});
    if (!recorded_ids_.insert(parsed->id).second)
      return reply(id, json{{"recorded", false}, {"reason", "already recorded"}});
    auto taken = std::make_shared<const FeedbackArguments>(std::move(*parsed));
    // Through the worker, after the edit the client applied: it follows inserted docstrings.
    worker_->query(taken->uri, [this, id, taken](const DocumentWorker::DocumentView* document) {
      if (document != nullptr)
        document->feedback.taken(*taken, &document->analysis);
      inference::FeedbackEvent event = taken->event;
      event.time_ms = inference::unix_time_ms();
      recorder_->record(std::move(event), [this, id](inference::Result<int64_t> stored) {
        if (stored) {
          model_->recorded();
          reply(id, json{{"recorded", true}, {"event", *stored}});
        } else
          reply_error(id, kRequestFailed, "docent.feedback: " + stored.error);
      });
    });
  }

  void learning_stats(const json& id) {
    if (!recorder_->enabled())
      return reply(id, json{{"enabled", false}, {"message", kLearningDisabled}});
    recorder_->stats([this, id](inference::Result<inference::LearningStats> stats) {
      if (!stats)
        return reply_error(id, kRequestFailed, "docent.learning.stats: " + stats.error);
      json answer = stats_json(*stats);
      answer["enabled"] = true;
      answer["model"] = model_json(*model_->snapshot());
      reply(id, std::move(answer));
    });
  }

  void reset_learning(const json& id) {
    if (!recorder_->enabled())
      return reply(id, json{{"enabled", false}, {"deleted", 0}, {"message", kLearningDisabled}});
    recorder_->reset([this, id](inference::Result<int64_t> deleted) {
      if (deleted) {
        model_->reset();
        reply(id, json{{"enabled", true}, {"deleted", *deleted}});
      } else
        reply_error(id, kRequestFailed, "docent.learning.reset: " + deleted.error);
    });
  }

  // Feedback the worker gathered from edits and requests: nobody waits for it.
  void record_quietly(inference::FeedbackEvent event) {
    recorder_->record(std::move(event), [this](inference::Result<int64_t> stored) {
      if (stored)
        model_->recorded();
      else
        spdlog::debug("feedback not recorded: {}", stored.error);
    });
  }

  void resolve_code_action(const json& id, const json& params) {
    const json* uri = find_path(params, {"data", "uri"});
    if (uri == nullptr || !uri->is_string())
      throw InvalidParams("not a code action docent offered (no data.uri)");
    const auto reuse = index_ ? index_->parameter_descriptions() : nullptr;
    on_worker(id, uri->get<std::string>(),
              [=, uri = uri->get<std::string>()](const DocumentWorker::DocumentView* document) {
                if (document == nullptr)
                  throw RequestError(kContentModified, "the document is not open");
                return docent::lsp::resolve_code_action(document->analysis, document->config,
                                                        action_context(uri, *document, reuse),
                                                        params);
              });
  }

  void hover(const json& id, const json& params) {
    const std::string uri = document_uri(params);
    const Position position = require_position(params);
    const PositionEncoding encoding = encoding_;
    const bool markdown = markdown_;
    on_worker(id, uri, [=](const DocumentWorker::DocumentView* document) -> json {
      if (document == nullptr)
        return nullptr;
      const Snapshot& snapshot = *document->analysis.snapshot;
      const size_t offset = snapshot.lines().offset_of(snapshot.text(), position, encoding);
      std::optional<json> hover = hover_json(document->analysis, offset, encoding, markdown);
      if (!hover)
        return nullptr;
      add_explanation(*hover, *document, encoding);
      return *hover;
    });
  }

  // Hover over a definition says what the user did with similar suggestions, once the model
  // has that (learning_policy.h).
  void add_explanation(json& hover, const DocumentWorker::DocumentView& document,
                       PositionEncoding encoding) const {
    const LearningView view = learning_view();
    if (!view.active())
      return;
    const FileAnalysis& analysis = document.analysis;
    // A definition's hover has the range of its name; the module's has none.
    int index = -1;
    std::string error;
    if (const std::optional<Range> range = range_from_json(hover.value("range", json()), error)) {
      const Snapshot& snapshot = *analysis.snapshot;
      const size_t start = snapshot.lines().offset_of(snapshot.text(), range->start, encoding);
      for (size_t i = 0; i < analysis.model.definitions.size() && index < 0; ++i)
        if (analysis.model.definitions[i].name_range.start == start)
          index = static_cast<int>(i);
    }
    inference::FeatureSource features(analysis, document.path, &file_contexts_);
    const std::string sentence = hover_explanation(view, features, index);
    if (!sentence.empty())
      hover["contents"]["value"] =
          hover["contents"]["value"].get<std::string>() + "\n\n" + sentence;
  }

  void code_lens(const json& id, const json& params) {
    const std::string uri = document_uri(params);
    const PositionEncoding encoding = encoding_;
    const bool enabled = configuration_.editor().code_lens;
    on_worker(id, uri, [=](const DocumentWorker::DocumentView* document) -> json {
      if (document == nullptr || !enabled)
        return json::array();
      return code_lenses_json(document->analysis, encoding);
    });
  }

  void pull_diagnostics(const json& id, const json& params) {
    const std::string uri = document_uri(params);
    const std::string previous = optional_string(params, "previousResultId", "");
    const PositionEncoding encoding = encoding_;
    // Answered as text: the items are serialized once per distinct set, which the compact
    // signature tells without building any JSON; an unchanged set costs only the findings.
    on_worker(id, uri, [=](const DocumentWorker::DocumentView* document) -> std::string {
      if (document == nullptr)
        return R"({"kind":"full","items":[]})";
      const std::vector<Finding>& findings = document->shown();
      DocumentWorker::PulledDiagnostics& pulled = document->pulled;
      if (pulled.text.update(document->analysis, findings, encoding))
        pulled.result_id = fmt::format("{:x}", pulled.text.content_hash());
      if (pulled.result_id == previous)
        return fmt::format(R"({{"kind":"unchanged","resultId":"{}"}})", pulled.result_id);
      return fmt::format(R"({{"kind":"full","resultId":"{}","items":{}}})", pulled.result_id,
                         pulled.text.array());
    });
  }

  Transport& transport_;
  ServerOptions options_;
  Configuration configuration_;
  RequestTracker tracker_;
  State state_ = State::Uninitialized;
  bool shutdown_requested_ = false;
  bool initialized_received_ = false;
  bool exit_requested_ = false;
  json client_capabilities_ = json::object();
  PositionEncoding encoding_ = PositionEncoding::Utf16;
  bool markdown_ = false;
  bool pull_diagnostics_ = false;
  bool resolve_edits_ = false;    // The client resolves code actions' edits lazily.
  bool document_changes_ = false; // The client takes versioned documentChanges.
  std::vector<std::string> roots_;
  int next_request_ = 0;
  std::map<std::string, std::function<void(const json&)>> pending_replies_;
  uint64_t action_requests_ = 0;       // textDocument/codeAction requests, for action ids.
  std::set<std::string> recorded_ids_; // Of docent.feedback commands run in this session.
  std::unique_ptr<ParentWatch> parent_;
  std::unique_ptr<inference::FeedbackRecorder> recorder_;
  std::unique_ptr<inference::ModelService> model_;
  // The worker's (document jobs only): code actions at every cursor move reuse it.
  mutable inference::FileContextCache file_contexts_;
  std::atomic<inference::LearningMode> learning_mode_{inference::LearningMode::Adapt};
  bool refresh_diagnostics_ = false; // Pull client that takes workspace/diagnostic/refresh.
  std::atomic<uint64_t> refresh_requests_{0};
  std::unique_ptr<DocumentWorker> worker_;
  std::unique_ptr<WorkspaceIndex> index_;
};

} // namespace

int run_server(Transport& transport, const ServerOptions& options) {
  // A client that closes its end of a pipe must not kill the server before it logs why.
  std::signal(SIGPIPE, SIG_IGN);
  auto server = std::make_unique<Server>(transport, options);
  const int status = server->run();
  // Stopping joins the worker, which may be blocked writing to a client that no longer reads
  // (it sent `exit` and waits for the process to end): give the threads a moment, then end
  // the process without them.
  auto stopped = std::async(std::launch::async, [&server] { server.reset(); });
  if (stopped.wait_for(std::chrono::seconds(2)) == std::future_status::timeout) {
    spdlog::warn("background work did not stop within 2 s; exiting without it");
    spdlog::shutdown();
    std::_Exit(status);
  }
  return status;
}

} // namespace docent::lsp
