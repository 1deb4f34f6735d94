// Docstrings docent inserted, followed through the user's later edits in the same session, so
// that what the user does with them becomes feedback:
// - deleting one (or undoing its insertion) rejects it;
// - removing a section docent wrote (Args, Returns, Yields, Raises, Attributes, Examples, or
//   every type in the entries) rejects that section, once;
// - the sections still there when the document is saved or closed were kept.
//
// A followed docstring is a byte range of the document, moved along by every edit; only
// docstrings an edit touched are parsed again, so typing elsewhere costs a comparison per
// followed docstring. Pure logic over analyses: the owner feeds it edits and analyses and
// records the events it returns.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/docstring_format.h"
#include "inference/feature_source.h"
#include "inference/learning_types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace docent::inference {

// Thread-safety: none; one owner (the server's document worker).
class InsertedDocstrings {
public:
  // Starts following the docstring that docent just inserted into the definition `qualname`
  // (empty: the module) whose `def`/`class` is nearest to `line` (1-based). `code` is the action
  // that inserted it ("insert"), `path` the file. If the definition has no docstring yet in
  // `analysis` (the client executed the command before sending the edit), the next few
  // reviews look for it.
  void follow(const analysis::FileAnalysis& analysis, const std::string& qualname, uint32_t line,
              const std::string& code, const std::string& path);

  // The bytes [start, end) of the text were replaced by `length` bytes.
  void edited(size_t start, size_t end, size_t length);

  // What the user did to the docstrings that edits touched, judged on `analysis`, the analysis
  // of the text after those edits. A definition with a syntax error inside (the user is in the
  // middle of typing) is judged at a later review.
  // The events carry the features (feature_source.h) of the definition as it is now.
  std::vector<FeedbackEvent> review(const analysis::FileAnalysis& analysis);

  // The document was saved or is being closed: the sections docent wrote that are still there
  // were kept. Deletions are still followed afterwards (until the owner drops this object).
  std::vector<FeedbackEvent> settle(const analysis::FileAnalysis& analysis);

  // Docstrings followed or looked for.
  size_t size() const { return followed_.size() + expected_.size(); }

private:
  struct Followed {
    std::string qualname;      // Empty for the module docstring.
    analysis::ByteRange range; // The docstring literal, in the current text.
    analysis::DocstringStyle style = analysis::DocstringStyle::Pep257; // As inserted.
    uint32_t generated = 0; // Bits of Section: what docent wrote.
    uint32_t decided = 0;   // Bits of Section: feedback recorded.
    bool touched = false;   // Edited since the last review.
    bool gone = false;      // Judged deleted, or its definition went away: dropped.
    std::string code, path;
  };
  struct Expected {
    std::string qualname;
    uint32_t line = 0;
    std::string code, path;
    int reviews_left = 0;
  };

  bool start_following(const analysis::FileAnalysis& analysis, const std::string& qualname,
                       uint32_t line, const std::string& code, const std::string& path);
  void judge(Followed& followed, FeatureSource& features, std::vector<FeedbackEvent>& events);
  // The file of the followed docstrings (one owner follows one document).
  std::string document_path() const;

  std::vector<Followed> followed_;
  std::vector<Expected> expected_;
};

} // namespace docent::inference
