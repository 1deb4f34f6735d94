// The learning model in the server, end to end: the user turns down a kind of suggestion on
// similar definitions (Ignore quick fixes), the model trains in the background, and the server's
// diagnostics and code actions change; the change survives a restart; a model file that cannot
// be used is moved aside and rebuilt from the log; without feedback, with learning off or
// disabled, everything is static. Training is asynchronous, so the tests wait for the model
// through docent.learning.stats (`model.trained_events`) and poll the diagnostics; they never
// assert timings.
#include "lsp_client.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace docent::test;
namespace fs = std::filesystem;

namespace {

// Rejections enough for the confidence rule to depart on a head by themselves, with room to
// spare (inference/policy.h: kMinRejectionsToAdapt without an acceptance).
constexpr int kRejections = 10;

// A module of small undocumented public functions: `helper_0` ... `helper_{n-1}` and then
// `helper_target`, each a D103. The function i's `def` is on line 3 + 3 * i.
std::string helpers_source(int n) {
  std::string text = "\"\"\"Helpers.\"\"\"\n\n";
  for (int i = 0; i <= n; ++i)
    text += "\ndef helper_" + (i < n ? std::to_string(i) : std::string("target")) +
            "(value):\n    return value\n";
  return text;
}

int def_line(int i) {
  return 3 + 3 * i;
}

InitOptions pulling_client(json settings = nullptr) {
  InitOptions options;
  options.capabilities = {{"textDocument", {{"diagnostic", {{"dynamicRegistration", false}}}}}};
  options.initialization_options = std::move(settings);
  return options;
}

json pulled(LspClient& client, const std::string& uri) {
  return client.call("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}})["result"];
}

// The D103 diagnostic on `line`, or null.
json missing_docstring_at(LspClient& client, const std::string& uri, int line) {
  for (const json& diagnostic : with_code(pulled(client, uri), "D103"))
    if (diagnostic["range"]["start"]["line"] == line)
      return diagnostic;
  return nullptr;
}

json execute(LspClient& client, const std::string& command, const json& arguments = json::array()) {
  return client.call("workspace/executeCommand", {{"command", command}, {"arguments", arguments}});
}

json model_stats(LspClient& client) {
  const json reply = execute(client, "docent.learning.stats");
  REQUIRE(reply.contains("result"));
  return reply["result"].value("model", json::object());
}

// Takes "Ignore D103 here" on the function `i` as a client does: applies the edit (a `# noqa`
// comment on its line), then runs the action's command.
void ignore_missing_docstring(LspClient& client, const std::string& uri, std::string& text,
                              int64_t& version, int i) {
  const json diagnostic = missing_docstring_at(client, uri, def_line(i));
  REQUIRE(diagnostic.is_object());
  const json actions = code_actions_at(client, uri, def_line(i), 4,
                                       json{{"diagnostics", json::array({diagnostic})}});
  const json* ignore = action_titled(actions, "Ignore D103 here");
  REQUIRE(ignore != nullptr);
  const json& edits = (*ignore)["edit"]["changes"][uri];
  std::vector<json> changes;
  for (const json& edit : edits)
    changes.push_back({{"range", edit["range"]}, {"text", edit["newText"]}});
  text = apply_text_edits(text, edits);
  client.change(uri, ++version, changes);
  const json& command = (*ignore)["command"];
  const json reply = execute(client, command["command"], command["arguments"]);
  REQUIRE(reply["result"]["recorded"] == true);
}

// Whether the server has mapped the model module (libtorch comes with it).
bool module_loaded(pid_t pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find("libdocent_model") != std::string::npos;
}

constexpr int kSeverityWarning = 2;
constexpr int kSeverityHint = 4;

int target_severity(LspClient& client, const std::string& uri) {
  const json diagnostic = missing_docstring_at(client, uri, def_line(kRejections));
  return diagnostic.is_object() ? diagnostic["severity"].get<int>() : 0;
}

// Records kRejections Ignore D103 in `data_home` and waits until the model has trained on them
// and saved itself.
void train_rejections(const std::string& data_home) {
  LspClient client({}, data_home);
  client.initialize_and_start(pulling_client());
  const std::string uri = "file:///helpers.py";
  std::string text = helpers_source(kRejections);
  int64_t version = 1;
  client.open(uri, text, version);
  CHECK(target_severity(client, uri) == kSeverityWarning);
  for (int i = 0; i < kRejections; ++i)
    ignore_missing_docstring(client, uri, text, version, i);
  REQUIRE(
      eventually([&] { return model_stats(client).value("trained_events", 0) >= kRejections; }));
  CHECK(model_stats(client)["loaded"] == true);
  // The user turned down every docstring suggestion on functions like this one: the last one
  // is shown as a hint (it would be hidden only after 20 rejections).
  REQUIRE(eventually([&] { return target_severity(client, uri) == kSeverityHint; }));
  // Its quick fixes: ignoring is what this user takes, so it comes first and is preferred.
  // (Asked for as a light bulb does, triggerKind Automatic, which records no weak rejection.)
  const json diagnostic = missing_docstring_at(client, uri, def_line(kRejections));
  json actions;
  CHECK(eventually([&] {
    actions = code_actions_at(client, uri, def_line(kRejections), 4,
                              json{{"diagnostics", json::array({diagnostic})}, {"triggerKind", 2}});
    return !actions.empty() && actions[0]["title"] == "Ignore D103 here";
  }));
  REQUIRE(actions.size() >= 2);
  CHECK(actions[0]["isPreferred"] == true);
  CHECK_FALSE(actions[1].value("isPreferred", false));
  // Hover says why.
  CHECK(eventually([&] {
    const json hover = client.hover(uri, def_line(kRejections), 5);
    return hover.is_object() &&
           hover["contents"]["value"].get<std::string>().find(
               "docent rarely suggests a docstring here: you documented 0 of 10 similar "
               "functions.") != std::string::npos;
  }));
  REQUIRE(eventually([&] { return fs::exists(data_home + "/docent/model.bin"); }));
  client.shutdown_and_exit();
}

} // namespace

TEST_CASE("learning model: without feedback everything is static and nothing is loaded") {
  LspClient client;
  client.initialize_and_start(pulling_client());
  const std::string uri = "file:///helpers.py";
  client.open(uri, helpers_source(3));
  for (const json& diagnostic : with_code(pulled(client, uri), "D103"))
    CHECK(diagnostic["severity"] == kSeverityWarning);
  const json model = model_stats(client);
  CHECK(model["loaded"] == false);
  CHECK(model["trained_events"] == 0);
  CHECK_FALSE(module_loaded(client.process().pid()));
  client.shutdown_and_exit();
  CHECK_FALSE(fs::exists(client.data_home() + "/docent/model.bin"));
}

TEST_CASE("learning model: rejections downgrade a suggestion, and it stays so after a restart") {
  TempDir data_home;
  train_rejections(data_home.path());

  // A new server on the same directory loads the saved model at startup.
  LspClient client({}, data_home.path());
  client.initialize_and_start(pulling_client());
  const std::string uri = "file:///helpers.py";
  client.open(uri, helpers_source(kRejections));
  CHECK(eventually([&] { return target_severity(client, uri) == kSeverityHint; }));
  const json model = model_stats(client);
  CHECK(model["loaded"] == true);
  CHECK(model["trained_events"] == kRejections);
  client.shutdown_and_exit();

  SECTION("learning.mode off and rank keep the diagnostics static") {
    for (const char* mode : {"off", "rank"}) {
      LspClient modal({}, data_home.path());
      modal.initialize_and_start(pulling_client({{"learning", {{"mode", mode}}}}));
      modal.open(uri, helpers_source(kRejections));
      REQUIRE(eventually([&] { return model_stats(modal)["loaded"] == true; }));
      CHECK(target_severity(modal, uri) == kSeverityWarning);
      modal.shutdown_and_exit();
    }
  }

  SECTION("with learning disabled nothing is loaded and nothing changes") {
    LspClient disabled({}, data_home.path());
    disabled.initialize_and_start(pulling_client({{"learning", {{"enabled", false}}}}));
    disabled.open(uri, helpers_source(kRejections));
    CHECK(target_severity(disabled, uri) == kSeverityWarning);
    CHECK(execute(disabled, "docent.learning.stats")["result"]["enabled"] == false);
    CHECK_FALSE(module_loaded(disabled.process().pid()));
    disabled.shutdown_and_exit();
  }

  SECTION("a damaged model file is moved aside with one warning and rebuilt from the log") {
    const std::string model_file = data_home.path() + "/docent/model.bin";
    std::ofstream(model_file, std::ios::binary | std::ios::trunc) << std::string(100, 'x');
    LspClient rebuilt({}, data_home.path());
    rebuilt.initialize_and_start(pulling_client());
    rebuilt.open(uri, helpers_source(kRejections));
    const json warning = rebuilt.wait_for("the model file warning", [](const json& message) {
      return message.value("method", "") == "window/showMessage" &&
             message["params"]["message"].get<std::string>().find("model file") !=
                 std::string::npos;
    });
    CHECK(warning["params"]["type"] == 2);
    CHECK(warning["params"]["message"].get<std::string>().find("moved aside") != std::string::npos);
    REQUIRE(
        eventually([&] { return model_stats(rebuilt).value("trained_events", 0) == kRejections; }));
    CHECK(eventually([&] { return target_severity(rebuilt, uri) == kSeverityHint; }));
    bool aside = false;
    for (const auto& entry : fs::directory_iterator(data_home.path() + "/docent"))
      aside = aside || entry.path().filename().string().rfind("model.bin.bad-", 0) == 0;
    CHECK(aside);
    rebuilt.shutdown_and_exit();
  }

  SECTION("docent.learning.reset forgets what the model learned") {
    LspClient reset({}, data_home.path());
    reset.initialize_and_start(pulling_client());
    reset.open(uri, helpers_source(kRejections));
    REQUIRE(eventually([&] { return target_severity(reset, uri) == kSeverityHint; }));
    CHECK(execute(reset, "docent.learning.reset")["result"]["deleted"] == kRejections);
    CHECK(eventually([&] { return target_severity(reset, uri) == kSeverityWarning; }));
    CHECK(model_stats(reset)["trained_events"] == 0);
    reset.shutdown_and_exit();
  }
}

TEST_CASE("learning model: an edit inside a flagged name is published adapted at once, and once") {
  TempDir data_home;
  train_rejections(data_home.path());

  LspClient client({}, data_home.path()); // Pushed diagnostics.
  client.initialize_and_start();
  const std::string uri = "file:///helpers.py";
  int64_t version = 1;
  client.open(uri, helpers_source(kRejections), version);
  const auto target_severity_in = [](const json& published) {
    for (const json& diagnostic : with_code(published, "D103"))
      if (diagnostic["range"]["start"]["line"] == def_line(kRejections))
        return diagnostic["severity"].get<int>();
    return 0;
  };
  // The saved model loads in the background; then the target is republished as a hint.
  client.wait_for("the adapted diagnostics", [&](const json& message) {
    return message.value("method", "") == "textDocument/publishDiagnostics" &&
           message["params"]["uri"] == uri &&
           target_severity_in(message["params"]) == kSeverityHint;
  });
  // Typing inside the name `helper_target`: each keystroke changes the definition's features,
  // and so its prediction, which the first publication of the version already applies.
  const int column = static_cast<int>(std::string("def helper_t").size());
  std::set<int64_t> edited;
  for (int i = 0; i < 8; ++i) {
    const json at = {{"line", def_line(kRejections)}, {"character", column + i}};
    client.change(uri, ++version, {{{"range", {{"start", at}, {"end", at}}}, {"text", "x"}}});
    const json published = client.diagnostics(uri, version);
    CHECK(target_severity_in(published) == kSeverityHint);
    edited.insert(version);
  }
  // And none of those versions is published a second time (as it would be when a prediction
  // that arrived later changed what it shows).
  for (const json& message : client.drain(std::chrono::milliseconds(1000)))
    if (message.value("method", "") == "textDocument/publishDiagnostics" &&
        message["params"]["uri"] == uri)
      CHECK(edited.count(message["params"].value("version", int64_t{0})) == 0);
  client.shutdown_and_exit();
}

TEST_CASE("learning model: two servers sharing one directory lose no events and pick up each "
          "other's learning") {
  TempDir data_home;
  const std::string uri = "file:///helpers.py";
  // An editor window that stays open, with no feedback of its own yet: nothing loaded.
  LspClient window({}, data_home.path());
  window.initialize_and_start(pulling_client());
  window.open(uri, helpers_source(kRejections));
  CHECK(target_severity(window, uri) == kSeverityWarning);
  CHECK(model_stats(window)["loaded"] == false);

  // Meanwhile the user turns the suggestion down in a second window, whose model learns it.
  train_rejections(data_home.path());

  // The first window loads the model the second one saved and shows what it learned.
  CHECK(eventually([&] { return target_severity(window, uri) == kSeverityHint; }));
  CHECK(model_stats(window)["loaded"] == true);

  // Its own feedback goes to the same store: every event of both windows is counted once.
  const std::string other = "file:///more.py";
  std::string text = helpers_source(2);
  int64_t version = 1;
  window.open(other, text, version);
  ignore_missing_docstring(window, other, text, version, 0);
  const json stats = execute(window, "docent.learning.stats")["result"];
  CHECK(stats["events"] == kRejections + 1);
  CHECK(eventually(
      [&] { return model_stats(window).value("trained_events", 0) == kRejections + 1; }));
  window.shutdown_and_exit();
}
