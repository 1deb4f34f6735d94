// Placing a new docstring in a definition's body (see docstring_insert.h).
#include "analysis/docstring_insert.h"

#include "analysis/docstring_template.h"

#include <filesystem>

namespace docent::analysis {

namespace {

std::string_view leading_whitespace(std::string_view line) {
  return line.substr(0, std::min(line.find_first_not_of(" \t"), line.size()));
}

std::string_view line_text(const Snapshot& snapshot, size_t line) {
  const LineIndex& lines = snapshot.lines();
  const size_t start = lines.line_start(line);
  return snapshot.text().substr(start, lines.line_content_end(line) - start);
}

bool is_type_comment(std::string_view line) {
  line.remove_prefix(leading_whitespace(line).size());
  if (line.substr(0, 1) != "#")
    return false;
  line.remove_prefix(1);
  line.remove_prefix(leading_whitespace(line).size());
  return line.substr(0, 5) == "type:";
}

// The line break that ends `line`, or the file's first one if it is the last line.
std::string line_ending_of(const Snapshot& snapshot, size_t line) {
  const std::string_view text = snapshot.text();
  size_t end = snapshot.lines().line_content_end(line);
  if (end >= text.size())
    end = text.find_first_of("\r\n");
  if (end == std::string_view::npos || end >= text.size())
    return "\n";
  if (text[end] == '\r')
    return end + 1 < text.size() && text[end + 1] == '\n' ? "\r\n" : "\r";
  return "\n";
}

// `text` with each "\n" written as `line_ending`.
std::string with_line_ending(std::string_view text, const std::string& line_ending) {
  std::string out;
  for (size_t start = 0; start <= text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (start > 0)
      out += line_ending;
    out += text.substr(start, end - start);
    start = end + 1;
  }
  return out;
}

bool is_blank_or_comment(std::string_view line) {
  line.remove_prefix(leading_whitespace(line).size());
  return line.empty() || line.front() == '#';
}

} // namespace

BodyLayout body_layout(const Snapshot& snapshot, const Definition& definition) {
  // From the text alone (the snapshot may hold no tree, or a stale one): between the colon and
  // the body's first statement there can only be blanks and comments.
  const LineIndex& lines = snapshot.lines();
  const std::string_view text = snapshot.text();
  const size_t colon_line = lines.line_of(definition.signature.end);
  BodyLayout layout;
  layout.line_ending = line_ending_of(snapshot, colon_line);
  const std::string_view after_colon = text.substr(
      definition.signature.end,
      lines.line_content_end(colon_line) -
          std::min<size_t>(definition.signature.end, lines.line_content_end(colon_line)));
  layout.inline_body = !is_blank_or_comment(after_colon);
  if (!layout.inline_body) {
    for (size_t line = colon_line + 1; line < lines.line_count(); ++line) {
      const std::string_view content = line_text(snapshot, line);
      if (is_blank_or_comment(content))
        continue;
      layout.indent = std::string(leading_whitespace(content));
      return layout;
    }
  }
  // A body on the signature's line gets one level more than the `def` line, in the `def`
  // line's kind of whitespace.
  const std::string_view def_indent =
      leading_whitespace(line_text(snapshot, lines.line_of(definition.definition.start)));
  layout.indent = std::string(def_indent);
  layout.indent += def_indent.find('\t') != std::string_view::npos ? "\t" : "    ";
  return layout;
}

std::optional<TextEdit> docstring_insertion(const Snapshot& snapshot, const Definition& definition,
                                            std::string_view docstring) {
  if (definition.docstring || definition.touches_error ||
      definition.body.end <= definition.body.start)
    return std::nullopt;
  const BodyLayout layout = body_layout(snapshot, definition);
  const std::string indented = with_line_ending(docstring, layout.line_ending);
  const LineIndex& lines = snapshot.lines();
  TextEdit edit;
  if (layout.inline_body) {
    // `def f(): return 1` → the docstring and the old body each on a line of their own.
    edit.range = ByteRange{definition.signature.end, definition.body.start};
    edit.text = layout.line_ending + layout.indent + indented + layout.line_ending + layout.indent;
  } else {
    // Right below the signature's last line, above any comment that opens the body, but below
    // type comments (PEP 484: `# type: (int) -> str` must follow the signature).
    size_t next_line = lines.line_of(definition.signature.end) + 1;
    while (next_line + 1 < lines.line_count() && is_type_comment(line_text(snapshot, next_line)))
      ++next_line;
    const uint32_t at = static_cast<uint32_t>(lines.line_start(next_line));
    edit.range = ByteRange{at, at};
    edit.text = layout.indent + indented + layout.line_ending;
  }
  return edit;
}

std::optional<TextEdit> module_docstring_insertion(const Snapshot& snapshot,
                                                   const ModuleModel& model,
                                                   std::string_view docstring) {
  if (model.docstring)
    return std::nullopt;
  const LineIndex& lines = snapshot.lines();
  size_t line = 0;
  while (line < lines.line_count() && is_blank_or_comment(line_text(snapshot, line)))
    ++line;
  const std::string line_ending = line_ending_of(snapshot, 0);
  const std::string text = with_line_ending(docstring, line_ending) + line_ending;
  TextEdit edit;
  if (line >= lines.line_count() || lines.line_start(line) >= snapshot.text().size()) {
    // Nothing but comments and blank lines: the docstring goes at the end.
    const uint32_t end = static_cast<uint32_t>(snapshot.text().size());
    const bool needs_break =
        end > 0 && snapshot.text().back() != '\n' && snapshot.text().back() != '\r';
    edit.range = ByteRange{end, end};
    edit.text = (needs_break ? line_ending : "") + text;
    return edit;
  }
  const uint32_t at = static_cast<uint32_t>(lines.line_start(line));
  edit.range = ByteRange{at, at};
  edit.text = text + line_ending; // A blank line between the docstring and the code.
  return edit;
}

GenerateOptions generate_options(const CheckConfig& config, std::string indent) {
  GenerateOptions options;
  options.style =
      docstring_style_from_string(config.docstring_style).value_or(DocstringStyle::Google);
  options.types = config.docstring_types;
  options.indent = std::move(indent);
  options.quote = config.docstring_quote;
  options.line_width = static_cast<size_t>(std::max(config.docstring_line_width, 20));
  options.init_parameters_in_class = config.docstring_init_in_class;
  return options;
}

DocstringWriter::DocstringWriter(const CheckConfig& config, const ParameterDescriptions* reuse)
    : config_(config), reuse_(reuse) {
  if (config.docstring_template.empty())
    return;
  if (std::optional<std::string> text =
          read_docstring_template(config.docstring_template, error_)) {
    template_ = std::make_unique<DocstringTemplate>(*text);
    error_ = template_->error();
  }
}

DocstringWriter::~DocstringWriter() = default;

std::optional<TextEdit> DocstringWriter::document(const Snapshot& snapshot,
                                                  const ModuleModel& model, size_t index,
                                                  const DocstringSections& sections) {
  const Definition& definition = model.definitions.at(index);
  if (definition.docstring || definition.touches_error || !error_.empty())
    return std::nullopt;
  GenerateOptions options = generate_options(config_, body_layout(snapshot, definition).indent);
  options.reuse = reuse_;
  options.sections = sections;
  options.types = options.types && sections.types;
  if (!template_)
    return docstring_insertion(snapshot, definition,
                               generate_docstring(definition, model, options));
  TemplateResult rendered = template_->render(definition, model, options);
  if (!rendered.docstring) {
    error_ = std::move(rendered.error);
    return std::nullopt;
  }
  return docstring_insertion(snapshot, definition, *rendered.docstring);
}

std::optional<TextEdit> document_module(const Snapshot& snapshot, const ModuleModel& model,
                                        const CheckConfig& config, const std::string& module_name) {
  if (model.docstring)
    return std::nullopt;
  GenerateOptions options = generate_options(config, "");
  options.module_name = module_name;
  return module_docstring_insertion(snapshot, model, generate_module_docstring(model, options));
}

std::vector<std::string> reusable_parameters(const Definition& definition,
                                             const ParameterDescriptions& reuse) {
  std::vector<std::string> names;
  for (const Parameter& parameter : definition.parameters)
    if (parameter.name != "self" && parameter.name != "cls" &&
        reuse.most_common(parameter.name, annotation_text(parameter.annotation)))
      names.push_back(parameter.name);
  return names;
}

std::string module_name_of(const std::string& path) {
  if (path.empty())
    return "";
  const std::filesystem::path file(path);
  if (file.stem() == "__init__")
    return file.parent_path().filename().string();
  return file.stem().string();
}

} // namespace docent::analysis
