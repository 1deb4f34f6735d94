// The LSP lifecycle end to end: initialize, initialized, shutdown, exit, and the error codes
// of requests that arrive at the wrong time or are wrong themselves.
#include "lsp_client.h"

#include <catch2/catch.hpp>

using namespace docent::test;

namespace {

int error_code(const json& reply) {
  REQUIRE(reply.contains("error"));
  return reply["error"]["code"].get<int>();
}

// True if no message at all arrives within a short quiet time.
bool silent(LspClient& client) {
  return client.drain(300ms).empty();
}

} // namespace

TEST_CASE("lifecycle: initialize, initialized, shutdown, exit") {
  LspClient client;
  const json result = client.initialize();
  const json& capabilities = result["capabilities"];
  CHECK(capabilities["positionEncoding"] == "utf-16");
  CHECK(capabilities["textDocumentSync"]["change"] == 2);
  CHECK(capabilities["textDocumentSync"]["openClose"] == true);
  CHECK(capabilities["hoverProvider"] == true);
  CHECK(capabilities.contains("codeLensProvider"));
  CHECK_FALSE(capabilities.contains("diagnosticProvider"));
  CHECK(result["serverInfo"]["name"] == "docent");
  CHECK(result["serverInfo"]["version"].is_string());
  client.notify("initialized");
  client.shutdown_and_exit();
}

TEST_CASE("lifecycle: exit without shutdown exits with status 1") {
  LspClient client;
  client.initialize_and_start();
  client.notify("exit");
  CHECK(client.process().wait_exit() == 1);
}

TEST_CASE("lifecycle: end of input without exit ends the server with status 1") {
  LspClient client;
  client.initialize_and_start();
  client.process().close_stdin();
  CHECK(client.process().wait_exit() == 1);
}

TEST_CASE("lifecycle: end of input before initialize ends the server with status 1") {
  LspClient client;
  client.process().close_stdin();
  CHECK(client.process().wait_exit() == 1);
}

TEST_CASE("lifecycle: requests before initialize get -32002, notifications are dropped") {
  LspClient client;
  CHECK(error_code(client.call("textDocument/hover", {{"textDocument", {{"uri", "file:///a.py"}}},
                                                      {"position", position(0, 0)}})) == -32002);
  CHECK(error_code(client.call("shutdown", nullptr)) == -32002);
  client.open("file:///a.py", "def f(a, b, c, d, e, f):\n    pass\n");
  CHECK(silent(client));
  client.initialize_and_start();
  client.shutdown_and_exit();
}

TEST_CASE("lifecycle: a second initialize gets -32600") {
  LspClient client;
  client.initialize_and_start();
  CHECK(error_code(client.call(
            "initialize", {{"processId", nullptr}, {"capabilities", json::object()}})) == -32600);
  client.shutdown_and_exit();
}

TEST_CASE("lifecycle: requests after shutdown get -32600") {
  LspClient client;
  client.initialize_and_start();
  CHECK(client.call("shutdown", nullptr)["result"].is_null());
  CHECK(error_code(client.call("textDocument/hover", {{"textDocument", {{"uri", "file:///a.py"}}},
                                                      {"position", position(0, 0)}})) == -32600);
  CHECK(error_code(client.call("shutdown", nullptr)) == -32600);
  client.notify("exit");
  CHECK(client.process().wait_exit() == 0);
}

TEST_CASE("protocol: an unknown request gets -32601") {
  LspClient client;
  client.initialize_and_start();
  const json reply = client.call("textDocument/noSuchThing", json::object());
  CHECK(error_code(reply) == -32601);
  client.shutdown_and_exit();
}

TEST_CASE("protocol: unknown notifications, $/ ones included, are ignored") {
  LspClient client;
  client.initialize_and_start();
  client.notify("textDocument/noSuchThing", {{"x", 1}});
  client.notify("$/someNotification", {{"x", 1}});
  client.notify("$/setTrace", {{"value", "verbose"}});
  CHECK(silent(client));
  const json reply = client.call("textDocument/hover", {{"textDocument", {{"uri", "file:///a.py"}}},
                                                        {"position", position(0, 0)}});
  CHECK(reply.contains("result"));
  client.shutdown_and_exit();
}

TEST_CASE("protocol: invalid params get -32602") {
  LspClient client;
  client.initialize_and_start();
  const std::string uri = "file:///invalid.py";
  client.open(uri, "def f(a):\n    return a\n");
  client.diagnostics(uri);

  SECTION("hover without a position") {
    CHECK(error_code(client.call("textDocument/hover", {{"textDocument", {{"uri", uri}}}})) ==
          -32602);
  }
  SECTION("hover with a negative line") {
    CHECK(error_code(client.call("textDocument/hover", {{"textDocument", {{"uri", uri}}},
                                                        {"position", position(-1, 0)}})) == -32602);
  }
  SECTION("hover with a character that is not a number") {
    CHECK(error_code(client.call("textDocument/hover",
                                 {{"textDocument", {{"uri", uri}}},
                                  {"position", {{"line", 0}, {"character", "x"}}}})) == -32602);
  }
  SECTION("hover without a textDocument") {
    CHECK(error_code(client.call("textDocument/hover", {{"position", position(0, 0)}})) == -32602);
  }
  SECTION("params that are not an object") {
    CHECK(error_code(client.call("textDocument/codeLens", json::array({1, 2}))) == -32602);
  }
  SECTION("a diagnostic request with a previousResultId that is not a string") {
    CHECK(error_code(client.call("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}},
                                                             {"previousResultId", 5}})) == -32602);
  }

  // A didChange with a bad range is a notification: no reply, the document is unchanged, and
  // the server goes on.
  client.change(uri, 2, {json{{"range", range(-1, 0, 0, 0)}, {"text", "x"}}});
  client.change(uri, 3, {json{{"range", {{"start", position(0, 0)}}}, {"text", "x"}}});
  client.change(uri, 4, {json{{"range", "everything"}, {"text", "x"}}});
  client.change(uri, 5, {json{{"range", range(0, 0, 0, 0)}}}); // No text.
  CHECK(silent(client));
  const json hover = client.hover(uri, 0, 4);
  REQUIRE(hover.is_object());
  CHECK(hover["range"] == range(0, 4, 0, 5));
  client.shutdown_and_exit();
}

TEST_CASE("protocol: a processId out of the pid range is ignored") {
  // 2^32 + 4194305 would truncate to a pid above any pid_max: a process that does not exist.
  for (const json& pid : {json(4294967296LL + 4194305), json(4294967296LL), json(4294967295LL),
                          json(-5), json("123")}) {
    LspClient client;
    InitOptions options;
    options.process_id = pid;
    client.initialize_and_start(options);
    client.shutdown_and_exit();
  }
}

TEST_CASE("protocol: malformed JSON gets -32700 with id null, then reading goes on") {
  LspClient client;
  client.initialize_and_start();
  const std::string body = R"({"jsonrpc": "2.0", "id": 7, "method": )";
  client.write_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const json parse_error = client.wait_for("a parse error", [](const json& m) {
    return m.contains("error") && m["error"]["code"] == -32700;
  });
  CHECK(parse_error["id"].is_null());
  CHECK(client.call("textDocument/codeLens", {{"textDocument", {{"uri", "file:///a.py"}}}})
            .contains("result"));
  client.shutdown_and_exit();
}

TEST_CASE("protocol: a message that is not a JSON object gets -32600") {
  LspClient client;
  client.initialize_and_start();
  for (const std::string body :
       {"[1, 2, 3]", R"([{"jsonrpc":"2.0","id":1,"method":"x"}])", "42", R"("text")", "null"}) {
    client.write_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    const json reply = client.wait_for("an invalid request error",
                                       [](const json& m) { return m.contains("error"); });
    CHECK(reply["error"]["code"] == -32600);
    CHECK(reply["id"].is_null());
  }
  client.send({{"jsonrpc", "2.0"}, {"id", 99}, {"params", json::object()}}); // No method.
  CHECK(error_code(client.response(99)) == -32600);
  client.send({{"jsonrpc", "2.0"}, {"id", 100}, {"method", 12}}); // Method not a string.
  CHECK(error_code(client.response(100)) == -32600);
  CHECK(client.call("textDocument/codeLens", {{"textDocument", {{"uri", "file:///a.py"}}}})
            .contains("result"));
  client.shutdown_and_exit();
}
