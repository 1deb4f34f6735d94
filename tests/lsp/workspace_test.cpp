// The server around the documents, end to end: workspace indexing with progress and its
// statistics, exit when the editor dies, and the TCP transport.
#include "lsp_client.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace docent::test;

namespace {

// Two Python files with four definitions (three functions or methods), two of them documented,
// and a file to leave out.
void write_workspace(const TempDir& workspace) {
  workspace.write("a.py", "def one():\n    \"\"\"One.\"\"\"\n    return 1\n\n\n"
                          "def two():\n    return 2\n");
  workspace.write("pkg/b.py", "class Thing:\n    \"\"\"A thing.\"\"\"\n\n"
                              "    def method(self):\n        return self\n");
  workspace.write("notes.txt", "def not_python():\n    pass\n");
}

// Initialization for a client whose workspace is `workspace`, with or without
// window.workDoneProgress.
InitOptions workspace_options(const TempDir& workspace, bool progress) {
  InitOptions options;
  options.root_uri = workspace.uri();
  if (progress)
    options.capabilities = {{"window", {{"workDoneProgress", true}}}};
  return options;
}

// Polls docent/workspaceStats until the index is done.
json indexed_stats(LspClient& client) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  for (;;) {
    const json reply = client.call("docent/workspaceStats");
    REQUIRE(reply.contains("result"));
    if (reply["result"].value("indexing", true) == false)
      return reply["result"];
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("the workspace index did not finish: " << reply.dump());
    std::this_thread::sleep_for(50ms);
  }
}

void check_counts(const json& stats) {
  CHECK(stats["files"] == 2);
  CHECK(stats["indexed"] == 2);
  CHECK(stats["definitions"] == 4);
  CHECK(stats["documented"] == 2);
  CHECK(stats["complexityRanks"]["A"] == 3);
}

pid_t spawn_sleep() {
  pid_t pid = -1;
  std::string program = "/bin/sleep", seconds = "30";
  char* argv[] = {program.data(), seconds.data(), nullptr};
  REQUIRE(::posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv, nullptr) == 0);
  return pid;
}

// A port that was free a moment ago.
uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t size = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

int connect_with_retries(uint16_t port) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  for (;;) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0)
      return fd;
    ::close(fd);
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("cannot connect to docent on port " << port);
    std::this_thread::sleep_for(20ms);
  }
}

} // namespace

TEST_CASE("workspace: indexing with work done progress, then statistics") {
  TempDir workspace;
  write_workspace(workspace);
  LspClient client;
  client.initialize_and_start(workspace_options(workspace, /*progress=*/true));

  const json create = client.server_request("window/workDoneProgress/create");
  const json token = create["params"]["token"];
  client.respond(create["id"], nullptr);
  const auto progress = [&](const std::string& kind) {
    return client.wait_for("$/progress " + kind, [&](const json& m) {
      return m.value("method", "") == "$/progress" && m["params"]["token"] == token &&
             m["params"]["value"]["kind"] == kind;
    });
  };
  const json begin = progress("begin");
  CHECK(begin["params"]["value"]["title"].is_string());
  const json end = progress("end");
  CHECK(end["params"]["value"]["message"] == "2 files indexed");
  check_counts(indexed_stats(client));
  client.shutdown_and_exit();
}

TEST_CASE("workspace: a second initialized notification starts nothing again") {
  TempDir workspace;
  write_workspace(workspace);
  LspClient client;
  client.initialize_and_start(workspace_options(workspace, /*progress=*/true));
  client.notify("initialized");
  const json create = client.server_request("window/workDoneProgress/create");
  client.respond(create["id"], nullptr);
  check_counts(indexed_stats(client));
  for (const json& message : client.drain())
    CHECK(message.value("method", "") != "window/workDoneProgress/create");
  CHECK(client.process().log().find("second initialized") != std::string::npos);
  client.shutdown_and_exit();
}

TEST_CASE("workspace: no progress without window.workDoneProgress") {
  TempDir workspace;
  write_workspace(workspace);
  LspClient client;
  client.initialize_and_start(workspace_options(workspace, /*progress=*/false));
  check_counts(indexed_stats(client));
  for (const json& message : client.drain()) {
    CHECK(message.value("method", "") != "$/progress");
    CHECK(message.value("method", "") != "window/workDoneProgress/create");
  }
  client.shutdown_and_exit();
}

TEST_CASE("workspace: progress is not used when the client refuses the token") {
  TempDir workspace;
  write_workspace(workspace);
  LspClient client;
  client.initialize_and_start(workspace_options(workspace, /*progress=*/true));
  const json create = client.server_request("window/workDoneProgress/create");
  client.send({{"jsonrpc", "2.0"},
               {"id", create["id"]},
               {"error", {{"code", -32603}, {"message", "no progress here"}}}});
  check_counts(indexed_stats(client));
  for (const json& message : client.drain())
    CHECK(message.value("method", "") != "$/progress");
  for (const json& message : client.backlog())
    CHECK(message.value("method", "") != "$/progress");
  client.shutdown_and_exit();
}

TEST_CASE("workspace: the index finishes while documents are being edited") {
  TempDir workspace;
  write_workspace(workspace);
  LspClient client;
  InitOptions options;
  options.root_uri = workspace.uri();
  client.initialize(options);
  // Edits that pile up while the worker analyzes a large document are applied together; the
  // index must not wait for them forever.
  std::string big;
  for (int i = 0; i < 5000; ++i)
    big += "def f" + std::to_string(i) + "(a):\n    return a\n";
  const std::string uri = workspace.uri() + "/open.py";
  client.open(uri, big);
  for (int version = 2; version < 12; ++version)
    client.change(uri, version, {text_edit(0, 0, 0, 0, "# edit\n")});
  client.notify("initialized");
  check_counts(indexed_stats(client));
  client.shutdown_and_exit();
}

TEST_CASE("workspace: docent/workspaceStats without a workspace") {
  LspClient client;
  client.initialize_and_start();
  const json reply = client.call("docent/workspaceStats");
  REQUIRE(reply.contains("result"));
  CHECK(reply["result"].is_object());
  client.shutdown_and_exit();
}

TEST_CASE("process: the server exits when the editor process dies") {
  const pid_t editor = spawn_sleep();
  LspClient client;
  InitOptions options;
  options.process_id = editor;
  client.initialize_and_start(options);
  CHECK(client.call("docent/workspaceStats").contains("result"));
  ::kill(editor, SIGKILL);
  int status = 0;
  ::waitpid(editor, &status, 0); // Reaped, so that the pid is gone.
  const std::optional<int> exit_status = client.process().wait_exit(20s);
  REQUIRE(exit_status.has_value());
  CHECK(*exit_status == 1);
  CHECK(client.process().log().find("is gone") != std::string::npos);
}

TEST_CASE("transport: --listen serves one client over TCP") {
  const uint16_t port = free_port();
  ServerProcess server({"--listen", "127.0.0.1:" + std::to_string(port)});
  const int socket = connect_with_retries(port);
  {
    LspClient client(socket, socket);
    const json result = client.initialize();
    CHECK(result["capabilities"]["hoverProvider"] == true);
    client.notify("initialized");
    client.open("file:///tcp.py", "def g(a, b, c, d, e, f):\n    pass\n");
    CHECK(with_code(client.diagnostics("file:///tcp.py"), "DCT203").size() == 1);
    CHECK(client.call("shutdown", nullptr)["result"].is_null());
    client.notify("exit");
  }
  CHECK(server.wait_exit() == 0);
  ::close(socket);
}
