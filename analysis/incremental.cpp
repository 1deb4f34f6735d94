// Statement-by-statement analysis with reuse across edits (see incremental.h).
#include "analysis/incremental.h"

#include "analysis/complexity.h"
#include "analysis/halstead.h"
#include "analysis/syntax_tree.h"

#include <algorithm>

namespace docent::analysis {

// One top-level statement's share of the module's analysis, with positions relative to the
// statement: bytes from its first byte, lines from its first line.
struct IncrementalAnalyzer::Statement {
  std::vector<Definition> definitions; // `node` is not valid: re-found when placed.
  std::vector<DefinitionMetrics> metrics;
  HalsteadPartial halstead;
  std::vector<SyntaxProblem> errors; // Ranges relative like the definitions'.
  RawMetrics raw;                    // radon's raw metrics of the statement's lines.
  int cyclomatic = 0;                // What the statement adds to radon's module total.
  bool has_error = false;
};

namespace {

using StatementPtr = std::shared_ptr<const IncrementalAnalyzer::Statement>;

} // namespace

// A statement with the comments that share its lines; it owns whole lines.
struct IncrementalAnalyzer::Span {
  std::vector<TSNode> nodes;
  uint32_t first_line = 0; // 0-based.
  uint32_t last_line = 0;
};

namespace {

using Span = IncrementalAnalyzer::Span;

// The top-level statements with their lines, or nothing if the file is not one this analysis
// decomposes exactly. Syntax errors inside statements are fine; an error in the module's own
// list of statements is not (the statements themselves are then in doubt).
std::optional<std::vector<Span>> decomposable_statements(const Snapshot& snapshot) {
  TSNode root = snapshot.root();
  if (ts_node_is_missing(root) || !has_only_newline_breaks(snapshot.text()))
    return std::nullopt;
  std::vector<Span> spans;
  bool ok = true;
  for_each_child(root, [&](TSNode node) {
    if (!ts_node_is_named(node))
      return;
    ok &= kind_of(node) != NodeKind::Error && !ts_node_is_missing(node);
    const uint32_t first = ts_node_start_point(node).row;
    const uint32_t last = last_line(node) - 1;
    if (!spans.empty() && first <= spans.back().last_line) {
      // A comment after a statement on its last line: radon counts the line once.
      spans.back().nodes.push_back(node);
      spans.back().last_line = std::max(spans.back().last_line, last);
      return;
    }
    // A statement's tree depends on its indentation; a comment's share does not.
    ok &= ts_node_start_point(node).column == 0 || kind_of(node) == NodeKind::Comment;
    spans.push_back(Span{{node}, first, last});
  });
  if (!ok)
    return std::nullopt;
  return spans;
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

// The union of Halstead partials of statements on shared lines (a statement and its comments,
// or statements separated by `;`).
HalsteadPartial merge_partials(const std::vector<const HalsteadPartial*>& parts) {
  if (parts.size() == 1)
    return *parts.front();
  HalsteadPartial merged;
  for (const HalsteadPartial* part : parts) {
    merged.N1 += part->N1;
    merged.N2 += part->N2;
    merged.identity_operands += part->identity_operands;
    merged.operators.insert(merged.operators.end(), part->operators.begin(), part->operators.end());
    merged.operands.insert(merged.operands.end(), part->operands.begin(), part->operands.end());
  }
  std::sort(merged.operators.begin(), merged.operators.end());
  merged.operators.erase(std::unique(merged.operators.begin(), merged.operators.end()),
                         merged.operators.end());
  std::sort(merged.operands.begin(), merged.operands.end());
  merged.operands.erase(std::unique(merged.operands.begin(), merged.operands.end()),
                        merged.operands.end());
  return merged;
}

// The text of a span's lines: what its analysis depends on, and its key for reuse.
std::string_view span_text(const Snapshot& snapshot, const Span& span) {
  const LineIndex& lines = snapshot.lines();
  const size_t begin = lines.line_start(span.first_line);
  return snapshot.text().substr(begin, lines.line_content_end(span.last_line) - begin);
}

std::shared_ptr<IncrementalAnalyzer::Statement> analyze_statement(const Snapshot& snapshot,
                                                                  const Span& span) {
  auto statement = std::make_shared<IncrementalAnalyzer::Statement>();
  const std::string_view text = snapshot.text();
  const uint32_t base = static_cast<uint32_t>(snapshot.lines().line_start(span.first_line));
  std::vector<Definition> definitions;
  std::vector<HalsteadStatement> halstead;
  HalsteadLookup halstead_by_start;
  int outside_definitions = 0; // radon decisions of the span outside its definitions.
  for (TSNode node : span.nodes) {
    ModuleModel part = model_of_statement(snapshot, node);
    statement->errors.insert(statement->errors.end(), part.errors.begin(), part.errors.end());
    std::vector<Definition>& found = part.definitions;
    const int offset = static_cast<int>(definitions.size());
    for (Definition& definition : found) {
      if (definition.parent >= 0)
        definition.parent += offset;
      for (int& child : definition.children)
        child += offset;
      definitions.push_back(std::move(definition));
    }
    halstead.push_back(compute_halstead_statement(text, node));
    for (auto& [relative, report] : halstead.back().definitions)
      halstead_by_start.emplace(start_byte(node) + relative, &report);
    outside_definitions += radon_module_complexity(ModuleModel{}, {}, node) - 1;
  }
  const std::vector<int> radon_scores = radon_complexities(definitions);

  SlocLines sloc;
  sloc.first_line = span.first_line;
  std::optional<RawMetrics> raw = compute_raw_metrics(span_text(snapshot, span), sloc.marks);
  if (!raw)
    return nullptr;
  statement->raw = *raw;
  // analyze() counts SLOC lines only in files without errors; it tokenizes each definition
  // of a file with errors on its own, and so must this.
  statement->has_error = !statement->errors.empty();
  statement->metrics = measure_definitions(snapshot, definitions, radon_scores, halstead_by_start,
                                           statement->has_error ? nullptr : &sloc);
  std::vector<const HalsteadPartial*> parts;
  for (const HalsteadStatement& part : halstead)
    parts.push_back(&part.module);
  statement->halstead = merge_partials(parts);

  // radon's module total adds the decisions outside definitions and each top-level
  // definition's score less one.
  statement->cyclomatic = outside_definitions;
  for (size_t i = 0; i < definitions.size(); ++i)
    if (definitions[i].parent == -1)
      statement->cyclomatic += radon_scores[i] - 1;

  for (Definition& definition : definitions) {
    shift_definition(definition, -static_cast<int64_t>(base),
                     -static_cast<int64_t>(span.first_line));
    definition.node = TSNode{};
  }
  statement->definitions = std::move(definitions);
  for (SyntaxProblem& error : statement->errors) {
    error.range.start -= base;
    error.range.end -= base;
  }
  return statement;
}

// The definition node at `range`, searched from the span's statement that holds it: searching
// from the root would scan all of the module's statements for every definition.
TSNode find_definition_node(const Span& span, ByteRange range) {
  for (TSNode node : span.nodes)
    if (start_byte(node) <= range.start && range.end <= end_byte(node))
      return ts_node_descendant_for_byte_range(node, range.start, range.end);
  return TSNode{};
}

// Appends a statement's definitions to the model at its place in this snapshot.
void place_definitions(const IncrementalAnalyzer::Statement& statement, const Span& span,
                       const Snapshot& snapshot, ModuleModel& model) {
  const int base = static_cast<int>(model.definitions.size());
  const int64_t line_start = static_cast<int64_t>(snapshot.lines().line_start(span.first_line));
  for (Definition definition : statement.definitions) {
    shift_definition(definition, line_start, span.first_line);
    if (definition.parent >= 0)
      definition.parent += base;
    for (int& child : definition.children)
      child += base;
    definition.node = find_definition_node(span, definition.definition);
    model.definitions.push_back(std::move(definition));
  }
  for (SyntaxProblem error : statement.errors) {
    error.range.start += static_cast<uint32_t>(line_start);
    error.range.end += static_cast<uint32_t>(line_start);
    model.errors.push_back(std::move(error));
  }
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

std::optional<std::vector<std::string>>
IncrementalAnalyzer::module_all(const Snapshot& snapshot, const std::vector<Span>& spans) {
  // `__all__` comes from the statements that assign it; cooking a long list of names on every
  // keystroke would cost more than the rest of the analysis, so it is kept while they stay.
  std::string key;
  for (const Span& span : spans) {
    const std::string_view text = node_text(snapshot.text(), span.nodes.front());
    if (text.substr(0, 7) == "__all__") {
      key.append(text);
      key.push_back('\0');
    }
  }
  if (key != all_key_ || !all_known_) {
    ModuleModel described;
    describe_module(snapshot, described);
    all_ = std::move(described.all);
    all_key_ = std::move(key);
    all_known_ = true;
  }
  return all_;
}

IncrementalAnalyzer::IncrementalAnalyzer() = default;
IncrementalAnalyzer::~IncrementalAnalyzer() = default;
IncrementalAnalyzer::IncrementalAnalyzer(IncrementalAnalyzer&&) noexcept = default;
IncrementalAnalyzer& IncrementalAnalyzer::operator=(IncrementalAnalyzer&&) noexcept = default;

FileAnalysis IncrementalAnalyzer::analyze(std::shared_ptr<const Snapshot> snapshot) {
  last_computed_ = last_reused_ = 0;
  // The statements of the last decomposable version stay: a typo that breaks the file
  // is usually fixed by the next keystroke, which can then reuse them.
  auto whole_file = [&] {
    last_computed_ = last_reused_ = 0;
    return docent::analysis::analyze(snapshot);
  };
  const std::optional<std::vector<Span>> spans = decomposable_statements(*snapshot);
  if (!spans)
    return whole_file();

  FileAnalysis analysis;
  analysis.snapshot = snapshot;
  analysis.model.docstring = docstring_of_block(snapshot->text(), snapshot->root());
  analysis.model.all = module_all(*snapshot, *spans);
  std::unordered_map<std::string, StatementPtr> kept;
  std::vector<StatementPtr> used; // Owns every statement halstead_parts points into.
  std::vector<const HalsteadPartial*> halstead_parts;
  RawMetrics raw;
  int cyclomatic = 1;
  size_t next_line = 0;
  for (const Span& span : *spans) {
    std::optional<int> blank = blank_lines_between(*snapshot, next_line, span.first_line);
    if (!blank)
      return whole_file();
    raw.blank += *blank;
    next_line = span.last_line + 1;

    std::string key(span_text(*snapshot, span));
    StatementPtr statement;
    if (auto found = statements_.find(key); found != statements_.end()) {
      statement = found->second;
      ++last_reused_;
    } else {
      statement = analyze_statement(*snapshot, span);
      if (!statement)
        return whole_file();
      ++last_computed_;
    }
    place_definitions(*statement, span, *snapshot, analysis.model);
    analysis.definitions.insert(analysis.definitions.end(), statement->metrics.begin(),
                                statement->metrics.end());
    halstead_parts.push_back(&statement->halstead);
    add_raw(raw, statement->raw);
    cyclomatic += statement->cyclomatic;
    // Equal statements (two `pass`) share one entry. A statement with a syntax error is not
    // kept: how tree-sitter recovers from an error can depend on what surrounds it.
    if (!statement->has_error)
      kept.emplace(std::move(key), statement);
    used.push_back(std::move(statement));
  }
  const std::optional<int> trailing =
      blank_lines_between(*snapshot, next_line, std::max(next_line, radon_line_count(*snapshot)));
  if (!trailing)
    return whole_file();
  raw.blank += *trailing;
  raw.loc = raw.sloc + raw.blank + raw.multi + raw.single_comments;
  analysis.module = module_metrics(raw, merge_halstead(halstead_parts), cyclomatic);
  statements_ = std::move(kept); // Only the latest version's statements are worth keeping.
  return analysis;
}

} // namespace docent::analysis
