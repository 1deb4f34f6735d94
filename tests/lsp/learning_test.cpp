// Feedback capture end to end: the docent.feedback command that docent's actions carry, Ignore
// quick fixes with their `# noqa` edits, inserted docstrings followed through later edits,
// weak rejections of actions requested again and again, the learning commands and setting,
// and a damaged database. Every client keeps its learning data in a folder of its own
// (LspClient sets XDG_DATA_HOME), which the tests read through the commands and `docent learn`.
#include "lsp_client.h"

#include "../common/run_command.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sys/wait.h>

using namespace docent::test;
namespace fs = std::filesystem;

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
                            "def unit(name):\n"                         // 9
                            "    return name\n";                        // 10

const char* const kInsertTitle = "Insert a Google-style docstring for 'scale_area'";

// Clients that take edits with the action (no resolve) and pull diagnostics.
InitOptions eager_client(json settings = nullptr) {
  InitOptions options;
  options.capabilities = {{"textDocument", {{"diagnostic", {{"dynamicRegistration", false}}}}}};
  options.initialization_options = std::move(settings);
  return options;
}

json execute(LspClient& client, const std::string& command, const json& arguments = json::array()) {
  return client.call("workspace/executeCommand", {{"command", command}, {"arguments", arguments}});
}

// What the client does after applying an action's edit: run its command.
json run_command_of(LspClient& client, const json& action) {
  REQUIRE(action.contains("command"));
  const json& command = action["command"];
  CHECK(command["command"] == "docent.feedback");
  const json reply = execute(client, command["command"], command["arguments"]);
  REQUIRE(reply.contains("result"));
  return reply["result"];
}

json stats(LspClient& client) {
  const json reply = execute(client, "docent.learning.stats");
  REQUIRE(reply.contains("result"));
  return reply["result"];
}

// The counts of one code (without sections) in a stats answer.
json code_counts(const json& stats, const std::string& kind, const std::string& code) {
  for (const json& entry : stats["codes"])
    if (entry["kind"] == kind && entry["code"] == code)
      return {{"accepted", entry["accepted"]}, {"rejected", entry["rejected"]}};
  return {{"accepted", 0}, {"rejected", 0}};
}

json section_counts(const json& stats, const std::string& section) {
  return stats["sections"].value(section, json{{"accepted", 0}, {"rejected", 0}});
}

// A TextEdit of a WorkspaceEdit.
json edit(int start_line, int start_character, int end_line, int end_character,
          const std::string& text) {
  return {{"range", range(start_line, start_character, end_line, end_character)},
          {"newText", text}};
}

// A document edited as a client edits it: each change goes to the server as a versioned
// didChange of ranges, and to the local copy.
class EditedDocument {
public:
  EditedDocument(LspClient& client, std::string uri, std::string text)
      : client_(client), uri_(std::move(uri)), text_(std::move(text)) {
    client_.open(uri_, text_, version_);
  }

  const std::string& text() const { return text_; }
  const std::string& uri() const { return uri_; }

  // Applies the edits of a WorkspaceEdit's `changes` for this document (all relative to the
  // current text), sent last first so that each range is still valid when it is applied.
  void apply(const json& edits) {
    std::vector<json> ordered(edits.begin(), edits.end());
    std::sort(ordered.begin(), ordered.end(), [](const json& a, const json& b) {
      const json& x = a["range"]["start"];
      const json& y = b["range"]["start"];
      return std::make_pair(x["line"].get<int>(), x["character"].get<int>()) >
             std::make_pair(y["line"].get<int>(), y["character"].get<int>());
    });
    std::vector<json> changes;
    for (const json& edit : ordered)
      changes.push_back({{"range", edit["range"]}, {"text", edit["newText"]}});
    text_ = apply_text_edits(text_, edits);
    client_.change(uri_, ++version_, changes);
  }

  // Deletes whole lines [first, last] (0-based).
  void delete_lines(int first, int last) { apply(json::array({edit(first, 0, last + 1, 0, "")})); }

  // The 0-based line that starts with `prefix`, or -1.
  int line_starting(const std::string& prefix) const {
    int line = 0;
    for (size_t at = 0; at < text_.size(); at = text_.find('\n', at) + 1, ++line) {
      if (text_.compare(at, prefix.size(), prefix) == 0)
        return line;
      if (text_.find('\n', at) == std::string::npos)
        break;
    }
    return -1;
  }

  // Waits until the server has taken every edit sent so far (and recorded what they gave):
  // the worker answers a query only after applying and analyzing the edits before it.
  void sync() { client_.hover(uri_, 0, 0); }

private:
  LspClient& client_;
  std::string uri_;
  std::string text_;
  int64_t version_ = 1;
};

// The action titled `title` offered at a point, with its edit applied and its command run.
json take_action(LspClient& client, EditedDocument& document, int line, int character,
                 const std::string& title,
                 const json& context = json{{"diagnostics", json::array()}}) {
  const json actions = code_actions_at(client, document.uri(), line, character, context);
  const json* action = action_titled(actions, title);
  INFO(actions.dump(1));
  REQUIRE(action != nullptr);
  document.apply((*action)["edit"]["changes"][document.uri()]);
  return run_command_of(client, *action);
}

json pulled(LspClient& client, const std::string& uri) {
  return client.call("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}})["result"];
}

using test_support::Run;

Run docent_command(const std::string& arguments) {
  return test_support::run_command(std::string(DOCENT_BINARY) + " " + arguments + " 2>&1");
}

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = text.find('\n', begin);
    lines.push_back(json::parse(text.substr(begin, end - begin)));
    begin = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

} // namespace

TEST_CASE("learning: a docent action carries docent.feedback, which records the acceptance") {
  LspClient client;
  const json init = client.initialize_and_start(eager_client());
  CHECK(init["capabilities"]["executeCommandProvider"]["commands"] ==
        json({"docent.feedback", "docent.learning.stats", "docent.learning.reset"}));
  EditedDocument document(client, "file:///shapes.py", kSource);

  const json actions = code_actions_at(client, document.uri(), 3, 6);
  const json* insert = action_titled(actions, kInsertTitle);
  REQUIRE(insert != nullptr);
  const json& arguments = (*insert)["command"]["arguments"][0];
  CHECK(arguments["kind"] == "docstring");
  CHECK(arguments["code"] == "insert");
  CHECK(arguments["outcome"] == "accepted");
  CHECK(arguments["qualname"] == "scale_area");
  CHECK(arguments["uri"] == document.uri());
  CHECK(arguments["features"]["version"] == 1); // The model's features (features.h).
  CHECK_FALSE(arguments["features"]["numeric"].empty());
  // Every action of the answer has an id of its own.
  std::set<std::string> ids;
  for (const json& action : actions)
    ids.insert(action["command"]["arguments"][0]["id"].get<std::string>());
  CHECK(ids.size() == actions.size());

  document.apply((*insert)["edit"]["changes"][document.uri()]);
  const json recorded = run_command_of(client, *insert);
  CHECK(recorded["recorded"] == true);
  CHECK(recorded["event"].is_number_integer());

  const json counts = stats(client);
  CHECK(counts["enabled"] == true);
  CHECK(counts["events"] == 1);
  CHECK(counts["kinds"]["docstring"] == json({{"accepted", 1}, {"rejected", 0}}));
  CHECK(code_counts(counts, "docstring", "insert") == json({{"accepted", 1}, {"rejected", 0}}));
  CHECK(counts["database"] == client.data_home() + "/docent/feedback.sqlite3");

  // A client that runs the command twice records it once.
  const json again = run_command_of(client, *insert);
  CHECK(again["recorded"] == false);
  CHECK(stats(client)["events"] == 1);
  client.shutdown_and_exit();
  CHECK(fs::exists(client.data_home() + "/docent/feedback.sqlite3"));
}

TEST_CASE("learning: Ignore adds or extends # noqa and records a rejection") {
  LspClient client;
  client.initialize_and_start(eager_client({{"max-complexity", 1}}));
  const std::string text = "\"\"\"Checks.\"\"\"\n"           // 0
                           "\n"                              // 1
                           "\n"                              // 2
                           "def branchy(a):  # noqa: D103\n" // 3
                           "    if a:\n"                     // 4
                           "        return 1\n"              // 5
                           "    return 2\n"                  // 6
                           "\n"                              // 7
                           "\n"                              // 8
                           "def plain(b):   \n"              // 9
                           "    return b\n";                 // 10
  EditedDocument document(client, "file:///checks.py", text);
  const json report = pulled(client, document.uri());
  const std::vector<json> complex = with_code(report, "C901");
  REQUIRE(complex.size() == 1);
  CHECK(complex[0]["range"]["start"]["line"] == 3);
  const std::vector<json> missing = with_code(report, "D103");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0]["range"]["start"]["line"] == 9);

  // An existing `# noqa: D103` is extended; the fix is a quick fix for that diagnostic.
  const json actions = code_actions_at(client, document.uri(), 3, 4,
                                       json{{"diagnostics", json::array({complex[0]})}});
  const json* ignore = action_titled(actions, "Ignore C901 here");
  REQUIRE(ignore != nullptr);
  CHECK((*ignore)["kind"] == "quickfix");
  CHECK((*ignore)["diagnostics"][0]["code"] == "C901");
  CHECK((*ignore)["command"]["arguments"][0]["outcome"] == "rejected");
  CHECK((*ignore)["command"]["arguments"][0]["kind"] == "complexity");
  document.apply((*ignore)["edit"]["changes"][document.uri()]);
  CHECK(run_command_of(client, *ignore)["recorded"] == true);
  CHECK(document.text().find("def branchy(a):  # noqa: D103, C901\n") != std::string::npos);

  // A line without a comment gets one (trailing blanks replaced); the insert fix comes first.
  const json fixes = code_actions_at(client, document.uri(), 9, 4,
                                     json{{"diagnostics", json::array({missing[0]})}});
  REQUIRE(fixes.size() >= 2);
  CHECK(fixes[0]["title"] == "Insert a Google-style docstring for 'plain'");
  const json* ignore_missing = action_titled(fixes, "Ignore D103 here");
  REQUIRE(ignore_missing != nullptr);
  document.apply((*ignore_missing)["edit"]["changes"][document.uri()]);
  CHECK(run_command_of(client, *ignore_missing)["recorded"] == true);
  CHECK(document.text().find("def plain(b):  # noqa: D103\n") != std::string::npos);

  const json after = pulled(client, document.uri());
  CHECK(with_code(after, "C901").empty());
  CHECK(with_code(after, "D103").empty());
  const json counts = stats(client);
  CHECK(counts["kinds"]["complexity"] == json({{"accepted", 0}, {"rejected", 1}}));
  CHECK(code_counts(counts, "complexity", "C901") == json({{"accepted", 0}, {"rejected", 1}}));
  CHECK(code_counts(counts, "docstring", "D103") == json({{"accepted", 0}, {"rejected", 1}}));
  client.shutdown_and_exit();
}

TEST_CASE("learning: deleting a docstring docent inserted rejects it") {
  LspClient client;
  client.initialize_and_start(eager_client());
  EditedDocument document(client, "file:///shapes.py", kSource);
  CHECK(take_action(client, document, 3, 6, kInsertTitle)["recorded"] == true);

  // Editing elsewhere, and inside the docstring, is no rejection.
  document.apply(json::array({edit(0, 3, 0, 3, "Two ")}));
  const int summary = document.line_starting("    \"\"\"Scale area.");
  REQUIRE(summary > 0);
  document.apply(json::array({edit(summary, 7, summary, 12, "Multiply")}));
  document.sync();
  CHECK(code_counts(stats(client), "docstring", "insert") ==
        json({{"accepted", 1}, {"rejected", 0}}));

  // The whole docstring removed, from its first line to its closing quotes.
  const int closing = document.line_starting("    \"\"\"\n");
  REQUIRE(closing > summary);
  document.delete_lines(summary, closing);
  CHECK(document.text().find("\"\"\"Multiply") == std::string::npos);
  document.sync();
  CHECK(code_counts(stats(client), "docstring", "insert") ==
        json({{"accepted", 1}, {"rejected", 1}}));
  client.shutdown_and_exit();
}

TEST_CASE("learning: a section removed from an inserted docstring is rejected, kept ones are "
          "accepted on save") {
  LspClient client;
  client.initialize_and_start(eager_client());
  EditedDocument document(client, "file:///shapes.py", kSource);
  CHECK(take_action(client, document, 3, 6, kInsertTitle)["recorded"] == true);
  INFO(document.text());

  // Raises, with the blank line before it, up to the next blank line or the closing quotes.
  const int header = document.line_starting("    Raises:");
  REQUIRE(header > 0);
  int last = header + 1;
  while (document.line_starting("        ValueError") == last)
    ++last;
  document.delete_lines(header - 1, last - 1);
  CHECK(document.text().find("Raises") == std::string::npos);
  document.sync();
  json counts = stats(client);
  CHECK(section_counts(counts, "raises") == json({{"accepted", 0}, {"rejected", 1}}));
  CHECK(section_counts(counts, "args") == json({{"accepted", 0}, {"rejected", 0}}));

  // Saving settles what is left: Args, Returns and the types were kept. Once per section.
  client.notify("textDocument/didSave", {{"textDocument", {{"uri", document.uri()}}}});
  document.sync();
  client.notify("textDocument/didSave", {{"textDocument", {{"uri", document.uri()}}}});
  document.sync();
  counts = stats(client);
  CHECK(section_counts(counts, "args") == json({{"accepted", 1}, {"rejected", 0}}));
  CHECK(section_counts(counts, "returns") == json({{"accepted", 1}, {"rejected", 0}}));
  CHECK(section_counts(counts, "types") == json({{"accepted", 1}, {"rejected", 0}}));
  CHECK(section_counts(counts, "raises") == json({{"accepted", 0}, {"rejected", 1}}));
  CHECK(counts["events"] == 5); // The acceptance of the insert, and four sections.
  client.shutdown_and_exit();
}

TEST_CASE("learning: the third request for a definition's action, not taken, is a weak "
          "rejection") {
  LspClient client;
  client.initialize_and_start(eager_client());
  EditedDocument document(client, "file:///shapes.py", kSource);
  // A light bulb following the cursor (triggerKind Automatic) does not count.
  const json automatic = {{"diagnostics", json::array()}, {"triggerKind", 2}};
  for (int i = 0; i < 4; ++i)
    REQUIRE(action_titled(code_actions_at(client, document.uri(), 9, 5, automatic),
                          "Insert a Google-style docstring for 'unit'") != nullptr);
  const json invoked = {{"diagnostics", json::array()}, {"triggerKind", 1}};
  for (int i = 0; i < 2; ++i)
    code_actions_at(client, document.uri(), 3, 6, invoked);
  CHECK(stats(client)["events"] == 0);
  code_actions_at(client, document.uri(), 3, 6, invoked);
  code_actions_at(client, document.uri(), 3, 6); // Clients that do not say count as invoked.
  json counts = stats(client);
  CHECK(counts["events"] == 1);
  CHECK(code_counts(counts, "docstring", "insert") == json({{"accepted", 0}, {"rejected", 1}}));
  client.shutdown_and_exit();

  // Its weight is low: the user may only have been looking.
  const Run replay =
      docent_command("learn --replay --data-directory " + client.data_home() + "/docent");
  REQUIRE(replay.status == 0);
  const std::vector<json> events = json_lines(replay.out);
  REQUIRE(events.size() == 1);
  CHECK(events[0]["outcome"] == "rejected");
  CHECK(events[0]["definition"] == "scale_area");
  CHECK(events[0]["weight"] == 0.25);
}

TEST_CASE("learning: docent.learning.reset deletes every event, learning.data-directory moves "
          "them") {
  TempDir elsewhere;
  LspClient client;
  client.initialize_and_start(eager_client({{"learning.data-directory", elsewhere.path()}}));
  EditedDocument document(client, "file:///shapes.py", kSource);
  CHECK(take_action(client, document, 3, 6, kInsertTitle)["recorded"] == true);
  CHECK(stats(client)["database"] == elsewhere.path() + "/feedback.sqlite3");
  CHECK(fs::exists(elsewhere.path() + "/feedback.sqlite3"));
  CHECK_FALSE(fs::exists(client.data_home() + "/docent"));

  const json reset = execute(client, "docent.learning.reset");
  REQUIRE(reset.contains("result"));
  CHECK(reset["result"]["deleted"] == 1);
  CHECK(stats(client)["events"] == 0);
  client.shutdown_and_exit();
}

TEST_CASE("learning: with learning.enabled false nothing is recorded and the commands say so") {
  LspClient client;
  client.initialize_and_start(eager_client({{"learning.enabled", false}}));
  EditedDocument document(client, "file:///shapes.py", kSource);
  const json actions = code_actions_at(client, document.uri(), 3, 6);
  const json* insert = action_titled(actions, kInsertTitle);
  REQUIRE(insert != nullptr);
  CHECK_FALSE(insert->contains("command"));
  for (int i = 0; i < 3; ++i)
    code_actions_at(client, document.uri(), 3, 6);

  // A command offered before learning was turned off is not recorded either.
  const json arguments = {
      {{"id", "docent-1.1"},
       {"action", "insert"},
       {"kind", "docstring"},
       {"code", "insert"},
       {"outcome", "accepted"},
       {"uri", document.uri()},
       {"version", 1},
       {"qualname", "scale_area"},
       {"line", 4},
       {"path", ""},
       {"features", {{"version", 0}, {"numeric", json::array({1.0})}, {"tokens", json::array()}}}}};
  const json recorded = execute(client, "docent.feedback", arguments);
  CHECK(recorded["result"]["recorded"] == false);
  const json counts = stats(client);
  CHECK(counts["enabled"] == false);
  CHECK(counts["message"].get<std::string>().find("disabled") != std::string::npos);
  CHECK_FALSE(fs::exists(client.data_home() + "/docent"));

  // Turned on again (VS Code nests dotted names): actions carry the command again.
  client.notify("workspace/didChangeConfiguration",
                {{"settings", {{"docent", {{"learning", {{"enabled", true}}}}}}}});
  const json later = code_actions_at(client, document.uri(), 3, 6);
  REQUIRE(action_titled(later, kInsertTitle) != nullptr);
  CHECK(action_titled(later, kInsertTitle)->contains("command"));
  CHECK(execute(client, "docent.feedback", arguments)["result"]["recorded"] == true);
  CHECK(stats(client)["events"] == 1);
  client.shutdown_and_exit();
}

TEST_CASE("learning: a damaged database is moved aside with one warning, and learning goes on") {
  TempDir data_home;
  data_home.write("docent/feedback.sqlite3", std::string(4096, 'x'));
  LspClient client({}, data_home.path());
  client.initialize_and_start(eager_client());
  EditedDocument document(client, "file:///shapes.py", kSource);

  CHECK(stats(client)["events"] == 0);
  const json warning = client.notification("window/showMessage");
  CHECK(warning["params"]["type"] == 2);
  CHECK(warning["params"]["message"].get<std::string>().find("could not be used") !=
        std::string::npos);
  bool moved = false;
  for (const auto& entry : fs::directory_iterator(data_home.path() + "/docent"))
    moved |= entry.path().filename().string().rfind("feedback.sqlite3.corrupt-", 0) == 0;
  CHECK(moved);

  CHECK(take_action(client, document, 3, 6, kInsertTitle)["recorded"] == true);
  CHECK(stats(client)["events"] == 1);
  // The warning was written before the answers that followed it: no second one came.
  for (const json& message : client.backlog())
    CHECK(message.value("method", "") != "window/showMessage");
  client.shutdown_and_exit();
}

TEST_CASE("learning: a section the user keeps deleting is left out of generated docstrings") {
  // Five functions that raise; the user deletes Raises from the first four docstrings docent
  // inserts (kMinSectionRejections is 2), and the model learns it in the background.
  constexpr int kDeleted = 4;
  std::string text = "\"\"\"Checks.\"\"\"\n";
  for (int i = 0; i <= kDeleted; ++i)
    text += "\n\ndef check_" + std::to_string(i) +
            "(value: int) -> int:\n    if value < 0:\n        raise ValueError(value)\n"
            "    return value\n";
  LspClient client;
  client.initialize_and_start(eager_client());
  EditedDocument document(client, "file:///checks.py", text);
  const auto title = [](int i) {
    return "Insert a Google-style docstring for 'check_" + std::to_string(i) + "'";
  };
  for (int i = 0; i < kDeleted; ++i) {
    const int line = document.line_starting("def check_" + std::to_string(i));
    REQUIRE(line > 0);
    CHECK(take_action(client, document, line, 6, title(i))["recorded"] == true);
    const int header = document.line_starting("    Raises:");
    REQUIRE(header > 0);
    document.delete_lines(header - 1, header + 1); // The blank line, Raises, ValueError.
    document.sync();
  }
  CHECK(section_counts(stats(client), "raises") == json({{"accepted", 0}, {"rejected", 4}}));
  REQUIRE(eventually([&] { return stats(client)["model"]["trained_events"] == 2 * kDeleted; }));

  // The next docstring has no Raises; Args and Returns, which the user kept, are still there.
  // (Asked for as a light bulb asks, which records no weak rejection.)
  const int line = document.line_starting("def check_" + std::to_string(kDeleted));
  std::string inserted;
  CHECK(eventually([&] {
    const json actions = code_actions_at(client, document.uri(), line, 6,
                                         json{{"diagnostics", json::array()}, {"triggerKind", 2}});
    const json* insert = action_titled(actions, title(kDeleted));
    REQUIRE(insert != nullptr);
    inserted = (*insert)["edit"]["changes"][document.uri()][0]["newText"].get<std::string>();
    return inserted.find("Raises:") == std::string::npos;
  }));
  INFO(inserted);
  CHECK(inserted.find("Args:") != std::string::npos);
  CHECK(inserted.find("Returns:") != std::string::npos);
  client.shutdown_and_exit();
}

TEST_CASE("learning: a server killed with SIGKILL in the middle of feedback keeps every event it "
          "acknowledged") {
  TempDir data_home;
  std::set<int64_t> acknowledged;
  // Killed after the first acknowledgement, in the middle of a burst, and near its end: the model
  // module is loading, training or saving at different moments of each.
  for (const size_t stop_after : {1, 17, 60}) {
    LspClient client({}, data_home.path());
    client.initialize_and_start(eager_client());
    EditedDocument document(client, "file:///shapes.py", kSource);
    const json actions = code_actions_at(client, document.uri(), 3, 4);
    const json* insert = action_titled(actions, kInsertTitle);
    REQUIRE(insert != nullptr);
    json arguments = (*insert)["command"]["arguments"];
    // A hundred choices sent at once, as a client sends them; each a different suggestion.
    for (int n = 0; n < 100; ++n) {
      arguments[0]["id"] = "killed-" + std::to_string(stop_after) + "-" + std::to_string(n);
      client.request("workspace/executeCommand",
                     {{"command", "docent.feedback"}, {"arguments", arguments}});
    }
    size_t taken = 0;
    while (taken < stop_after) {
      const std::optional<json> message = client.next_message(kPatience);
      REQUIRE(message.has_value());
      const json result = message->value("result", json::object());
      if (result.is_object() && result.value("recorded", false)) {
        acknowledged.insert(result["event"].get<int64_t>());
        ++taken;
      }
    }
    ::kill(client.process().pid(), SIGKILL);
    REQUIRE(client.process().wait_exit().has_value());
  }
  // The database opens as it is (nothing moved aside) and holds every acknowledged event.
  const Run replay =
      docent_command("learn --replay --data-directory " + data_home.path() + "/docent");
  REQUIRE(replay.status == 0);
  std::set<int64_t> stored;
  for (const json& line : json_lines(replay.out))
    stored.insert(line["id"].get<int64_t>());
  for (const int64_t id : acknowledged)
    CHECK(stored.count(id) == 1);
  for (const auto& entry : fs::directory_iterator(data_home.path() + "/docent"))
    CHECK(entry.path().filename().string().find("corrupt") == std::string::npos);
}
