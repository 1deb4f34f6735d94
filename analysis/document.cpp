// Incremental editing and bounded reparsing of a Python buffer with tree-sitter.
#include "analysis/document.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <utility>

namespace docent::analysis {

namespace {

// Rewrites lone CRs in parse[begin, end) to LF, looking at the byte after each CR in `text`.
bool is_lone_cr(std::string_view text, size_t i) {
  return text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n');
}

size_t count_lone_crs(std::string_view text, size_t begin, size_t end) {
  size_t count = 0;
  for (size_t i = begin; i < end; ++i)
    count += is_lone_cr(text, i);
  return count;
}

void normalize_line_ends(std::string_view text, std::string& parse, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i)
    parse[i] = is_lone_cr(text, i) ? '\n' : text[i];
}

TSPoint point_at(const LineIndex& lines, size_t offset) {
  const size_t row = lines.line_of(offset);
  return TSPoint{static_cast<uint32_t>(row), static_cast<uint32_t>(offset - lines.line_start(row))};
}

} // namespace

TSParser* new_python_parser(uint64_t budget_micros) {
  TSParser* parser = ts_parser_new();
  if (parser == nullptr || !ts_parser_set_language(parser, tree_sitter_python()))
    std::abort(); // The grammar is linked in; failure means a broken build, not bad input.
  ts_parser_set_timeout_micros(parser, budget_micros);
  return parser;
}

Snapshot::Snapshot(std::string text, LineIndex lines, TSTree* tree, TreeState state)
    : Snapshot(std::make_shared<const std::string>(std::move(text)), std::move(lines), tree,
               state) {}

Snapshot::Snapshot(std::shared_ptr<const std::string> text, LineIndex lines, TSTree* tree,
                   TreeState state)
    : text_(std::move(text)), lines_(std::move(lines)), tree_(tree), state_(state) {}

Snapshot::~Snapshot() {
  if (tree_ != nullptr)
    ts_tree_delete(tree_);
}

std::shared_ptr<const Snapshot> Snapshot::without_tree() const {
  auto copy = std::make_shared<Snapshot>(text_, lines_, nullptr, state_);
  copy->id_ = id_; // The same text.
  copy->edited_ = edited_;
  return copy;
}

std::unique_ptr<const Snapshot> Snapshot::with_tree(TSTree* tree, TreeState state) const {
  return std::make_unique<const Snapshot>(text_, lines_, tree, state);
}

Document::Document(std::string text, uint64_t parse_budget_micros)
    : text_(std::make_shared<std::string>(std::move(text))),
      lone_crs_(count_lone_crs(*text_, 0, text_->size())), lines_(*text_),
      parser_(new_python_parser(parse_budget_micros)) {
  if (lone_crs_ > 0) {
    parse_text_ = *text_;
    normalize_line_ends(*text_, parse_text_, 0, text_->size());
  }
  const size_t size = text_->size();
  // Start from the tree of an empty module, edited to span the text, so that there is always
  // a tree to read even if the first parse is interrupted.
  tree_ = ts_parser_parse_string(parser_, nullptr, "", 0);
  TSInputEdit everything{};
  everything.new_end_byte = static_cast<uint32_t>(size);
  everything.new_end_point = point_at(lines_, size);
  ts_tree_edit(tree_, &everything);
  reparse();
}

Document::~Document() {
  if (base_tree_ != nullptr)
    ts_tree_delete(base_tree_);
  ts_tree_delete(tree_);
  ts_parser_delete(parser_);
}

void Document::edit_trees(const TSInputEdit& edit) {
  ts_tree_edit(tree_, &edit);
  if (base_tree_ != nullptr)
    ts_tree_edit(base_tree_, &edit);
}

void Document::set_tree(TSTree* tree, bool keep_base) {
  if (keep_base && base_tree_ == nullptr)
    base_tree_ = tree_; // The last settled tree stays the base of incremental parses.
  else
    ts_tree_delete(tree_);
  if (!keep_base && base_tree_ != nullptr) {
    ts_tree_delete(base_tree_);
    base_tree_ = nullptr;
  }
  tree_ = tree;
}

void Document::replace_bytes(size_t start, size_t end, std::string_view replacement) {
  // Whether a byte is a lone CR depends on it and the next: the bytes from the one before the
  // edit to its last can change.
  const size_t first = start > 0 ? start - 1 : 0;
  const size_t new_end = start + replacement.size();
  const size_t before = count_lone_crs(*text_, first, end);
  untouched_prefix_ = std::min(untouched_prefix_, start);
  untouched_suffix_ = std::min(untouched_suffix_, text_->size() - end);
  if (text_.use_count() > 1) {
    auto edited = std::make_shared<std::string>();
    edited->reserve(text_->size() - (end - start) + replacement.size());
    edited->append(*text_, 0, start).append(replacement).append(*text_, end);
    text_ = std::move(edited);
  } else {
    // The last snapshot that held the text was released, perhaps on another thread: its
    // reads happen before the writes below (the count fell with release order).
    std::atomic_thread_fence(std::memory_order_acquire);
    text_->replace(start, end - start, replacement);
  }
  const size_t had = lone_crs_;
  lone_crs_ = lone_crs_ - before + count_lone_crs(*text_, first, new_end);
  if (lone_crs_ == 0) {
    parse_text_ = std::string();
  } else if (had == 0) {
    parse_text_ = *text_;
    normalize_line_ends(*text_, parse_text_, 0, text_->size());
  } else {
    parse_text_.replace(start, end - start, replacement);
    normalize_line_ends(*text_, parse_text_, first, new_end);
  }
}

void Document::edit(const TextChange& change, PositionEncoding encoding) {
  if (parser_interrupted_) {
    // The interrupted parse read text that is about to change; it cannot be resumed.
    ts_parser_reset(parser_);
    parser_interrupted_ = false;
  }
  stage_ = ParseStage::Incremental;
  tree_current_ = false;
  if (!change.range) {
    replace_all(change.text);
    return;
  }
  size_t start = lines_.offset_of(*text_, change.range->start, encoding);
  size_t end = lines_.offset_of(*text_, change.range->end, encoding);
  if (end < start)
    std::swap(start, end);
  std::string replacement = change.text;
  // A CR just before the edit may become (or stop being) half of a CRLF, which changes how the
  // parser sees it: include it in the edited range.
  if (start > 0 && (*text_)[start - 1] == '\r') {
    --start;
    replacement.insert(replacement.begin(), '\r');
  }
  TSInputEdit ts_edit{};
  ts_edit.start_byte = static_cast<uint32_t>(start);
  ts_edit.old_end_byte = static_cast<uint32_t>(end);
  ts_edit.new_end_byte = static_cast<uint32_t>(start + replacement.size());
  ts_edit.start_point = point_at(lines_, start);
  ts_edit.old_end_point = point_at(lines_, end);
  replace_bytes(start, end, replacement);
  lines_.update(*text_, start, end, start + replacement.size());
  ts_edit.new_end_point = point_at(lines_, ts_edit.new_end_byte);
  edit_trees(ts_edit);
}

void Document::replace_all(std::string_view text) {
  TSInputEdit ts_edit{};
  ts_edit.old_end_byte = static_cast<uint32_t>(text_->size());
  ts_edit.old_end_point = point_at(lines_, text_->size());
  replace_bytes(0, text_->size(), text);
  lines_ = LineIndex(*text_);
  ts_edit.new_end_byte = static_cast<uint32_t>(text_->size());
  ts_edit.new_end_point = point_at(lines_, text_->size());
  edit_trees(ts_edit);
}

ParseResult Document::apply(const TextChange& change, PositionEncoding encoding, bool settle) {
  edit(change, encoding);
  return reparse(settle);
}

TSTree* Document::parse_stage(ParseStage stage) {
  TSTree* old_tree = nullptr;
  if (stage == ParseStage::Incremental)
    old_tree = base_tree_ != nullptr ? base_tree_ : tree_;
  const std::string_view text = parse_text();
  TSTree* tree =
      ts_parser_parse_string(parser_, old_tree, text.data(), static_cast<uint32_t>(text.size()));
  // A null tree means the time bound hit; the next call with the same arguments resumes.
  parser_interrupted_ = tree == nullptr;
  if (tree != nullptr) {
    tree_current_ = true;
    // An incremental result with errors is provisional: reparsing from it costs about a fresh
    // parse (tree-sitter reuses nothing inside its error nodes), so the next edit starts from
    // the last settled tree instead.
    const bool provisional =
        stage == ParseStage::Incremental && ts_node_has_error(ts_tree_root_node(tree));
    set_tree(tree, provisional);
  }
  return tree;
}

namespace {

// tree-sitter polls a plain size_t through its own atomic loads; std::atomic<size_t> has the same
// representation wherever it is lock-free.
static_assert(sizeof(ParseCancel) == sizeof(size_t) && ParseCancel::is_always_lock_free);

// Points the parser at `cancel` for as long as it lives.
class CancelScope {
public:
  CancelScope(TSParser* parser, const ParseCancel* cancel) : parser_(parser) {
    if (cancel != nullptr)
      ts_parser_set_cancellation_flag(parser_, reinterpret_cast<const size_t*>(cancel));
  }
  ~CancelScope() { ts_parser_set_cancellation_flag(parser_, nullptr); }
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

private:
  TSParser* parser_;
};

} // namespace

ParseResult Document::reparse(bool settle, const ParseCancel* cancel) {
  const CancelScope scope(parser_, cancel);
  if (stage_ == ParseStage::Incremental) {
    if (parse_stage(ParseStage::Incremental) == nullptr)
      return ParseResult::TimedOut;
    const bool needs_fresh_parse = ts_node_has_error(ts_tree_root_node(tree_));
    stage_ = needs_fresh_parse ? ParseStage::Fresh : ParseStage::Done;
  }
  if (stage_ == ParseStage::Fresh && !settle)
    return ParseResult::Provisional;
  if (stage_ == ParseStage::Fresh) {
    // Until this finishes, readers get the incremental tree: current text, maybe not canonical.
    if (parse_stage(ParseStage::Fresh) == nullptr)
      return ParseResult::TimedOut;
    stage_ = ParseStage::Done;
  }
  return ParseResult::Complete;
}

TreeState Document::tree_state() const {
  if (!tree_current_)
    return TreeState::Stale;
  return complete() ? TreeState::Complete : TreeState::Provisional;
}

std::shared_ptr<const Snapshot> Document::snapshot() const {
  static std::atomic<uint64_t> last_id{0};
  auto snapshot = std::make_shared<Snapshot>(text_, lines_, ts_tree_copy(tree_), tree_state());
  snapshot->id_ = ++last_id;
  const size_t size = text_->size();
  if (last_snapshot_id_ != 0) {
    const size_t prefix = std::min({untouched_prefix_, size, last_snapshot_size_});
    const size_t suffix = std::min(untouched_suffix_, std::min(size, last_snapshot_size_) - prefix);
    snapshot->edited_ = Snapshot::EditedSpan{last_snapshot_id_, prefix, suffix};
  }
  last_snapshot_id_ = snapshot->id_;
  last_snapshot_size_ = size;
  untouched_prefix_ = untouched_suffix_ = size;
  return snapshot;
}

std::string Document::sexp() const {
  char* raw = ts_node_string(root());
  std::string result(raw);
  std::free(raw);
  return result;
}

std::shared_ptr<const Snapshot> parse_snapshot(std::string text) {
  Document document(std::move(text));
  return document.snapshot();
}

} // namespace docent::analysis
