// The base protocol's framing end to end: every kind of broken header is logged, the server
// finds the next message and answers it; a body cut short by the end of input ends the server.
// Invalid UTF-8 inside a message is repaired, not fatal.
#include "lsp_client.h"

#include <catch2/catch.hpp>

using namespace docent::test;

namespace {

std::string framed(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

const std::string kLostBody = R"({"jsonrpc":"2.0","id":500,"method":"shutdown"})";

// After the broken bytes, a valid request must be answered and the log must tell what was wrong.
void expect_recovery(LspClient& client, const std::string& logged) {
  const json reply =
      client.call("textDocument/codeLens", {{"textDocument", {{"uri", "file:///a.py"}}}});
  CHECK(reply.contains("result"));
  INFO(client.process().log());
  CHECK(client.process().log().find(logged) != std::string::npos);
  // The broken message itself is never taken for a request.
  for (const json& message : client.drain())
    CHECK(message.value("id", json()) != 500);
  client.shutdown_and_exit();
}

} // namespace

TEST_CASE("framing: a header block without Content-Length") {
  LspClient client;
  client.initialize_and_start();
  client.write_raw("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + kLostBody);
  expect_recovery(client, "without Content-Length");
}

TEST_CASE("framing: a duplicate Content-Length") {
  LspClient client;
  client.initialize_and_start();
  const std::string length = std::to_string(kLostBody.size());
  client.write_raw("Content-Length: " + length + "\r\nContent-Length: " + length + "\r\n\r\n" +
                   kLostBody);
  expect_recovery(client, "duplicate Content-Length");
}

TEST_CASE("framing: a Content-Length that is not a number") {
  LspClient client;
  client.initialize_and_start();
  client.write_raw("Content-Length: forty\r\n\r\n" + kLostBody);
  expect_recovery(client, "not a number");
}

TEST_CASE("framing: a negative Content-Length") {
  LspClient client;
  client.initialize_and_start();
  client.write_raw("Content-Length: -5\r\n\r\n" + kLostBody);
  expect_recovery(client, "not a number");
}

TEST_CASE("framing: a Content-Length above --max-message-bytes") {
  LspClient client({"--max-message-bytes", "1000"});
  client.initialize_and_start();
  const std::string big = R"({"jsonrpc":"2.0","id":500,"method":"shutdown","params":{"pad":")" +
                          std::string(2000, 'x') + "\"}}";
  client.write_raw(framed(big));
  expect_recovery(client, "above the limit of 1000");
}

TEST_CASE("framing: garbage header lines") {
  LspClient client;
  client.initialize_and_start();
  client.write_raw("this is not a header\r\n\r\n");
  expect_recovery(client, "malformed header line");
}

TEST_CASE("framing: garbage glued to the front of a header") {
  LspClient client;
  client.initialize_and_start();
  client.write_raw("garbage");
  expect_recovery(client, "garbage");
}

TEST_CASE("framing: a body cut short by the end of input ends the server") {
  LspClient client;
  client.initialize_and_start();
  client.write_raw("Content-Length: 100\r\n\r\n{\"jsonrpc\":\"2.0\",");
  client.process().close_stdin();
  CHECK(client.process().wait_exit() == 1);
  CHECK(client.process().log().find("end of input inside a message body") != std::string::npos);
}

TEST_CASE("framing: a header cut short by the end of input ends the server") {
  LspClient client;
  client.initialize_and_start();
  client.write_raw("Content-Length: 10");
  client.process().close_stdin();
  CHECK(client.process().wait_exit() == 1);
}

TEST_CASE("framing: lower-case header names and extra headers are accepted") {
  LspClient client;
  const std::string body =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"capabilities":{}}})";
  client.write_raw("content-type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body);
  CHECK(client.response(1).contains("result"));
  client.notify("initialized");
  client.shutdown_and_exit();
}

TEST_CASE("framing: two messages in one write, one message in many writes") {
  LspClient client;
  client.initialize_and_start();
  const std::string first =
      R"({"jsonrpc":"2.0","id":"a","method":"textDocument/codeLens","params":{"textDocument":{"uri":"file:///a.py"}}})";
  const std::string second =
      R"({"jsonrpc":"2.0","id":"b","method":"textDocument/codeLens","params":{"textDocument":{"uri":"file:///a.py"}}})";
  client.write_raw(framed(first) + framed(second));
  CHECK(client.response("a").contains("result"));
  CHECK(client.response("b").contains("result"));
  const std::string third = framed(
      R"({"jsonrpc":"2.0","id":"c","method":"textDocument/codeLens","params":{"textDocument":{"uri":"file:///a.py"}}})");
  for (char byte : third)
    client.write_raw(std::string(1, byte));
  CHECK(client.response("c").contains("result"));
  client.shutdown_and_exit();
}

TEST_CASE("framing: invalid UTF-8 in a document is replaced, and the document analyzed") {
  LspClient client;
  client.initialize_and_start();
  const std::string uri = "file:///invalid_utf8.py";
  // The bytes go in raw: a JSON library would refuse to write them, and must not be needed to
  // read them either.
  const std::string body =
      R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":")" +
      uri + R"(","languageId":"python","version":1,"text":"# caf)" + "\xC3 \xFF\xFE" +
      R"( broken\ndef too_many(a, b, c, d, e, f):\n    return 'x)" + "\xE2\x82" + R"('\n"}}})";
  client.write_raw(framed(body));
  const json diagnostics = client.diagnostics(uri);
  const std::vector<json> too_many = with_code(diagnostics, "DCT203");
  REQUIRE(too_many.size() == 1);
  CHECK(too_many[0]["range"] == range(1, 4, 1, 12));
  const json hover = client.hover(uri, 1, 5);
  REQUIRE(hover.is_object());
  CHECK(hover["contents"]["value"].get<std::string>().find("too_many") != std::string::npos);
  client.shutdown_and_exit();
}
