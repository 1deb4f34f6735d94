// Mustache templates for docstrings (see docstring_template.h), rendered with kainjow::mustache.
#include "analysis/docstring_template.h"

#include <fstream>
#include <sstream>

#include <kainjow/mustache.hpp>

namespace docent::analysis {

namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

std::string placeholder_of(std::string_view what) {
  return std::string(kPlaceholderTag) + " " + std::string(what);
}

std::string type_or_placeholder(const std::string& type) {
  return type.empty() ? placeholder_of("type") : type;
}

// One entry of a list tag: autoDocstring's names (`var`, `type`, `typePlaceholder`,
// `descriptionPlaceholder`) and docent's (`name`, `description`).
data entry(const std::string& name, const std::string& type, const std::string& description) {
  data item;
  item.set("var", name);
  item.set("name", name);
  item.set("type", type);
  item.set("typePlaceholder", type_or_placeholder(type));
  item.set("descriptionPlaceholder", description);
  item.set("description", description);
  return item;
}

data list_of(const std::vector<data>& items) {
  data list{data::type::list};
  for (const data& item : items)
    list << item;
  return list;
}

// The template's view of a definition.
data template_data(const Definition& definition, const ModuleModel& model,
                   const GenerateOptions& options) {
  const DocstringContent content = docstring_content(definition, model, options);
  // autoDocstring splits the parameters: `args` have no default, `kwargs` have one.
  std::vector<data> args, kwargs;
  for (const DocstringItem& parameter : content.parameters) {
    const std::string bare = parameter.name.substr(parameter.name.find_first_not_of('*'));
    std::string default_value;
    for (const Parameter& p : definition.parameters)
      if (p.name == bare)
        default_value = p.default_value;
    data item = entry(parameter.name, parameter.type, placeholder_of("describe " + bare + "."));
    item.set("default", default_value);
    (default_value.empty() ? args : kwargs).push_back(std::move(item));
  }
  std::vector<data> exceptions, returns, yields, attributes;
  for (const DocstringItem& raised : content.raises) {
    data item = entry(raised.name, raised.name, raised.description);
    exceptions.push_back(std::move(item));
  }
  if (content.returns)
    returns.push_back(entry("", content.returns->type, content.returns->description));
  if (content.yields)
    yields.push_back(entry("", content.yields->type, content.yields->description));
  for (const DocstringItem& attribute : content.attributes)
    attributes.push_back(entry(attribute.name, attribute.type, attribute.description));
  bool methods = false;
  for (int child : definition.children)
    methods |= model.definitions[static_cast<size_t>(child)].kind == DefinitionKind::Method;

  data view;
  view.set("name", definition.name);
  view.set("qualname", definition.qualname);
  view.set("summaryPlaceholder", content.summary);
  view.set("summary", content.summary);
  view.set("extendedSummaryPlaceholder", placeholder_of("describe in more detail."));
  view.set("args", list_of(args));
  view.set("kwargs", list_of(kwargs));
  view.set("exceptions", list_of(exceptions));
  view.set("returns", list_of(returns));
  view.set("yields", list_of(yields));
  view.set("attributes", list_of(attributes));
  view.set("argsExist", !args.empty());
  view.set("kwargsExist", !kwargs.empty());
  view.set("parametersExist", !args.empty() || !kwargs.empty());
  view.set("exceptionsExist", !exceptions.empty());
  view.set("returnsExist", !returns.empty());
  view.set("yieldsExist", !yields.empty());
  view.set("attributesExist", !attributes.empty());
  view.set("methodsExist", methods);
  view.set("classesExist", false);
  view.set("isClass", definition.kind == DefinitionKind::Class);
  view.set("isAsync", definition.is_async);
  // autoDocstring turns `{{#placeholder}}` into an editor snippet field; docent writes text.
  view.set("placeholder", true);
  return view;
}

// Blank-line runs squeezed to one, trailing blanks dropped, lines after the first indented.
std::string lay_out(const std::string& rendered, const GenerateOptions& options) {
  std::vector<std::string> lines;
  std::istringstream in(rendered);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.pop_back();
    if (line.empty() && (lines.empty() || lines.back().empty()))
      continue;
    lines.push_back(std::move(line));
  }
  while (!lines.empty() && lines.back().empty())
    lines.pop_back();
  std::string docstring = options.quote;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0)
      docstring += "\n" + (lines[i].empty() ? std::string() : options.indent);
    docstring += lines[i];
  }
  if (lines.size() > 1)
    docstring += "\n" + options.indent;
  return docstring + options.quote;
}

} // namespace

struct DocstringTemplate::Compiled {
  mustache renderer;
};

DocstringTemplate::DocstringTemplate(const std::string& text)
    : compiled_(std::make_unique<Compiled>(Compiled{mustache{text}})) {
  if (!compiled_->renderer.is_valid())
    error_ = "docstring template: " + compiled_->renderer.error_message();
  compiled_->renderer.set_custom_escape(
      [](const std::string& value) { return value; }); // Not HTML.
}

DocstringTemplate::~DocstringTemplate() = default;
DocstringTemplate::DocstringTemplate(DocstringTemplate&&) noexcept = default;
DocstringTemplate& DocstringTemplate::operator=(DocstringTemplate&&) noexcept = default;

TemplateResult DocstringTemplate::render(const Definition& definition, const ModuleModel& model,
                                         const GenerateOptions& options) {
  if (!error_.empty())
    return TemplateResult{std::nullopt, error_};
  mustache& renderer = compiled_->renderer;
  const std::string rendered = renderer.render(template_data(definition, model, options));
  if (!renderer.is_valid())
    return TemplateResult{std::nullopt, "docstring template: " + renderer.error_message()};
  return TemplateResult{lay_out(rendered, options), {}};
}

std::optional<std::string> read_docstring_template(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "docstring template: cannot read " + path;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace docent::analysis
