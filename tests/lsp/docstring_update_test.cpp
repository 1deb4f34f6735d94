// Updating and converting docstrings through the server: offered only where they change
// something, resolved lazily as versioned edits, ContentModified after a change, eager edits for
// clients that cannot resolve.
#include "lsp_client.h"

#include <catch2/catch.hpp>

using namespace docent::test;

namespace {

const char* const kSource = "def scale(width: float, height, factor=2):\n"    // 0
                            "    \"\"\"Scale a box.\n"                        // 1
                            "\n"                                              // 2
                            "    Keep   this   prose.\n"                      // 3
                            "\n"                                              // 4
                            "    Args:\n"                                     // 5
                            "        width (int): How wide.\n"                // 6
                            "        depth (int): Gone from the signature.\n" // 7
                            "    \"\"\"\n"                                    // 8
                            "    return width * factor\n"                     // 9
                            "\n"                                              // 10
                            "\n"                                              // 11
                            "def fine(x):\n"                                  // 12
                            "    \"\"\"Fine.\n"                               // 13
                            "\n"                                              // 14
                            "    Parameters\n"                                // 15
                            "    ----------\n"                                // 16
                            "    x\n"                                         // 17
                            "        The x.\n"                                // 18
                            "    \"\"\"\n";                                   // 19

} // namespace

TEST_CASE("docstring update: offered on an outdated docstring, resolved as a versioned edit") {
  LspClient client;
  InitOptions options;
  options.capabilities = resolving_client_capabilities();
  client.initialize_and_start(options);
  const std::string uri = "file:///scale.py";
  client.open(uri, kSource);

  const json actions = code_actions_at(client, uri, 0, 12);
  const json* update =
      action_titled(actions, "Update the docstring of 'scale' to match its signature");
  REQUIRE(update != nullptr);
  CHECK((*update)["kind"] == "refactor.rewrite");
  CHECK_FALSE(update->contains("edit"));
  // The docstring is in the configured style already: no conversion.
  CHECK(action_titled(actions, "Convert the docstring of 'scale' to Google style") == nullptr);

  const json resolved = client.call("codeAction/resolve", *update)["result"];
  const json& change = resolved["edit"]["documentChanges"][0];
  CHECK(change["textDocument"]["version"] == 1);
  const std::string edited = apply_text_edits(kSource, change["edits"]);
  INFO(edited);
  CHECK(edited.find("    \"\"\"Scale a box.\n"
                    "\n"
                    "    Keep   this   prose.\n"
                    "\n"
                    "    Args:\n"
                    "        width (float): How wide.\n"
                    "        height: TODO: describe height.\n"
                    "        factor (int): TODO: describe factor. Defaults to 2.\n"
                    "\n"
                    "    Returns:\n"
                    "        TODO: describe the return value.\n"
                    "    \"\"\"\n") != std::string::npos);

  // Once updated, nothing more to update.
  client.change(uri, 2, {text_edit(0, 0, 20, 0, edited)});
  CHECK(action_titled(code_actions_at(client, uri, 0, 12),
                      "Update the docstring of 'scale' to match its signature") == nullptr);
  // The old action is stale.
  const json stale = client.call("codeAction/resolve", *update);
  REQUIRE(stale.contains("error"));
  CHECK(stale["error"]["code"] == -32801);
  client.shutdown_and_exit();
}

TEST_CASE("docstring conversion: to the configured style, edits at once without resolve") {
  LspClient client;
  InitOptions options;
  options.capabilities = {{"textDocument", {{"diagnostic", {{"dynamicRegistration", false}}}}}};
  client.initialize_and_start(options);
  const std::string uri = "file:///fine.py";
  client.open(uri, kSource);

  const json actions = code_actions_at(client, uri, 12, 5);
  CHECK(action_titled(actions, "Update the docstring of 'fine' to match its signature") == nullptr);
  const json* convert = action_titled(actions, "Convert the docstring of 'fine' to Google style");
  REQUIRE(convert != nullptr);
  CHECK((*convert)["kind"] == "refactor.rewrite");
  const std::string edited = apply_text_edits(kSource, (*convert)["edit"]["changes"][uri]);
  CHECK(edited.find("def fine(x):\n"
                    "    \"\"\"Fine.\n"
                    "\n"
                    "    Args:\n"
                    "        x: The x.\n"
                    "    \"\"\"\n") != std::string::npos);
  // Not offered inside the body.
  CHECK(action_titled(code_actions_at(client, uri, 18, 5),
                      "Convert the docstring of 'fine' to Google style") == nullptr);
  client.shutdown_and_exit();
}

TEST_CASE("docstring conversion: follows the docstring-style setting") {
  LspClient client;
  InitOptions options;
  options.capabilities = resolving_client_capabilities();
  options.initialization_options = {{"docstring-style", "sphinx"}};
  client.initialize_and_start(options);
  const std::string uri = "file:///fine.py";
  client.open(uri, kSource);
  const json actions = code_actions_at(client, uri, 12, 5);
  const json* convert = action_titled(actions, "Convert the docstring of 'fine' to Sphinx style");
  REQUIRE(convert != nullptr);
  const json resolved = client.call("codeAction/resolve", *convert)["result"];
  const std::string edited =
      apply_text_edits(kSource, resolved["edit"]["documentChanges"][0]["edits"]);
  CHECK(edited.find("    \"\"\"Fine.\n\n    :param x: The x.\n    \"\"\"\n") != std::string::npos);
  client.shutdown_and_exit();
}
