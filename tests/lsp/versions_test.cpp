// The version a document's diagnostics carry when they are published again without an edit: a
// save, a settings change or a new learning snapshot re-checks the document at its version.
#include "lsp_client.h"

#include <catch2/catch.hpp>

using namespace docent::test;

TEST_CASE("diagnostics: a re-check after a save keeps the document's version") {
  LspClient client;
  client.initialize_and_start();
  const std::string uri = "file:///saved.py";
  client.open(uri, "def f(a):\n    return a\n", 1);
  client.diagnostics(uri, 1);
  client.change(uri, 7, {text_edit(0, 0, 0, 0, "\n")});
  CHECK(client.diagnostics(uri, 7)["version"] == 7);
  client.notify("textDocument/didSave", {{"textDocument", {{"uri", uri}}}});
  CHECK(client.diagnostics(uri)["version"] == 7); // Sent again: a save re-reads the settings.
  client.change(uri, 8, {text_edit(0, 0, 0, 0, "\n")});
  CHECK(client.diagnostics(uri, 8)["version"] == 8);
  client.shutdown_and_exit();
}
