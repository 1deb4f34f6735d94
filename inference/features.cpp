// Feature extraction for the learning model: numbers and hashed tokens of one definition.
#include "inference/features.h"

#include "analysis/docstring_rules.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace docent::inference {
namespace {

using analysis::Definition;
using analysis::DefinitionKind;
using analysis::DefinitionMetrics;
using analysis::FileAnalysis;

constexpr std::array<std::string_view, kNumericFeatures> kFeatureNames = {
    "cyclomatic_log",
    "cognitive_log",
    "nesting_scaled",
    "params_log",
    "sloc_log",
    "kind_function",
    "kind_method",
    "kind_class",
    "kind_nested",
    "async",
    "generator",
    "property",
    "staticmethod",
    "classmethod",
    "test",
    "private",
    "dunder",
    "public",
    "has_docstring",
    "decorators_log",
    "documented_file",
    "documented_siblings",
    "returns_value",
    "raises",
    "annotated_params",
    "return_annotation",
    "init",
    "params_ge_1",
    "params_ge_2",
    "params_ge_3",
    "params_ge_6",
    "cyclomatic_ge_5",
    "cyclomatic_ge_10",
    "cyclomatic_ge_15",
    "cyclomatic_ge_20",
    "cyclomatic_ge_30",
    "cognitive_ge_15",
    "cognitive_ge_30",
    "sloc_ge_10",
    "sloc_ge_30",
    "sloc_ge_60",
    "nesting_ge_3",
};

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}
bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_dunder(std::string_view name) {
  return name.size() >= 4 && starts_with(name, "__") && ends_with(name, "__");
}
bool is_private(std::string_view name) {
  return starts_with(name, "_") && !is_dunder(name);
}

// The decorator's name without arguments or spaces: `functools.lru_cache(maxsize=8)` gives
// `functools.lru_cache`.
std::string decorator_name(std::string_view decorator) {
  std::string name;
  for (char c : decorator.substr(0, decorator.find('(')))
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '\\')
      name.push_back(c);
  return name;
}
std::string_view last_dotted_part(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

bool has_decorator(const Definition& definition, std::string_view wanted) {
  return std::any_of(definition.decorators.begin(), definition.decorators.end(),
                     [&](const std::string& decorator) {
                       return last_dotted_part(decorator_name(decorator)) == wanted;
                     });
}

// @property and friends, and `@name.setter` / `@name.deleter` of a property.
bool is_property(const Definition& definition) {
  if (has_decorator(definition, "property") || has_decorator(definition, "cached_property"))
    return true;
  const std::string accessor = definition.name + ".";
  return std::any_of(definition.decorators.begin(), definition.decorators.end(),
                     [&](const std::string& decorator) {
                       return starts_with(decorator_name(decorator), accessor);
                     });
}

bool is_test_name(const Definition& definition) {
  if (definition.kind == DefinitionKind::Class)
    return starts_with(definition.name, "Test");
  return starts_with(definition.name, "test");
}

// Components of a path, folders and file stem (no extension), the last `keep` of them: the
// top folders of an absolute path say where the project lives, not what the code is.
std::vector<std::string> path_components(std::string_view path, size_t keep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find_first_of("/\\", start);
    if (end == std::string_view::npos)
      end = path.size();
    if (end > start)
      parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (!parts.empty() && ends_with(parts.back(), ".py"))
    parts.back().resize(parts.back().size() - 3);
  if (parts.size() > keep)
    parts.erase(parts.begin(), parts.end() - static_cast<std::ptrdiff_t>(keep));
  return parts;
}

bool is_test_path(std::string_view path) {
  const std::vector<std::string> parts = path_components(path, 3);
  if (parts.empty())
    return false;
  const std::string& stem = parts.back();
  if (starts_with(stem, "test_") || ends_with(stem, "_test") || stem == "conftest")
    return true;
  return std::any_of(parts.begin(), parts.end() - 1, [](const std::string& folder) {
    return folder == "test" || folder == "tests" || folder == "testing";
  });
}

void add_token(std::vector<uint32_t>& tokens, std::string_view prefix, std::string_view text) {
  std::string token(prefix);
  token += text;
  tokens.push_back(token_bucket(token));
}

void add_name_tokens(std::vector<uint32_t>& tokens, std::string_view prefix,
                     std::string_view name) {
  for (const std::string& part : name_parts(name))
    add_token(tokens, prefix, part);
}

float log1p_of(int count) {
  return std::log1p(static_cast<float>(std::max(count, 0)));
}
float flag(bool value) {
  return value ? 1.0f : 0.0f;
}

// Documented fraction of `definitions` other than `self`; 0.5 (no evidence) when there are none.
float documented_fraction(const FileContext& context, const std::vector<int>& definitions,
                          int self) {
  int total = 0;
  int documented = 0;
  for (int index : definitions) {
    if (index == self)
      continue;
    ++total;
    documented += context.documented[index] ? 1 : 0;
  }
  return total == 0 ? 0.5f : static_cast<float>(documented) / static_cast<float>(total);
}

const std::vector<int>& siblings_of(const analysis::ModuleModel& model, const FileContext& context,
                                    int index) {
  const int parent = model.definitions[index].parent;
  return parent >= 0 ? model.definitions[parent].children : context.top_level;
}

float file_documented_fraction(const FileContext& context, int self) {
  const int others = static_cast<int>(context.documented.size()) - 1;
  if (others <= 0)
    return 0.5f;
  const int documented = context.documented_count - (context.documented[self] ? 1 : 0);
  return static_cast<float>(documented) / static_cast<float>(others);
}

float annotated_fraction(const Definition& definition) {
  if (definition.parameters.empty())
    return 0.0f;
  const auto annotated = std::count_if(
      definition.parameters.begin(), definition.parameters.end(),
      [](const analysis::Parameter& parameter) { return !parameter.annotation.empty(); });
  return static_cast<float>(annotated) / static_cast<float>(definition.parameters.size());
}

bool nested_in_function(const analysis::ModuleModel& model, const Definition& definition) {
  return definition.parent >= 0 &&
         model.definitions[definition.parent].kind != DefinitionKind::Class;
}

void fill_metrics(std::vector<float>& x, const DefinitionMetrics& metrics) {
  x[kCyclomaticLog] = log1p_of(metrics.cyclomatic);
  x[kCognitiveLog] = log1p_of(metrics.cognitive);
  x[kNestingScaled] = std::min(static_cast<float>(metrics.max_nesting) / 4.0f, 2.0f);
  x[kParamsLog] = log1p_of(metrics.params);
  x[kSlocLog] = log1p_of(metrics.sloc);
  x[kParams1] = flag(metrics.params >= 1);
  x[kParams2] = flag(metrics.params >= 2);
  x[kParams3] = flag(metrics.params >= 3);
  x[kParams6] = flag(metrics.params >= 6);
  x[kCyclomatic5] = flag(metrics.cyclomatic >= 5);
  x[kCyclomatic10] = flag(metrics.cyclomatic >= 10);
  x[kCyclomatic15] = flag(metrics.cyclomatic >= 15);
  x[kCyclomatic20] = flag(metrics.cyclomatic >= 20);
  x[kCyclomatic30] = flag(metrics.cyclomatic >= 30);
  x[kCognitive15] = flag(metrics.cognitive >= 15);
  x[kCognitive30] = flag(metrics.cognitive >= 30);
  x[kSloc10] = flag(metrics.sloc >= 10);
  x[kSloc30] = flag(metrics.sloc >= 30);
  x[kSloc60] = flag(metrics.sloc >= 60);
  x[kNesting3] = flag(metrics.max_nesting >= 3);
}

void fill_kind(std::vector<float>& x, const analysis::ModuleModel& model,
               const Definition& definition) {
  const bool nested = nested_in_function(model, definition);
  x[kKindNested] = flag(nested);
  x[kKindClass] = flag(!nested && definition.kind == DefinitionKind::Class);
  x[kKindMethod] = flag(!nested && definition.kind == DefinitionKind::Method);
  x[kKindFunction] = flag(!nested && definition.kind == DefinitionKind::Function);
}

void fill_flags(std::vector<float>& x, const Definition& definition, const FileContext& context,
                int index) {
  x[kAsync] = flag(definition.is_async);
  x[kGenerator] = flag(!definition.yields.empty());
  x[kProperty] = flag(is_property(definition));
  x[kStaticmethod] = flag(has_decorator(definition, "staticmethod"));
  x[kClassmethod] = flag(has_decorator(definition, "classmethod"));
  x[kTest] = flag(is_test_name(definition) || context.test_file);
  x[kPrivate] = flag(is_private(definition.name));
  x[kDunder] = flag(is_dunder(definition.name));
  x[kPublic] = flag(context.is_public[index]);
  x[kHasDocstring] = flag(context.documented[index]);
  x[kDecoratorsLog] = log1p_of(static_cast<int>(definition.decorators.size()));
  x[kReturnsValue] = flag(std::any_of(definition.returns.begin(), definition.returns.end(),
                                      [](const auto& ret) { return !ret.value.empty(); }));
  x[kRaises] = flag(!definition.raises.empty());
  x[kAnnotatedParams] = annotated_fraction(definition);
  x[kReturnAnnotation] = flag(!definition.return_annotation.empty());
  x[kInit] = flag(definition.name == "__init__");
}

std::vector<uint32_t> definition_tokens(const analysis::ModuleModel& model,
                                        const Definition& definition, const FileContext& context) {
  std::vector<uint32_t> tokens;
  add_name_tokens(tokens, "name:", definition.name);
  const std::vector<std::string> parts = name_parts(definition.name);
  if (!parts.empty())
    add_token(tokens, "first:", parts.front()); // The verb of `get_user`, `parse_header`.
  if (definition.parent >= 0)
    add_name_tokens(tokens, "parent:", model.definitions[definition.parent].name);
  for (const std::string& decorator : definition.decorators)
    add_token(tokens, "decorator:", last_dotted_part(decorator_name(decorator)));
  tokens.insert(tokens.end(), context.path_tokens.begin(), context.path_tokens.end());
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  return tokens;
}

} // namespace

const std::array<std::string_view, kNumericFeatures>& feature_names() {
  return kFeatureNames;
}

uint32_t token_bucket(std::string_view token) {
  uint64_t hash = 14695981039346656037ull; // FNV-1a offset basis.
  for (char c : token) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return static_cast<uint32_t>(hash % kTokenBuckets);
}

std::vector<std::string> name_parts(std::string_view name) {
  std::vector<std::string> parts;
  std::string current;
  auto flush = [&] {
    if (!current.empty())
      parts.push_back(std::move(current));
    current.clear();
  };
  auto is_upper = [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; };
  auto is_lower = [](char c) { return std::islower(static_cast<unsigned char>(c)) != 0; };
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '_') {
      flush();
      continue;
    }
    // A hump starts a part: `parseHeader` at `H`, and `HTTPHeader` at the `H` of `Header`.
    const bool after_lower = i > 0 && !is_upper(name[i - 1]) && name[i - 1] != '_';
    const bool acronym_end =
        i > 0 && is_upper(name[i - 1]) && i + 1 < name.size() && is_lower(name[i + 1]);
    if (is_upper(c) && (after_lower || acronym_end))
      flush();
    current.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  flush();
  return parts;
}

FileContext path_context(std::string_view path) {
  FileContext context;
  context.test_file = is_test_path(path);
  context.module_public = analysis::module_file(std::string(path)).is_public;
  for (const std::string& component : path_components(path, 3))
    add_name_tokens(context.path_tokens, "path:", component);
  return context;
}

FileContext file_context(const FileAnalysis& analysis, std::string_view path) {
  FileContext context = path_context(path);
  const analysis::ModuleModel& model = analysis.model;
  context.is_public = analysis::public_definitions(model);
  context.documented.resize(model.definitions.size());
  for (size_t i = 0; i < model.definitions.size(); ++i) {
    context.documented[i] = model.definitions[i].leading_string;
    context.documented_count += context.documented[i] ? 1 : 0;
    if (model.definitions[i].parent < 0)
      context.top_level.push_back(static_cast<int>(i));
  }
  return context;
}

namespace {

// The module as a definition: its size and complexity total, publicity and documentation.
Features module_features(const FileAnalysis& analysis, const FileContext& context) {
  Features features;
  features.version = kFeatureVersion;
  features.numeric.assign(kNumericFeatures, 0.0f);
  std::vector<float>& x = features.numeric;
  analysis::DefinitionMetrics metrics;
  metrics.cyclomatic = analysis.module.cyclomatic_total;
  metrics.sloc = analysis.module.raw ? analysis.module.raw->sloc : 0;
  fill_metrics(x, metrics);
  x[kTest] = flag(context.test_file);
  x[kPublic] = flag(context.module_public);
  x[kPrivate] = flag(!context.module_public);
  x[kHasDocstring] = flag(analysis.model.leading_string);
  const auto definitions = static_cast<float>(context.documented.size());
  x[kDocumentedFile] =
      definitions > 0 ? static_cast<float>(context.documented_count) / definitions : 0.5f;
  x[kDocumentedSiblings] = x[kDocumentedFile];
  features.tokens = context.path_tokens;
  std::sort(features.tokens.begin(), features.tokens.end());
  features.tokens.erase(std::unique(features.tokens.begin(), features.tokens.end()),
                        features.tokens.end());
  return features;
}

} // namespace

Features extract_features(const FileAnalysis& analysis, int definition_index,
                          const FileContext& context) {
  if (definition_index < 0)
    return module_features(analysis, context);
  const analysis::ModuleModel& model = analysis.model;
  const Definition& definition = model.definitions[definition_index];
  Features features;
  features.version = kFeatureVersion;
  features.numeric.assign(kNumericFeatures, 0.0f);
  std::vector<float>& x = features.numeric;
  fill_metrics(x, analysis.definitions[definition_index]);
  fill_kind(x, model, definition);
  fill_flags(x, definition, context, definition_index);
  x[kDocumentedFile] = file_documented_fraction(context, definition_index);
  x[kDocumentedSiblings] =
      documented_fraction(context, siblings_of(model, context, definition_index), definition_index);
  features.tokens = definition_tokens(model, definition, context);
  return features;
}

Features extract_features(const FileAnalysis& analysis, int definition_index,
                          std::string_view path) {
  return extract_features(analysis, definition_index, file_context(analysis, path));
}

} // namespace docent::inference
