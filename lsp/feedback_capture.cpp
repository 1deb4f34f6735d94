// Feedback from edits and repeated requests (see feedback_capture.h).
#include "lsp/feedback_capture.h"

namespace docent::lsp {

namespace {

// The actions whose showing counts: the ones about one definition's docstring.
bool counts_as_showing(const std::string& action) {
  return action == "insert" || action == "insert-module" || action == "update" ||
         action == "convert";
}

bool inserts(const std::string& action) {
  return action == "insert" || action == "insert-module" || action == "insert-all";
}

} // namespace

void FeedbackCapture::set_enabled(bool enabled) {
  enabled_ = enabled;
  if (!enabled)
    documents_.clear();
}

bool FeedbackCapture::follows(const std::string& uri) const {
  const auto found = documents_.find(uri);
  return found != documents_.end() && found->second.inserted.size() > 0;
}

void FeedbackCapture::edited(const std::string& uri, size_t start, size_t end, size_t length) {
  const auto found = documents_.find(uri);
  if (found != documents_.end())
    found->second.inserted.edited(start, end, length);
}

void FeedbackCapture::analyzed(const std::string& uri, const analysis::FileAnalysis& analysis) {
  const auto found = documents_.find(uri);
  if (found != documents_.end())
    record_all(found->second.inserted.review(analysis));
}

void FeedbackCapture::saved(const std::string& uri, const analysis::FileAnalysis& analysis) {
  const auto found = documents_.find(uri);
  if (found != documents_.end())
    record_all(found->second.inserted.settle(analysis));
}

void FeedbackCapture::closed(const std::string& uri, const analysis::FileAnalysis* analysis) {
  const auto found = documents_.find(uri);
  if (found == documents_.end())
    return;
  if (analysis != nullptr)
    record_all(found->second.inserted.settle(*analysis));
  documents_.erase(found);
}

void FeedbackCapture::shown(const std::string& uri, const json& actions, bool invoked) {
  if (!enabled_ || !invoked)
    return;
  DocumentState& state = documents_[uri];
  std::set<std::string> counted; // One showing per definition and request.
  for (const json& action : actions) {
    const json* command = find_path(action, {"command", "arguments"});
    std::string error;
    const std::optional<FeedbackArguments> arguments =
        command != nullptr ? feedback_arguments(*command, error) : std::nullopt;
    if (!arguments || !counts_as_showing(arguments->action))
      continue;
    const std::string& qualname = arguments->event.definition;
    if (!counted.insert(qualname).second || state.taken.count(qualname) != 0)
      continue;
    if (++state.showings[qualname] <= kShowingsBeforeWeakRejection ||
        !weakly_rejected_.emplace(uri, qualname).second)
      continue;
    inference::FeedbackEvent event = arguments->event;
    event.time_ms = inference::unix_time_ms();
    event.outcome = inference::Outcome::Rejected;
    event.weight = kWeakRejectionWeight;
    record_(std::move(event));
  }
}

void FeedbackCapture::taken(const FeedbackArguments& arguments,
                            const analysis::FileAnalysis* analysis) {
  if (!enabled_)
    return;
  DocumentState& state = documents_[arguments.uri];
  state.taken.insert(arguments.event.definition);
  for (const std::string& qualname : arguments.definitions)
    state.taken.insert(qualname);
  if (analysis == nullptr || arguments.event.outcome != inference::Outcome::Accepted ||
      !inserts(arguments.action))
    return;
  if (arguments.action == "insert-all") {
    for (const std::string& qualname : arguments.definitions)
      state.inserted.follow(*analysis, qualname, 0, arguments.action, arguments.event.path);
    return;
  }
  state.inserted.follow(*analysis, arguments.event.definition, arguments.line, arguments.action,
                        arguments.event.path);
}

void FeedbackCapture::record_all(std::vector<inference::FeedbackEvent> events) {
  for (inference::FeedbackEvent& event : events)
    record_(std::move(event));
}

} // namespace docent::lsp
