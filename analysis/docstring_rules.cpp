// pydocstyle's missing-docstring rules over the Python model (see docstring_rules.h).
#include "analysis/docstring_rules.h"

#include <algorithm>
#include <filesystem>

namespace docent::analysis {

namespace {

bool is_private_name(std::string_view name) {
  const bool dunder =
      name.size() >= 4 && name.substr(0, 2) == "__" && name.substr(name.size() - 2) == "__";
  return !name.empty() && name.front() == '_' && !dunder;
}

bool starts_with_underscore(std::string_view name) {
  return !name.empty() && name.front() == '_';
}

bool is_magic(std::string_view name) {
  return name.size() >= 4 && name.substr(0, 2) == "__" && name.substr(name.size() - 2) == "__" &&
         name != "__init__" && name != "__call__" && name != "__new__";
}

// pydocstyle's decorator name: the expression up to its arguments, spaces dropped.
std::string decorator_name(std::string_view decorator) {
  std::string name;
  for (char c : decorator.substr(0, decorator.find('(')))
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\\')
      name.push_back(c);
  return name;
}

bool has_decorator(const Definition& definition, std::string_view wanted) {
  return std::any_of(
      definition.decorators.begin(), definition.decorators.end(),
      [&](const std::string& decorator) { return decorator_name(decorator) == wanted; });
}

// `@name.setter`, `@name.deleter` (any `@name.something`): the property's other half.
bool is_property_accessor(const Definition& definition) {
  if (definition.decorators.empty())
    return false; // Most methods: no name to build (this runs on every keystroke).
  const std::string prefix = definition.name + ".";
  return std::any_of(definition.decorators.begin(), definition.decorators.end(),
                     [&](const std::string& decorator) {
                       return decorator_name(decorator).compare(0, prefix.size(), prefix) == 0;
                     });
}

// Memoized publicity of each definition (parents come before children).
class Publicity {
public:
  explicit Publicity(const ModuleModel& model) : Publicity(model, 0, model.definitions.size()) {}
  // Decides definitions [first, last) only, which hold the parents of each other's.
  Publicity(const ModuleModel& model, size_t first, size_t last)
      : model_(model), public_(model.definitions.size(), false) {
    for (size_t i = first; i < last; ++i)
      public_[i] = decide(model.definitions[i]);
  }

  bool is_public(size_t index) const { return public_[index]; }

private:
  bool module_level_name_is_public(const std::string& name) const {
    if (model_.all)
      return std::find(model_.all->begin(), model_.all->end(), name) != model_.all->end();
    return !starts_with_underscore(name);
  }

  bool decide(const Definition& definition) const {
    if (definition.parent < 0)
      return module_level_name_is_public(definition.name);
    const Definition& parent = model_.definitions[definition.parent];
    const bool parent_public = public_[definition.parent];
    if (parent.kind != DefinitionKind::Class)
      return false; // Nested in a function.
    if (definition.kind == DefinitionKind::Class)
      return parent_public && !starts_with_underscore(definition.name);
    if (is_property_accessor(definition))
      return false;
    const bool name_is_public = !starts_with_underscore(definition.name) ||
                                definition.name == "__init__" || definition.name == "__call__" ||
                                definition.name == "__new__" || is_magic(definition.name);
    return parent_public && name_is_public;
  }

  const ModuleModel& model_;
  std::vector<bool> public_;
};

std::optional<MissingDocstring> missing_for(const ModuleModel& model, size_t index) {
  const Definition& definition = model.definitions[index];
  const int at = static_cast<int>(index);
  if (definition.kind == DefinitionKind::Class) {
    if (definition.parent >= 0)
      return MissingDocstring{"D106", "Missing docstring in public nested class", at};
    return MissingDocstring{"D101", "Missing docstring in public class", at};
  }
  if (definition.kind == DefinitionKind::Method) {
    if (is_magic(definition.name))
      return MissingDocstring{"D105", "Missing docstring in magic method", at};
    if (definition.name == "__init__")
      return MissingDocstring{"D107", "Missing docstring in __init__", at};
    if (has_decorator(definition, "overload"))
      return std::nullopt;
    return MissingDocstring{"D102", "Missing docstring in public method", at};
  }
  if (has_decorator(definition, "overload"))
    return std::nullopt;
  return MissingDocstring{"D103", "Missing docstring in public function", at};
}

} // namespace

ModuleFile module_file(const std::string& path) {
  ModuleFile module;
  if (path.empty())
    return module;
  namespace fs = std::filesystem;
  const fs::path file(path);
  module.is_package = file.filename() == "__init__.py";
  module.is_public = !is_private_name(file.stem().string());
  std::error_code error;
  for (fs::path folder = file.parent_path();
       module.is_public && !folder.empty() && fs::exists(folder / "__init__.py", error);
       folder = folder.parent_path()) {
    if (is_private_name(folder.filename().string()))
      module.is_public = false;
    if (folder == folder.parent_path())
      break;
  }
  return module;
}

std::vector<bool> public_definitions(const ModuleModel& model) {
  return public_definitions(model, 0, model.definitions.size());
}

std::vector<bool> public_definitions(const ModuleModel& model, size_t first, size_t last) {
  const Publicity publicity(model, first, last);
  std::vector<bool> result(model.definitions.size());
  for (size_t i = first; i < last; ++i)
    result[i] = publicity.is_public(i);
  return result;
}

std::vector<MissingDocstring> missing_docstrings(const FileAnalysis& analysis,
                                                 const ModuleFile& module) {
  std::vector<MissingDocstring> missing;
  if (std::optional<MissingDocstring> own = missing_module_docstring(analysis.model, module))
    missing.push_back(*own);
  const std::vector<MissingDocstring> definitions =
      missing_definition_docstrings(analysis.model, 0, analysis.model.definitions.size());
  missing.insert(missing.end(), definitions.begin(), definitions.end());
  return missing;
}

std::optional<MissingDocstring> missing_module_docstring(const ModuleModel& model,
                                                         const ModuleFile& module) {
  if (!module.is_public || model.leading_string)
    return std::nullopt;
  return module.is_package ? MissingDocstring{"D104", "Missing docstring in public package", -1}
                           : MissingDocstring{"D100", "Missing docstring in public module", -1};
}

std::vector<MissingDocstring> missing_definition_docstrings(const ModuleModel& model, size_t first,
                                                            size_t last) {
  std::vector<MissingDocstring> missing;
  const Publicity publicity(model, first, last);
  for (size_t i = first; i < last; ++i) {
    if (model.definitions[i].leading_string || !publicity.is_public(i))
      continue;
    if (std::optional<MissingDocstring> found = missing_for(model, i))
      missing.push_back(*found);
  }
  return missing;
}

} // namespace docent::analysis
