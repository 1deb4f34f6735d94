// The scripted LSP client of the end-to-end tests (see lsp_client.h).
#include "lsp_client.h"

#include <algorithm>

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace docent::test {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Temporary folders.

TempDir::TempDir() {
  // mkdtemp replaces the trailing Xs with a unique name.
  std::string pattern = (fs::temp_directory_path() / "docent-lsp-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string TempDir::uri() const {
  return file_uri(path_);
}

std::string TempDir::write(const std::string& relative, const std::string& bytes) const {
  const fs::path path = fs::path(path_) / relative;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return path.string();
}

std::string file_uri(const std::string& path) {
  return "file://" + path;
}

// ---------------------------------------------------------------------------------------------
// The server process.

namespace {

std::string_view variable_name(std::string_view entry) {
  return entry.substr(0, entry.find('='));
}

// The environment of the child: ours with `extra` set, and sanitizer exit codes that no normal
// exit uses.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> environment = extra;
  std::string asan = "ASAN_OPTIONS=exitcode=86";
  std::string ubsan = "UBSAN_OPTIONS=exitcode=87:print_stacktrace=1";
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view value(*entry);
    const bool overridden = std::any_of(extra.begin(), extra.end(), [&](const std::string& set) {
      return variable_name(set) == variable_name(value);
    });
    if (overridden)
      continue;
    if (value.rfind("ASAN_OPTIONS=", 0) == 0)
      asan = std::string(value) + ":exitcode=86";
    else if (value.rfind("UBSAN_OPTIONS=", 0) == 0)
      ubsan = std::string(value) + ":exitcode=87";
    else
      environment.emplace_back(value);
  }
  environment.push_back(asan);
  environment.push_back(ubsan);
  return environment;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings)
    pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

int decode_status(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

} // namespace

ServerProcess::ServerProcess(std::vector<std::string> arguments,
                             std::vector<std::string> extra_environment) {
  int to_child[2], from_child[2];
  REQUIRE(::pipe(to_child) == 0);
  REQUIRE(::pipe(from_child) == 0);
  // Named like TempDir's folders: mkstemp replaces the trailing Xs.
  std::string log_pattern = (fs::temp_directory_path() / "docent-lsp-log-XXXXXX").string();
  const int log_fd = ::mkstemp(log_pattern.data());
  REQUIRE(log_fd >= 0);
  log_path_ = log_pattern;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1], log_fd})
    posix_spawn_file_actions_addclose(&actions, fd);

  arguments.insert(arguments.begin(), DOCENT_BINARY);
  std::vector<char*> argv = c_strings(arguments);
  std::vector<std::string> environment = child_environment(extra_environment);
  std::vector<char*> envp = c_strings(environment);
  const int spawned =
      ::posix_spawn(&pid_, DOCENT_BINARY, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_child[0]);
  ::close(from_child[1]);
  ::close(log_fd);
  REQUIRE(spawned == 0);
  stdin_ = to_child[1];
  stdout_ = from_child[0];
}

ServerProcess::~ServerProcess() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  close_stdin();
  if (stdout_ >= 0)
    ::close(stdout_);
  ::unlink(log_path_.c_str());
}

void ServerProcess::close_stdin() {
  if (stdin_ >= 0)
    ::close(stdin_);
  stdin_ = -1;
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!status_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      status_ = decode_status(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline)
      return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
  return status_;
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---------------------------------------------------------------------------------------------
// The client.

LspClient::LspClient(std::vector<std::string> arguments, std::string data_home)
    : own_data_home_(data_home.empty() ? std::make_unique<TempDir>() : nullptr),
      data_home_(own_data_home_ ? own_data_home_->path() : std::move(data_home)),
      process_(std::make_unique<ServerProcess>(
          std::move(arguments), std::vector<std::string>{"XDG_DATA_HOME=" + data_home_})),
      read_fd_(process_->stdout_fd()), write_fd_(process_->stdin_fd()) {}

LspClient::LspClient(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}

LspClient::~LspClient() = default;

void LspClient::write_raw(std::string_view bytes) {
  // The server may already be gone in tests of its exit; a failed write is then expected.
  while (!bytes.empty()) {
    const ssize_t written = ::write(write_fd_, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return;
    bytes.remove_prefix(static_cast<size_t>(written));
  }
}

void LspClient::send(const json& message) {
  const std::string body = message.dump();
  write_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

json LspClient::request(const std::string& method, const json& params) {
  const json id = ++next_id_;
  send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
  return id;
}

void LspClient::notify(const std::string& method, const json& params) {
  send(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
}

void LspClient::respond(const json& id, const json& result) {
  send(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

// One complete message from the bytes read so far, if there is one.
std::optional<json> LspClient::read_buffered() {
  const size_t header_end = buffer_.find("\r\n\r\n");
  if (header_end == std::string::npos)
    return std::nullopt;
  const std::string header = buffer_.substr(0, header_end);
  const std::string key = "Content-Length: ";
  const size_t at = header.find(key);
  REQUIRE(at != std::string::npos);
  const size_t length = std::stoul(header.substr(at + key.size()));
  const size_t body_start = header_end + 4;
  if (buffer_.size() < body_start + length)
    return std::nullopt;
  json message = json::parse(buffer_.substr(body_start, length));
  buffer_.erase(0, body_start + length);
  return message;
}

std::optional<json> LspClient::next_message(std::chrono::milliseconds timeout) {
  if (!backlog_.empty()) {
    json message = std::move(backlog_.front());
    backlog_.pop_front();
    return message;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (std::optional<json> message = read_buffered())
      return message;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return std::nullopt;
    pollfd ready{read_fd_, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(left.count()));
    if (polled < 0 && errno == EINTR)
      continue;
    if (polled <= 0)
      return std::nullopt;
    char chunk[64 * 1024];
    const ssize_t got = ::read(read_fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return std::nullopt; // The server closed its output.
    buffer_.append(chunk, static_cast<size_t>(got));
  }
}

std::optional<json> LspClient::take(const std::function<bool(const json&)>& matches) {
  for (auto it = backlog_.begin(); it != backlog_.end(); ++it) {
    if (matches(*it)) {
      json message = std::move(*it);
      backlog_.erase(it);
      return message;
    }
  }
  return std::nullopt;
}

json LspClient::wait_for(const std::string& what, const std::function<bool(const json&)>& matches,
                         std::chrono::milliseconds timeout) {
  if (std::optional<json> queued = take(matches))
    return *queued;
  std::deque<json> unmatched;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<json> found;
  std::deque<json> saved;
  saved.swap(backlog_); // Nothing there matches; read only new messages below.
  while (!found) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    std::optional<json> message = next_message(std::max(left, std::chrono::milliseconds(0)));
    if (!message)
      break;
    if (matches(*message))
      found = std::move(message);
    else
      unmatched.push_back(std::move(*message));
  }
  for (json& message : unmatched)
    saved.push_back(std::move(message));
  backlog_.swap(saved);
  if (!found) {
    std::string seen;
    for (const json& message : backlog_)
      seen += "\n  " + message.dump().substr(0, 300);
    FAIL("timed out waiting for " << what << "; received meanwhile:" << seen);
  }
  return *found;
}

json LspClient::response(const json& id) {
  return wait_for("the response to " + id.dump(), [&](const json& message) {
    return message.contains("id") && message["id"] == id && !message.contains("method");
  });
}

json LspClient::notification(const std::string& method) {
  return wait_for("a " + method + " notification", [&](const json& message) {
    return !message.contains("id") && message.value("method", "") == method;
  });
}

json LspClient::server_request(const std::string& method) {
  return wait_for("a " + method + " request", [&](const json& message) {
    return message.contains("id") && message.value("method", "") == method;
  });
}

json LspClient::call(const std::string& method, const json& params) {
  return response(request(method, params));
}

std::vector<json> LspClient::drain(std::chrono::milliseconds quiet) {
  std::vector<json> messages;
  while (std::optional<json> message = next_message(quiet))
    messages.push_back(std::move(*message));
  return messages;
}

json LspClient::initialize(const InitOptions& options) {
  json params = {{"processId", options.process_id}, {"capabilities", options.capabilities}};
  if (!options.initialization_options.is_null())
    params["initializationOptions"] = options.initialization_options;
  if (!options.root_uri.empty()) {
    params["rootUri"] = options.root_uri;
    params["workspaceFolders"] = {{{"uri", options.root_uri}, {"name", "workspace"}}};
  }
  const json reply = call("initialize", params);
  REQUIRE(reply.contains("result"));
  return reply["result"];
}

json LspClient::initialize_and_start(const InitOptions& options) {
  json result = initialize(options);
  notify("initialized");
  return result;
}

void LspClient::shutdown_and_exit() {
  const json reply = call("shutdown", nullptr);
  CHECK(reply.contains("result"));
  CHECK(reply.value("result", json("missing")).is_null());
  notify("exit");
  REQUIRE(process_);
  const std::optional<int> status = process_->wait_exit();
  INFO(process_->log());
  REQUIRE(status.has_value());
  CHECK(*status == 0);
}

void LspClient::open(const std::string& uri, const std::string& text, int64_t version) {
  notify("textDocument/didOpen",
         {{"textDocument",
           {{"uri", uri}, {"languageId", "python"}, {"version", version}, {"text", text}}}});
}

void LspClient::change(const std::string& uri, int64_t version, const std::vector<json>& changes) {
  notify("textDocument/didChange",
         {{"textDocument", {{"uri", uri}, {"version", version}}}, {"contentChanges", changes}});
}

json LspClient::diagnostics(const std::string& uri, std::optional<int64_t> version) {
  const std::string what =
      "diagnostics for " + uri + (version ? " version " + std::to_string(*version) : std::string());
  const json message = wait_for(what, [&](const json& m) {
    if (m.value("method", "") != "textDocument/publishDiagnostics")
      return false;
    const json& params = m["params"];
    return params["uri"] == uri && (!version || params.value("version", json()) == *version);
  });
  return message["params"];
}

json LspClient::hover(const std::string& uri, int line, int character) {
  const json reply = call("textDocument/hover", {{"textDocument", {{"uri", uri}}},
                                                 {"position", position(line, character)}});
  REQUIRE(reply.contains("result"));
  return reply["result"];
}

json LspClient::latest_diagnostics(const std::string& uri) {
  // The worker answers a query, then publishes; a second query is answered after that.
  hover(uri, 0, 0);
  hover(uri, 0, 0);
  std::optional<json> latest;
  for (auto it = backlog_.begin(); it != backlog_.end();) {
    if (it->value("method", "") == "textDocument/publishDiagnostics" &&
        (*it)["params"]["uri"] == uri) {
      latest = (*it)["params"];
      it = backlog_.erase(it);
    } else {
      ++it;
    }
  }
  if (!latest)
    FAIL("no diagnostics were published for " << uri);
  return *latest;
}

json position(int line, int character) {
  return {{"line", line}, {"character", character}};
}

json range(int start_line, int start_character, int end_line, int end_character) {
  return {{"start", position(start_line, start_character)},
          {"end", position(end_line, end_character)}};
}

json text_edit(int start_line, int start_character, int end_line, int end_character,
               const std::string& text) {
  return {{"range", range(start_line, start_character, end_line, end_character)}, {"text", text}};
}

namespace {

size_t offset_in(const std::string& text, const json& position) {
  size_t at = 0;
  for (int line = 0; line < position["line"].get<int>(); ++line)
    at = text.find('\n', at) + 1;
  return at + position["character"].get<size_t>();
}

} // namespace

std::string apply_text_edits(std::string text, const json& edits) {
  std::vector<std::pair<size_t, json>> ordered;
  for (const json& edit : edits)
    ordered.emplace_back(offset_in(text, edit["range"]["start"]), edit);
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [start, edit] : ordered)
    text.replace(start, offset_in(text, edit["range"]["end"]) - start,
                 edit["newText"].get<std::string>());
  return text;
}

json resolving_client_capabilities() {
  return {{"textDocument",
           {{"codeAction", {{"resolveSupport", {{"properties", {"edit"}}}}, {"dataSupport", true}}},
            {"diagnostic", {{"dynamicRegistration", false}}}}},
          {"workspace", {{"workspaceEdit", {{"documentChanges", true}}}}}};
}

json code_actions_at(LspClient& client, const std::string& uri, int line, int character,
                     const json& context) {
  const json reply =
      client.call("textDocument/codeAction", {{"textDocument", {{"uri", uri}}},
                                              {"range", range(line, character, line, character)},
                                              {"context", context}});
  REQUIRE(reply.contains("result"));
  return reply["result"];
}

const json* action_titled(const json& actions, const std::string& title) {
  for (const json& action : actions)
    if (action["title"] == title)
      return &action;
  return nullptr;
}

std::vector<json> with_code(const json& diagnostics, const std::string& code) {
  const json& items =
      diagnostics.is_object() && diagnostics.contains("diagnostics") ? diagnostics["diagnostics"]
      : diagnostics.is_object() && diagnostics.contains("items")     ? diagnostics["items"]
                                                                     : diagnostics;
  std::vector<json> found;
  for (const json& item : items)
    if (item.value("code", "") == code)
      found.push_back(item);
  return found;
}

bool eventually(const std::function<bool()>& ready, std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready())
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

} // namespace docent::test
