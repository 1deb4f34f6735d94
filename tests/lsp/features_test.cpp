// Hover, code lens and configuration end to end: what the client sees for a document, and how
// each settings source (initializationOptions, didChangeConfiguration, workspace/configuration,
// pyproject.toml) changes it.
#include "lsp_client.h"

#include <catch2/catch.hpp>

#include <regex>

using namespace docent::test;

namespace {

const char* const kShapes = "import os\n"            // 0
                            "\n"                     // 1
                            "\n"                     // 2
                            "def compute(a, b):\n"   // 3
                            "    \"\"\"Add.\"\"\"\n" // 4
                            "    if a:\n"            // 5
                            "        return a + b\n" // 6
                            "    return b\n"         // 7
                            "\n"                     // 8
                            "\n"                     // 9
                            "class Shape:\n"         // 10
                            "    def area(self):\n"  // 11
                            "        return 0\n";    // 12

// mccabe complexity 3: reported as C901 with max-complexity 2, not with the default 10.
const char* const kBranchy = "def branchy(a):\n"
                             "    if a == 1:\n"
                             "        return 1\n"
                             "    elif a == 2:\n"
                             "        return 2\n"
                             "    return 3\n";

std::string hover_text(const json& hover) {
  REQUIRE(hover.is_object());
  return hover["contents"]["value"].get<std::string>();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

json markdown_client() {
  return {{"textDocument", {{"hover", {{"contentFormat", {"markdown", "plaintext"}}}}}}};
}

size_t c901_count(const json& diagnostics) {
  return with_code(diagnostics, "C901").size();
}

} // namespace

TEST_CASE("hover: definitions, module, nothing elsewhere") {
  LspClient client;
  InitOptions options;
  options.capabilities = markdown_client();
  client.initialize_and_start(options);
  const std::string uri = "file:///shapes.py";
  client.open(uri, kShapes);

  const json on_name = client.hover(uri, 3, 6);
  CHECK(on_name["contents"]["kind"] == "markdown");
  CHECK(has(hover_text(on_name), "function `compute`"));
  CHECK(has(hover_text(on_name), "| cyclomatic | 2 (A) |"));
  CHECK(has(hover_text(on_name), "| parameters | 2 |"));
  CHECK(has(hover_text(on_name), "| docstring | yes |"));
  CHECK(on_name["range"] == range(3, 4, 3, 11));

  const json on_keyword = client.hover(uri, 3, 1);
  CHECK(on_keyword == on_name);

  const json on_class = client.hover(uri, 10, 7);
  CHECK(has(hover_text(on_class), "class `Shape`"));
  CHECK(on_class["range"] == range(10, 6, 10, 11));

  const json on_method = client.hover(uri, 11, 9);
  CHECK(has(hover_text(on_method), "method `Shape.area`"));
  CHECK(has(hover_text(on_method), "| parameters | 0 |")); // `self` is not counted.
  CHECK(on_method["range"] == range(11, 8, 11, 12));

  const json on_module = client.hover(uri, 0, 3);
  CHECK(has(hover_text(on_module), "**module**"));
  CHECK(has(hover_text(on_module), "| functions | 1 |"));
  CHECK(has(hover_text(on_module), "| methods | 1 |"));
  CHECK_FALSE(on_module.contains("range"));

  CHECK(client.hover(uri, 6, 12).is_null());  // Inside a body.
  CHECK(client.hover(uri, 1, 0).is_null());   // A blank line.
  CHECK(client.hover(uri, 500, 0).is_null()); // Past the end: the end of the text.
  CHECK(client.hover("file:///not_open.py", 0, 0).is_null());
  client.shutdown_and_exit();
}

TEST_CASE("hover: plain text when the client does not take Markdown") {
  for (const json& capabilities :
       {json::object(), json{{"textDocument", {{"hover", {{"contentFormat", {"plaintext"}}}}}}}}) {
    INFO(capabilities.dump());
    LspClient client;
    InitOptions options;
    options.capabilities = capabilities;
    client.initialize_and_start(options);
    client.open("file:///shapes.py", kShapes);
    const json hover = client.hover("file:///shapes.py", 3, 6);
    CHECK(hover["contents"]["kind"] == "plaintext");
    CHECK(has(hover_text(hover), "function compute\n"));
    CHECK_FALSE(has(hover_text(hover), "|"));
    CHECK_FALSE(has(hover_text(hover), "`"));
    client.shutdown_and_exit();
  }
}

TEST_CASE("code lens: none by default, one per definition when enabled") {
  const auto lenses = [](LspClient& client) {
    client.open("file:///shapes.py", kShapes);
    const json reply =
        client.call("textDocument/codeLens", {{"textDocument", {{"uri", "file:///shapes.py"}}}});
    REQUIRE(reply.contains("result"));
    return reply["result"];
  };
  {
    LspClient client;
    client.initialize_and_start();
    CHECK(lenses(client) == json::array());
    client.shutdown_and_exit();
  }
  LspClient client;
  InitOptions options;
  options.initialization_options = {{"code-lens", true}};
  client.initialize_and_start(options);
  const json result = lenses(client);
  REQUIRE(result.size() == 3);
  const std::regex title(R"(cc \d+ \([A-F]\) · cognitive \d+)");
  for (const json& lens : result)
    CHECK(std::regex_match(lens["command"]["title"].get<std::string>(), title));
  CHECK(result[0]["range"] == range(3, 4, 3, 11));
  CHECK(result[0]["command"]["title"] == "cc 2 (A) · cognitive 1");
  CHECK(result[1]["range"] == range(10, 6, 10, 11));
  CHECK(result[2]["range"] == range(11, 8, 11, 12));

  // Turned off again by a settings change.
  client.notify("workspace/didChangeConfiguration", {{"settings", {{"code-lens", false}}}});
  const json off =
      client.call("textDocument/codeLens", {{"textDocument", {{"uri", "file:///shapes.py"}}}});
  CHECK(off["result"] == json::array());
  client.shutdown_and_exit();
}

TEST_CASE("configuration: initializationOptions") {
  LspClient client;
  InitOptions options;
  options.initialization_options = {{"max-complexity", 2}};
  client.initialize_and_start(options);
  client.open("file:///branchy.py", kBranchy);
  const json diagnostics = client.diagnostics("file:///branchy.py");
  REQUIRE(c901_count(diagnostics) == 1);
  CHECK(with_code(diagnostics, "C901")[0]["message"] == "'branchy' is too complex (3 > 2)");
  CHECK(with_code(diagnostics, "C901")[0]["range"] == range(0, 4, 0, 11));
  client.shutdown_and_exit();
}

TEST_CASE("configuration: workspace/didChangeConfiguration") {
  LspClient client;
  client.initialize_and_start();
  client.open("file:///branchy.py", kBranchy);
  CHECK(c901_count(client.diagnostics("file:///branchy.py")) == 0);
  client.notify("workspace/didChangeConfiguration",
                {{"settings", {{"docent", {{"max-complexity", 2}}}}}});
  CHECK(c901_count(client.diagnostics("file:///branchy.py")) == 1);
  client.notify("workspace/didChangeConfiguration", {{"settings", {{"max-complexity", 5}}}});
  CHECK(c901_count(client.diagnostics("file:///branchy.py")) == 0);
  client.shutdown_and_exit();
}

TEST_CASE("configuration: workspace/configuration, asked after initialized") {
  LspClient client;
  InitOptions options;
  options.capabilities = {{"workspace", {{"configuration", true}}}};
  client.initialize(options);
  client.open("file:///branchy.py", kBranchy);
  client.notify("initialized");
  const json ask = client.server_request("workspace/configuration");
  CHECK(ask["params"]["items"][0]["section"] == "docent");
  client.respond(ask["id"], json::array({{{"max-complexity", 2}}}));
  CHECK(c901_count(client.latest_diagnostics("file:///branchy.py")) == 1);

  // A change notice without the settings: the server asks again.
  client.notify("workspace/didChangeConfiguration", {{"settings", nullptr}});
  const json again = client.server_request("workspace/configuration");
  client.respond(again["id"], json::array({nullptr}));
  CHECK(c901_count(client.diagnostics("file:///branchy.py")) == 0);
  client.shutdown_and_exit();
}

TEST_CASE("configuration: [tool.docent] in pyproject.toml, edits picked up without restart") {
  TempDir workspace;
  workspace.write("pyproject.toml", "[project]\nname = 'x'\n\n[tool.docent]\nmax-complexity = 2\n");
  const std::string path = workspace.write("pkg/branchy.py", kBranchy);
  const std::string uri = file_uri(path);
  LspClient client;
  InitOptions options;
  options.root_uri = workspace.uri();
  client.initialize_and_start(options);
  client.open(uri, kBranchy);
  CHECK(c901_count(client.diagnostics(uri)) == 1);

  SECTION("noticed on save") {
    workspace.write("pyproject.toml", "[tool.docent]\nmax-complexity = 20\n");
    client.notify("textDocument/didSave", {{"textDocument", {{"uri", uri}}}});
    CHECK(c901_count(client.diagnostics(uri)) == 0);
  }
  SECTION("noticed on a watched-file change") {
    workspace.write("pyproject.toml", "[tool.docent]\nmax-complexity = 20\n");
    client.notify("workspace/didChangeWatchedFiles",
                  {{"changes", {{{"uri", workspace.uri() + "/pyproject.toml"}, {"type", 2}}}}});
    CHECK(c901_count(client.diagnostics(uri)) == 0);
  }
  SECTION("noticed twice in quick succession") {
    // Two rewrites of the same size within one timestamp tick must still both be seen.
    workspace.write("pyproject.toml", "[tool.docent]\nmax-complexity = 20\n");
    client.notify("textDocument/didSave", {{"textDocument", {{"uri", uri}}}});
    CHECK(c901_count(client.diagnostics(uri)) == 0);
    workspace.write("pyproject.toml", "[tool.docent]\nmax-complexity =  2\n");
    client.notify("textDocument/didSave", {{"textDocument", {{"uri", uri}}}});
    CHECK(c901_count(client.diagnostics(uri)) == 1);
  }
  client.shutdown_and_exit();
}

TEST_CASE("configuration: client settings win over pyproject.toml, key by key") {
  TempDir workspace;
  workspace.write("pyproject.toml", "[tool.docent]\nmax-complexity = 2\nmax-parameters = 1\n");
  const std::string uri = file_uri(workspace.write("branchy.py", kBranchy));
  LspClient client;
  InitOptions options;
  options.root_uri = workspace.uri();
  options.initialization_options = {{"max-complexity", 20}};
  client.initialize_and_start(options);
  client.open(uri, kBranchy + std::string("\ndef two(a, b):\n    return a\n"));
  const json diagnostics = client.diagnostics(uri);
  CHECK(c901_count(diagnostics) == 0);                 // The client's 20 wins.
  CHECK(with_code(diagnostics, "DCT203").size() == 1); // pyproject's 1 stays.
  client.shutdown_and_exit();
}

TEST_CASE("configuration: an invalid value warns once, naming the key, and the default holds") {
  LspClient client;
  InitOptions options;
  options.initialization_options = {{"max-complexity", "many"}};
  client.initialize_and_start(options);
  std::string deep = "def deep(a):\n";
  for (int i = 0; i < 11; ++i)
    deep += "    if a == " + std::to_string(i) + ":\n        return " + std::to_string(i) + "\n";
  client.open("file:///branchy.py", kBranchy);
  client.open("file:///deep.py", deep);
  CHECK(c901_count(client.diagnostics("file:///branchy.py")) == 0);
  CHECK(c901_count(client.diagnostics("file:///deep.py")) == 1); // 12 > the default 10.
  client.change("file:///deep.py", 2, {text_edit(0, 0, 0, 0, "# edited\n")});
  client.diagnostics("file:///deep.py", 2);

  std::vector<json> warnings;
  for (json& message : client.drain())
    client.backlog().push_back(std::move(message));
  for (const json& message : client.backlog())
    if (message.value("method", "") == "window/showMessage")
      warnings.push_back(message);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0]["params"]["type"] == 2);
  CHECK(has(warnings[0]["params"]["message"], "max-complexity"));
  client.shutdown_and_exit();
}
