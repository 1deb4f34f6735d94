// Which definitions must have a docstring: pydocstyle's D100–D107 with its publicity rules.
//
// Public, as pydocstyle decides it: a module whose name and enclosing packages' names do not
// start with an underscore (dunder names such as `__main__` are public); a module-level
// function or class whose name is in the module's literal `__all__`, or, without one, does not
// start with an underscore; a method of a public class whose name does not start with an
// underscore or is a magic method, unless it is a property setter or deleter; a class nested
// in a public class under the same name rule. Nested functions, and classes inside functions,
// are never public. `@overload` functions and methods need no docstring.
#pragma once

#include "analysis/analyzer.h"

#include <optional>
#include <string>
#include <vector>

namespace docent::analysis {

// What pydocstyle knows of a module from its path.
struct ModuleFile {
  bool is_public = true;
  bool is_package = false; // An `__init__.py`.
};
// From a file path (empty: a public module that is not a package). A module is inside a
// private package if a folder between it and the top of its package chain (the first folder
// without `__init__.py`) has a private name.
ModuleFile module_file(const std::string& path);

struct MissingDocstring {
  const char* code;    // D100 … D107.
  const char* message; // pydocstyle's wording.
  int definition;      // Index into the model's definitions; -1 for the module.
};

// Whether each of the model's definitions is public as pydocstyle decides it (above); parallel
// to model.definitions.
std::vector<bool> public_definitions(const ModuleModel& model);
// The same decided for definitions [first, last) only, a run of whole top-level statements
// (each definition's parent is among them, or the module); false for the others.
std::vector<bool> public_definitions(const ModuleModel& model, size_t first, size_t last);

// Every public definition (and the module, if public) without a docstring, in document order.
std::vector<MissingDocstring> missing_docstrings(const FileAnalysis& analysis,
                                                 const ModuleFile& module);
// Its two parts: the module's own (D100/D104), and that of definitions [first, last), a run of
// whole top-level statements (each definition's parent is among them, or the module).
std::optional<MissingDocstring> missing_module_docstring(const ModuleModel& model,
                                                         const ModuleFile& module);
std::vector<MissingDocstring> missing_definition_docstrings(const ModuleModel& model, size_t first,
                                                            size_t last);

} // namespace docent::analysis
