// Documents end to end: position encodings and incremental edits with multi-byte characters,
// clamping of out-of-range edits, pushed diagnostics and their versions, pull diagnostics, and
// cancellation of queued requests.
#include "lsp_client.h"

#include <catch2/catch.hpp>

#include <functional>

using namespace docent::test;

namespace {

enum class Encoding { Utf8, Utf16, Utf32 };

const char* name_of(Encoding encoding) {
  switch (encoding) {
  case Encoding::Utf8:
    return "utf-8";
  case Encoding::Utf16:
    return "utf-16";
  case Encoding::Utf32:
    break;
  }
  return "utf-32";
}

size_t sequence_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Code units of valid UTF-8 text in an encoding: the test's own count, independent of docent's.
int units(std::string_view text, Encoding encoding) {
  int count = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t length = sequence_length(static_cast<unsigned char>(text[i]));
    count += encoding == Encoding::Utf8                   ? static_cast<int>(length)
             : encoding == Encoding::Utf16 && length == 4 ? 2
                                                          : 1;
    i += length;
  }
  return count;
}

// The byte offset of an in-range position in `text`.
size_t offset_of(const std::string& text, int line, int character, Encoding encoding) {
  size_t at = 0;
  for (int i = 0; i < line; ++i)
    at = text.find('\n', at) + 1;
  for (int counted = 0; counted < character;) {
    const size_t length = sequence_length(static_cast<unsigned char>(text[at]));
    counted += units(text.substr(at, length), encoding);
    at += length;
  }
  return at;
}

// A document mirrored in the test: each edit goes to the server and to the local text.
class MirroredDocument {
public:
  MirroredDocument(LspClient& client, std::string uri, std::string text, Encoding encoding)
      : client_(client), uri_(std::move(uri)), text_(std::move(text)), encoding_(encoding) {
    client_.open(uri_, text_, version_);
  }

  // The change as LSP JSON, applied to the local text.
  json edit(int start_line, int start_character, int end_line, int end_character,
            const std::string& text) {
    const size_t start = offset_of(text_, start_line, start_character, encoding_);
    const size_t end = offset_of(text_, end_line, end_character, encoding_);
    text_.replace(start, end - start, text);
    return text_edit(start_line, start_character, end_line, end_character, text);
  }
  void send(const std::vector<json>& changes) { client_.change(uri_, ++version_, changes); }

  // The position just after `prefix` at the start of `line`.
  int after(const std::string& prefix) const { return units(prefix, encoding_); }
  int line_length(int line) const {
    size_t start = 0;
    for (int i = 0; i < line; ++i)
      start = text_.find('\n', start) + 1;
    return units(text_.substr(start, text_.find('\n', start) - start), encoding_);
  }

  const std::string& text() const { return text_; }
  const std::string& uri() const { return uri_; }
  int64_t version() const { return version_; }

private:
  LspClient& client_;
  std::string uri_;
  std::string text_;
  Encoding encoding_;
  int64_t version_ = 1;
};

json client_encodings(std::vector<std::string> names) {
  return {{"general", {{"positionEncodings", names}}}};
}

// The diagnostics and hovers of two documents that should hold the same text.
void expect_same_analysis(LspClient& client, const std::string& edited, const json& edited_diags,
                          const std::string& fresh, const json& fresh_diags,
                          const std::vector<std::pair<int, int>>& hover_at) {
  CHECK(edited_diags["diagnostics"] == fresh_diags["diagnostics"]);
  for (const auto& [line, character] : hover_at) {
    INFO("hover at " << line << ":" << character);
    CHECK(client.hover(edited, line, character) == client.hover(fresh, line, character));
  }
}

} // namespace

TEST_CASE("encoding: negotiation of positionEncoding") {
  const std::vector<std::pair<json, std::string>> cases = {
      {client_encodings({"utf-8"}), "utf-8"},
      {client_encodings({"utf-32", "utf-16"}), "utf-32"},
      {client_encodings({"utf-16", "utf-8"}), "utf-16"},
      {client_encodings({"latin-1", "utf-8"}), "utf-8"},
      {client_encodings({}), "utf-16"},
      {json::object(), "utf-16"},
  };
  for (const auto& [capabilities, expected] : cases) {
    INFO(capabilities.dump());
    LspClient client;
    InitOptions options;
    options.capabilities = capabilities;
    CHECK(client.initialize_and_start(options)["capabilities"]["positionEncoding"] == expected);
    client.shutdown_and_exit();
  }
}

TEST_CASE("encoding: incremental edits with multi-byte characters, in every encoding") {
  for (Encoding encoding : {Encoding::Utf8, Encoding::Utf16, Encoding::Utf32}) {
    INFO("encoding " << name_of(encoding));
    LspClient client;
    InitOptions options;
    options.capabilities = client_encodings({name_of(encoding)});
    client.initialize_and_start(options);
    MirroredDocument doc(client, "file:///multibyte.py", "s = 1\n", encoding);

    // é, 中 and 😀 take 2, 3 and 4 bytes in UTF-8; 😀 is a surrogate pair in UTF-16. Edits at
    // the start, the end and the middle of lines, several in one notification.
    std::vector<json> batch;
    batch.push_back(doc.edit(0, 0, 0, 0, "# é中😀\n"));
    batch.push_back(doc.edit(0, doc.line_length(0), 0, doc.line_length(0), " 😀end"));
    batch.push_back(doc.edit(0, doc.after("# é"), 0, doc.after("# é"), "😀"));
    doc.send(batch);
    doc.send({doc.edit(1, doc.line_length(1), 1, doc.line_length(1),
                       "\ndef é中(a='😀', b='中é'):\n    return '😀'\n")});
    // Parameters inserted after the emoji: in the wrong place they would split a string or a
    // character, and the parameter count would not be 6.
    const int before_paren = doc.after("def é中(a='😀', b='中é'");
    doc.send({doc.edit(2, before_paren, 2, before_paren, ", c, d, é, 中")});
    doc.send({doc.edit(0, doc.after("# é"), 0, doc.after("# é😀"), "")});
    doc.send({doc.edit(2, doc.after("def é"), 2, doc.after("def é"), "x")});
    REQUIRE(doc.text() == "# é中😀 😀end\ns = 1\n"
                          "def éx中(a='😀', b='中é', c, d, é, 中):\n    return '😀'\n\n");

    const json diagnostics = client.diagnostics(doc.uri(), doc.version());
    const std::vector<json> too_many = with_code(diagnostics, "DCT203");
    REQUIRE(too_many.size() == 1);
    CHECK(too_many[0]["range"] == range(2, 4, 2, 4 + units("éx中", encoding)));
    CHECK(too_many[0]["message"] == "'éx中' has 6 parameters > 5");

    const json on_name = client.hover(doc.uri(), 2, 4 + units("éx", encoding));
    REQUIRE(on_name.is_object());
    CHECK(on_name["range"] == too_many[0]["range"]);
    CHECK(client.hover(doc.uri(), 3, 4).is_null());

    client.open("file:///fresh.py", doc.text());
    const json fresh = client.diagnostics("file:///fresh.py");
    expect_same_analysis(client, doc.uri(), diagnostics, "file:///fresh.py", fresh,
                         {{0, 0}, {2, 5}, {2, 0}});
    client.shutdown_and_exit();
  }
}

TEST_CASE("encoding: a position inside a surrogate pair or past a line's end is clamped") {
  LspClient client;
  client.initialize_and_start(); // UTF-16.
  client.open("file:///clamp_char.py", "s = '😀'\n");
  client.diagnostics("file:///clamp_char.py");
  // Character 6 is between the two halves of 😀: it means the start of the character.
  client.change("file:///clamp_char.py", 2,
                {text_edit(0, 6, 0, 6, "x"), text_edit(0, 100, 0, 100, "  # end")});
  client.open("file:///clamp_char_expected.py", "s = 'x😀'  # end\n");
  CHECK(client.hover("file:///clamp_char.py", 0, 0) ==
        client.hover("file:///clamp_char_expected.py", 0, 0));
  client.shutdown_and_exit();
}

TEST_CASE("documents: out-of-range edits are clamped as LSP specifies") {
  LspClient client;
  client.initialize_and_start();
  const std::string uri = "file:///clamped.py";
  client.open(uri, "x = 1\n");
  client.diagnostics(uri, 1);
  // A character past the end of its line means the end of that line.
  client.change(uri, 2, {text_edit(0, 100, 0, 100, " + 2")});
  // A line past the end of the text means the end of the text.
  client.change(uri, 3, {text_edit(50, 3, 60, 0, "def g(a, b, c, d, e, f):\n    pass\n")});
  // Both at once, in a replacement: from past the end of line 1 to past the end of the text.
  client.change(uri, 4, {text_edit(1, 200, 99, 0, "\n    return 1\n")});
  const json edited = client.latest_diagnostics(uri);

  const std::string expected_uri = "file:///clamped_expected.py";
  client.open(expected_uri, "x = 1 + 2\ndef g(a, b, c, d, e, f):\n    return 1\n");
  const json expected = client.latest_diagnostics(expected_uri);
  const std::vector<json> too_many = with_code(edited, "DCT203");
  REQUIRE(too_many.size() == 1);
  CHECK(too_many[0]["range"] == range(1, 4, 1, 5));
  expect_same_analysis(client, uri, edited, expected_uri, expected, {{0, 0}, {1, 4}});
  CHECK(client.process().log().find("clamped") != std::string::npos);
  client.shutdown_and_exit();
}

TEST_CASE("documents: a whole-text change replaces the text") {
  LspClient client;
  client.initialize_and_start();
  const std::string uri = "file:///whole.py";
  client.open(uri, "x = 1\n");
  client.diagnostics(uri, 1);
  client.change(uri, 2,
                {text_edit(0, 0, 0, 0, "junk"),
                 {{"text", "def g(a, b, c, d, e, f):\n    pass\n"}},
                 text_edit(2, 0, 2, 0, "y = 2\n")});
  const json diagnostics = client.diagnostics(uri, 2);
  REQUIRE(with_code(diagnostics, "DCT203").size() == 1);
  CHECK(with_code(diagnostics, "DCT203")[0]["range"] == range(0, 4, 0, 5));
  CHECK(with_code(diagnostics, "E999").empty());
  client.shutdown_and_exit();
}

TEST_CASE("diagnostics: versions, unchanged sets not sent again, empty set on close") {
  LspClient client;
  InitOptions options;
  options.initialization_options = {{"ignore", {"D1"}}}; // Findings of the complexity rules only.
  client.initialize_and_start(options);
  const std::string uri = "file:///versions.py";
  client.open(uri, "def f(a):\n    return a\n", 1);
  const json first = client.diagnostics(uri);
  CHECK(first["version"] == 1);
  CHECK(first["diagnostics"].empty());

  client.change(uri, 2, {text_edit(2, 0, 2, 0, "\ndef g(a, b, c, d, e, f):\n    return a\n")});
  const json second = client.diagnostics(uri, 2);
  REQUIRE(with_code(second, "DCT203").size() == 1);
  CHECK(with_code(second, "DCT203")[0]["range"] == range(3, 4, 3, 5));

  // An edit below the last finding changes nothing the client sees: nothing is sent for it.
  client.change(uri, 3, {text_edit(5, 0, 5, 0, "x = 1\n")});
  client.hover(uri, 0, 4); // Answered once version 3 is analyzed.
  client.change(uri, 4, {text_edit(3, 6, 3, 6, "z, ")});
  const json fourth = client.diagnostics(uri, 4);
  CHECK(with_code(fourth, "DCT203")[0]["message"] == "'g' has 7 parameters > 5");
  for (const json& message : client.backlog())
    CHECK(message.value("method", "") != "textDocument/publishDiagnostics");

  client.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
  const json closed = client.diagnostics(uri);
  CHECK(closed["diagnostics"].empty());
  CHECK(client.hover(uri, 0, 4).is_null()); // Closed documents are not known any more.
  client.shutdown_and_exit();
}

TEST_CASE("diagnostics: a pushed set after edits equals a fresh document's") {
  // Each diagnostic's text is reused from the last set sent when its line of the signature is
  // unchanged: those before and after the changed run in place, the rest by their line. Edits
  // that change one message in the middle, shift every line, remove a run, and repeat a
  // definition must still publish what a fresh document gets.
  LspClient client;
  client.initialize_and_start();
  std::string text;
  for (int i = 0; i < 12; ++i)
    text += "def f" + std::to_string(i) + "(a, b, c, d, e, g):\n    return a\n\n\n";
  MirroredDocument doc(client, "file:///reused.py", text, Encoding::Utf16);
  client.diagnostics(doc.uri(), doc.version());
  // Each edit is made when it is sent: the mirrored text follows the server's.
  const std::vector<std::function<json()>> edits = {
      [&] { return doc.edit(20, 5, 20, 5, "x"); },             // A name in the middle.
      [&] { return doc.edit(0, 0, 0, 0, "import os\n\n\n"); }, // Every line moves.
      [&] { return doc.edit(11, 0, 19, 0, ""); },              // Two definitions go.
      [&] { return doc.edit(3, 0, 3, 0, "def f9(a, b, c, d, e, g):\n    return a\n\n\n"); },
      [&] { return doc.edit(3, 5, 3, 5, "é"); }, // A character of two bytes.
      [&] { return doc.edit(0, 0, 3, 0, ""); }};
  int fresh = 0;
  for (const std::function<json()>& edit : edits) {
    doc.send({edit()});
    const json edited = client.diagnostics(doc.uri(), doc.version());
    const std::string fresh_uri = "file:///fresh-push" + std::to_string(++fresh) + ".py";
    client.open(fresh_uri, doc.text());
    INFO(doc.text());
    CHECK(edited["diagnostics"] == client.diagnostics(fresh_uri)["diagnostics"]);
    CHECK(!edited["diagnostics"].empty());
  }
  client.shutdown_and_exit();
}

TEST_CASE("diagnostics: keystrokes faster than the parse equal a fresh document's") {
  // Each keystroke is analyzed from its statement before the file is parsed, and the parse left
  // for idle time gives way to the next keystroke: typing without a pause inside the methods of
  // a long class and between functions must still publish what a fresh document gets.
  LspClient client;
  client.initialize_and_start();
  std::string text = "class Long:\n";
  for (int i = 0; i < 30; ++i)
    text += "    def m" + std::to_string(i) + "(self, a, b, c, d, e):\n        return a\n\n";
  text += "\n";
  for (int i = 0; i < 10; ++i)
    text += "def f" + std::to_string(i) + "(a, b, c, d, e, g):\n    return a\n\n\n";
  const int first_function = 1 + 30 * 3 + 1;
  MirroredDocument doc(client, "file:///typed.py", text, Encoding::Utf16);
  client.diagnostics(doc.uri(), doc.version());
  for (int round = 0; round < 3; ++round) {
    for (int key = 0; key < 12; ++key) { // Sent without waiting for anything.
      const int line = key % 2 == 0 ? 1 + 3 * ((round * 7 + key) % 30)
                                    : first_function + 4 * ((round + key) % 10);
      const int column = key % 2 == 0 ? 9 : 5; // After "    def m" and "def f".
      doc.send({doc.edit(line, column, line, column, "x")});
    }
    json edited = client.diagnostics(doc.uri(), doc.version());
    for (int key = 0; key < 4; ++key) { // One at a time: each analyzed on its own.
      const int line = first_function + 4 * ((round * 3 + key) % 10);
      doc.send({doc.edit(line, 5, line, 5, "y")});
      edited = client.diagnostics(doc.uri(), doc.version());
    }
    const std::string fresh_uri = "file:///fresh-typed" + std::to_string(round) + ".py";
    client.open(fresh_uri, doc.text());
    INFO(doc.text());
    CHECK(edited["diagnostics"] == client.diagnostics(fresh_uri)["diagnostics"]);
    CHECK(!edited["diagnostics"].empty());
  }
  client.shutdown_and_exit();
}

TEST_CASE("diagnostics: docstring/signature mismatches go once the docstring is fixed") {
  LspClient client;
  client.initialize_and_start(InitOptions{});
  const std::string uri = "file:///mismatch.py";
  client.open(uri,
              "\"\"\"Module.\"\"\"\n\n\ndef f(a, b):\n    \"\"\"Do.\n\n    Args:\n"
              "        a: First.\n    \"\"\"\n",
              1);
  const json first = client.diagnostics(uri);
  REQUIRE(with_code(first, "DOC101").size() == 1);
  CHECK(with_code(first, "DOC101")[0]["message"] == "'f': parameter 'b' is not documented");
  CHECK(with_code(first, "DOC101")[0]["range"] == range(3, 4, 3, 5));
  client.change(uri, 2, {text_edit(7, 17, 7, 17, "\n        b: Second.")});
  const json second = client.diagnostics(uri, 2);
  CHECK(with_code(second, "DOC101").empty());
  client.shutdown_and_exit();
}

TEST_CASE("diagnostics: pulled when the client supports textDocument/diagnostic") {
  LspClient client;
  InitOptions options;
  options.capabilities = {{"textDocument", {{"diagnostic", {{"dynamicRegistration", false}}}}}};
  const json result = client.initialize_and_start(options);
  REQUIRE(result["capabilities"].contains("diagnosticProvider"));
  CHECK(result["capabilities"]["diagnosticProvider"]["interFileDependencies"] == false);

  const std::string uri = "file:///pulled.py";
  client.open(uri, "def g(a, b, c, d, e, f):\n    return a\n");
  const auto pull = [&](const std::string& previous) {
    json params = {{"textDocument", {{"uri", uri}}}};
    if (!previous.empty())
      params["previousResultId"] = previous;
    const json reply = client.call("textDocument/diagnostic", params);
    REQUIRE(reply.contains("result"));
    return reply["result"];
  };
  const json first = pull("");
  CHECK(first["kind"] == "full");
  REQUIRE(first["resultId"].is_string());
  REQUIRE(with_code(first, "DCT203").size() == 1);
  CHECK(with_code(first, "DCT203")[0]["range"] == range(0, 4, 0, 5));

  const json again = pull(first["resultId"]);
  CHECK(again["kind"] == "unchanged");
  CHECK(again["resultId"] == first["resultId"]);

  client.change(uri, 2, {text_edit(0, 6, 0, 6, "z, ")});
  const json changed = pull(first["resultId"]);
  CHECK(changed["kind"] == "full");
  CHECK(changed["resultId"] != first["resultId"]);
  CHECK(with_code(changed, "DCT203")[0]["message"] == "'g' has 7 parameters > 5");

  client.change(uri, 3, {text_edit(2, 0, 2, 0, "x = 1\n")});
  CHECK(pull(changed["resultId"])["kind"] == "unchanged");

  // Nothing was pushed.
  for (const json& message : client.drain())
    CHECK(message.value("method", "") != "textDocument/publishDiagnostics");
  for (const json& message : client.backlog())
    CHECK(message.value("method", "") != "textDocument/publishDiagnostics");
  client.shutdown_and_exit();
}

TEST_CASE("diagnostics: edits answered before their parse finishes equal a fresh document's") {
  // A 1 µs parse budget cuts every parse step short, so each edit is first analyzed from the
  // changed statements alone; on valid Python that must give what a finished parse gives.
  LspClient client({"--parse-budget-us", "1"});
  InitOptions options;
  options.capabilities = {{"textDocument", {{"diagnostic", {{"dynamicRegistration", false}}}}}};
  client.initialize_and_start(options);
  std::string text = "\"\"\"Module.\"\"\"\n\n\ndef f(a, b, c, d, e, g):\n"
                     "    if a and b:\n        return c\n    return d\n\n\n"
                     "class K:\n    def m(self, x):\n        return x or self\n";
  // Enough text that the parser looks at its clock (it does so every hundred steps or so).
  for (int i = 0; i < 40; ++i)
    text += "\n\ndef filler" + std::to_string(i) + "(a, b=2):\n    return [a, b, (a + b) * 2]\n";
  MirroredDocument doc(client, "file:///budget.py", text, Encoding::Utf16);
  const auto pull = [&](const std::string& uri) {
    const json reply = client.call("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}});
    REQUIRE(reply.contains("result"));
    return reply["result"]["items"];
  };
  const std::vector<std::vector<int>> edits = {{3, 5}, {10, 9}, {4, 7}, {11, 15},
                                               {3, 7}, {0, 3},  {7, 0}};
  int fresh = 0;
  for (const std::vector<int>& at : edits) {
    // Typing inside a name, then a new statement on its own line.
    doc.send({doc.edit(at[0], at[1], at[0], at[1], "x")});
    const json edited = pull(doc.uri());
    const std::string fresh_uri = "file:///fresh" + std::to_string(++fresh) + ".py";
    client.open(fresh_uri, doc.text());
    INFO(doc.text());
    CHECK(edited == pull(fresh_uri));
  }
  doc.send({doc.edit(8, 0, 8, 0, "def h(p, q, r, s, t, u):\n    return p\n")});
  const json edited = pull(doc.uri());
  client.open("file:///fresh-last.py", doc.text());
  CHECK(edited == pull("file:///fresh-last.py"));
  CHECK(with_code(json{{"diagnostics", edited}}, "DCT203").size() == 2);
  client.shutdown_and_exit();
}

TEST_CASE("cancellation: a queued request is answered once, by -32800 or its result") {
  LspClient client;
  client.initialize_and_start();
  std::string big; // Large enough that the hover waits behind the parse.
  for (int i = 0; i < 5000; ++i)
    big += "def f" + std::to_string(i) + "(a, b):\n    if a:\n        return b\n    return a\n";
  const std::string uri = "file:///big.py";
  client.open(uri, big);
  const json id = client.request("textDocument/hover",
                                 {{"textDocument", {{"uri", uri}}}, {"position", position(0, 4)}});
  client.notify("$/cancelRequest", {{"id", id}});
  // A later request on the same document is answered after the cancelled one ran or was dropped.
  const json later = client.hover(uri, 4, 4);
  CHECK(later.is_object());
  std::vector<json> replies;
  for (json& message : client.drain())
    client.backlog().push_back(std::move(message));
  for (const json& message : client.backlog())
    if (message.contains("id") && message["id"] == id)
      replies.push_back(message);
  client.backlog().clear();
  REQUIRE(replies.size() == 1);
  if (replies[0].contains("error"))
    CHECK(replies[0]["error"]["code"] == -32800);
  else
    CHECK(replies[0]["result"].is_object());

  // Cancelling a request that was answered, or never made, sends nothing.
  client.notify("$/cancelRequest", {{"id", id}});
  client.notify("$/cancelRequest", {{"id", 12345}});
  client.notify("$/cancelRequest", {{"id", "no-such-request"}});
  for (const json& message : client.drain()) {
    INFO(message.dump().substr(0, 300));
    CHECK(message.value("method", "") == "textDocument/publishDiagnostics");
  }
  client.shutdown_and_exit();
}
