// Docstring code actions end to end: what is offered where, lazy resolution with versioned
// edits, ContentModified after a change, quick fixes for D1xx, eager edits for clients that
// cannot resolve, and the source action that documents a whole file.
#include "lsp_client.h"

#include <catch2/catch.hpp>

#include <thread>

using namespace docent::test;

namespace {

const char* const kSource = "\"\"\"Shapes.\"\"\"\n"                     // 0
                            "\n"                                        // 1
                            "\n"                                        // 2
                            "def scale_area(width: float, factor=2):\n" // 3
                            "    if width < 0:\n"                       // 4
                            "        raise ValueError(width)\n"         // 5
                            "    return width * factor\n"               // 6
                            "\n"                                        // 7
                            "\n"                                        // 8
                            "def documented():\n"                       // 9
                            "    \"\"\"Do nothing.\"\"\"\n"             // 10
                            "\n"                                        // 11
                            "\n"                                        // 12
                            "class Box: pass\n";                        // 13

} // namespace

TEST_CASE("code actions: insert a docstring, resolved lazily as a versioned edit") {
  LspClient client;
  InitOptions options;
  options.capabilities = resolving_client_capabilities();
  const json init = client.initialize_and_start(options);
  REQUIRE(init["capabilities"]["codeActionProvider"]["resolveProvider"] == true);
  const std::string uri = "file:///shapes.py";
  client.open(uri, kSource);

  // Anywhere in the signature: the name, the parameters.
  const json actions = code_actions_at(client, uri, 3, 20);
  const json* insert = action_titled(actions, "Insert a Google-style docstring for 'scale_area'");
  REQUIRE(insert != nullptr);
  CHECK((*insert)["kind"] == "refactor.rewrite");
  CHECK_FALSE(insert->contains("edit"));
  REQUIRE(action_titled(actions,
                        "Add Google-style docstrings to the 1 undocumented definition of this "
                        "file") == nullptr);
  CHECK(action_titled(actions,
                      "Add Google-style docstrings to the 2 undocumented definitions of this "
                      "file") != nullptr);

  const json resolved = client.call("codeAction/resolve", *insert)["result"];
  const json& change = resolved["edit"]["documentChanges"][0];
  CHECK(change["textDocument"]["uri"] == uri);
  CHECK(change["textDocument"]["version"] == 1);
  const std::string edited = apply_text_edits(kSource, change["edits"]);
  INFO(edited);
  CHECK(edited.find("def scale_area(width: float, factor=2):\n"
                    "    \"\"\"Scale area.\n"
                    "\n"
                    "    Args:\n"
                    "        width (float): TODO: describe width.\n"
                    "        factor (int): TODO: describe factor. Defaults to 2.\n") !=
        std::string::npos);
  CHECK(edited.find("    Raises:\n        ValueError: ") != std::string::npos);
  CHECK(edited.find("    Returns:\n") != std::string::npos);

  // Nothing to insert inside a body or on a documented definition.
  CHECK(action_titled(code_actions_at(client, uri, 5, 10),
                      "Insert a Google-style docstring for 'scale_area'") == nullptr);
  CHECK(action_titled(code_actions_at(client, uri, 9, 5),
                      "Insert a Google-style docstring for 'documented'") == nullptr);

  // After an edit, the old action no longer applies.
  client.change(uri, 2, {text_edit(7, 0, 7, 0, "\n")});
  const json stale = client.call("codeAction/resolve", *insert);
  REQUIRE(stale.contains("error"));
  CHECK(stale["error"]["code"] == -32801);
  client.shutdown_and_exit();
}

TEST_CASE("code actions: quick fix for a missing-docstring diagnostic, edits at once without "
          "resolve support") {
  LspClient client;
  InitOptions options;
  options.capabilities = {{"textDocument", {{"diagnostic", {{"dynamicRegistration", false}}}}}};
  options.initialization_options = {{"docstring-style", "numpy"}};
  client.initialize_and_start(options);
  const std::string uri = "file:///box.py";
  client.open(uri, kSource);
  const json report =
      client.call("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}})["result"];
  const std::vector<json> missing = with_code(report, "D101");
  REQUIRE(missing.size() == 1);
  const json actions =
      code_actions_at(client, uri, 13, 0, json{{"diagnostics", json::array({missing[0]})}});
  const json* fix = action_titled(actions, "Insert a NumPy-style docstring for 'Box'");
  REQUIRE(fix != nullptr);
  CHECK((*fix)["kind"] == "quickfix");
  CHECK((*fix)["isPreferred"] == true);
  CHECK((*fix)["diagnostics"][0]["code"] == "D101");
  // No resolve support, no documentChanges: the edit comes with the action, as `changes`.
  const std::string edited = apply_text_edits(kSource, (*fix)["edit"]["changes"][uri]);
  CHECK(edited.find("class Box:\n    \"\"\"") != std::string::npos);
  CHECK(edited.find("\"\"\"\n    pass\n") != std::string::npos);
  client.shutdown_and_exit();
}

TEST_CASE("code actions: the source action documents every definition of the file") {
  LspClient client;
  InitOptions options;
  options.capabilities = resolving_client_capabilities();
  client.initialize_and_start(options);
  const std::string uri = "file:///all.py";
  const std::string text = std::string("import os\n\n\n") + (kSource + 14);
  client.open(uri, text);
  const json actions = code_actions_at(client, uri, 0, 0,
                                       json{{"diagnostics", json::array()}, {"only", {"source"}}});
  REQUIRE(actions.size() == 1);
  CHECK(actions[0]["kind"] == "source.docent.addDocstrings");
  CHECK(actions[0]["title"] ==
        "Add Google-style docstrings to the 3 undocumented definitions of this file");
  const json resolved = client.call("codeAction/resolve", actions[0])["result"];
  const std::string edited =
      apply_text_edits(text, resolved["edit"]["documentChanges"][0]["edits"]);
  CHECK(edited.rfind("\"\"\"", 0) == 0); // The module docstring comes first.

  // The edited file has no missing docstring left.
  client.open("file:///all-edited.py", edited);
  const json report = client.call("textDocument/diagnostic",
                                  {{"textDocument", {{"uri", "file:///all-edited.py"}}}})["result"];
  for (const json& item : report["items"])
    CHECK(item["code"].get<std::string>().rfind("D10", 0) != 0);
  client.shutdown_and_exit();
}

TEST_CASE("code actions: parameter descriptions the workspace already has are reused") {
  TempDir workspace;
  // Two docstrings describe `path` the same way, one otherwise; `mode` once.
  workspace.write("io_helpers.py", "def read(path: str, mode='r'):\n"
                                   "    \"\"\"Read a file.\n\n    Args:\n"
                                   "        path (str): Where the file lives.\n"
                                   "        mode (str): How to open it.\n    \"\"\"\n\n\n"
                                   "def write(path: str):\n"
                                   "    \"\"\"Write a file.\n\n    Args:\n"
                                   "        path: Where the file lives.\n    \"\"\"\n\n\n"
                                   "def remove(path):\n"
                                   "    \"\"\"Remove a file.\n\n    Args:\n"
                                   "        path: The file to remove.\n    \"\"\"\n");
  LspClient client;
  InitOptions options;
  options.capabilities = resolving_client_capabilities();
  options.root_uri = workspace.uri();
  client.initialize_and_start(options);
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (client.call("docent/workspaceStats")["result"].value("indexing", true)) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(50ms);
  }
  const std::string uri = "file:///copy.py";
  const std::string text = "def copy(path: str, target):\n    return target\n";
  client.open(uri, text);
  const json actions = code_actions_at(client, uri, 0, 5);
  const json* insert = action_titled(
      actions, "Insert a Google-style docstring for 'copy' (reusing the workspace's description "
               "of 'path')");
  REQUIRE(insert != nullptr);
  const json resolved = client.call("codeAction/resolve", *insert)["result"];
  const std::string edited =
      apply_text_edits(text, resolved["edit"]["documentChanges"][0]["edits"]);
  INFO(edited);
  CHECK(edited.find("        path (str): Where the file lives.\n") != std::string::npos);
  CHECK(edited.find("        target: TODO: describe target.\n") != std::string::npos);
  client.shutdown_and_exit();
}

TEST_CASE("code actions: a docstring mismatch diagnostic has the update as its quick fix") {
  LspClient client;
  InitOptions options;
  options.capabilities = resolving_client_capabilities();
  client.initialize_and_start(options);
  const std::string uri = "file:///mismatch.py";
  const std::string text = "def area(width, height):\n"
                           "    \"\"\"Compute the area.\n\n"
                           "    Args:\n"
                           "        width: The width, in metres.\n"
                           "    \"\"\"\n"
                           "    return width * height\n";
  client.open(uri, text);
  const json report =
      client.call("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}})["result"];
  const std::vector<json> undocumented = with_code(report, "DOC101");
  REQUIRE(undocumented.size() == 1);
  const json actions =
      code_actions_at(client, uri, 0, 0, json{{"diagnostics", json::array({undocumented[0]})}});
  const json* fix = action_titled(actions, "Update the docstring of 'area' to match its signature");
  REQUIRE(fix != nullptr);
  CHECK((*fix)["kind"] == "quickfix");
  CHECK((*fix)["diagnostics"][0]["code"] == "DOC101");
  const json resolved = client.call("codeAction/resolve", *fix)["result"];
  const std::string edited =
      apply_text_edits(text, resolved["edit"]["documentChanges"][0]["edits"]);
  INFO(edited);
  CHECK(edited.find("        width: The width, in metres.\n        height: ") != std::string::npos);
  CHECK(edited.find("    Returns:\n") != std::string::npos);
  client.shutdown_and_exit();
}
