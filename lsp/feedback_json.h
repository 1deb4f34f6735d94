// Feedback as JSON: the arguments of the `docent.feedback` command that docent's code actions
// carry, the answer of `docent.learning.stats`, and events as `docent learn --replay` prints
// them.
#pragma once

#include "inference/learner.h"
#include "inference/learning_types.h"
#include "lsp/protocol.h"

#include <optional>
#include <string>
#include <vector>

namespace docent::lsp {

inline constexpr const char* kFeedbackCommand = "docent.feedback";
inline constexpr const char* kStatsCommand = "docent.learning.stats";
inline constexpr const char* kResetCommand = "docent.learning.reset";

// A suggestion docent showed, as the command of its code action carries it: the client runs the
// command after applying the action's edit, and the server records the outcome. It carries the
// features of the definition as it was when the action was offered (the edit changes it), so
// the server keeps no state per offered action.
struct FeedbackArguments {
  std::string id;     // Unique in the session; a second run of the same command records nothing.
  std::string action; // insert, insert-module, insert-all, update, convert or ignore.
  std::string uri;
  int64_t version = 0; // Of the document the action was offered for.
  uint32_t line = 0;   // 1-based `def`/`class` line of the definition (0: the module).
  // The event without time and id: kind, code, outcome, features, definition, path.
  inference::FeedbackEvent event;
  // For insert-all: the definitions it documents (qualified names, "" for the module).
  std::vector<std::string> definitions;
};

// The LSP Command that records `arguments`.
json feedback_command(const FeedbackArguments& arguments);
// The arguments of a docent.feedback command; nullopt and `error` if they are not docent's.
std::optional<FeedbackArguments> feedback_arguments(const json& arguments, std::string& error);

// The answer of docent.learning.stats (and `docent learn --stats`).
json stats_json(const inference::LearningStats& stats);
// One event, as a line of `docent learn --replay`.
json event_json(const inference::FeedbackEvent& event);

} // namespace docent::lsp
