// Feedback the server gathers from what the user does in the editor, beside the commands its
// actions carry: docstrings docent inserted and the user deleted or trimmed later in the session
// (inference/inserted_docstrings.h), and actions requested again and again but not taken.
//
// The document worker owns it and feeds it the edits, analyses, saves and closes of the
// documents it follows; code action and command jobs (which run on the worker) tell it what was
// shown and taken. Events go to the `Record` callback, which must not block (the server queues
// them on the feedback recorder's thread).
#pragma once

#include "analysis/analyzer.h"
#include "inference/inserted_docstrings.h"
#include "inference/learning_types.h"
#include "lsp/feedback_json.h"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace docent::lsp {

// Showings of a definition's docstring action, in textDocument/codeAction requests the user made,
// before the next one counts as a weak rejection.
inline constexpr int kShowingsBeforeWeakRejection = 2;
// The weight of that rejection: the user may just have been looking.
inline constexpr float kWeakRejectionWeight = 0.25f;

// Thread-safety: none; the document worker's thread only.
class FeedbackCapture {
public:
  using Record = std::function<void(inference::FeedbackEvent event)>;
  explicit FeedbackCapture(Record record) : record_(std::move(record)) {}

  // Off: nothing is followed or counted, and what was is forgotten.
  void set_enabled(bool enabled);
  bool enabled() const { return enabled_; }

  // Whether anything in `uri` is followed, so that its edits and analyses matter here.
  bool follows(const std::string& uri) const;
  // Bytes [start, end) of `uri`'s text were replaced by `length` bytes.
  void edited(const std::string& uri, size_t start, size_t end, size_t length);
  // A new analysis of `uri`'s current text.
  void analyzed(const std::string& uri, const analysis::FileAnalysis& analysis);
  // The document was saved: the sections docent wrote that are still there were kept.
  void saved(const std::string& uri, const analysis::FileAnalysis& analysis);
  // The document is being closed (`analysis` of its last text, null if it has none).
  void closed(const std::string& uri, const analysis::FileAnalysis* analysis);

  // The actions of a textDocument/codeAction answer for `uri`. `invoked`: the user asked for
  // them (LSP's CodeActionTriggerKind.Invoked, or a client that does not say); automatic
  // requests (a light bulb following the cursor) do not count.
  void shown(const std::string& uri, const json& actions, bool invoked);
  // A docent.feedback command ran: the action was applied to `analysis` (the document's current
  // analysis, null if it is not open). Starts following the docstrings it inserted.
  void taken(const FeedbackArguments& arguments, const analysis::FileAnalysis* analysis);

private:
  struct DocumentState {
    inference::InsertedDocstrings inserted;
    std::map<std::string, int> showings; // By qualified name ("" the module).
    std::set<std::string> taken;         // Definitions a docent action was taken on.
  };

  void record_all(std::vector<inference::FeedbackEvent> events);

  Record record_;
  bool enabled_ = true;
  std::map<std::string, DocumentState> documents_;
  // (uri, qualname) already weakly rejected in this session: once per definition.
  std::set<std::pair<std::string, std::string>> weakly_rejected_;
};

} // namespace docent::lsp
