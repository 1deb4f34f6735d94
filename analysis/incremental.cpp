// Statement-by-statement analysis with reuse across edits (see incremental.h).
#include "analysis/incremental.h"

#include "analysis/complexity.h"
#include "analysis/halstead.h"
#include "analysis/syntax_tree.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <unordered_map>

namespace docent::analysis {

// One top-level statement's share of the module's analysis, with positions relative to the
// statement: bytes from its first line's start, lines from its first line.
struct IncrementalAnalyzer::Statement {
  std::vector<Definition> definitions;
  std::vector<DefinitionMetrics> metrics;
  std::vector<HalsteadPartial> halstead; // One per syntax node of the statement's lines.
  std::vector<SyntaxProblem> errors;     // Ranges relative like the definitions'.
  RawMetrics raw;                        // radon's raw metrics of the statement's lines...
  bool raw_known = true;      // ...unless they do not tokenize (see analyze_changed_statements()).
  int cyclomatic = 0;         // What the statement adds to radon's module total.
  int outside_decisions = 0;  // radon's decisions outside its definitions.
  bool has_error = false;     // Such a statement is never reused (see analyze()).
  bool mentions_all = false;  // Its text has `__all__` (see module_all()).
  bool comments_only = false; // Nothing but comments (see module_head()).
  // A top-level class analyzed member by member (see analyze_class()): its name, and the share
  // of each statement of its body (with the comments on its lines), whose definitions are the
  // class's methods, relative to the member's first line. The next analysis of the class reuses
  // the members whose text is unchanged.
  // `definitions` and `metrics` then hold the class alone; its members follow it.
  struct Member {
    std::shared_ptr<const Statement> statement;
    uint32_t begin = 0, end = 0; // Bytes of its lines, relative to the class statement's start...
    uint32_t first_line = 0;     // ...and its first line, relative to the statement's.
  };
  std::string class_name;
  std::vector<Member> members;
  size_t total_definitions = 0; // Its definitions and its members'.
  // The class's own Halstead parts (its header's and its members'), merged: kept once the
  // class has been edited, and handed on to its next version (see class_halstead()), so that
  // an edit in one method of a long class does not merge all of them again. Mutable: the next
  // version takes it over from the version it replaces, on the analyzer's thread.
  mutable std::unique_ptr<HalsteadTally> class_tally;
  // A class member that is an `__init__`: the attributes it assigns (alone, in order, without
  // repeats), relative to the member's first byte. Found once per share (see analyze_class()).
  mutable std::optional<std::vector<ClassAttribute>> init_attributes;
};

// The top-level statements of a snapshot, each with the comments that share its lines; a
// statement owns whole lines.
struct IncrementalAnalyzer::StatementList {
  struct Span {
    uint32_t first_node = 0, node_count = 0; // Into `nodes`.
    uint32_t first_line = 0, last_line = 0;  // 0-based.
    uint32_t begin = 0, end = 0;             // Bytes of its lines, the last line's break excluded.
  };
  std::vector<TSNode> nodes;
  std::vector<Span> spans;
};

// A statement of the last decomposable version and where it stood.
struct IncrementalAnalyzer::Placed {
  std::shared_ptr<const Statement> statement;
  uint32_t begin = 0, end = 0; // As in StatementList::Span, in placed_snapshot_.
  uint32_t first_line = 0, last_line = 0;
  uint32_t first_definition = 0; // Its first definition's index in placed_result_.
};

// A statement of the version being analyzed: where it stands, and which kept statement it is.
struct IncrementalAnalyzer::Entry {
  StatementList::Span span; // Lines and bytes in the new snapshot; its nodes are not used.
  std::shared_ptr<const Statement> statement;
  int kept = -1; // Index into placed_ when the statement was reused.
};

// Where a member of a class that the edit replaced stood in the last result.
struct IncrementalAnalyzer::MemberPlace {
  uint32_t first_definition = 0; // Its first definition's index...
  uint32_t begin = 0;            // ...and its first byte and line, in placed_snapshot_...
  uint32_t first_line = 0;
  uint32_t class_index = 0; // ...and its class's index.
};

namespace {

using Statement = IncrementalAnalyzer::Statement;
using MemberPlace = IncrementalAnalyzer::MemberPlace;
using StatementList = IncrementalAnalyzer::StatementList;
using Span = StatementList::Span;
using Placed = IncrementalAnalyzer::Placed;
using Entry = IncrementalAnalyzer::Entry;
using StatementPtr = std::shared_ptr<const Statement>;

// The bound of analyze_changed_statements()'s parse of the changed statements. They are usually a
// few dozen lines (well under a millisecond); a longer one waits for the parse of the whole file.
constexpr uint64_t kRegionParseBudgetMicros = 3000;

// The top-level statements with their lines, or nothing if the file is not one this analysis
// decomposes exactly. Syntax errors inside statements are fine; an error in the module's own
// list of statements is not (the statements themselves are then in doubt).
// statements_of()'s `column` for a block whose statements start where its first one does.
constexpr uint32_t kFirstStatementColumn = UINT32_MAX;
std::optional<StatementList> statements_of(const Snapshot& snapshot, TSNode parent,
                                           uint32_t column);

// The bytes where two texts differ: [prefix, size - suffix) in each.
struct TextDifference {
  size_t prefix = 0, suffix = 0;
};

// Compared a block at a time with memcmp, which is vectorized: this runs on every keystroke
// over the whole file.
TextDifference difference(std::string_view before, std::string_view now) {
  constexpr size_t kBlock = 256;
  TextDifference diff;
  const size_t shorter = std::min(before.size(), now.size());
  while (diff.prefix + kBlock <= shorter &&
         std::memcmp(before.data() + diff.prefix, now.data() + diff.prefix, kBlock) == 0)
    diff.prefix += kBlock;
  while (diff.prefix < shorter && before[diff.prefix] == now[diff.prefix])
    ++diff.prefix;
  while (diff.suffix + kBlock <= shorter - diff.prefix &&
         std::memcmp(before.data() + before.size() - diff.suffix - kBlock,
                     now.data() + now.size() - diff.suffix - kBlock, kBlock) == 0)
    diff.suffix += kBlock;
  while (diff.suffix < shorter - diff.prefix &&
         before[before.size() - 1 - diff.suffix] == now[now.size() - 1 - diff.suffix])
    ++diff.suffix;
  return diff;
}

// Where `now` differs from `before`: what the document that handed out both says, when
// `before` is the snapshot it handed out just before `now`; else found by comparing the texts.
TextDifference difference(const Snapshot& before, const Snapshot& now) {
  const std::optional<Snapshot::EditedSpan>& edited = now.edited();
  if (edited && before.id() != 0 && edited->from == before.id())
    return TextDifference{edited->prefix, edited->suffix};
  return difference(before.text(), now.text());
}

// has_only_newline_breaks(now), given its difference from an earlier text known to have only
// newline breaks (or null): then only the bytes around the difference can hold another
// break, since one is at most three bytes long.
bool only_newline_breaks(std::string_view now, const TextDifference* from_clean) {
  if (from_clean == nullptr)
    return has_only_newline_breaks(now);
  const size_t begin = from_clean->prefix >= 2 ? from_clean->prefix - 2 : 0;
  const size_t end = std::min(now.size(), now.size() - from_clean->suffix + 2);
  return has_only_newline_breaks(now.substr(begin, end - begin));
}

// `from_clean`: see only_newline_breaks().
std::optional<StatementList> decomposable_statements(const Snapshot& snapshot,
                                                     const TextDifference* from_clean = nullptr) {
  TSNode root = snapshot.root();
  if (ts_node_is_missing(root) || !only_newline_breaks(snapshot.text(), from_clean))
    return std::nullopt;
  return statements_of(snapshot, root, 0);
}

// The statements of a module or block `parent` whose lines they own, grouped as
// decomposable_statements() says; every statement starts at `column` (or, with
// kFirstStatementColumn, where the first one that is not a comment does).
std::optional<StatementList> statements_of(const Snapshot& snapshot, TSNode parent,
                                           uint32_t column) {
  StatementList list;
  bool ok = true;
  for_each_child(parent, [&](TSNode node) {
    if (!ts_node_is_named(node))
      return;
    const NodeKind kind = kind_of(node);
    ok &= kind != NodeKind::Error && !ts_node_is_missing(node);
    if (column == kFirstStatementColumn && kind != NodeKind::Comment)
      column = ts_node_start_point(node).column;
    const uint32_t first = ts_node_start_point(node).row;
    const uint32_t last = last_line(node) - 1;
    list.nodes.push_back(node);
    if (!list.spans.empty() && first <= list.spans.back().last_line) {
      // A comment after a statement on its last line: radon counts the line once.
      Span& span = list.spans.back();
      ++span.node_count;
      span.last_line = std::max(span.last_line, last);
      return;
    }
    // A statement's tree depends on its indentation; a comment's share does not.
    ok &= ts_node_start_point(node).column == column || kind == NodeKind::Comment;
    Span span;
    span.first_node = static_cast<uint32_t>(list.nodes.size() - 1);
    span.node_count = 1;
    span.first_line = first;
    span.last_line = last;
    list.spans.push_back(span);
  });
  if (!ok)
    return std::nullopt;
  const LineIndex& lines = snapshot.lines();
  for (Span& span : list.spans) {
    span.begin = static_cast<uint32_t>(lines.line_start(span.first_line));
    span.end = static_cast<uint32_t>(lines.line_content_end(span.last_line));
  }
  return list;
}

bool is_blank(std::string_view line);

// All top-level nodes of `snapshot` as one statement over its lines in [first, last) from the
// first to the last that is not blank: how a region parsed on its own is analyzed when it does
// not decompose (an error in its own list of statements).
StatementList one_statement(const Snapshot& snapshot, size_t first, size_t last) {
  StatementList list;
  for_each_child(snapshot.root(), [&](TSNode node) {
    if (ts_node_is_named(node))
      list.nodes.push_back(node);
  });
  const LineIndex& lines = snapshot.lines();
  auto blank = [&](size_t line) {
    const size_t start = lines.line_start(line);
    return is_blank(snapshot.text().substr(start, lines.line_content_end(line) - start));
  };
  while (first < last && blank(first))
    ++first;
  while (last > first && blank(last - 1))
    --last;
  if (first == last)
    return list;
  Span span;
  span.node_count = static_cast<uint32_t>(list.nodes.size());
  span.first_line = static_cast<uint32_t>(first);
  span.last_line = static_cast<uint32_t>(last - 1);
  span.begin = static_cast<uint32_t>(lines.line_start(first));
  span.end = static_cast<uint32_t>(lines.line_content_end(last - 1));
  list.spans.push_back(span);
  return list;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// Lines [begin, end) outside every statement: blank lines to radon, or nullopt if one is not.
std::optional<int> blank_lines_between(const Snapshot& snapshot, size_t begin, size_t end) {
  const LineIndex& lines = snapshot.lines();
  for (size_t line = begin; line < end; ++line) {
    const size_t start = lines.line_start(line);
    if (!is_blank(snapshot.text().substr(start, lines.line_content_end(line) - start)))
      return std::nullopt;
  }
  return static_cast<int>(end - begin);
}

// Number of lines str.splitlines() gives: a final line break ends the last line.
size_t radon_line_count(const Snapshot& snapshot) {
  const std::string_view text = snapshot.text();
  if (text.empty())
    return 0;
  const bool ends_with_break = text.back() == '\n' || text.back() == '\r';
  return snapshot.lines().line_count() - (ends_with_break ? 1 : 0);
}

// The text of a statement's lines: what its analysis depends on, and how it is recognized.
std::string_view text_of(const Snapshot& snapshot, uint32_t begin, uint32_t end) {
  return snapshot.text().substr(begin, end - begin);
}

// Definitions modelled from a statement of class `name`'s body as if it stood at module level,
// made what build_module_model() makes of them inside the class: qualified by the class name,
// and the functions directly in it methods.
void make_members(std::vector<Definition>& definitions, const std::string& name) {
  for (Definition& definition : definitions) {
    definition.qualname = name + "." + definition.qualname;
    if (definition.parent == -1 && definition.kind == DefinitionKind::Function)
      definition.kind = DefinitionKind::Method;
  }
}

// Null if the statement's lines do not tokenize, unless `raw_optional`: then its raw metrics
// are unknown and it counts as having an error.
// With `member_of`, the statement is one of the body of the top-level class of that name.
std::shared_ptr<Statement> analyze_statement(const Snapshot& snapshot, const StatementList& list,
                                             const Span& span, bool raw_optional = false,
                                             const std::string* member_of = nullptr) {
  auto statement = std::make_shared<Statement>();
  const std::string_view text = snapshot.text();
  std::vector<Definition> definitions;
  DefinitionNodes nodes; // Each of the span's statements copied once into a flat tree.
  std::vector<HalsteadStatement> halstead;
  HalsteadLookup halstead_by_start;
  int outside_definitions = 0; // radon decisions of the span outside its definitions.
  statement->comments_only = true;
  for (uint32_t k = span.first_node; k < span.first_node + span.node_count; ++k) {
    const TSNode node = list.nodes[k];
    statement->comments_only &= kind_of(node) == NodeKind::Comment;
    const FlatTree& tree =
        *nodes.owned.emplace_back(std::make_unique<FlatTree>(node, text, FlatTree::Folding::Inert));
    ModuleModel part = model_of_statement(snapshot, node);
    if (member_of != nullptr)
      make_members(part.definitions, *member_of);
    statement->errors.insert(statement->errors.end(), part.errors.begin(), part.errors.end());
    const DefinitionNodes located = locate_definitions(tree, part.definitions);
    nodes.nodes.insert(nodes.nodes.end(), located.nodes.begin(), located.nodes.end());
    const int offset = static_cast<int>(definitions.size());
    for (Definition& definition : part.definitions) {
      if (definition.parent >= 0)
        definition.parent += offset;
      for (int& child : definition.children)
        child += offset;
      definitions.push_back(std::move(definition));
    }
    halstead.push_back(compute_halstead_statement(text, tree));
    for (auto& [relative, report] : halstead.back().definitions)
      halstead_by_start.emplace(start_byte(node) + relative, &report);
    outside_definitions += radon_module_complexity(ModuleModel{}, {}, tree) - 1;
  }
  const std::vector<int> radon_scores = radon_complexities(definitions, nodes);

  SlocLines sloc;
  sloc.first_line = span.first_line;
  std::optional<RawMetrics> raw =
      compute_raw_metrics(text_of(snapshot, span.begin, span.end), sloc.marks);
  if (!raw && !raw_optional)
    return nullptr;
  statement->raw_known = raw.has_value();
  statement->raw = raw.value_or(RawMetrics{});
  const std::string_view lines = text_of(snapshot, span.begin, span.end);
  statement->mentions_all = memmem(lines.data(), lines.size(), "__all__", 7) != nullptr;
  // analyze() counts SLOC lines only in files without errors; it tokenizes each definition
  // of a file with errors on its own, and so must this.
  statement->has_error = !statement->errors.empty() || !statement->raw_known;
  statement->metrics =
      measure_definitions(snapshot, definitions, nodes, radon_scores, halstead_by_start,
                          statement->has_error ? nullptr : &sloc);
  for (HalsteadStatement& part : halstead)
    statement->halstead.push_back(std::move(part.module));

  // radon's module total adds the decisions outside definitions and each top-level
  // definition's score less one.
  statement->outside_decisions = outside_definitions;
  statement->cyclomatic = outside_definitions;
  for (size_t i = 0; i < definitions.size(); ++i)
    if (definitions[i].parent == -1)
      statement->cyclomatic += radon_scores[i] - 1;

  for (Definition& definition : definitions)
    shift_definition(definition, -static_cast<int64_t>(span.begin),
                     -static_cast<int64_t>(span.first_line));
  statement->definitions = std::move(definitions);
  statement->total_definitions = statement->definitions.size();
  for (SyntaxProblem& error : statement->errors) {
    error.range.start -= span.begin;
    error.range.end -= span.begin;
  }
  return statement;
}

using MemberDonors = IncrementalAnalyzer::MemberDonors;

// The class node of a top-level statement, and the statement's node (its decorated_definition or
// itself), if the statement is a class whose body stands on lines of its own.
struct ClassNodes {
  TSNode outer, node, body;
};
std::optional<ClassNodes> class_of_statement(const StatementList& list, const Span& span) {
  if (span.node_count != 1)
    return std::nullopt;
  ClassNodes nodes;
  nodes.outer = nodes.node = list.nodes[span.first_node];
  if (kind_of(nodes.outer) == NodeKind::DecoratedDefinition)
    nodes.node = ts_node_child_by_field_name(nodes.outer, "definition", 10);
  if (ts_node_is_null(nodes.node) || kind_of(nodes.node) != NodeKind::ClassDefinition ||
      ts_node_has_error(nodes.outer))
    return std::nullopt;
  nodes.body = ts_node_child_by_field_name(nodes.node, "body", 4);
  if (ts_node_is_null(nodes.body) || kind_of(nodes.body) != NodeKind::Block ||
      ts_node_start_point(nodes.body).row == ts_node_start_point(nodes.node).row)
    return std::nullopt;
  return nodes;
}

// Whether `node` is a statement of string literals without interpolations (a docstring):
// whatever words its text holds, it holds no statement.
bool is_plain_string_statement(TSNode node) {
  if (kind_of(node) != NodeKind::ExpressionStatement || ts_node_named_child_count(node) != 1)
    return false;
  const auto plain = [](TSNode string) {
    bool literal = kind_of(string) == NodeKind::String;
    for_each_named_child(string,
                         [&](TSNode part) { literal &= kind_of(part) != NodeKind::Interpolation; });
    return literal;
  };
  const TSNode value = ts_node_named_child(node, 0);
  if (kind_of(value) != NodeKind::ConcatenatedString)
    return plain(value);
  bool all_plain = true;
  for_each_named_child(value, [&](TSNode string) { all_plain &= plain(string); });
  return all_plain;
}

// Whether a statement of a class body may hold a raise, return or yield of the class's own
// (build_module_model() records those on the class; a member analyzed alone would not).
bool may_hold_class_flow(const Snapshot& snapshot, const StatementList& members,
                         const Span& member) {
  for (uint32_t k = member.first_node; k < member.first_node + member.node_count; ++k) {
    const NodeKind kind = kind_of(members.nodes[k]);
    if (kind == NodeKind::Comment || kind == NodeKind::FunctionDefinition ||
        kind == NodeKind::DecoratedDefinition || kind == NodeKind::ClassDefinition ||
        is_plain_string_statement(members.nodes[k]))
      continue;
    const std::string_view text = node_text(snapshot.text(), members.nodes[k]);
    for (const std::string_view word : {"raise", "return", "yield"})
      if (text.find(word) != std::string_view::npos)
        return true;
  }
  return false;
}

// For each member of a class's new version, the share of the replaced version's member with
// the same text, or null. An edit changes a run of members: they are matched from the front,
// then from the back, by comparing texts; only the rest are looked up by text.
std::vector<StatementPtr> reusable_members(const Snapshot& snapshot, const StatementList& members,
                                           const IncrementalAnalyzer::ReplacedClass& replaced) {
  const std::vector<Statement::Member>& before = replaced.statement->members;
  const std::vector<Span>& now = members.spans;
  std::vector<StatementPtr> reused(now.size());
  auto text_before = [&](size_t k) {
    return replaced.text.substr(before[k].begin, before[k].end - before[k].begin);
  };
  auto text_now = [&](size_t k) { return text_of(snapshot, now[k].begin, now[k].end); };
  size_t front = 0;
  while (front < now.size() && front < before.size() && text_now(front) == text_before(front)) {
    reused[front] = before[front].statement;
    ++front;
  }
  size_t back_now = now.size(), back_before = before.size();
  while (back_now > front && back_before > front &&
         text_now(back_now - 1) == text_before(back_before - 1)) {
    reused[--back_now] = before[--back_before].statement;
  }
  if (back_now == front)
    return reused;
  std::unordered_map<std::string_view, StatementPtr> by_text;
  for (size_t k = front; k < back_before; ++k)
    by_text.emplace(text_before(k), before[k].statement);
  for (size_t k = front; k < back_now; ++k)
    if (auto found = by_text.find(text_now(k)); found != by_text.end())
      reused[k] = found->second;
  return reused;
}

bool is_blank(std::string_view line);
std::optional<int> blank_lines_between(const Snapshot& snapshot, size_t begin, size_t end);
void relocate(Definition& definition, int64_t byte_delta, int64_t line_delta, int index_delta);
void add_raw(RawMetrics& total, const RawMetrics& part);

// What `method`, an `__init__` standing alone in its member `share` at `member`, assigns to
// its class (add_init_attributes() against a class without attributes), relative to the
// member's first byte: found in the tree the first time, then kept with the share.
const std::vector<ClassAttribute>& init_attributes(const Snapshot& snapshot, const Statement& share,
                                                   const Definition& method, const Span& member) {
  if (!share.init_attributes) {
    Definition placed = method; // Where it stands, to find its node.
    relocate(placed, member.begin, member.first_line, 0);
    Definition alone;
    add_init_attributes(snapshot, alone, placed, definition_node(snapshot, placed));
    for (ClassAttribute& attribute : alone.attributes) {
      attribute.range.start -= member.begin;
      attribute.range.end -= member.begin;
    }
    share.init_attributes = std::move(alone.attributes);
  }
  return *share.init_attributes;
}

// Adds to `cls` the attributes it does not have yet, as collect_init_attributes() does, from
// a list relative to byte `begin`.
void add_attributes(Definition& cls, const std::vector<ClassAttribute>& attributes,
                    uint32_t begin) {
  for (const ClassAttribute& attribute : attributes) {
    const bool known = std::any_of(
        cls.attributes.begin(), cls.attributes.end(),
        [&](const ClassAttribute& existing) { return existing.name == attribute.name; });
    if (known)
      continue;
    ClassAttribute& added = cls.attributes.emplace_back(attribute);
    added.range.start += begin;
    added.range.end += begin;
  }
}

// The Halstead tally of a member-wise class whose header part is `header`, whose members are
// `shares` and whose parts are `parts` (the header's and every member's): the tally of the
// version it replaces (`before`), brought up to date with the parts that changed, when that
// version kept one; else all of `parts` merged.
std::unique_ptr<HalsteadTally> class_halstead(const Statement* before,
                                              const HalsteadPartial& header,
                                              const std::vector<StatementPtr>& shares,
                                              const std::vector<const HalsteadPartial*>& parts) {
  if (before == nullptr || before->class_tally == nullptr || before->halstead.size() != 1) {
    auto tally = std::make_unique<HalsteadTally>();
    for (const HalsteadPartial* part : parts)
      tally->add(*part, 1);
    return tally;
  }
  std::unique_ptr<HalsteadTally> tally = std::move(before->class_tally);
  tally->add(before->halstead.front(), -1);
  tally->add(header, 1);
  // Members standing in both versions cancel out; a member may stand more than once.
  std::unordered_map<const Statement*, int> change;
  for (const Statement::Member& member : before->members)
    --change[member.statement.get()];
  for (const StatementPtr& share : shares)
    ++change[share.get()];
  for (const auto& [member, times] : change)
    if (times != 0)
      for (const HalsteadPartial& part : member->halstead)
        tally->add(part, times);
  return tally;
}

// Whether the first statement of a class body that is not a comment is indented, as the
// members of a class analyzed member by member must be.
bool indented_statement(const StatementList& members) {
  for (const TSNode node : members.nodes)
    if (kind_of(node) != NodeKind::Comment)
      return ts_node_start_point(node).column != 0;
  return false;
}

// The share of a top-level class statement built from its members' shares: the members whose
// text is among `donors` for this class's name are reused, the others analyzed (with
// analyze_statement(), as statements of the class). The class's own facts come from its header
// and from its members: radon's class score from its methods' scores and the decisions outside
// them, Halstead's counts from the parts of the header and of each member, raw line counts and
// SLOC as sums. Equal to analyze_statement() of the class (checked by the property tests);
// null when the class does not decompose so (a syntax error, a body on the class's line,
// members sharing lines, statements of the class's own that may raise, return or yield).
std::shared_ptr<Statement> analyze_class(const Snapshot& snapshot, const Span& span,
                                         const ClassNodes& nodes, const MemberDonors& donors) {
  std::optional<StatementList> members = statements_of(snapshot, nodes.body, kFirstStatementColumn);
  if (!members || !indented_statement(*members))
    return nullptr;
  const Span& first = members->spans.front();
  const uint32_t class_line = ts_node_start_point(nodes.node).row;
  if (first.first_line <= class_line)
    return nullptr;
  const LineIndex& lines = snapshot.lines();
  const std::string_view text = snapshot.text();

  // The header: decorators, the class line and anything else before the first member, but
  // the blank lines before it, which count like those between members.
  size_t header_end = first.first_line; // One past its last line.
  while (header_end - 1 > class_line && blank_lines_between(snapshot, header_end - 1, header_end))
    --header_end;
  std::vector<bool> header_marks;
  const std::optional<RawMetrics> header_raw = compute_raw_metrics(
      text_of(snapshot, span.begin, static_cast<uint32_t>(lines.line_content_end(header_end - 1))),
      header_marks);
  if (!header_raw)
    return nullptr;
  const FlatTree header_tree(nodes.outer, text, FlatTree::Folding::Inert, nodes.body);
  HalsteadStatement header_halstead = compute_halstead_statement(text, header_tree);

  Definition cls = describe_class_alone(snapshot, nodes.node, nodes.outer);
  auto statement = std::make_shared<Statement>();
  statement->class_name = cls.name;
  const auto donor = donors.find(cls.name);
  const std::vector<StatementPtr> reused =
      donor == donors.end() ? std::vector<StatementPtr>(members->spans.size())
                            : reusable_members(snapshot, *members, donor->second);
  RawMetrics raw = *header_raw;
  size_t next_line = header_end;
  std::vector<StatementPtr> shares;
  for (size_t m = 0; m < members->spans.size(); ++m) {
    const Span& member = members->spans[m];
    const std::optional<int> blank = blank_lines_between(snapshot, next_line, member.first_line);
    if (!blank)
      return nullptr;
    raw.blank += *blank;
    next_line = member.last_line + 1;
    // A reused share passed the check of class flow in the class it came from: its text and
    // its class are the same.
    StatementPtr share = reused[m];
    if (!share && may_hold_class_flow(snapshot, *members, member))
      return nullptr;
    if (!share)
      share = analyze_statement(snapshot, *members, member, false, &cls.name);
    if (!share || share->has_error)
      return nullptr;
    shares.push_back(share);
    statement->members.push_back(Statement::Member{share, member.begin - span.begin,
                                                   member.end - span.begin,
                                                   member.first_line - span.first_line});
  }
  const std::optional<int> trailing = blank_lines_between(snapshot, next_line, span.last_line + 1);
  if (!trailing)
    return nullptr;
  raw.blank += *trailing;

  // The definitions: the class, then each member's (kept in the members, see
  // append_definitions()); the class's children are its members' top definitions.
  statement->definitions.push_back(std::move(cls));
  Definition& klass = statement->definitions.front();
  std::vector<const HalsteadPartial*> parts{&header_halstead.module};
  std::vector<std::pair<const Definition*, const DefinitionMetrics*>> children;
  std::vector<const Span*> children_members;
  std::vector<const Statement*> children_shares;
  int outside_decisions = 0;
  size_t next_index = 1;
  for (size_t m = 0; m < shares.size(); ++m) {
    const Statement& share = *shares[m];
    for (size_t i = 0; i < share.definitions.size(); ++i)
      if (share.definitions[i].parent == -1) {
        klass.children.push_back(static_cast<int>(next_index + i));
        children.emplace_back(&share.definitions[i], &share.metrics[i]);
        children_members.push_back(&members->spans[m]);
        children_shares.push_back(&share);
      }
    next_index += share.total_definitions;
    for (const HalsteadPartial& part : share.halstead)
      parts.push_back(&part);
    add_raw(raw, share.raw);
    outside_decisions += share.outside_decisions;
  }
  statement->total_definitions = next_index;

  // The class's own facts from its methods, as build_module_model() and measure_definitions()
  // derive them.
  DefinitionMetrics& own = statement->metrics.emplace_back();
  int methods = 0, real = 1 + outside_decisions;
  for (size_t c = 0; c < children.size(); ++c) {
    const auto [method, measured] = children[c];
    if (method->name == "__init__")
      add_attributes(klass,
                     init_attributes(snapshot, *children_shares[c], *method, *children_members[c]),
                     children_members[c]->begin);
    if (method->kind != DefinitionKind::Method)
      continue;
    ++methods;
    real += measured->cyclomatic;
    own.cognitive += measured->cognitive;
    own.max_nesting = std::max(own.max_nesting, measured->max_nesting);
  }
  own.cyclomatic = average_class_complexity(real, methods);
  own.rank = radon_rank(own.cyclomatic);
  own.loc = static_cast<int>(klass.end_line - klass.line + 1);
  for (size_t line = klass.line - 1; line < header_end; ++line)
    own.sloc += header_marks[line - span.first_line];
  for (const StatementPtr& share : shares)
    own.sloc += share->raw.sloc;
  const Statement* before = donor == donors.end() ? nullptr : donor->second.statement;
  std::unique_ptr<HalsteadTally> tally =
      class_halstead(before, header_halstead.module, shares, parts);
  own.halstead = tally->report();
  if (before != nullptr) // Kept only for classes being edited: it costs memory.
    statement->class_tally = std::move(tally);
  // The module's tally takes the members' parts from the members (see tally_halstead()).
  statement->halstead.push_back(std::move(header_halstead.module));

  statement->raw = raw;
  statement->cyclomatic = real - 1;
  // The lines between members are blank: the header and the members hold all of its text.
  const std::string_view header_text =
      text_of(snapshot, span.begin, static_cast<uint32_t>(lines.line_content_end(header_end - 1)));
  statement->mentions_all =
      memmem(header_text.data(), header_text.size(), "__all__", 7) != nullptr ||
      std::any_of(shares.begin(), shares.end(),
                  [](const StatementPtr& share) { return share->mentions_all; });
  shift_definition(klass, -static_cast<int64_t>(span.begin),
                   -static_cast<int64_t>(span.first_line));
  return statement;
}

// Moves `definition` by the given bytes, lines and places in the list of definitions.
// The share of a changed top-level statement: member by member if it is a class of at least
// `memberwise_lines` lines that decomposes so (see analyze_class()), else whole.
StatementPtr analyze_span(const Snapshot& snapshot, const StatementList& list, const Span& span,
                          const MemberDonors& donors, uint32_t memberwise_lines,
                          bool raw_optional) {
  if (span.last_line - span.first_line + 1 >= memberwise_lines)
    if (const std::optional<ClassNodes> nodes = class_of_statement(list, span))
      if (StatementPtr statement = analyze_class(snapshot, span, *nodes, donors))
        return statement;
  return analyze_statement(snapshot, list, span, raw_optional);
}

void relocate(Definition& definition, int64_t byte_delta, int64_t line_delta, int index_delta) {
  if (byte_delta != 0 || line_delta != 0)
    shift_definition(definition, byte_delta, line_delta);
  if (index_delta == 0)
    return;
  if (definition.parent >= 0)
    definition.parent += index_delta;
  for (int& child : definition.children)
    child += index_delta;
}

// Appends copies of a statement's definitions and errors to the model at its place `span`.
// Appends copies of a statement's definitions and its members' to `model`, moved by the given
// bytes and lines; top definitions get `parent` (a class's members: the class).
void append_definitions(const Statement& statement, int64_t byte_delta, int64_t line_delta,
                        int parent, ModuleModel& model) {
  const int index_delta = static_cast<int>(model.definitions.size());
  for (const Definition& definition : statement.definitions) {
    model.definitions.push_back(definition);
    Definition& placed = model.definitions.back();
    relocate(placed, byte_delta, line_delta, index_delta);
    if (placed.parent == -1)
      placed.parent = parent;
  }
  for (const Statement::Member& member : statement.members)
    append_definitions(*member.statement, byte_delta + member.begin, line_delta + member.first_line,
                       index_delta, model);
}

// The metrics of append_definitions()'s definitions, in the same order.
void append_metrics(const Statement& statement, std::vector<DefinitionMetrics>& metrics) {
  metrics.insert(metrics.end(), statement.metrics.begin(), statement.metrics.end());
  for (const Statement::Member& member : statement.members)
    append_metrics(*member.statement, metrics);
}

void copy_definitions(const Statement& statement, const Span& span, ModuleModel& model) {
  append_definitions(statement, span.begin, span.first_line, -1, model);
  for (SyntaxProblem error : statement.errors) {
    error.range.start += span.begin;
    error.range.end += span.begin;
    model.errors.push_back(std::move(error));
  }
}

// Moves a kept statement's definitions out of the previous result's list, from where it
// stood (`placed`) to `span`.
void move_definitions(std::vector<Definition>& previous, const Placed& placed, size_t count,
                      const Span& span, ModuleModel& model) {
  const int64_t byte_delta = static_cast<int64_t>(span.begin) - placed.begin;
  const int64_t line_delta = static_cast<int64_t>(span.first_line) - placed.first_line;
  const int index_delta =
      static_cast<int>(model.definitions.size()) - static_cast<int>(placed.first_definition);
  for (size_t i = placed.first_definition; i < placed.first_definition + count; ++i) {
    model.definitions.push_back(std::move(previous[i]));
    relocate(model.definitions.back(), byte_delta, line_delta, index_delta);
  }
}

using MemberPlaces = std::unordered_map<const Statement*, MemberPlace>;

// Places a new version of a class analyzed member by member: its own definitions are copied,
// and each member reused from a replaced version moves its definitions out of the previous
// result (`previous`, from where `places` says), so an edit inside one method of a long class
// does not copy every other method's definitions.
void place_class(const Statement& statement, const Span& span, std::vector<Definition>& previous,
                 MemberPlaces& places, ModuleModel& model) {
  const int class_index = static_cast<int>(model.definitions.size());
  for (const Definition& definition : statement.definitions) {
    model.definitions.push_back(definition);
    relocate(model.definitions.back(), span.begin, span.first_line, class_index);
  }
  for (const Statement::Member& member : statement.members) {
    const int64_t begin = static_cast<int64_t>(span.begin) + member.begin;
    const int64_t first_line = static_cast<int64_t>(span.first_line) + member.first_line;
    const auto found = places.find(member.statement.get());
    if (found == places.end()) {
      append_definitions(*member.statement, begin, first_line, class_index, model);
      continue;
    }
    const MemberPlace place = found->second;
    places.erase(found); // A share standing twice moves once, and is copied the other time.
    const int index_delta =
        static_cast<int>(model.definitions.size()) - static_cast<int>(place.first_definition);
    for (size_t i = place.first_definition;
         i < place.first_definition + member.statement->total_definitions; ++i) {
      model.definitions.push_back(std::move(previous[i]));
      Definition& moved = model.definitions.back();
      const bool top = moved.parent == static_cast<int>(place.class_index);
      relocate(moved, begin - place.begin, first_line - place.first_line, index_delta);
      if (top)
        moved.parent = class_index;
    }
  }
}

// The entries an edit replaced, when everything around them stands as it stood: entries
// [0, front) keep the first `front` statements of the last version at their places, the last
// `back` entries keep its last `back` statements (moved, perhaps), and the entries between keep
// none of those. Then the last result's lists of definitions and metrics are changed in place
// (replace_changed_run()), which costs in proportion to the run and to what follows it.
struct ChangedRun {
  size_t front = 0, back = 0;
};

std::optional<ChangedRun> changed_run(const std::vector<Placed>& placed,
                                      const std::vector<Entry>& entries, size_t definitions) {
  const size_t n = entries.size(), m = placed.size();
  if (m == 0 ||
      placed.back().first_definition + placed.back().statement->total_definitions != definitions)
    return std::nullopt;
  ChangedRun run;
  while (run.front < n && run.front < m && entries[run.front].kept == static_cast<int>(run.front) &&
         entries[run.front].span.begin == placed[run.front].begin &&
         entries[run.front].span.first_line == placed[run.front].first_line)
    ++run.front;
  while (run.back < n - run.front && run.back < m - run.front &&
         entries[n - 1 - run.back].kept == static_cast<int>(m - 1 - run.back))
    ++run.back;
  for (size_t k = run.front; k < n - run.back; ++k) {
    const int kept = entries[k].kept;
    if (kept >= 0 && (kept < static_cast<int>(run.front) || kept >= static_cast<int>(m - run.back)))
      return std::nullopt; // A statement of the unchanged ends stands again in the run.
  }
  return run;
}

// `into`'s elements [begin, end) replaced by `run`'s.
template <typename T>
void splice(std::vector<T>& into, size_t begin, size_t end, std::vector<T>& run) {
  const size_t common = std::min(end - begin, run.size());
  std::move(run.begin(), run.begin() + static_cast<std::ptrdiff_t>(common),
            into.begin() + static_cast<std::ptrdiff_t>(begin));
  const auto after = into.begin() + static_cast<std::ptrdiff_t>(begin + common);
  if (run.size() > common)
    into.insert(after, std::make_move_iterator(run.begin() + static_cast<std::ptrdiff_t>(common)),
                std::make_move_iterator(run.end()));
  else
    into.erase(after, into.begin() + static_cast<std::ptrdiff_t>(end));
}

// An edit inside a class analyzed member by member that keeps its first `front` members (same
// shares at the same places) and its last `back` (same shares, moved perhaps).
struct ClassEdit {
  size_t front = 0, back = 0;
};

// How `now`, at `span`, replaces `was`, if it is the same class edited among its members and
// both are placed as place_class() places them: the class's own definition, then each member's.
std::optional<ClassEdit> class_edit(const Placed& was, const Entry& now) {
  const Statement& before = *was.statement;
  const Statement& after = *now.statement;
  if (before.members.empty() || after.members.empty() || before.class_name != after.class_name ||
      before.definitions.size() != 1 || after.definitions.size() != 1 ||
      before.metrics.size() != 1 || after.metrics.size() != 1 || !after.errors.empty() ||
      now.span.begin != was.begin || now.span.first_line != was.first_line)
    return std::nullopt;
  const std::vector<Statement::Member>& a = before.members;
  const std::vector<Statement::Member>& b = after.members;
  ClassEdit edit;
  while (edit.front < a.size() && edit.front < b.size() &&
         a[edit.front].statement == b[edit.front].statement &&
         a[edit.front].begin == b[edit.front].begin &&
         a[edit.front].first_line == b[edit.front].first_line)
    ++edit.front;
  while (edit.back < a.size() - edit.front && edit.back < b.size() - edit.front &&
         a[a.size() - 1 - edit.back].statement == b[b.size() - 1 - edit.back].statement)
    ++edit.back;
  return edit;
}

size_t member_definitions(const Statement& statement, size_t begin, size_t end) {
  size_t count = 0;
  for (size_t k = begin; k < end; ++k)
    count += statement.members[k].statement->total_definitions;
  return count;
}

// Changes the definitions and metrics of class `was` (in `definitions` and `metrics`, the
// previous result's lists) into those of `now` in place, as `edit` says: the class's own are
// replaced, the changed members' replaced by copies of the new ones', the last members' moved;
// the first members' stay as they are. What place_class() gives, without moving every member.
void edit_class_in_place(const Placed& was, const Entry& now, const ClassEdit& edit,
                         std::vector<Definition>& definitions,
                         std::vector<DefinitionMetrics>& metrics) {
  const Statement& before = *was.statement;
  const Statement& after = *now.statement;
  const size_t at = was.first_definition;
  const int class_index = static_cast<int>(at);
  definitions[at] = after.definitions.front();
  relocate(definitions[at], now.span.begin, now.span.first_line, class_index);
  metrics[at] = after.metrics.front();
  const size_t old_begin = at + 1 + member_definitions(before, 0, edit.front);
  const size_t old_end =
      old_begin + member_definitions(before, edit.front, before.members.size() - edit.back);
  // The changed members' definitions, numbered from old_begin; their top ones are the class's.
  ModuleModel middle;
  std::vector<DefinitionMetrics> middle_metrics;
  for (size_t k = edit.front; k < after.members.size() - edit.back; ++k) {
    const Statement::Member& member = after.members[k];
    append_definitions(*member.statement, int64_t{now.span.begin} + member.begin,
                       int64_t{now.span.first_line} + member.first_line, -1, middle);
    append_metrics(*member.statement, middle_metrics);
  }
  for (Definition& definition : middle.definitions) {
    relocate(definition, 0, 0, static_cast<int>(old_begin));
    if (definition.parent == -1)
      definition.parent = class_index;
  }
  const int index_delta =
      static_cast<int>(old_begin + middle.definitions.size()) - static_cast<int>(old_end);
  size_t next = at + before.total_definitions; // One past the member being moved.
  for (size_t j = 0; j < edit.back; ++j) {
    const Statement::Member& from = before.members[before.members.size() - 1 - j];
    const Statement::Member& to = after.members[after.members.size() - 1 - j];
    const int64_t byte_delta =
        (int64_t{now.span.begin} + to.begin) - (int64_t{was.begin} + from.begin);
    const int64_t line_delta = (int64_t{now.span.first_line} + to.first_line) -
                               (int64_t{was.first_line} + from.first_line);
    const size_t first = next - from.statement->total_definitions;
    for (size_t i = first; i < next; ++i) {
      const bool top = definitions[i].parent == class_index;
      relocate(definitions[i], byte_delta, line_delta, index_delta);
      if (top)
        definitions[i].parent = class_index;
    }
    next = first;
  }
  splice(definitions, old_begin, old_end, middle.definitions);
  splice(metrics, old_begin, old_end, middle_metrics);
}

using PlaceEntry = std::function<void(const Entry&, ModuleModel&, std::vector<DefinitionMetrics>&)>;

// Changes the last result's definitions and metrics (`definitions`, `metrics`, placed as
// `placed` says) into the new version's: the run's entries are placed anew with `place`, the
// definitions after the run are moved by as many bytes, lines and places as their statements
// moved, and those before it stay as they are. Fills each entry's first definition; returns the
// run's syntax errors (kept statements have none).
std::vector<SyntaxProblem>
replace_changed_run(const ChangedRun& run, const std::vector<Placed>& placed,
                    const std::vector<Entry>& entries, std::vector<Definition>& definitions,
                    std::vector<DefinitionMetrics>& metrics,
                    std::vector<uint32_t>& first_definitions, const PlaceEntry& place) {
  const size_t n = entries.size(), m = placed.size();
  const size_t old_begin = run.front < m ? placed[run.front].first_definition : definitions.size();
  const size_t old_end = run.back > 0 ? placed[m - run.back].first_definition : definitions.size();
  for (size_t k = 0; k < run.front; ++k)
    first_definitions[k] = placed[k].first_definition;
  // One class edited among its members is changed in place (see edit_class_in_place()).
  std::optional<ClassEdit> class_in_place;
  if (n - run.back - run.front == 1 && m - run.back - run.front == 1)
    class_in_place = class_edit(placed[run.front], entries[run.front]);
  // Else the run's definitions, numbered from 0 while they are placed, then from old_begin.
  ModuleModel middle;
  std::vector<DefinitionMetrics> middle_metrics;
  size_t run_definitions = 0;
  if (class_in_place) {
    first_definitions[run.front] = static_cast<uint32_t>(old_begin);
    run_definitions = entries[run.front].statement->total_definitions;
  } else {
    for (size_t k = run.front; k < n - run.back; ++k) {
      first_definitions[k] = static_cast<uint32_t>(old_begin + middle.definitions.size());
      place(entries[k], middle, middle_metrics);
    }
    for (Definition& definition : middle.definitions)
      relocate(definition, 0, 0, static_cast<int>(old_begin));
    run_definitions = middle.definitions.size();
  }
  const int index_delta = static_cast<int>(old_begin + run_definitions) - static_cast<int>(old_end);
  for (size_t j = 0; j < run.back; ++j) {
    const Entry& entry = entries[n - run.back + j];
    const Placed& was = placed[m - run.back + j];
    const int64_t byte_delta = static_cast<int64_t>(entry.span.begin) - was.begin;
    const int64_t line_delta = static_cast<int64_t>(entry.span.first_line) - was.first_line;
    first_definitions[n - run.back + j] =
        static_cast<uint32_t>(static_cast<int64_t>(was.first_definition) + index_delta);
    for (size_t i = was.first_definition;
         i < was.first_definition + was.statement->total_definitions; ++i)
      relocate(definitions[i], byte_delta, line_delta, index_delta);
  }
  if (class_in_place) {
    edit_class_in_place(placed[run.front], entries[run.front], *class_in_place, definitions,
                        metrics);
    return {};
  }
  splice(definitions, old_begin, old_end, middle.definitions);
  splice(metrics, old_begin, old_end, middle_metrics);
  return std::move(middle.errors);
}

void add_raw(RawMetrics& total, const RawMetrics& part) {
  total.lloc += part.lloc;
  total.sloc += part.sloc;
  total.comments += part.comments;
  total.multi += part.multi;
  total.blank += part.blank;
  total.single_comments += part.single_comments;
}

} // namespace

std::string IncrementalAnalyzer::all_key(const Snapshot& snapshot,
                                         const std::vector<Entry>& entries) {
  std::string key;
  for (const Entry& entry : entries) {
    if (entry.statement->mentions_all) {
      key.append(text_of(snapshot, entry.span.begin, entry.span.end));
      key.push_back('\0');
    }
  }
  return key;
}

bool IncrementalAnalyzer::module_all(const Snapshot& snapshot, const std::vector<Entry>& entries,
                                     std::optional<std::vector<std::string>>& all) {
  // Returns false when it had to keep an `__all__` that may be out of date.
  // `__all__` comes from the statements that mention it; cooking a long list of names on
  // every keystroke would cost more than the rest of the analysis, so it is kept while they
  // stay. Which statements mention it is known from their analysis: no scan of the file.
  std::string key = all_key(snapshot, entries);
  if (all_known_ && key == all_key_) {
    all = all_;
    return true;
  }
  if (snapshot.tree_state() == TreeState::Stale) {
    all = all_; // Reading it needs the module's tree; the last one read stands in.
    return false;
  }
  ModuleModel described;
  describe_module(snapshot, described);
  all_ = std::move(described.all);
  all_key_ = std::move(key);
  all_known_ = true;
  all = all_;
  return true;
}

IncrementalAnalyzer::ModuleHead IncrementalAnalyzer::module_head(const Snapshot& snapshot) {
  // A long module docstring would otherwise be cooked again on every keystroke.
  const TSNode literal = docstring_literal_of_block(snapshot.root());
  const std::string_view text =
      ts_node_is_null(literal) ? std::string_view() : node_text(snapshot.text(), literal);
  const uint32_t start = ts_node_is_null(literal) ? 0 : start_byte(literal);
  if (!docstring_known_ || start != docstring_start_ || text != docstring_key_) {
    head_.docstring = docstring_of_block(snapshot.text(), snapshot.root());
    docstring_key_ = std::string(text);
    docstring_start_ = start;
    docstring_known_ = true;
  }
  head_.leading_string = block_starts_with_string(snapshot.text(), snapshot.root());
  return head_;
}

std::vector<int> IncrementalAnalyzer::match_statements(const Snapshot& snapshot,
                                                       const StatementList& list,
                                                       size_t same_prefix,
                                                       size_t same_suffix) const {
  const std::vector<Span>& spans = list.spans;
  std::vector<int> matches(spans.size(), -1);
  if (!placed_snapshot_)
    return matches;
  const size_t size_now = snapshot.text().size(), size_before = placed_snapshot_->text().size();
  // Whether both stand at the same place in the bytes known equal at the start or at the end.
  auto known_equal = [&](const Span& now, const Placed& before) {
    if (now.begin == before.begin && now.end == before.end && now.end <= same_prefix)
      return true;
    return size_now - now.begin <= same_suffix &&
           size_now - now.begin == size_before - before.begin &&
           size_now - now.end == size_before - before.end;
  };
  auto same = [&](size_t now, size_t before) {
    const Placed& placed = placed_[before];
    if (placed.statement->has_error)
      return false;
    return known_equal(spans[now], placed) ||
           text_of(snapshot, spans[now].begin, spans[now].end) ==
               text_of(*placed_snapshot_, placed.begin, placed.end);
  };
  // An edit changes one run of statements: match from the front, then from the back.
  size_t front = 0;
  while (front < spans.size() && front < placed_.size() && same(front, front)) {
    matches[front] = static_cast<int>(front);
    ++front;
  }
  size_t back_now = spans.size(), back_before = placed_.size();
  while (back_now > front && back_before > front && same(back_now - 1, back_before - 1)) {
    --back_now;
    --back_before;
    matches[back_now] = static_cast<int>(back_before);
  }
  if (back_now == front)
    return matches;
  // Statements moved or duplicated inside the changed run (a paste, an undo).
  std::unordered_multimap<std::string_view, size_t> by_text;
  for (size_t before = front; before < back_before; ++before)
    if (!placed_[before].statement->has_error)
      by_text.emplace(text_of(*placed_snapshot_, placed_[before].begin, placed_[before].end),
                      before);
  for (size_t now = front; now < back_now; ++now) {
    auto found = by_text.find(text_of(snapshot, spans[now].begin, spans[now].end));
    if (found != by_text.end())
      matches[now] = static_cast<int>(found->second);
  }
  return matches;
}

IncrementalAnalyzer::MemberDonors
IncrementalAnalyzer::replaced_members(const std::vector<bool>& kept) const {
  MemberDonors donors;
  for (size_t k = 0; k < placed_.size(); ++k) {
    const Statement& statement = *placed_[k].statement;
    if (kept[k] || statement.members.empty())
      continue;
    donors.emplace(
        statement.class_name,
        ReplacedClass{&statement, text_of(*placed_snapshot_, placed_[k].begin, placed_[k].end)});
  }
  return donors;
}

std::unordered_map<const Statement*, MemberPlace>
IncrementalAnalyzer::replaced_member_places(const std::vector<Entry>& entries) const {
  std::vector<bool> kept(placed_.size(), false);
  for (const Entry& entry : entries)
    if (entry.kept >= 0)
      kept[entry.kept] = true;
  size_t members = 0;
  for (size_t k = 0; k < placed_.size(); ++k)
    members += kept[k] ? 0 : placed_[k].statement->members.size();
  MemberPlaces places;
  places.reserve(members);
  for (size_t k = 0; k < placed_.size(); ++k) {
    const Placed& at = placed_[k];
    const Statement& statement = *at.statement;
    if (kept[k] || statement.members.empty())
      continue;
    uint32_t index = at.first_definition + static_cast<uint32_t>(statement.definitions.size());
    for (const Statement::Member& member : statement.members) {
      places.emplace(member.statement.get(),
                     MemberPlace{index, at.begin + member.begin, at.first_line + member.first_line,
                                 at.first_definition});
      index += static_cast<uint32_t>(member.statement->total_definitions);
    }
  }
  return places;
}

std::shared_ptr<FileAnalysis> IncrementalAnalyzer::take_unshared_result() {
  std::shared_ptr<FileAnalysis> result = std::move(placed_result_);
  if (!result || result.use_count() != 1)
    return nullptr;
  // Whoever held it last released it with a release decrement; see its writes before ours.
  std::atomic_thread_fence(std::memory_order_acquire);
  return result;
}

std::shared_ptr<const FileAnalysis>
IncrementalAnalyzer::whole_file(std::shared_ptr<const Snapshot> snapshot) {
  // The statements of the last decomposable version stay: a typo that breaks the file is
  // usually fixed by the next keystroke, which can then reuse them.
  last_computed_ = last_reused_ = 0;
  placed_result_.reset();
  return std::make_shared<const FileAnalysis>(docent::analysis::analyze(std::move(snapshot)));
}

void IncrementalAnalyzer::ParserDeleter::operator()(TSParser* parser) const {
  ts_parser_delete(parser);
}

IncrementalAnalyzer::IncrementalAnalyzer() = default;
IncrementalAnalyzer::~IncrementalAnalyzer() = default;
IncrementalAnalyzer::IncrementalAnalyzer(IncrementalAnalyzer&&) noexcept = default;
IncrementalAnalyzer& IncrementalAnalyzer::operator=(IncrementalAnalyzer&&) noexcept = default;

std::vector<IncrementalAnalyzer::StatementPlace>
IncrementalAnalyzer::statements_of(const FileAnalysis& analysis) const {
  std::vector<StatementPlace> places;
  if (placed_result_.get() != &analysis)
    return places;
  places.reserve(placed_.size());
  for (const Placed& placed : placed_)
    places.push_back(StatementPlace{placed.statement, placed.begin, placed.first_definition,
                                    static_cast<uint32_t>(placed.statement->total_definitions)});
  return places;
}

void IncrementalAnalyzer::release_retired() {
  retired_result_.reset();
  retired_definitions_ = std::vector<Definition>();
  retired_snapshot_.reset();
}

std::shared_ptr<const FileAnalysis>
IncrementalAnalyzer::analyze(std::shared_ptr<const Snapshot> snapshot) {
  release_retired();
  last_computed_ = last_reused_ = 0;
  if (snapshot->tree_state() == TreeState::Stale)
    return analyze_changed_statements(std::move(snapshot));
  // placed_snapshot_ was decomposed, so its text has only newline breaks; where the texts
  // differ also tells which statements are unchanged without comparing them again.
  std::optional<TextDifference> diff;
  if (placed_snapshot_)
    diff = difference(*placed_snapshot_, *snapshot);
  const std::optional<StatementList> list =
      decomposable_statements(*snapshot, diff ? &*diff : nullptr);
  if (!list && snapshot->tree_state() == TreeState::Provisional) {
    // A tree with an error in the module's own statements, not yet settled: rather than
    // analyze the whole file now, parse the changed statements alone; the settled tree that
    // follows gets the whole-file analysis.
    if (auto analysis = analyze_changed_statements(snapshot))
      return analysis;
  }
  if (!list)
    return whole_file(snapshot);
  const std::vector<int> matches =
      match_statements(*snapshot, *list, diff ? diff->prefix : 0, diff ? diff->suffix : 0);
  std::vector<bool> kept(placed_.size(), false);
  for (const int match : matches)
    if (match >= 0)
      kept[match] = true;
  const MemberDonors donors = replaced_members(kept);
  std::vector<Entry> entries;
  entries.reserve(list->spans.size());
  for (size_t k = 0; k < list->spans.size(); ++k) {
    const Span& span = list->spans[k];
    if (matches[k] >= 0) {
      entries.push_back(Entry{span, placed_[matches[k]].statement, matches[k]});
      continue;
    }
    StatementPtr statement =
        analyze_span(*snapshot, *list, span, donors, memberwise_class_lines_, false);
    if (!statement)
      return whole_file(snapshot);
    entries.push_back(Entry{span, std::move(statement), -1});
  }
  const ModuleHead head = module_head(*snapshot);
  if (auto analysis = assemble(snapshot, entries, head, /*provisional=*/false))
    return analysis;
  return whole_file(snapshot);
}

std::shared_ptr<const FileAnalysis>
IncrementalAnalyzer::assemble(std::shared_ptr<const Snapshot> snapshot,
                              const std::vector<Entry>& entries, const ModuleHead& head,
                              bool provisional) {
  // Everything that can fail comes first: the previous result is only taken apart after.
  RawMetrics raw;
  size_t next_line = 0;
  for (const Entry& entry : entries) {
    const std::optional<int> blank =
        blank_lines_between(*snapshot, next_line, entry.span.first_line);
    if (!blank)
      return nullptr;
    raw.blank += *blank;
    next_line = entry.span.last_line + 1;
  }
  const std::optional<int> trailing =
      blank_lines_between(*snapshot, next_line, std::max(next_line, radon_line_count(*snapshot)));
  if (!trailing)
    return nullptr;
  raw.blank += *trailing;
  auto analysis = std::make_shared<FileAnalysis>();
  provisional |= !module_all(*snapshot, entries, analysis->model.all);

  std::vector<Definition> previous; // The last result's definitions, if they can be moved...
  std::vector<DefinitionMetrics> previous_metrics; // ...and their metrics.
  if (std::shared_ptr<FileAnalysis> unshared = take_unshared_result()) {
    previous = std::move(unshared->model.definitions);
    previous_metrics = std::move(unshared->definitions);
    retired_result_ = std::move(unshared);
  }
  analysis->snapshot = snapshot;
  analysis->provisional = provisional;
  analysis->model.docstring = head.docstring;
  analysis->model.leading_string = head.leading_string;
  std::optional<MemberPlaces> member_places; // Found when a class is first placed anew.
  // Where each entry's definitions start in the new list.
  std::vector<uint32_t> first_definitions(entries.size());
  const auto place = [&](const Entry& entry, ModuleModel& model,
                         std::vector<DefinitionMetrics>& metrics) {
    const Statement& statement = *entry.statement;
    if (entry.kept >= 0 && !previous.empty())
      move_definitions(previous, placed_[entry.kept], statement.total_definitions, entry.span,
                       model);
    else if (!statement.members.empty() && !previous.empty()) {
      if (!member_places)
        member_places = replaced_member_places(entries);
      place_class(statement, entry.span, previous, *member_places, model);
    } else
      copy_definitions(statement, entry.span, model);
    append_metrics(statement, metrics);
  };
  const std::optional<ChangedRun> run =
      previous.empty() || previous_metrics.size() != previous.size()
          ? std::nullopt
          : changed_run(placed_, entries, previous.size());
  if (run) {
    analysis->model.errors = replace_changed_run(*run, placed_, entries, previous, previous_metrics,
                                                 first_definitions, place);
    analysis->model.definitions = std::move(previous);
    analysis->definitions = std::move(previous_metrics);
  } else {
    analysis->model.definitions.reserve(previous.size());
    analysis->definitions.reserve(previous.size());
    for (size_t k = 0; k < entries.size(); ++k) {
      first_definitions[k] = static_cast<uint32_t>(analysis->model.definitions.size());
      place(entries[k], analysis->model, analysis->definitions);
    }
  }
  std::vector<Placed> placed;
  placed.reserve(entries.size());
  int cyclomatic = 1;
  bool raw_known = true;
  for (size_t k = 0; k < entries.size(); ++k) {
    const Entry& entry = entries[k];
    const Span& span = entry.span;
    const Statement& statement = *entry.statement;
    (entry.kept >= 0 ? last_reused_ : last_computed_)++;
    add_raw(raw, statement.raw);
    raw_known &= statement.raw_known;
    cyclomatic += statement.cyclomatic;
    placed.push_back(Placed{entry.statement, span.begin, span.end, span.first_line, span.last_line,
                            first_definitions[k]});
  }
  raw.loc = raw.sloc + raw.blank + raw.multi + raw.single_comments;
  tally_halstead(entries);
  analysis->module = module_metrics(raw_known ? std::optional<RawMetrics>(raw) : std::nullopt,
                                    halstead_.report(), cyclomatic);
  // A statement with a syntax error is kept only for its place: how tree-sitter recovers
  // from an error can depend on what surrounds it, so match_statements() never reuses it.
  placed_ = std::move(placed);
  retired_snapshot_ = std::move(placed_snapshot_);
  placed_snapshot_ = std::move(snapshot);
  placed_result_ = analysis;
  retired_definitions_ = std::move(previous);
  return analysis;
}

void IncrementalAnalyzer::tally_halstead(const std::vector<Entry>& entries) {
  // Statements of the last version that are gone, and new ones; a statement can stand more
  // than once (equal texts share one analysis), hence counts.
  // Gathered, then sorted so that equal statements are adjacent: an edited class adds every
  // member once for its new version and once for the old, and most cancel out.
  std::vector<std::pair<const Statement*, int>> change;
  auto count = [&](const Statement& statement, int times) {
    change.emplace_back(&statement, times);
    for (const Statement::Member& member : statement.members)
      change.emplace_back(member.statement.get(), times);
  };
  // A kept statement stands as often as entries keep it (usually once, as before): only the
  // statements of the changed run are looked at one by one.
  std::vector<int> uses(placed_.size(), 0);
  for (const Entry& entry : entries) {
    if (entry.kept >= 0)
      ++uses[entry.kept];
    else
      count(*entry.statement, 1);
  }
  for (size_t k = 0; k < placed_.size(); ++k)
    if (uses[k] != 1)
      count(*placed_[k].statement, uses[k] - 1);
  std::sort(change.begin(), change.end());
  for (size_t k = 0; k < change.size();) {
    const Statement* statement = change[k].first;
    int times = 0;
    for (; k < change.size() && change[k].first == statement; ++k)
      times += change[k].second;
    if (times != 0)
      for (const HalsteadPartial& part : statement->halstead)
        halstead_.add(part, times);
  }
}

namespace {

TSPoint point_of(const LineIndex& lines, size_t offset) {
  const size_t line = lines.line_of(offset);
  return TSPoint{static_cast<uint32_t>(line),
                 static_cast<uint32_t>(offset - lines.line_start(line))};
}

TSRange range_of(const LineIndex& lines, size_t begin, size_t end) {
  return TSRange{point_of(lines, begin), point_of(lines, end), static_cast<uint32_t>(begin),
                 static_cast<uint32_t>(end)};
}

// A region of whole statements, the bytes [begin, end) of `snapshot`'s text, parsed on its own
// within the text (positions stay the snapshot's), bounded by `parser`'s time bound; null if
// the bound hit. With `lead`, a statement before it is parsed first, so that the region's nodes
// are reused from the stale tree: tree-sitter reuses a node only where the external scanner
// (indentation) is in the state it was in before that node, which differs at the start of a
// text from the state after a statement. The lead's statement is then the tree's first.
std::unique_ptr<const Snapshot> parse_region(TSParser* parser, const Snapshot& snapshot,
                                             size_t begin, size_t end,
                                             std::optional<std::pair<size_t, size_t>> lead) {
  const LineIndex& lines = snapshot.lines();
  std::vector<TSRange> ranges;
  if (lead)
    ranges.push_back(range_of(lines, lead->first, lead->second));
  ranges.push_back(range_of(lines, begin, end));
  if (!ts_parser_set_included_ranges(parser, ranges.data(), static_cast<uint32_t>(ranges.size())))
    return nullptr; // Not in order: the lead would not be the tree's first statement.
  const TSNode stale = snapshot.root();
  const std::string_view text = snapshot.text();
  TSTree* tree = ts_parser_parse_string(parser, ts_node_is_null(stale) ? nullptr : stale.tree,
                                        text.data(), static_cast<uint32_t>(text.size()));
  ts_parser_set_included_ranges(parser, nullptr, 0);
  if (tree == nullptr) {
    ts_parser_reset(parser);
    return nullptr;
  }
  return snapshot.with_tree(tree, TreeState::Complete);
}

// The top-level statements of a snapshot from parse_region(), whose text has only newline
// breaks where the region is, and whose lead is a statement kept from a decomposed version.
std::optional<StatementList> statements_of_region(const Snapshot& region) {
  if (ts_node_is_missing(region.root()))
    return std::nullopt;
  return statements_of(region, region.root(), 0);
}

// The first line in [from, to) of `text` that is not blank, without its line break.
std::optional<std::string_view> first_code_line(std::string_view text, size_t from, size_t to) {
  for (size_t start = from; start < to;) {
    const size_t stop = std::min(text.find('\n', start), to);
    std::string_view line = text.substr(start, stop - start);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (!is_blank(line))
      return line;
    start = stop + 1;
  }
  return std::nullopt;
}

// The last line in [from, to) of `text` that is not blank, without its line break.
std::optional<std::string_view> last_code_line(std::string_view text, size_t from, size_t to) {
  size_t stop = to;
  while (stop > from) {
    size_t end = stop;
    if (text[end - 1] == '\n')
      --end;
    if (end > from && text[end - 1] == '\r')
      --end;
    const size_t newline = end > from ? text.rfind('\n', end - 1) : std::string_view::npos;
    const size_t start = newline == std::string_view::npos || newline < from ? from : newline + 1;
    const std::string_view line = text.substr(start, end - start);
    if (!is_blank(line))
      return line;
    if (start >= stop)
      break;
    stop = start;
  }
  return std::nullopt;
}

bool starts_at_column_0(std::string_view line) {
  return line.front() != ' ' && line.front() != '\t';
}

bool ends_with_backslash(std::string_view line) {
  const size_t last = line.find_last_not_of(" \t");
  return last != std::string_view::npos && line[last] == '\\';
}

// Whether the lines [begin, end) of `text` (whole top-level statements, parsed on their own
// without a syntax error) parse the same within the whole text: nothing around them can join
// them. Their first line that is not blank and the next one after them start at column 0, so
// no indented block or comment belongs to a statement on the other side, and no line
// continues across either boundary with a backslash.
bool parses_alone(std::string_view text, size_t begin, size_t end) {
  const std::optional<std::string_view> first = first_code_line(text, begin, end);
  const std::optional<std::string_view> after = first_code_line(text, end, text.size());
  const std::optional<std::string_view> last = last_code_line(text, begin, end);
  const std::optional<std::string_view> before = last_code_line(text, 0, begin);
  return (!first || starts_at_column_0(*first)) && (!after || starts_at_column_0(*after)) &&
         !(last && ends_with_backslash(*last)) && !(before && ends_with_backslash(*before));
}

Span shifted(const Placed& placed, int64_t byte_delta, int64_t line_delta) {
  Span span;
  span.begin = static_cast<uint32_t>(placed.begin + byte_delta);
  span.end = static_cast<uint32_t>(placed.end + byte_delta);
  span.first_line = static_cast<uint32_t>(placed.first_line + line_delta);
  span.last_line = static_cast<uint32_t>(placed.last_line + line_delta);
  return span;
}

} // namespace

std::shared_ptr<const FileAnalysis>
IncrementalAnalyzer::analyze_edit(std::shared_ptr<const Snapshot> snapshot) {
  release_retired();
  last_computed_ = last_reused_ = 0;
  if (snapshot->tree_state() != TreeState::Stale)
    return nullptr;
  return analyze_changed_statements(std::move(snapshot), /*exact_only=*/true);
}

std::shared_ptr<const FileAnalysis>
IncrementalAnalyzer::analyze_changed_statements(std::shared_ptr<const Snapshot> snapshot,
                                                bool exact_only) {
  if (!placed_snapshot_)
    return nullptr;
  const Snapshot& before = *placed_snapshot_;
  const std::string_view now = snapshot->text();
  const TextDifference diff = difference(before, *snapshot);
  const int64_t byte_delta =
      static_cast<int64_t>(now.size()) - static_cast<int64_t>(before.text().size());
  const int64_t line_delta = static_cast<int64_t>(snapshot->lines().line_count()) -
                             static_cast<int64_t>(before.lines().line_count());

  // The kept statements on the changed lines, [first_dirty, end_dirty), and the lines to parse
  // again: theirs and the changed ones, in the old text.
  size_t first_line = before.lines().line_of(diff.prefix);
  size_t last_line = before.lines().line_of(before.text().size() - diff.suffix);
  size_t first_dirty = 0;
  while (first_dirty < placed_.size() && placed_[first_dirty].last_line < first_line)
    ++first_dirty;
  size_t end_dirty = first_dirty;
  while (end_dirty < placed_.size() && placed_[end_dirty].first_line <= last_line)
    ++end_dirty;
  if (end_dirty > first_dirty) {
    first_line = std::min<size_t>(first_line, placed_[first_dirty].first_line);
    last_line = std::max<size_t>(last_line, placed_[end_dirty - 1].last_line);
  }
  const LineIndex& lines = snapshot->lines();
  const size_t new_last_line = static_cast<size_t>(static_cast<int64_t>(last_line) + line_delta);
  if (new_last_line < first_line || new_last_line >= lines.line_count())
    return nullptr;
  const size_t region_begin = lines.line_start(first_line);
  size_t region_end = lines.line_content_end(new_last_line);
  if (region_end < now.size())
    ++region_end; // Its line break: the parser then sees the region's last line ended.
  const std::string_view region_text = now.substr(region_begin, region_end - region_begin);
  if (!has_only_newline_breaks(region_text))
    return nullptr;

  // The region parsed on its own, bounded: a statement thousands of lines long is left to the
  // parse of the whole file. With a statement before it, it is parsed after a lead statement,
  // reusing the stale tree's nodes, so that an edit inside a statement costs about an
  // incremental parse of that statement; the first statements of a file are parsed anew (the
  // module's docstring is read from their tree).
  if (region_parser_ == nullptr)
    region_parser_.reset(new_python_parser(kRegionParseBudgetMicros));
  // The lead: the file's first statement of code, if it is before the region.
  std::optional<std::pair<size_t, size_t>> lead;
  for (size_t k = 0; k < first_dirty && !lead; ++k)
    if (!placed_[k].statement->comments_only && !ts_node_is_null(snapshot->root()))
      lead.emplace(placed_[k].begin, std::min<size_t>(placed_[k].end + 1, region_begin));
  std::unique_ptr<const Snapshot> region =
      parse_region(region_parser_.get(), *snapshot, region_begin, region_end, lead);
  if (!region)
    return nullptr;
  std::optional<StatementList> list = statements_of_region(*region);
  if (lead && list) {
    if (!list->spans.empty() && list->spans.front().begin == lead->first &&
        list->spans.front().last_line < first_line)
      list->spans.erase(list->spans.begin());
    else
      list.reset();
  }
  if (lead && !list) {
    // The lead's statement cannot be told from the region's: parse the region alone.
    if (exact_only)
      return nullptr;
    lead.reset();
    region = parse_region(region_parser_.get(), *snapshot, region_begin, region_end, lead);
    if (!region)
      return nullptr;
    list = statements_of_region(*region);
  }
  bool provisional = !list || !parses_alone(now, region_begin, region_end);
  if (provisional && exact_only)
    return nullptr;
  if (!list)
    list = one_statement(*region, first_line, new_last_line + 1);
  std::vector<bool> kept(placed_.size(), true);
  for (size_t k = first_dirty; k < end_dirty; ++k)
    kept[k] = false;
  const MemberDonors donors = replaced_members(kept);
  std::vector<Entry> entries;
  entries.reserve(placed_.size() + list->spans.size());
  for (size_t k = 0; k < first_dirty; ++k)
    entries.push_back(Entry{shifted(placed_[k], 0, 0), placed_[k].statement, static_cast<int>(k)});
  for (const Span& span : list->spans) {
    StatementPtr statement = analyze_span(*region, *list, span, donors, memberwise_class_lines_,
                                          /*raw_optional=*/true);
    if (!statement)
      return nullptr;
    provisional |= statement->has_error;
    if (provisional && exact_only)
      return nullptr;
    entries.push_back(Entry{span, std::move(statement), -1});
  }
  const size_t region_entries_end = entries.size();
  for (size_t k = end_dirty; k < placed_.size(); ++k)
    entries.push_back(Entry{shifted(placed_[k], byte_delta, line_delta), placed_[k].statement,
                            static_cast<int>(k)});
  for (const Entry& entry : entries)
    provisional |= entry.statement->has_error;
  // Reading a changed `__all__` needs the module's tree (see module_all()).
  if (exact_only && (provisional || !all_known_ || all_key(*snapshot, entries) != all_key_))
    return nullptr;

  // The module's docstring is its first statement's; without a tree for the whole file it is
  // known if that statement was kept before the region or parsed in it.
  ModuleHead head;
  size_t first_code = 0;
  while (first_code < entries.size() && entries[first_code].statement->comments_only)
    ++first_code;
  if (first_code < first_dirty) {
    if (!docstring_known_)
      return nullptr;
    head = head_;
  } else if (first_code < region_entries_end) {
    // The region's tree holds the file's first statements where they stand in the text.
    head = module_head(*region);
  } else if (first_code < entries.size()) {
    return nullptr;
  }
  return assemble(std::move(snapshot), entries, head, provisional);
}

} // namespace docent::analysis
