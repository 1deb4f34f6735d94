// Re-analysis after an edit that recomputes only the top-level statements whose text changed.
//
// A module's metrics decompose over its top-level statements: each statement's definitions and
// their metrics depend only on the statement's text, radon's raw counts and total complexity
// are sums over statements, and Halstead's distinct-operand sets merge (halstead.h). So each
// statement's share is kept, and an edit inside one function costs about the analysis of that
// function. Unchanged statements are found by comparing texts from both ends of the statement
// list (an edit changes a run of statements), so finding them costs a memcmp, not a hash of
// the file. Files where the decomposition does not hold exactly (an error in the module's own
// list of statements, two statements on one line, line breaks that radon's str.splitlines()
// sees but LSP does not) go through analyze() whole.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/halstead.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace docent::analysis {

// Thread-safety: one per document, used by one thread at a time. The analyses it returns are
// immutable and may be read from any thread.
class IncrementalAnalyzer {
public:
  IncrementalAnalyzer();
  ~IncrementalAnalyzer();
  IncrementalAnalyzer(IncrementalAnalyzer&&) noexcept;
  IncrementalAnalyzer& operator=(IncrementalAnalyzer&&) noexcept;

  // The same result as analyze(snapshot), reusing the statements of earlier calls. If the
  // caller has let go of the previous result, its definitions are moved into the new one
  // instead of being copied (copy-on-write): keep only the newest analysis of a document.
  std::shared_ptr<const FileAnalysis> analyze(std::shared_ptr<const Snapshot> snapshot);

  // The analysis of a snapshot whose tree is stale (its document was edited and not parsed
  // again), from its changed statements parsed on their own, if that is exactly what
  // analyze() of the parsed document will give: no syntax error, and nothing around them that
  // could join them. Null otherwise, and then nothing changed: parse, then call analyze().
  // It costs about an incremental parse of the edited statement, where an incremental parse of
  // the whole file shifts every top-level statement again (tree-sitter-python's lists of
  // statements are never reusable).
  std::shared_ptr<const FileAnalysis> analyze_edit(std::shared_ptr<const Snapshot> snapshot);

  // The last result, while this analyzer keeps it (it was put together from statements); a
  // caller lets go of it before analyze_edit(), so that its definitions can be moved, and takes
  // it back when that declines.
  std::shared_ptr<const FileAnalysis> last_result() const { return placed_result_; }

  // Frees what the last call replaced (the previous result's remains, the previous snapshot).
  // analyze() leaves that to this call, or to the next analyze(), so that a caller can answer
  // first and free after: freeing a large file's old tree and definitions takes a while.
  void release_retired();

  // A top-level statement of a result: its share's identity (the same object for as long as
  // the statement's text is unchanged, wherever it moves), its first byte, and its definitions.
  struct StatementPlace {
    std::shared_ptr<const void> identity;
    uint32_t begin = 0;
    uint32_t first_definition = 0, definition_count = 0;
  };
  // The top-level statements of `analysis` in order, if it is the last result and was put
  // together from statements; empty otherwise (a whole-file analysis, an older result).
  std::vector<StatementPlace> statements_of(const FileAnalysis& analysis) const;

  // Top-level classes of at least this many lines are analyzed member by member, so that an
  // edit inside one method re-analyzes that method and not the class (for tests: 1 makes
  // every class go that way).
  void set_memberwise_class_lines(uint32_t lines) { memberwise_class_lines_ = lines; }

  // How many top-level statements the last call analyzed anew and reused (for tests and
  // benchmarks); both 0 after a whole-file analysis.
  size_t last_computed() const { return last_computed_; }
  size_t last_reused() const { return last_reused_; }

  // One top-level statement's share of the analysis, where a statement stands in a snapshot,
  // and where a kept statement stood in the last result (defined in incremental.cpp).
  struct Statement;
  struct StatementList;
  struct Placed;
  struct Entry;
  struct MemberPlace;
  // The top-level classes an edit replaced, by name: their shares and texts, whose members
  // the new versions reuse (see incremental.cpp's analyze_class()).
  struct ReplacedClass {
    const Statement* statement = nullptr;
    std::string_view text; // The statement's text in the previous snapshot.
  };
  using MemberDonors = std::unordered_map<std::string_view, ReplacedClass>;

private:
  // The module's own facts that come from its first statement.
  struct ModuleHead {
    std::optional<Docstring> docstring;
    bool leading_string = false;
  };
  struct ParserDeleter {
    void operator()(TSParser* parser) const;
  };

  std::shared_ptr<const FileAnalysis> whole_file(std::shared_ptr<const Snapshot> snapshot);
  // The analysis of a snapshot from its text alone, for a tree that is stale (not reparsed
  // since the last edits, or its parse was cut short) or provisional with errors among the
  // module's statements: the changed lines, widened to whole statements, are parsed on their own
  // (reusing the stale tree's nodes, if it has one) and the kept statements around them reused.
  // Null if that cannot be done (nothing kept, a region too long to parse within the bound,
  // ...); then the caller waits for the whole tree.
  // With `exact_only`, null instead of a provisional result, before anything is changed.
  std::shared_ptr<const FileAnalysis>
  analyze_changed_statements(std::shared_ptr<const Snapshot> snapshot, bool exact_only = false);
  // The module's analysis from its statements in order; null (before anything is changed) if
  // a line between them is not blank.
  std::shared_ptr<const FileAnalysis> assemble(std::shared_ptr<const Snapshot> snapshot,
                                               const std::vector<Entry>& entries,
                                               const ModuleHead& head, bool provisional);
  // Brings halstead_ from the statements of placed_ to those of `entries`.
  void tally_halstead(const std::vector<Entry>& entries);
  // The members of the statements of placed_ that the new version does not keep.
  MemberDonors replaced_members(const std::vector<bool>& kept) const;
  // For each statement of `list`, the index of the kept statement with the same text, or -1.
  // The first `same_prefix` and last `same_suffix` bytes of the text are known to equal those
  // of placed_snapshot_'s.
  std::vector<int> match_statements(const Snapshot& snapshot, const StatementList& list,
                                    size_t same_prefix, size_t same_suffix) const;
  // The module's `__all__`, recomputed only when a statement mentioning it changes; false if
  // that needs a tree the snapshot does not have (the last one read is then kept).
  bool module_all(const Snapshot& snapshot, const std::vector<Entry>& entries,
                  std::optional<std::vector<std::string>>& all);
  // What module_all() keys `__all__` by: the texts of the statements that mention it.
  static std::string all_key(const Snapshot& snapshot, const std::vector<Entry>& entries);
  // The module's docstring, cooked again only when its literal changed or moved.
  ModuleHead module_head(const Snapshot& snapshot);
  // Where the members of the classes of placed_ that no entry keeps stood in placed_result_,
  // by their shares (see place_class() in incremental.cpp).
  std::unordered_map<const Statement*, MemberPlace>
  replaced_member_places(const std::vector<Entry>& entries) const;
  // The previous result if nobody else holds it any more (its definitions can then be moved).
  std::shared_ptr<FileAnalysis> take_unshared_result();

  std::vector<Placed> placed_; // The statements of the last decomposable version...
  std::shared_ptr<const Snapshot> placed_snapshot_; // ...whose text they were matched in...
  std::shared_ptr<FileAnalysis> placed_result_;     // ...and its analysis, if the last result.
  HalsteadTally halstead_; // The Halstead parts of placed_'s statements, merged.
  // What the last call replaced, freed by release_retired().
  std::shared_ptr<FileAnalysis> retired_result_;
  std::vector<Definition> retired_definitions_;
  std::shared_ptr<const Snapshot> retired_snapshot_;
  std::unique_ptr<TSParser, ParserDeleter> region_parser_; // For analyze_changed_statements().
  std::string docstring_key_; // The literal module_head() last cooked, and its start.
  uint32_t docstring_start_ = 0;
  ModuleHead head_;
  bool docstring_known_ = false;
  std::string all_key_;
  std::optional<std::vector<std::string>> all_;
  bool all_known_ = false;
  // Smaller classes cost little to analyze whole, and their members are not kept twice.
  uint32_t memberwise_class_lines_ = 40;
  size_t last_computed_ = 0;
  size_t last_reused_ = 0;
};

} // namespace docent::analysis
