// pydoclint's docstring/signature checks over the Python model (see docstring_mismatch.h).
#include "analysis/docstring_mismatch.h"

#include "analysis/docstring_format.h"
#include "analysis/string_literal.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace docent::analysis {

namespace {

std::string_view last_component(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

// `@abc.abstractmethod` and `@abstractmethod(...)` both name `abstractmethod`.
bool has_decorator(const Definition& definition, std::string_view wanted) {
  return std::any_of(definition.decorators.begin(), definition.decorators.end(),
                     [&](const std::string& decorator) {
                       std::string_view name(decorator);
                       name = name.substr(0, name.find('('));
                       while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
                         name.remove_suffix(1);
                       return last_component(name) == wanted;
                     });
}

bool is_abstract(const Definition& definition) {
  return has_decorator(definition, "abstractmethod");
}

bool is_property(const Definition& definition) {
  return has_decorator(definition, "property") || has_decorator(definition, "cached_property");
}

// A type as compared: no spaces, no quotes around a forward reference.
std::string normalize_type(std::string_view type) {
  std::string out;
  for (char c : annotation_text(type))
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      out += c;
  return out;
}

// A documented type as compared: also without the `, optional` that marks a defaulted
// parameter in Google and NumPy styles (and in docent's own docstrings).
std::string normalize_documented_type(std::string_view type) {
  std::string out = normalize_type(type);
  constexpr std::string_view kOptional = ",optional";
  if (out.size() > kOptional.size() &&
      out.compare(out.size() - kOptional.size(), kOptional.size(), kOptional) == 0)
    out.resize(out.size() - kOptional.size());
  return out;
}

// A documented parameter name without its stars (`*args`, `\*\*kwargs`).
std::string_view bare_name(std::string_view name) {
  while (!name.empty() && (name.front() == '*' || name.front() == '\\'))
    name.remove_prefix(1);
  return name;
}

bool same_exception(std::string_view a, std::string_view b) {
  return a == b || last_component(a) == last_component(b);
}

bool is_structured(const ParsedDocstring& doc) {
  // Attributes alone say nothing about the signature.
  return std::any_of(doc.sections.begin(), doc.sections.end(), [](const DocstringSection& s) {
    return is_list_section(s.kind) && s.kind != SectionKind::Attributes;
  });
}

// The parsed docstring of a definition, if it has one with structured sections.
std::optional<ParsedDocstring> structured_docstring(const Definition& definition) {
  // Most docstrings are a summary, perhaps with prose: no section markers, nothing to parse
  // (this runs for every definition on every keystroke).
  if (!definition.docstring || !definition.docstring->has_section_markers)
    return std::nullopt;
  const StringLiteral literal = split_string_literal(definition.docstring->raw);
  if (!literal.valid)
    return std::nullopt;
  ParsedDocstring doc = parse_docstring(literal.body);
  if (!is_structured(doc))
    return std::nullopt;
  return doc;
}

bool has_section(const ParsedDocstring& doc, SectionKind kind) {
  return doc.section(kind) != nullptr;
}

class Checker {
public:
  Checker(const ModuleModel& model, bool init_in_class, std::vector<DocstringMismatch>& out)
      : model_(model), init_in_class_(init_in_class), out_(out) {}

  void check(int index) {
    const Definition& function = model_.definitions[static_cast<size_t>(index)];
    if (function.kind == DefinitionKind::Class || has_decorator(function, "overload"))
      return;
    const std::optional<ParsedDocstring> own = structured_docstring(function);
    const bool constructor = function.name == "__init__" && function.parent >= 0 &&
                             definition(function.parent).kind == DefinitionKind::Class;
    if (!constructor) {
      if (own)
        check_function(function, *own, index);
      return;
    }
    const int class_index = function.parent;
    const std::optional<ParsedDocstring> class_doc = structured_docstring(definition(class_index));
    if (!own || init_in_class_) {
      // The class docstring documents the constructor.
      if (own)
        add("DOC301", index,
            fmt::format("'{}': document the constructor in the docstring of class '{}'",
                        function.name, definition(class_index).name));
      if (!class_doc)
        return;
      check_parameters(function, *class_doc, class_index);
      check_raises(function, *class_doc, class_index);
      check_constructor_class_sections(*class_doc, class_index, false);
      return;
    }
    // `__init__` documents itself; the class docstring should not.
    check_parameters(function, *own, index);
    check_raises(function, *own, index);
    if (has_section(*own, SectionKind::Returns))
      add("DOC303", index,
          fmt::format("'{}': has a Returns section, but __init__ returns nothing", function.name));
    if (has_section(*own, SectionKind::Yields))
      add("DOC307", index,
          fmt::format("'{}': has a Yields section, but __init__ yields nothing", function.name));
    if (class_doc)
      check_constructor_class_sections(*class_doc, class_index, true);
  }

private:
  const Definition& definition(int index) const {
    return model_.definitions[static_cast<size_t>(index)];
  }

  void add(const char* code, int at, std::string message) {
    out_.push_back(DocstringMismatch{code, std::move(message), at});
  }

  void check_function(const Definition& function, const ParsedDocstring& doc, int at) {
    check_parameters(function, doc, at);
    check_returns(function, doc, at);
    check_yields(function, doc, at);
    check_raises(function, doc, at);
  }

  // The class docstring of a class whose `__init__` it documents (or, when `init_documented`,
  // whose `__init__` documents itself).
  void check_constructor_class_sections(const ParsedDocstring& doc, int at, bool init_documented) {
    const std::string& name = definition(at).name;
    if (has_section(doc, SectionKind::Returns))
      add("DOC302", at,
          fmt::format("'{}': the class docstring has a Returns section, but __init__ returns "
                      "nothing",
                      name));
    if (init_documented) {
      const DocstringSection* parameters = doc.section(SectionKind::Parameters);
      if (parameters && !parameters->entries.empty())
        add("DOC304", at,
            fmt::format("'{}': the class docstring documents parameters; __init__'s docstring "
                        "documents them",
                        name));
      if (has_section(doc, SectionKind::Raises))
        add("DOC305", at,
            fmt::format("'{}': the class docstring has a Raises section; __init__'s docstring "
                        "documents them",
                        name));
    }
    if (has_section(doc, SectionKind::Yields))
      add("DOC306", at,
          fmt::format("'{}': the class docstring has a Yields section, but __init__ yields "
                      "nothing",
                      name));
  }

  void check_parameters(const Definition& function, const ParsedDocstring& doc, int at) {
    const std::string& who = definition(at).name;
    // The signature's parameters that need documenting.
    std::vector<const Parameter*> signature;
    const bool bound =
        function.kind == DefinitionKind::Method && !has_decorator(function, "staticmethod");
    for (size_t i = 0; i < function.parameters.size(); ++i) {
      const Parameter& p = function.parameters[i];
      if (i == 0 && bound &&
          (p.kind == ParameterKind::PositionalOnly || p.kind == ParameterKind::Regular))
        continue; // self, cls.
      if (p.name == "self" || p.name == "cls" || p.name.find_first_not_of('_') == std::string::npos)
        continue; // Underscore-only names are placeholders.
      signature.push_back(&p);
    }
    // Documented entries: parameter sections, and keyword arguments (which may describe
    // `**kwargs` keys, so they are never reported as missing from the signature).
    struct Documented {
      const DocstringEntry* entry;
      bool keyword;
    };
    std::vector<Documented> documented;
    for (const DocstringSection& section : doc.sections) {
      const bool keyword = section.kind == SectionKind::KeywordArguments;
      if (section.kind != SectionKind::Parameters && section.kind != SectionKind::OtherParameters &&
          !keyword)
        continue;
      for (const DocstringEntry& entry : section.entries)
        if (!bare_name(entry.name).empty())
          documented.push_back(Documented{&entry, keyword});
    }
    auto find_documented = [&](std::string_view name) -> const DocstringEntry* {
      for (const Documented& d : documented)
        if (bare_name(d.entry->name) == name)
          return d.entry;
      return nullptr;
    };
    auto in_signature = [&](std::string_view name) {
      return std::any_of(signature.begin(), signature.end(),
                         [&](const Parameter* p) { return p->name == name; });
    };

    bool names_differ = false;
    for (const Parameter* p : signature)
      if (!find_documented(p->name)) {
        names_differ = true;
        add("DOC101", at, fmt::format("'{}': parameter '{}' is not documented", who, p->name));
      }
    std::vector<std::string_view> order; // Documented signature names, first mention first.
    for (const Documented& d : documented) {
      const std::string_view name = bare_name(d.entry->name);
      if (std::find(order.begin(), order.end(), name) != order.end())
        continue;
      order.push_back(name);
      if (!d.keyword && !in_signature(name)) {
        names_differ = true;
        add("DOC102", at,
            fmt::format("'{}': documented parameter '{}' is not in the signature", who, name));
      }
    }
    if (!names_differ) {
      std::vector<std::string_view> expected;
      for (const Parameter* p : signature)
        expected.push_back(p->name);
      order.erase(std::remove_if(order.begin(), order.end(),
                                 [&](std::string_view name) { return !in_signature(name); }),
                  order.end());
      if (order != expected)
        add("DOC104", at,
            fmt::format("'{}': parameters are documented in a different order than the "
                        "signature's",
                        who));
    }
    for (const Parameter* p : signature) {
      const DocstringEntry* entry = find_documented(p->name);
      if (!entry || entry->type.empty() || p->annotation.empty())
        continue;
      if (normalize_documented_type(entry->type) != normalize_type(p->annotation))
        add("DOC105", at,
            fmt::format("'{}': parameter '{}' is documented as '{}' but annotated '{}'", who,
                        p->name, entry->type, annotation_text(p->annotation)));
    }
  }

  void check_returns(const Definition& function, const ParsedDocstring& doc, int at) {
    const std::string& who = definition(at).name;
    const std::string annotation = annotation_text(function.return_annotation);
    const std::string_view head =
        last_component(std::string_view(annotation).substr(0, annotation.find('[')));
    const bool returns_nothing = annotation == "None" || head == "NoReturn" || head == "Never";
    const bool generator_annotation = head == "Generator" || head == "AsyncGenerator";
    const bool iterator_annotation = is_iterator_annotation(annotation) && !generator_annotation;
    const bool yields = !function.yields.empty();
    const bool value = std::any_of(function.returns.begin(), function.returns.end(),
                                   [](const FlowStatement& r) { return !r.value.empty(); });
    const DocstringSection* section = doc.section(SectionKind::Returns);
    if (!section) {
      if (is_property(function))
        return;
      const bool needs = value ? !returns_nothing && !(generator_annotation &&
                                                       type_argument(annotation, 2) == "None")
                               : !annotation.empty() && !returns_nothing && !generator_annotation &&
                                     !(iterator_annotation && yields);
      if (needs)
        add("DOC201", at,
            fmt::format("'{}': returns a value, but the docstring has no Returns section", who));
      return;
    }
    if (!value && (annotation.empty() || returns_nothing)) {
      if (!is_abstract(function))
        add("DOC202", at, fmt::format("'{}': has a Returns section, but returns no value", who));
      return;
    }
    if (section->entries.size() != 1 || section->entries[0].type.empty() || annotation.empty() ||
        (iterator_annotation && yields))
      return;
    const std::string expected =
        generator_annotation ? type_argument(annotation, 2) : std::string(annotation);
    const std::string& documented = section->entries[0].type;
    if (!expected.empty() && normalize_documented_type(documented) != normalize_type(expected))
      add("DOC203", at,
          fmt::format("'{}': return type is documented as '{}' but annotated '{}'", who, documented,
                      expected));
  }

  void check_yields(const Definition& function, const ParsedDocstring& doc, int at) {
    const std::string& who = definition(at).name;
    const std::string annotation = annotation_text(function.return_annotation);
    const std::string expected =
        is_iterator_annotation(annotation) ? type_argument(annotation, 0) : std::string();
    const bool yields = !function.yields.empty();
    const DocstringSection* section = doc.section(SectionKind::Yields);
    if (!section) {
      if (yields && expected != "None")
        add("DOC402", at,
            fmt::format("'{}': yields, but the docstring has no Yields section", who));
      return;
    }
    if (!yields) {
      if (!is_abstract(function))
        add("DOC403", at, fmt::format("'{}': has a Yields section, but yields nothing", who));
      return;
    }
    if (section->entries.size() != 1 || section->entries[0].type.empty() || expected.empty())
      return;
    const std::string& documented = section->entries[0].type;
    if (normalize_documented_type(documented) != normalize_type(expected))
      add("DOC404", at,
          fmt::format("'{}': yield type is documented as '{}' but annotated '{}'", who, documented,
                      expected));
  }

  void check_raises(const Definition& function, const ParsedDocstring& doc, int at) {
    const std::string& who = definition(at).name;
    bool unresolved = false;
    const std::vector<std::string> raised = raised_exceptions(function, &unresolved);
    std::vector<std::string> documented;
    bool has_raises_section = false;
    for (const DocstringSection& section : doc.sections) {
      if (section.kind != SectionKind::Raises)
        continue;
      has_raises_section = true;
      for (const DocstringEntry& entry : section.entries)
        if (!entry.name.empty() &&
            std::find(documented.begin(), documented.end(), entry.name) == documented.end())
          documented.push_back(entry.name);
    }
    const bool raises = !function.raises.empty();
    if (raises && !has_raises_section) {
      for (const std::string& name : raised)
        add("DOC501", at,
            fmt::format("'{}': raises '{}', but the docstring has no Raises section", who, name));
      if (raised.empty())
        add("DOC501", at,
            fmt::format("'{}': raises an exception, but the docstring has no Raises section", who));
      return;
    }
    if (!has_raises_section)
      return;
    if (!raises) {
      if (!is_abstract(function))
        for (const std::string& name : documented)
          add("DOC502", at,
              fmt::format("'{}': documents '{}' in Raises, but raises nothing", who, name));
      return;
    }
    auto listed = [](const std::vector<std::string>& names, std::string_view name) {
      return std::any_of(names.begin(), names.end(),
                         [&](const std::string& n) { return same_exception(n, name); });
    };
    for (const std::string& name : raised)
      if (!listed(documented, name))
        add("DOC503", at, fmt::format("'{}': raised exception '{}' is not documented", who, name));
    if (unresolved)
      return; // `raise error` may raise any documented exception.
    for (const std::string& name : documented)
      if (!listed(raised, name))
        add("DOC503", at, fmt::format("'{}': documented exception '{}' is not raised", who, name));
  }

  const ModuleModel& model_;
  bool init_in_class_;
  std::vector<DocstringMismatch>& out_;
};

} // namespace

std::vector<DocstringMismatch> docstring_mismatches(const ModuleModel& model, bool init_in_class) {
  return docstring_mismatches(model, init_in_class, 0, model.definitions.size());
}

std::vector<DocstringMismatch> docstring_mismatches(const ModuleModel& model, bool init_in_class,
                                                    size_t first, size_t last) {
  std::vector<DocstringMismatch> out;
  Checker checker(model, init_in_class, out);
  for (size_t i = first; i < last; ++i)
    checker.check(static_cast<int>(i));
  return out;
}

} // namespace docent::analysis
