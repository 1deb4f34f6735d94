// One walk over the syntax tree that collects definitions and what later features need of them.
#include "analysis/python_model.h"

#include "analysis/docstring_format.h"

#include "analysis/string_literal.h"
#include "analysis/syntax_tree.h"

#include <utility>

namespace docent::analysis {

const char* to_string(DefinitionKind kind) {
  switch (kind) {
  case DefinitionKind::Function:
    return "function";
  case DefinitionKind::Method:
    return "method";
  case DefinitionKind::Class:
    return "class";
  }
  return "function";
}

const char* to_string(ParameterKind kind) {
  switch (kind) {
  case ParameterKind::PositionalOnly:
    return "positional_only";
  case ParameterKind::Regular:
    return "regular";
  case ParameterKind::VarPositional:
    return "var_positional";
  case ParameterKind::KeywordOnly:
    return "keyword_only";
  case ParameterKind::VarKeyword:
    return "var_keyword";
  }
  return "regular";
}

namespace {

ByteRange range_of(TSNode node) {
  return ByteRange{start_byte(node), end_byte(node)};
}

std::string text_of(std::string_view source, TSNode node) {
  return ts_node_is_null(node) ? std::string() : std::string(node_text(source, node));
}

bool is_definition(NodeKind kind) {
  return kind == NodeKind::FunctionDefinition || kind == NodeKind::ClassDefinition;
}

// The single string literal node of an expression statement, or a null node.
TSNode lone_string_of(TSNode statement) {
  if (kind_of(statement) != NodeKind::ExpressionStatement ||
      ts_node_named_child_count(statement) != 1)
    return TSNode{};
  TSNode expression = ts_node_named_child(statement, 0);
  const NodeKind kind = kind_of(expression);
  if (kind == NodeKind::String || kind == NodeKind::ConcatenatedString)
    return expression;
  return TSNode{};
}

TSNode first_statement(TSNode block) {
  const uint32_t count = ts_node_named_child_count(block);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(block, i);
    if (kind_of(child) != NodeKind::Comment)
      return child;
  }
  return TSNode{};
}

// Whether the first statement of `block` starts with a string literal: a quote, after at most
// two prefix letters (a name directly followed by a quote is always a string prefix).
bool starts_with_string(std::string_view source, TSNode block) {
  TSNode statement = first_statement(block);
  if (ts_node_is_null(statement))
    return false;
  std::string_view text = node_text(source, statement);
  for (int prefix = 0; prefix < 2 && !text.empty() &&
                       std::string_view("rRbBuUfF").find(text.front()) != std::string_view::npos;
       ++prefix)
    text.remove_prefix(1);
  return !text.empty() && (text.front() == '"' || text.front() == '\'');
}

std::optional<Docstring> docstring_from_literal(std::string_view source, TSNode literal) {
  std::vector<TSNode> parts;
  if (kind_of(literal) == NodeKind::ConcatenatedString)
    for_each_named_child(literal, [&](TSNode part) { parts.push_back(part); });
  else
    parts.push_back(literal);
  Docstring doc;
  for (TSNode part : parts) {
    const StringLiteral split = split_string_literal(node_text(source, part));
    // f-strings and bytes are not docstrings (Python's ast.get_docstring wants a str constant).
    if (!split.valid || split.bytes || split.formatted)
      return std::nullopt;
    if (doc.quote.empty()) {
      doc.quote = split.quote;
      doc.prefix = split.prefix;
    }
    doc.cooked += cook_string_body(split);
  }
  doc.raw = text_of(source, literal);
  doc.range = range_of(literal);
  return doc;
}

// Collects parameters in Python's order, assigning kinds from the `/` and `*` markers.
std::vector<Parameter> parameters_of(std::string_view source, TSNode parameters) {
  std::vector<Parameter> result;
  if (ts_node_is_null(parameters))
    return result;
  bool keyword_only = false;
  for_each_named_child(parameters, [&](TSNode node) {
    const NodeKind kind = kind_of(node);
    if (kind == NodeKind::PositionalSeparator) {
      for (Parameter& earlier : result)
        if (earlier.kind == ParameterKind::Regular)
          earlier.kind = ParameterKind::PositionalOnly;
      return;
    }
    if (kind == NodeKind::KeywordSeparator) {
      keyword_only = true;
      return;
    }
    Parameter parameter;
    parameter.range = range_of(node);
    parameter.kind = keyword_only ? ParameterKind::KeywordOnly : ParameterKind::Regular;
    TSNode name = node;
    if (kind == NodeKind::TypedParameter) {
      parameter.annotation = text_of(source, field(node, "type"));
      name = ts_node_named_child(node, 0);
    } else if (kind == NodeKind::DefaultParameter || kind == NodeKind::TypedDefaultParameter) {
      parameter.annotation = text_of(source, field(node, "type"));
      parameter.default_value = text_of(source, field(node, "value"));
      name = field(node, "name");
    }
    const NodeKind name_kind = kind_of(name);
    if (name_kind == NodeKind::ListSplatPattern) {
      parameter.kind = ParameterKind::VarPositional;
      keyword_only = true;
      name = ts_node_named_child(name, 0);
    } else if (name_kind == NodeKind::DictionarySplatPattern) {
      parameter.kind = ParameterKind::VarKeyword;
      name = ts_node_named_child(name, 0);
    }
    if (ts_node_is_null(name) || kind_of(name) != NodeKind::Identifier)
      return; // Tuple parameters (Python 2) or error recovery: nothing to name.
    parameter.name = text_of(source, name);
    result.push_back(std::move(parameter));
  });
  return result;
}

class ModelBuilder {
public:
  ModelBuilder(const Snapshot& snapshot, ModuleModel& model)
      : source_(snapshot.text()), model_(model) {}

  void build(TSNode root) {
    describe_module(root);
    collect_errors(root);
    visit_children(root, -1);
  }

  // The module's own facts, without its definitions.
  void describe_module(TSNode root) {
    model_.docstring = docstring_of_block(source_, root);
    model_.leading_string = starts_with_string(source_, root);
    collect_module_all(root);
  }

  // The definitions and syntax errors of one top-level statement, as build() would list them.
  void build_statement(TSNode statement) {
    collect_errors(statement);
    visit(statement, -1);
  }

  // The definition nodes found so far, parallel to the model's definitions.
  std::vector<TSNode> take_nodes() { return std::move(nodes_); }

  // A top-level class as add_definition() describes it, without visiting its body's
  // statements: no children, and only the attributes annotated at class level.
  void add_class_alone(TSNode node, TSNode outer) {
    model_.definitions.emplace_back();
    Definition& definition = model_.definitions.back();
    nodes_.push_back(node);
    definition.whole = range_of(outer);
    definition.definition = range_of(node);
    definition.line = first_line(node);
    definition.end_line = last_line(node);
    describe(definition, node, outer, -1);
    TSNode body = field(node, "body");
    if (!ts_node_is_null(body))
      collect_annotated_attributes(definition, body);
  }

  // What add_definition() adds to a class's attributes from one of its methods.
  void add_init_attributes(Definition& cls, const Definition& method, TSNode node) {
    if (method.kind == DefinitionKind::Method && method.name == "__init__" &&
        !method.parameters.empty())
      collect_init_attributes(cls, node, method.parameters.front().name);
  }

private:
  void visit_children(TSNode node, int parent) {
    for_each_child(node, [&](TSNode child) {
      if (ts_node_is_named(child))
        visit(child, parent);
    });
  }

  void visit(TSNode node, int parent) {
    const NodeKind kind = kind_of(node);
    if (kind == NodeKind::DecoratedDefinition) {
      TSNode definition = field(node, "definition");
      if (!ts_node_is_null(definition)) {
        add_definition(definition, node, parent);
        return;
      }
    } else if (is_definition(kind)) {
      add_definition(node, node, parent);
      return;
    }
    if (parent >= 0)
      record_flow(node, kind, parent);
    if (holds_statements(kind))
      visit_children(node, parent);
    else if (parent >= 0 && kind != NodeKind::Lambda && may_hold_yield(node))
      find_yields(node, parent);
  }

  // Definitions, raise and return only stand where statements do, so only these nodes are
  // walked into; expressions are skipped unless they may hold a yield.
  static bool holds_statements(NodeKind kind) {
    return kind == NodeKind::Module || kind == NodeKind::Block || kind == NodeKind::Error ||
           is_compound_clause(kind);
  }

  bool may_hold_yield(TSNode node) const {
    return node_text(source_, node).find("yield") != std::string_view::npos;
  }

  // Yield expressions anywhere below `node`, except inside lambdas (their yields are their own).
  void find_yields(TSNode node, int parent) {
    for_each_named_child(node, [&](TSNode child) {
      const NodeKind kind = kind_of(child);
      if (kind == NodeKind::Lambda)
        return;
      if (kind == NodeKind::Yield)
        record_flow(child, kind, parent);
      find_yields(child, parent);
    });
  }

  void add_definition(TSNode node, TSNode outer, int parent) {
    const int index = static_cast<int>(model_.definitions.size());
    model_.definitions.emplace_back();
    Definition& definition = model_.definitions.back();
    nodes_.push_back(node);
    definition.parent = parent;
    definition.whole = range_of(outer);
    definition.definition = range_of(node);
    definition.line = first_line(node);
    definition.end_line = last_line(node);
    describe(definition, node, outer, parent);
    if (parent >= 0)
      model_.definitions[parent].children.push_back(index);
    TSNode body = field(node, "body");
    if (ts_node_is_null(body))
      return;
    visit_children(body, index);
    Definition& done = model_.definitions[index]; // `definition` may dangle after growth.
    if (done.kind == DefinitionKind::Class)
      collect_class_attributes(done, body);
  }

  void describe(Definition& definition, TSNode node, TSNode outer, int parent) {
    const bool is_class = kind_of(node) == NodeKind::ClassDefinition;
    const bool in_class = parent >= 0 && model_.definitions[parent].kind == DefinitionKind::Class;
    definition.kind = is_class   ? DefinitionKind::Class
                      : in_class ? DefinitionKind::Method
                                 : DefinitionKind::Function;
    TSNode name = field(node, "name");
    definition.name = text_of(source_, name);
    definition.name_range = range_of(name);
    definition.qualname =
        parent >= 0 ? model_.definitions[parent].qualname + "." + definition.name : definition.name;
    definition.is_async = !is_class && kind_of(ts_node_child(node, 0)) == NodeKind::KwAsync;
    TSNode body = field(node, "body");
    definition.body = range_of(body);
    definition.signature = ByteRange{start_byte(node), signature_end(node, body)};
    definition.touches_error = ts_node_has_error(node);
    for_each_named_child(outer, [&](TSNode child) {
      if (kind_of(child) == NodeKind::Decorator)
        definition.decorators.push_back(text_of(source_, ts_node_named_child(child, 0)));
    });
    if (is_class) {
      TSNode superclasses = field(node, "superclasses");
      if (!ts_node_is_null(superclasses))
        for_each_named_child(
            superclasses, [&](TSNode base) { definition.bases.push_back(text_of(source_, base)); });
    } else {
      definition.parameters = parameters_of(source_, field(node, "parameters"));
      definition.return_annotation = text_of(source_, field(node, "return_type"));
    }
    if (!ts_node_is_null(body)) {
      definition.docstring = docstring_of_block(source_, body);
      definition.leading_string = starts_with_string(source_, body);
    }
  }

  // End of the colon that opens the body (the body itself may start on the same line).
  static uint32_t signature_end(TSNode node, TSNode body) {
    uint32_t end = start_byte(node);
    const uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode child = ts_node_child(node, i);
      if (!ts_node_is_null(body) && start_byte(child) >= start_byte(body))
        break;
      if (kind_of(child) == NodeKind::Colon)
        end = end_byte(child);
    }
    return end;
  }

  void record_flow(TSNode node, NodeKind kind, int parent) {
    Definition& owner = model_.definitions[parent];
    if (owner.kind == DefinitionKind::Class)
      return;
    if (kind == NodeKind::RaiseStatement) {
      TSNode value = ts_node_named_child_count(node) > 0 ? ts_node_named_child(node, 0) : TSNode{};
      owner.raises.push_back(FlowStatement{range_of(node), text_of(source_, value), false, {}});
      if (ts_node_is_null(value))
        owner.raises.back().caught = caught_exception(node);
    } else if (kind == NodeKind::ReturnStatement) {
      TSNode value = ts_node_named_child_count(node) > 0 ? ts_node_named_child(node, 0) : TSNode{};
      owner.returns.push_back(FlowStatement{range_of(node), text_of(source_, value), false, {}});
    } else if (kind == NodeKind::Yield) {
      bool from = false;
      for_each_child(node, [&](TSNode child) { from |= kind_of(child) == NodeKind::KwFrom; });
      TSNode value = ts_node_named_child_count(node) > 0 ? ts_node_named_child(node, 0) : TSNode{};
      owner.yields.push_back(FlowStatement{range_of(node), text_of(source_, value), from, {}});
    }
  }

  // The exception type of the innermost `except` clause around `node` in its definition.
  std::string caught_exception(TSNode node) const {
    for (TSNode up = ts_node_parent(node); !ts_node_is_null(up); up = ts_node_parent(up)) {
      const NodeKind kind = kind_of(up);
      if (is_definition(kind) || kind == NodeKind::Module)
        break;
      if (kind != NodeKind::ExceptClause && kind != NodeKind::ExceptGroupClause)
        continue;
      if (ts_node_named_child_count(up) == 0)
        return "";
      TSNode type = ts_node_named_child(up, 0);
      if (kind_of(type) == NodeKind::Block)
        return ""; // A bare `except:`.
      if (std::string_view(ts_node_type(type)) == "as_pattern")
        type = ts_node_named_child(type, 0);
      return text_of(source_, type);
    }
    return "";
  }

  void collect_class_attributes(Definition& cls, TSNode body) {
    collect_annotated_attributes(cls, body);
    for (int child : cls.children)
      add_init_attributes(cls, model_.definitions[child], nodes_[child]);
  }

  // `name: type = value` at class level.
  void collect_annotated_attributes(Definition& cls, TSNode body) {
    for_each_named_child(body, [&](TSNode statement) {
      if (kind_of(statement) != NodeKind::ExpressionStatement)
        return;
      TSNode assignment = ts_node_named_child(statement, 0);
      if (kind_of(assignment) != NodeKind::Assignment)
        return;
      TSNode type = field(assignment, "type");
      TSNode left = field(assignment, "left");
      if (ts_node_is_null(type) || kind_of(left) != NodeKind::Identifier)
        return;
      cls.attributes.push_back(ClassAttribute{text_of(source_, left), text_of(source_, type),
                                              text_of(source_, field(assignment, "right")),
                                              range_of(assignment), false});
    });
  }

  // `self.x = ...` anywhere in __init__'s own body (nested definitions excluded).
  void collect_init_attributes(Definition& cls, TSNode init, const std::string& self_name) {
    walk_own_body(field(init, "body"), [&](TSNode node) {
      if (kind_of(node) != NodeKind::Assignment)
        return;
      TSNode target = field(node, "left");
      if (kind_of(target) != NodeKind::Attribute ||
          text_of(source_, field(target, "object")) != self_name)
        return;
      const std::string name = text_of(source_, field(target, "attribute"));
      for (const ClassAttribute& existing : cls.attributes)
        if (existing.name == name)
          return;
      cls.attributes.push_back(ClassAttribute{name, text_of(source_, field(node, "type")),
                                              text_of(source_, field(node, "right")),
                                              range_of(node), true});
    });
  }

  template <typename F> void walk_own_body(TSNode node, F&& f) {
    if (ts_node_is_null(node))
      return;
    for_each_named_child(node, [&](TSNode child) {
      const NodeKind kind = kind_of(child);
      if (is_definition(kind) || kind == NodeKind::DecoratedDefinition || kind == NodeKind::Lambda)
        return;
      f(child);
      walk_own_body(child, f);
    });
  }

  void collect_errors(TSNode node) {
    if (!ts_node_has_error(node))
      return;
    if (ts_node_is_missing(node)) {
      model_.errors.push_back(SyntaxProblem{range_of(node), true, ts_node_type(node)});
      return;
    }
    if (kind_of(node) == NodeKind::Error) {
      model_.errors.push_back(SyntaxProblem{range_of(node), false, {}});
      return;
    }
    for_each_child(node, [&](TSNode child) { collect_errors(child); });
  }

  void collect_module_all(TSNode root) {
    int mentions = 0;
    std::optional<std::vector<std::string>> names;
    for_each_named_child(root, [&](TSNode statement) {
      // A cheap test first: this runs over every top-level statement on each keystroke.
      if (node_text(source_, statement).find("__all__") == std::string_view::npos)
        return;
      const int here = mentions_of_all(statement);
      if (mentions == 0 && here == 1)
        names = literal_all_assignment(statement);
      mentions += here;
    });
    model_.all = mentions == 1 ? std::move(names) : std::nullopt;
  }

  // The names `__all__` in a top-level statement where pydocstyle's token scan sees them:
  // outside nested blocks and outside function and class definitions.
  int mentions_of_all(TSNode node) {
    const NodeKind kind = kind_of(node);
    if (kind == NodeKind::Block || kind == NodeKind::DecoratedDefinition || is_definition(kind))
      return 0;
    if (kind == NodeKind::Identifier)
      return node_text(source_, node) == "__all__";
    int count = 0;
    for_each_named_child(node, [&](TSNode child) { count += mentions_of_all(child); });
    return count;
  }

  // `__all__ = "a", "b"`, `= ["a", "b"]` or `= ("a", "b")`, nothing but string literals.
  std::optional<std::vector<std::string>> literal_all_assignment(TSNode statement) {
    TSNode assignment = ts_node_named_child(statement, 0);
    if (kind_of(statement) != NodeKind::ExpressionStatement ||
        kind_of(assignment) != NodeKind::Assignment ||
        text_of(source_, field(assignment, "left")) != "__all__" ||
        !ts_node_is_null(field(assignment, "type")))
      return std::nullopt;
    TSNode value = field(assignment, "right");
    switch (kind_of(value)) {
    case NodeKind::List:
    case NodeKind::Tuple:
    case NodeKind::ExpressionList: // Bare items: pydocstyle needs a comma, as this has.
      return literal_names(value);
    case NodeKind::ParenthesizedExpression:
      return literal_names(value);
    default:
      return std::nullopt;
    }
  }

  std::optional<std::vector<std::string>> literal_names(TSNode sequence) {
    std::vector<std::string> names;
    bool literal = true;
    for_each_named_child(sequence, [&](TSNode item) {
      if (kind_of(item) == NodeKind::Comment)
        return;
      std::optional<Docstring> value;
      if (kind_of(item) == NodeKind::String || kind_of(item) == NodeKind::ConcatenatedString)
        value = docstring_from_literal(source_, item);
      if (!value)
        literal = false;
      else
        names.push_back(value->cooked);
    });
    if (!literal)
      return std::nullopt;
    return names;
  }

  std::string_view source_;
  ModuleModel& model_;
  std::vector<TSNode> nodes_; // Parallel to model_.definitions.
};

} // namespace

TSNode docstring_literal_of_block(TSNode block) {
  return lone_string_of(first_statement(block));
}

bool block_starts_with_string(std::string_view source, TSNode block) {
  return starts_with_string(source, block);
}

std::optional<Docstring> docstring_of_block(std::string_view source, TSNode block) {
  TSNode literal = docstring_literal_of_block(block);
  if (ts_node_is_null(literal))
    return std::nullopt;
  std::optional<Docstring> docstring = docstring_from_literal(source, literal);
  if (docstring) {
    const StringLiteral split = split_string_literal(docstring->raw);
    docstring->has_section_markers =
        split.valid && detect_style(split.body) != DocstringStyle::Pep257;
  }
  return docstring;
}

ModuleModel model_of_statement(const Snapshot& snapshot, TSNode statement,
                               std::vector<TSNode>* nodes) {
  ModuleModel model;
  ModelBuilder builder(snapshot, model);
  builder.build_statement(statement);
  if (nodes != nullptr)
    *nodes = builder.take_nodes();
  return model;
}

Definition describe_class_alone(const Snapshot& snapshot, TSNode node, TSNode outer) {
  ModuleModel model;
  ModelBuilder(snapshot, model).add_class_alone(node, outer);
  return std::move(model.definitions.front());
}

void add_init_attributes(const Snapshot& snapshot, Definition& cls, const Definition& method,
                         TSNode node) {
  ModuleModel unused;
  ModelBuilder(snapshot, unused).add_init_attributes(cls, method, node);
}

void describe_module(const Snapshot& snapshot, ModuleModel& model) {
  ModelBuilder(snapshot, model).describe_module(snapshot.root());
}

namespace {

void shift(ByteRange& range, int64_t delta) {
  range.start = static_cast<uint32_t>(range.start + delta);
  range.end = static_cast<uint32_t>(range.end + delta);
}

} // namespace

void shift_definition(Definition& definition, int64_t byte_delta, int64_t line_delta) {
  for (ByteRange* range : {&definition.whole, &definition.definition, &definition.name_range,
                           &definition.signature, &definition.body})
    shift(*range, byte_delta);
  for (Parameter& parameter : definition.parameters)
    shift(parameter.range, byte_delta);
  if (definition.docstring)
    shift(definition.docstring->range, byte_delta);
  for (auto* flows : {&definition.raises, &definition.returns, &definition.yields})
    for (FlowStatement& flow : *flows)
      shift(flow.range, byte_delta);
  for (ClassAttribute& attribute : definition.attributes)
    shift(attribute.range, byte_delta);
  definition.line = static_cast<uint32_t>(definition.line + line_delta);
  definition.end_line = static_cast<uint32_t>(definition.end_line + line_delta);
}

ModuleModel build_module_model(const Snapshot& snapshot, std::vector<TSNode>* nodes) {
  ModuleModel model;
  ModelBuilder builder(snapshot, model);
  builder.build(snapshot.root());
  if (nodes != nullptr)
    *nodes = builder.take_nodes();
  return model;
}

TSNode definition_node(const Snapshot& snapshot, const Definition& definition) {
  const ByteRange range = definition.definition;
  // The smallest node spanning the range: its own children each span less.
  TSNode node = ts_node_descendant_for_byte_range(snapshot.root(), range.start, range.end);
  return is_definition(kind_of(node)) ? node : TSNode{};
}

} // namespace docent::analysis
