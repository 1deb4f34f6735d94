// Docstrings that disagree with their code: pydoclint's DOC1xx–DOC5xx, one finding per name.
//
// Only docstrings with at least one structured section (parameters, returns, yields, raises) in
// any style are checked; a summary-only docstring is left alone, as pydoclint's default
// `skip-checking-short-docstrings` has it. See docs/docstrings.md for each code.
#pragma once

#include "analysis/python_model.h"

#include <string>
#include <vector>

namespace docent::analysis {

struct DocstringMismatch {
  const char* code;    // DOC101 … DOC503.
  std::string message; // Names the definition and the parameter, type or exception.
  int definition;      // Index into the model's definitions: where the finding is placed.
};

// Every mismatch in the module, in document order of the definitions. `init_in_class`: the
// class docstring documents `__init__`'s parameters (setting docstring-init-in-class).
std::vector<DocstringMismatch> docstring_mismatches(const ModuleModel& model, bool init_in_class);
// Those of definitions [first, last), a run of whole top-level statements (a constructor's
// class is among them).
std::vector<DocstringMismatch> docstring_mismatches(const ModuleModel& model, bool init_in_class,
                                                    size_t first, size_t last);

} // namespace docent::analysis
