// `docent learn` on a prepared data directory: --stats counts what the store holds, --replay
// prints it as JSON lines, --reset deletes it; asking about a directory without data creates
// nothing.
#include "inference/feedback_store.h"

#include "../common/run_command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sys/wait.h>

namespace fs = std::filesystem;
using namespace docent::inference;
using nlohmann::json;

namespace {

using test_support::Run;

// Runs docent with `arguments` (shell words) and the environment variables `environment`
// ("NAME=value ..."), stderr merged into the output.
Run run_docent_in(const std::string& environment, const std::string& arguments) {
  return test_support::run_command(environment + " " + std::string(DOCENT_BINARY) + " " +
                                   arguments + " 2>&1");
}

Run run_docent(const std::string& arguments) {
  return run_docent_in("", arguments);
}

fs::path fresh_directory(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("docent-cli-learn-" + name);
  fs::remove_all(folder);
  return folder;
}

FeedbackEvent event(SuggestionKind kind, const std::string& code, Outcome outcome,
                    std::optional<Section> section = std::nullopt) {
  FeedbackEvent made;
  made.time_ms = 1700000000000;
  made.kind = kind;
  made.code = code;
  made.outcome = outcome;
  made.section = section;
  made.features.numeric = {1.0f, 0.0f, 3.0f};
  made.definition = "shop.place_order";
  made.path = "/project/shop.py";
  return made;
}

void prepare(const fs::path& directory) {
  FeedbackStoreOpen opened = FeedbackStore::open(directory.string());
  REQUIRE(opened.store);
  REQUIRE(opened.store->append_all(
      {event(SuggestionKind::Docstring, "insert", Outcome::Accepted),
       event(SuggestionKind::Docstring, "insert", Outcome::Accepted),
       event(SuggestionKind::Complexity, "C901", Outcome::Rejected),
       event(SuggestionKind::Docstring, "insert", Outcome::Rejected, Section::Raises)}));
}

} // namespace

TEST_CASE("learn: --stats, --replay and --reset on a data directory") {
  const fs::path directory = fresh_directory("prepared");
  prepare(directory);
  const std::string where = " --data-directory " + directory.string();

  const Run stats = run_docent("learn --stats" + where);
  REQUIRE(stats.status == 0);
  const json counts = json::parse(stats.out);
  CHECK(counts["database"] == (directory / "feedback.sqlite3").string());
  CHECK(counts["events"] == 4);
  CHECK(counts["accepted"] == 2);
  CHECK(counts["rejected"] == 2);
  CHECK(counts["kinds"]["docstring"] == json({{"accepted", 2}, {"rejected", 0}}));
  CHECK(counts["kinds"]["complexity"] == json({{"accepted", 0}, {"rejected", 1}}));
  CHECK(counts["sections"]["raises"] == json({{"accepted", 0}, {"rejected", 1}}));
  CHECK(counts["codes"].size() == 2);

  const Run replay = run_docent("learn --replay" + where);
  REQUIRE(replay.status == 0);
  std::vector<json> lines;
  for (size_t begin = 0; begin < replay.out.size();) {
    const size_t end = replay.out.find('\n', begin);
    lines.push_back(json::parse(replay.out.substr(begin, end - begin)));
    begin = end + 1;
  }
  REQUIRE(lines.size() == 4);
  CHECK(lines[0]["code"] == "insert");
  CHECK(lines[2]["code"] == "C901");
  CHECK(lines[2]["outcome"] == "rejected");
  CHECK(lines[3]["section"] == "raises");
  CHECK(lines[0]["features"]["numeric"] == json({1.0, 0.0, 3.0}));
  CHECK(lines[0]["id"] < lines[1]["id"]);

  const Run reset = run_docent("learn --reset" + where);
  REQUIRE(reset.status == 0);
  CHECK(reset.out.find("deleted 4 feedback events") != std::string::npos);
  CHECK(json::parse(run_docent("learn --stats" + where).out)["events"] == 0);
  CHECK(run_docent("learn --replay" + where).out.empty());
  fs::remove_all(directory);
}

TEST_CASE("learn: one action is required, a directory without data is left alone") {
  const fs::path directory = fresh_directory("empty");
  CHECK(run_docent("learn --data-directory " + directory.string()).status == 2);
  CHECK(run_docent("learn --stats --reset --data-directory " + directory.string()).status == 2);
  const Run stats = run_docent("learn --stats --data-directory " + directory.string());
  REQUIRE(stats.status == 0);
  CHECK(json::parse(stats.out)["events"] == 0);
  CHECK_FALSE(fs::exists(directory));
  // Without --data-directory, XDG_DATA_HOME decides.
  const Run by_environment = run_docent_in("XDG_DATA_HOME=" + directory.string(), "learn --stats");
  REQUIRE(by_environment.status == 0);
  CHECK(json::parse(by_environment.out)["database"] ==
        (directory / "docent" / "feedback.sqlite3").string());
  CHECK_FALSE(fs::exists(directory));
}
