// A scripted LSP client for end-to-end tests of the server: it starts the real `docent` binary
// (or connects to one over TCP), writes framed messages or raw bytes, and reads framed messages
// with a timeout, so that a server that hangs fails the test instead of hanging it. Tests read
// like a transcript: send this, expect that.
//
// Thread-safety: none; one test drives one client.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace docent::test {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Long enough for a sanitizer build on a loaded machine: a timeout means "never".
constexpr std::chrono::milliseconds kPatience = 30s;

// A temporary folder, removed with its contents at the end of the scope.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string uri() const;
  // Writes `bytes` to `relative` (folders created); returns the absolute path.
  std::string write(const std::string& relative, const std::string& bytes) const;

private:
  std::string path_;
};

std::string file_uri(const std::string& path);

// A process started with pipes to its stdin and stdout; stderr goes to a file (log()).
// Sanitizer reports get exit codes of their own, so they never pass for a normal exit status.
class ServerProcess {
public:
  // `environment`: NAME=value entries set for the process on top of ours.
  explicit ServerProcess(std::vector<std::string> arguments,
                         std::vector<std::string> environment = {});
  ~ServerProcess(); // Kills the process if it still runs.
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  int stdin_fd() const { return stdin_; }
  int stdout_fd() const { return stdout_; }
  void close_stdin();
  // The exit status (128 + signal if killed), or nullopt if it is still running at the timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = kPatience);
  std::string log() const; // Everything written to stderr so far.

private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string log_path_;
  std::optional<int> status_;
};

// Options for LspClient::initialize.
struct InitOptions {
  json capabilities = json::object();
  json initialization_options; // Omitted when null.
  std::string root_uri;        // Omitted when empty.
  json process_id;             // null unless set.
};

class LspClient {
public:
  // Starts `docent` with `arguments` and talks to it over its stdin and stdout. Its learning
  // data goes to `data_home` (XDG_DATA_HOME), by default a folder of this client's, so that
  // no test writes to the user's data directory.
  explicit LspClient(std::vector<std::string> arguments = {}, std::string data_home = {});
  // Talks to a server over an already connected socket (the process is owned elsewhere).
  LspClient(int read_fd, int write_fd);
  ~LspClient();

  ServerProcess& process() { return *process_; }
  // XDG_DATA_HOME of the server: its learning data is in data_home()/docent.
  const std::string& data_home() const { return data_home_; }

  // Writing.
  void write_raw(std::string_view bytes);
  void send(const json& message); // Framed with Content-Length.
  json request(const std::string& method, const json& params = json::object()); // Returns id.
  void notify(const std::string& method, const json& params = json::object());
  void respond(const json& id, const json& result);

  // Reading. Messages that a wait does not take stay queued for later waits.
  std::optional<json> next_message(std::chrono::milliseconds timeout);
  json wait_for(const std::string& what, const std::function<bool(const json&)>& matches,
                std::chrono::milliseconds timeout = kPatience);
  json response(const json& id);
  json notification(const std::string& method);
  json server_request(const std::string& method);
  // Sends a request and returns its response (result or error).
  json call(const std::string& method, const json& params = json::object());
  // Everything received within `quiet` of silence, without waiting for anything in particular.
  std::vector<json> drain(std::chrono::milliseconds quiet = 300ms);
  // Messages received and not yet taken by a wait.
  std::deque<json>& backlog() { return backlog_; }

  // Lifecycle helpers.
  json initialize(const InitOptions& options = {});
  json initialize_and_start(const InitOptions& options = {}); // initialize, then initialized.
  // shutdown, exit, and the exit status (which must be 0).
  void shutdown_and_exit();

  // Documents.
  void open(const std::string& uri, const std::string& text, int64_t version = 1);
  void change(const std::string& uri, int64_t version, const std::vector<json>& changes);
  // The next publishDiagnostics for `uri` (with `version` if given).
  json diagnostics(const std::string& uri, std::optional<int64_t> version = std::nullopt);
  json hover(const std::string& uri, int line, int character);
  // The last diagnostics published for `uri` once the server has caught up with every edit
  // sent so far (diagnostics are published without delay unless debounce-ms is set).
  json latest_diagnostics(const std::string& uri);

private:
  std::optional<json> read_buffered();
  std::optional<json> take(const std::function<bool(const json&)>& matches);

  std::unique_ptr<TempDir> own_data_home_; // When no data home was given.
  std::string data_home_;
  std::unique_ptr<ServerProcess> process_;
  int read_fd_ = -1;
  int write_fd_ = -1;
  std::string buffer_;
  std::deque<json> backlog_;
  int next_id_ = 0;
};

// Builders for LSP values.
json position(int line, int character);
// `text` with LSP text edits applied (all relative to `text`); positions are taken as byte
// columns, so the text must be ASCII (or the encoding UTF-8).
std::string apply_text_edits(std::string text, const json& edits);
// Client capabilities for code actions as VS Code declares them: edits resolved lazily
// (codeAction/resolve), versioned documentChanges, pull diagnostics.
json resolving_client_capabilities();
// The code actions `client` is offered at a point of `uri` (textDocument/codeAction).
json code_actions_at(LspClient& client, const std::string& uri, int line, int character,
                     const json& context = json{{"diagnostics", json::array()}});
// The action with this title, or nullptr.
const json* action_titled(const json& actions, const std::string& title);
json range(int start_line, int start_character, int end_line, int end_character);
json text_edit(int start_line, int start_character, int end_line, int end_character,
               const std::string& text);

// Diagnostics with `code` in a publishDiagnostics or a pull report's items.
std::vector<json> with_code(const json& diagnostics, const std::string& code);

// Polls `ready` until it holds, for what the server does in the background (the learning
// model trains asynchronously); false after `patience`, which means "never".
bool eventually(const std::function<bool()>& ready, std::chrono::milliseconds patience = kPatience);

} // namespace docent::test
