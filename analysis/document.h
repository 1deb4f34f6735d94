// A Python source buffer and its tree-sitter syntax tree, kept in sync under incremental edits.
//
// The text is UTF-8 as the editor sent it (it may be malformed; nothing here rejects it). If it
// has a lone "\r", the parser sees a copy in which each is replaced by "\n" (same length, so
// byte offsets agree): Python and LSP both end a line at a lone CR, tree-sitter does not. Tree
// rows therefore equal LSP lines and every offset means the same in the text and in the tree.
#pragma once

#include "analysis/text.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <tree_sitter/api.h>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace docent::analysis {

// How far a snapshot's tree reflects its text.
enum class TreeState {
  Complete,    // The tree a fresh parse of the text gives.
  Provisional, // Parsed from the text, but incrementally and with syntax errors: it may differ
               // from a fresh parse until the document settles.
  Stale,       // The last parse hit its time bound: the tree is an earlier one with its
               // positions moved by the later edits, so new text is not reflected in it.
};

// An immutable view of a document at one version: text, line index and a tree that is never
// edited again. Thread-safety: immutable; share it freely between threads (tree-sitter trees
// are safe to read concurrently once no thread edits them).
class Snapshot {
public:
  // `tree` may be null: see without_tree().
  Snapshot(std::string text, LineIndex lines, TSTree* tree, TreeState state);
  // The same sharing a text that nobody changes any more (Document hands out its own).
  Snapshot(std::shared_ptr<const std::string> text, LineIndex lines, TSTree* tree, TreeState state);
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  std::string_view text() const { return *text_; }
  const LineIndex& lines() const { return lines_; }
  // The tree's root; a null node for a snapshot without a tree.
  TSNode root() const { return tree_ != nullptr ? ts_tree_root_node(tree_) : TSNode{}; }
  // The same text and lines without the tree. A tree takes about 25 times the memory of its
  // text, so analyses kept for documents nobody edits hold one of these instead.
  std::shared_ptr<const Snapshot> without_tree() const;
  // The same text and lines with `tree` (which it then owns), parsed from them.
  std::unique_ptr<const Snapshot> with_tree(TSTree* tree, TreeState state) const;
  TreeState tree_state() const { return state_; }
  bool complete() const { return state_ == TreeState::Complete; }

  // Where a snapshot's text may differ from the one before: the bytes [prefix, size - suffix)
  // of each (the rest are equal; bytes inside may be equal too).
  struct EditedSpan {
    uint64_t from = 0; // The id of the snapshot before.
    size_t prefix = 0, suffix = 0;
  };
  // Unique among the snapshots a Document hands out (0 for other snapshots), and the span its
  // edits touched since the snapshot the same document handed out before it, if any. Tells an
  // analyzer holding that snapshot what changed without comparing the texts.
  uint64_t id() const { return id_; }
  const std::optional<EditedSpan>& edited() const { return edited_; }

private:
  friend class Document;

  std::shared_ptr<const std::string> text_;
  LineIndex lines_;
  TSTree* tree_;
  TreeState state_;
  uint64_t id_ = 0;
  std::optional<Snapshot::EditedSpan> edited_;
};

// One LSP content change: a range in the current text replaced by new text, or (no range) the
// whole text replaced.
struct TextChange {
  std::optional<Range> range;
  std::string text;
};

enum class ParseResult {
  Complete,    // The tree is the one a fresh parse of the text gives.
  Provisional, // The tree reflects the text, but an incremental parse with syntax errors made
               // it, so it may differ from a fresh parse until reparse() settles it.
  TimedOut,    // The time bound hit, or the parse was cancelled; the tree is the previous one
               // with positions moved.
};

// Set to non-zero by another thread, stops a parse (see Document::reparse()); zero otherwise.
using ParseCancel = std::atomic<size_t>;

// A mutable document. Thread-safety: none; one owner (e.g. the server's document store) applies
// edits and hands out Snapshots to other threads.
class Document {
public:
  // `parse_budget_micros` bounds each parse call; 0 means unbounded.
  explicit Document(std::string text, uint64_t parse_budget_micros = 0);
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // Applies one change (positions clamped as LSP specifies) and reparses incrementally; with
  // `settle` false, stops at a Provisional tree rather than parse the whole text again.
  ParseResult apply(const TextChange& change, PositionEncoding encoding, bool settle = true);
  // Applies a change without reparsing; call reparse() after a batch of changes.
  void edit(const TextChange& change, PositionEncoding encoding);
  // Parses the current text, reusing the previous tree; resumes an interrupted parse. With
  // `settle` false it does not take the second, fresh parse that an error-laden incremental
  // result needs to be canonical; a later reparse() does (e.g. when the editor is idle).
  // With `cancel`, the parse also stops (TimedOut, resumable) soon after *cancel turns non-zero.
  ParseResult reparse(bool settle = true, const ParseCancel* cancel = nullptr);

  std::string_view text() const { return *text_; }
  const LineIndex& lines() const { return lines_; }
  TSNode root() const { return ts_tree_root_node(tree_); }
  bool complete() const { return stage_ == ParseStage::Done; }
  TreeState tree_state() const;
  std::shared_ptr<const Snapshot> snapshot() const;

  // The tree as an S-expression (tree-sitter's own printing), for tests and debugging.
  std::string sexp() const;

private:
  void replace_bytes(size_t start, size_t end, std::string_view replacement);
  void replace_all(std::string_view text);
  // What tree-sitter reads: the text, or its copy with lone CRs as LF if it has any.
  std::string_view parse_text() const { return lone_crs_ > 0 ? parse_text_ : *text_; }

  // Shared with the snapshots handed out: an edit changes it in place only while no snapshot
  // holds it, and otherwise makes the edited copy (one copy per edit either way, none per
  // snapshot).
  std::shared_ptr<std::string> text_;
  size_t lone_crs_ = 0;    // CRs not followed by LF in text_...
  std::string parse_text_; // ...and, while there are any, text_ with them as LF.
  // The last snapshot handed out, and the bytes at both ends of the text that no edit has
  // touched since (Snapshot::edited()). Bookkeeping of snapshot(), hence mutable.
  mutable uint64_t last_snapshot_id_ = 0;
  mutable size_t last_snapshot_size_ = 0;
  mutable size_t untouched_prefix_ = 0, untouched_suffix_ = 0;
  LineIndex lines_;
  TSParser* parser_;
  TSTree* tree_ = nullptr; // Never null after construction; what snapshots show.
  // While tree_ is provisional, the last settled tree, edited along, which incremental parses
  // start from; null otherwise.
  TSTree* base_tree_ = nullptr;
  void edit_trees(const TSInputEdit& edit);
  // Makes `tree` the current tree; `keep_base` keeps (or makes) the outgoing one the base.
  void set_tree(TSTree* tree, bool keep_base);
  // tree-sitter's error recovery depends on the tree it reuses: after an incremental parse that
  // ends with errors, the tree can differ from a fresh parse of the same text. A second, fresh
  // parse then makes the result canonical (same tree, same metrics as the CLI computes).
  enum class ParseStage { Incremental, Fresh, Done };
  ParseStage stage_ = ParseStage::Incremental;
  TSTree* parse_stage(ParseStage stage);
  bool parser_interrupted_ = false; // The parser holds a parse it can resume.
  bool tree_current_ = false;       // tree_ was parsed from text_ (not only edited since).
};

// A parser for the vendored Python grammar; `budget_micros` bounds each parse (0: unbounded).
TSParser* new_python_parser(uint64_t budget_micros);

// Parses `text` from scratch with no time bound. Convenient for batch analysis (the CLI).
std::shared_ptr<const Snapshot> parse_snapshot(std::string text);

} // namespace docent::analysis
