// Docstring code actions (see code_actions.h).
#include "lsp/code_actions.h"

#include "analysis/docstring_insert.h"
#include "analysis/docstring_update.h"
#include "analysis/document.h"
#include "analysis/noqa_edit.h"
#include "inference/feature_source.h"
#include "lsp/feedback_json.h"
#include "lsp/learning_policy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace docent::lsp {

using namespace docent::analysis;

namespace {

constexpr const char* kInsertKind = "refactor.rewrite";
constexpr const char* kQuickFixKind = "quickfix";
constexpr const char* kDocumentAllKind = "source.docent.addDocstrings";

std::string style_title(const CheckConfig& config) {
  switch (docstring_style_from_string(config.docstring_style).value_or(DocstringStyle::Google)) {
  case DocstringStyle::Google:
    return "Google-style";
  case DocstringStyle::Numpy:
    return "NumPy-style";
  case DocstringStyle::Sphinx:
    return "Sphinx-style";
  case DocstringStyle::Epytext:
    return "Epytext-style";
  case DocstringStyle::Pep257:
    break;
  }
  return "PEP 257";
}

const char* style_name(DocstringStyle style) {
  switch (style) {
  case DocstringStyle::Google:
    return "Google";
  case DocstringStyle::Numpy:
    return "NumPy";
  case DocstringStyle::Sphinx:
    return "Sphinx";
  case DocstringStyle::Epytext:
    return "Epytext";
  case DocstringStyle::Pep257:
    break;
  }
  return "PEP 257";
}

// Whether the client's `only` filter (empty: everything) lets actions of `kind` through.
bool wanted(const json& context, const std::string& kind) {
  const json* only = context.is_object() && context.contains("only") ? &context["only"] : nullptr;
  if (only == nullptr || !only->is_array() || only->empty())
    return true;
  for (const json& entry : *only) {
    if (!entry.is_string())
      continue;
    const std::string prefix = entry.get<std::string>();
    if (kind == prefix || (kind.rfind(prefix + ".", 0) == 0))
      return true;
  }
  return false;
}

// The innermost definition whose signature (decorators included) holds `cursor`.
int definition_at(const ModuleModel& model, size_t cursor) {
  int found = -1;
  for (size_t i = 0; i < model.definitions.size(); ++i) {
    const Definition& definition = model.definitions[i];
    if (definition.whole.start <= cursor && cursor <= definition.signature.end)
      found = static_cast<int>(i);
  }
  return found;
}

int definition_named_at(const ModuleModel& model, size_t name_start) {
  for (size_t i = 0; i < model.definitions.size(); ++i)
    if (model.definitions[i].name_range.start == name_start)
      return static_cast<int>(i);
  return -1;
}

// Findings of the module (not of a definition), whose `# noqa` goes on the first line.
bool is_module_code(const std::string& code) {
  return code == "D100" || code == "D104" || code == "DCT204";
}

json action_data(const ActionContext& document, const std::string& what,
                 const std::string& qualname, uint32_t line) {
  return json{{"uri", document.uri},
              {"version", document.version},
              {"action", what},
              {"qualname", qualname},
              {"line", line}};
}

json insert_action(const ModuleModel& model, int index, const CheckConfig& config,
                   const ActionContext& document, const json* diagnostic) {
  json action;
  if (index < 0) {
    action["title"] = fmt::format("Insert a {} module docstring", style_title(config));
    action["data"] = action_data(document, "insert-module", "", 0);
  } else {
    const Definition& definition = model.definitions[static_cast<size_t>(index)];
    std::string title =
        fmt::format("Insert a {} docstring for '{}'", style_title(config), definition.qualname);
    if (document.reuse && config.docstring_template.empty()) {
      const std::vector<std::string> reused = reusable_parameters(definition, *document.reuse);
      if (!reused.empty())
        title += fmt::format(" (reusing the workspace's description of '{}')",
                             fmt::join(reused, "', '"));
    }
    action["title"] = std::move(title);
    action["data"] = action_data(document, "insert", definition.qualname, definition.line);
  }
  action["kind"] = diagnostic != nullptr ? kQuickFixKind : kInsertKind;
  if (diagnostic != nullptr) {
    action["diagnostics"] = json::array({*diagnostic});
    action["isPreferred"] = true;
  }
  return action;
}

bool documentable(const Definition& definition) {
  return !definition.docstring && !definition.touches_error;
}

size_t undocumented_count(const ModuleModel& model) {
  size_t count = model.docstring ? 0 : 1;
  for (const Definition& definition : model.definitions)
    count += documentable(definition);
  return count;
}

json text_edit_json(const Snapshot& snapshot, const TextEdit& edit, PositionEncoding encoding) {
  const LineIndex& lines = snapshot.lines();
  return json{
      {"range", to_json(Range{lines.position_of(snapshot.text(), edit.range.start, encoding),
                              lines.position_of(snapshot.text(), edit.range.end, encoding)})},
      {"newText", edit.text}};
}

json workspace_edit(const ActionContext& document, json edits) {
  if (document.document_changes)
    return json{
        {"documentChanges",
         json::array({json{{"textDocument", {{"uri", document.uri}, {"version", document.version}}},
                           {"edits", std::move(edits)}}})}};
  return json{{"changes", {{document.uri, std::move(edits)}}}};
}

// The definition an action's data names, in the current analysis.
int find_definition(const ModuleModel& model, const json& data) {
  const std::string qualname = data.value("qualname", "");
  const int64_t line = data.value("line", int64_t{0});
  for (size_t i = 0; i < model.definitions.size(); ++i)
    if (model.definitions[i].qualname == qualname && model.definitions[i].line == line)
      return static_cast<int>(i);
  return -1;
}

DocstringSections sections_of(const ActionContext& document, int index) {
  return document.docstring_sections ? document.docstring_sections(index) : DocstringSections{};
}

json edits_for(const FileAnalysis& analysis, const CheckConfig& config,
               const ActionContext& document, const json& data) {
  const Snapshot& snapshot = *analysis.snapshot;
  const ModuleModel& model = analysis.model;
  const std::string what = data.value("action", "");
  json edits = json::array();
  DocstringWriter writer(config, document.reuse.get());
  auto add = [&](const std::optional<TextEdit>& edit) {
    if (!writer.error().empty()) // The user's template cannot be used.
      throw RequestError(kRequestFailed, writer.error());
    if (edit)
      edits.push_back(text_edit_json(snapshot, *edit, document.encoding));
  };
  if (what == "insert-module" || what == "insert-all")
    add(document_module(snapshot, model, config, module_name_of(document.path)));
  if (what == "insert") {
    const int index = find_definition(model, data);
    if (index < 0)
      throw RequestError(kContentModified, "the definition is no longer there");
    add(writer.document(snapshot, model, static_cast<size_t>(index), sections_of(document, index)));
  }
  if (what == "update" || what == "convert") {
    const int index = find_definition(model, data);
    if (index < 0)
      throw RequestError(kContentModified, "the definition is no longer there");
    if (what == "update")
      add(docstring_update(snapshot, model, static_cast<size_t>(index), config));
    else if (const auto style = docstring_style_from_string(data.value("style", "")))
      add(docstring_conversion(snapshot, model, static_cast<size_t>(index), config, *style));
  }
  if (what == "insert-all")
    for (size_t i = 0; i < model.definitions.size(); ++i)
      add(writer.document(snapshot, model, i, sections_of(document, static_cast<int>(i))));
  if (what == "ignore")
    add(noqa_edit(snapshot, data.value("line", uint32_t{0}), data.value("code", "")));
  return edits;
}

// The "Ignore CODE here" quick fix for a docent diagnostic, if its line can take the comment.
std::optional<json> ignore_action(const FileAnalysis& analysis, const ActionContext& document,
                                  const json& diagnostic, const std::string& code) {
  const ModuleModel& model = analysis.model;
  const Snapshot& snapshot = *analysis.snapshot;
  int index = -1;
  if (!is_module_code(code)) {
    std::string error;
    const auto range = range_from_json(diagnostic.value("range", json()), error);
    if (!range)
      return std::nullopt;
    index = definition_named_at(
        model, snapshot.lines().offset_of(snapshot.text(), range->start, document.encoding));
    if (index < 0)
      return std::nullopt; // Not a definition of this version: the diagnostic is stale.
  }
  const uint32_t line = index < 0 ? 1 : model.definitions[static_cast<size_t>(index)].line;
  if (!noqa_edit(snapshot, line, code))
    return std::nullopt;
  json data =
      action_data(document, "ignore",
                  index < 0 ? "" : model.definitions[static_cast<size_t>(index)].qualname, line);
  data["code"] = code;
  return json{{"title", fmt::format("Ignore {} here", code)},
              {"kind", kQuickFixKind},
              {"diagnostics", json::array({diagnostic})},
              {"data", std::move(data)}};
}

// The docent.feedback command of an action (see feedback_json.h), from its data.
json feedback_for(inference::FeatureSource& features, const ActionContext& document,
                  const json& data, size_t number) {
  const ModuleModel& model = features.analysis().model;
  FeedbackArguments arguments;
  arguments.id = fmt::format("{}.{}", document.id_prefix, number);
  arguments.action = data.value("action", "");
  arguments.uri = document.uri;
  arguments.version = document.version;
  arguments.line = data.value("line", uint32_t{0});
  inference::FeedbackEvent& event = arguments.event;
  event.path = document.path;
  event.definition = data.value("qualname", "");
  const int index = event.definition.empty() ? -1 : find_definition(model, data);
  event.features = features.of(index);
  if (arguments.action == "ignore") {
    event.code = data.value("code", "");
    event.kind = rule_suggestion_kind(event.code).value_or(inference::SuggestionKind::Complexity);
    event.outcome = inference::Outcome::Rejected;
    return feedback_command(arguments);
  }
  event.code = arguments.action;
  event.kind = arguments.action == "update" || arguments.action == "convert"
                   ? inference::SuggestionKind::DocstringUpdate
                   : inference::SuggestionKind::Docstring;
  event.outcome = inference::Outcome::Accepted;
  if (arguments.action == "insert-all") {
    // What it documents, so that the server can follow those docstrings once it ran.
    if (!model.docstring)
      arguments.definitions.emplace_back();
    for (const Definition& definition : model.definitions)
      if (documentable(definition))
        arguments.definitions.push_back(definition.qualname);
  }
  return feedback_command(arguments);
}

} // namespace

json code_actions_json(const FileAnalysis& analysis, const CheckConfig& config,
                       const ActionContext& document, size_t cursor, const json& context) {
  const ModuleModel& model = analysis.model;
  const Snapshot& snapshot = *analysis.snapshot;
  json actions = json::array();
  std::vector<int> offered; // Definition indexes; -1 for the module.
  auto offer = [&](int index, const json* diagnostic) {
    if (std::find(offered.begin(), offered.end(), index) != offered.end())
      return;
    const bool missing =
        index < 0 ? !model.docstring : documentable(model.definitions[static_cast<size_t>(index)]);
    const std::string kind = diagnostic != nullptr ? kQuickFixKind : kInsertKind;
    if (!missing || !wanted(context, kind))
      return;
    offered.push_back(index);
    actions.push_back(insert_action(model, index, config, document, diagnostic));
  };
  std::vector<int> updated; // Definitions offered an update.
  auto offer_update = [&](int index, const json* diagnostic) {
    if (index < 0 || std::find(updated.begin(), updated.end(), index) != updated.end())
      return;
    const Definition& definition = model.definitions[static_cast<size_t>(index)];
    const std::string kind = diagnostic != nullptr ? kQuickFixKind : kInsertKind;
    if (!definition.docstring || definition.touches_error || !wanted(context, kind) ||
        !docstring_outdated(snapshot, model, static_cast<size_t>(index), config))
      return;
    updated.push_back(index);
    json action{{"title", fmt::format("Update the docstring of '{}' to match its signature",
                                      definition.qualname)},
                {"kind", kind},
                {"data", action_data(document, "update", definition.qualname, definition.line)}};
    if (diagnostic != nullptr) {
      action["diagnostics"] = json::array({*diagnostic});
      action["isPreferred"] = true;
    }
    actions.push_back(std::move(action));
  };
  // Ignoring comes after fixing: the fixes are listed first.
  std::vector<json> ignores;
  // Quick fixes for the docstring diagnostics the client sends along: D1xx (missing) inserts
  // one, DOC1xx-DOC5xx (mismatch) updates it; and for every rule's diagnostic, Ignore.
  if (context.is_object() && context.contains("diagnostics") && context["diagnostics"].is_array())
    for (const json& diagnostic : context["diagnostics"]) {
      if (!diagnostic.is_object() || diagnostic.value("source", "") != "docent" ||
          !diagnostic.contains("code") || !diagnostic["code"].is_string())
        continue;
      const std::string code = diagnostic["code"].get<std::string>();
      if (rule_suggestion_kind(code) && wanted(context, kQuickFixKind))
        if (std::optional<json> ignore = ignore_action(analysis, document, diagnostic, code))
          ignores.push_back(std::move(*ignore));
      const bool missing = is_missing_docstring_code(code);
      const bool mismatch = code.rfind("DOC", 0) == 0;
      if (!missing && !mismatch)
        continue;
      if (code == "D100" || code == "D104") {
        offer(-1, &diagnostic);
        continue;
      }
      std::string error;
      const auto range = range_from_json(diagnostic.value("range", json()), error);
      if (!range)
        continue;
      const int index = definition_named_at(
          model, snapshot.lines().offset_of(snapshot.text(), range->start, document.encoding));
      if (missing)
        offer(index, &diagnostic);
      else
        offer_update(index, &diagnostic);
    }
  if (const int index = definition_at(model, cursor); index >= 0) {
    offer(index, nullptr);
    const Definition& definition = model.definitions[static_cast<size_t>(index)];
    if (definition.docstring && !definition.touches_error && wanted(context, kInsertKind)) {
      // Update when the docstring no longer matches the code; convert to the configured style
      // when the docstring is written in another structured one.
      offer_update(index, nullptr);
      const auto target = docstring_style_from_string(config.docstring_style);
      const auto current = docstring_style_of(definition);
      if (target && current && *target != DocstringStyle::Pep257 &&
          *current != DocstringStyle::Pep257 && *target != *current) {
        json data = action_data(document, "convert", definition.qualname, definition.line);
        data["style"] = to_string(*target);
        actions.push_back(json{{"title", fmt::format("Convert the docstring of '{}' to {} style",
                                                     definition.qualname, style_name(*target))},
                               {"kind", kInsertKind},
                               {"data", std::move(data)}});
      }
    }
  }
  if (const size_t count = undocumented_count(model);
      count > 0 && wanted(context, kDocumentAllKind)) {
    json action{{"title", fmt::format("Add {} docstrings to the {} undocumented definition{} of "
                                      "this file",
                                      style_title(config), count, count == 1 ? "" : "s")},
                {"kind", kDocumentAllKind},
                {"data", action_data(document, "insert-all", "", 0)}};
    actions.push_back(std::move(action));
  }
  for (json& ignore : ignores)
    actions.push_back(std::move(ignore));
  // At list time, not on resolve: clients run the command of the action they were offered
  // (VS Code takes nothing but the edit from codeAction/resolve).
  if (document.learning) {
    inference::FeatureSource features(analysis, document.path, document.contexts);
    for (size_t i = 0; i < actions.size(); ++i)
      actions[i]["command"] = feedback_for(features, document, actions[i]["data"], i + 1);
  }
  if (!document.resolve_edits)
    for (json& action : actions)
      action = resolve_code_action(analysis, config, document, std::move(action));
  return actions;
}

json resolve_code_action(const FileAnalysis& analysis, const CheckConfig& config,
                         const ActionContext& document, json action) {
  const json data = action.is_object() ? action.value("data", json()) : json();
  if (!data.is_object() || !data.contains("version") || !data["version"].is_number_integer())
    throw RequestError(kInvalidParams, "not a code action docent offered");
  if (data["version"].get<int64_t>() != document.version)
    throw RequestError(kContentModified, fmt::format("the document changed since version {}",
                                                     data["version"].get<int64_t>()));
  action["edit"] = workspace_edit(document, edits_for(analysis, config, document, data));
  return action;
}

} // namespace docent::lsp
