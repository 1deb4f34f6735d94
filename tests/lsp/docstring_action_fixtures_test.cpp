// Docstring code actions, data-driven: tests/fixtures/docstring_actions/NAME.py marks the cursor
// with `<|>` and says in its first lines which action to take (`# action: <title prefix>`) and
// with which settings (`# settings: {json}`, `{fixtures}` standing for the fixtures folder).
// The server offers the actions at the cursor; the one taken is resolved and applied, and the
// text must equal NAME.expected. DOCENT_UPDATE_FIXTURES=1 rewrites the expected files.
#include "lsp_client.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace docent::test;

namespace {

constexpr std::string_view kCursor = "<|>";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The value of a `# key: value` header line, or "".
std::string header(const std::string& text, const std::string& key) {
  const std::string prefix = "# " + key + ": ";
  const size_t at = text.find(prefix);
  if (at == std::string::npos || (at > 0 && text[at - 1] != '\n'))
    return "";
  const size_t end = text.find_first_of("\r\n", at);
  return text.substr(at + prefix.size(), end - at - prefix.size());
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The LSP position of an ASCII text's byte offset.
json position_at(const std::string& text, size_t offset) {
  const size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const size_t column =
      line_start == std::string::npos || offset == 0 ? offset : offset - line_start - 1;
  const int line = static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
  return position(line, static_cast<int>(column));
}

std::vector<std::filesystem::path> fixtures() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(DOCENT_FIXTURES_DIR) + "/docstring_actions"))
    if (entry.path().extension() == ".py")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The fixture's text after the action it names, as the server computes it.
std::string take_action(const std::filesystem::path& path) {
  std::string text = read_text(path);
  const std::string action = header(text, "action");
  std::string settings = header(text, "settings");
  replace_all(settings, "{fixtures}", DOCENT_FIXTURES_DIR);
  const size_t cursor = text.find(kCursor);
  REQUIRE(!action.empty());
  REQUIRE(cursor != std::string::npos);
  text.erase(cursor, kCursor.size());

  LspClient client;
  InitOptions options;
  options.capabilities = resolving_client_capabilities();
  if (!settings.empty())
    options.initialization_options = json::parse(settings);
  client.initialize_and_start(options);
  const std::string uri = "file:///fixture.py";
  client.open(uri, text);
  const json at = position_at(text, cursor);
  const json actions = client.call("textDocument/codeAction",
                                   {{"textDocument", {{"uri", uri}}},
                                    {"range", {{"start", at}, {"end", at}}},
                                    {"context", {{"diagnostics", json::array()}}}})["result"];
  const json* chosen = nullptr;
  for (const json& offered : actions)
    if (offered["title"].get<std::string>().rfind(action, 0) == 0 && chosen == nullptr)
      chosen = &offered;
  INFO("actions offered: " << actions.dump(2));
  REQUIRE(chosen != nullptr);
  const json resolved = client.call("codeAction/resolve", *chosen);
  REQUIRE(resolved.contains("result"));
  client.shutdown_and_exit();
  return apply_text_edits(text, resolved["result"]["edit"]["documentChanges"][0]["edits"]);
}

} // namespace

TEST_CASE("docstring actions: fixtures with a cursor") {
  const bool update = std::getenv("DOCENT_UPDATE_FIXTURES") != nullptr;
  const std::vector<std::filesystem::path> files = fixtures();
  REQUIRE(files.size() >= 8);
  for (const std::filesystem::path& path : files) {
    INFO(path.filename().string());
    const std::string actual = take_action(path);
    const std::filesystem::path expected =
        std::filesystem::path(path).replace_extension(".expected");
    if (update)
      std::ofstream(expected, std::ios::binary) << actual;
    CHECK(actual == read_text(expected));
  }
}
