// Bringing an existing docstring up to date with its definition, and rewriting it in another
// style. Both edit the docstring literal's body only, and keep every byte the user wrote that
// the change does not concern (see docs/docstrings.md, "Updating and converting").
#pragma once

#include "analysis/config.h"
#include "analysis/docstring_format.h"
#include "analysis/docstring_insert.h"
#include "analysis/document.h"
#include "analysis/python_model.h"

#include <optional>

namespace docent::analysis {

// The edit that makes the docstring of `model.definitions[index]` match its code, in the
// docstring's own (detected) style, indentation and line endings:
// - parameters new in the signature are added where the signature puts them, as the generator
//   writes them (type and placeholder); parameters no longer in it are removed (entries under
//   Keyword Args / Other Parameters are never removed);
// - when the docstring has types, the type of a documented parameter (or of Returns / Yields)
//   is replaced when its annotation says otherwise, or added when the parameter is annotated;
// - Returns, Yields and Raises are added when the code has them and the docstring lacks them;
//   Returns and Yields are removed when the function no longer returns a value / yields (not
//   for stubs: abstract methods, overloads, bodies of `...`, `pass` or `raise
//   NotImplementedError`), Raises entries when the exception is no longer raised (only when
//   every raise of the function names its exception class).
// Everything else (summary, description, descriptions of kept entries, other sections, blank
// lines) is kept byte for byte. nullopt when nothing needs to change, when the definition has
// no docstring, or when the docstring has no sections (a PEP 257 docstring is complete as it is).
std::optional<TextEdit> docstring_update(const Snapshot& snapshot, const ModuleModel& model,
                                         size_t index, const CheckConfig& config);

// Whether docstring_update() would change the docstring (for offering the action).
bool docstring_outdated(const Snapshot& snapshot, const ModuleModel& model, size_t index,
                        const CheckConfig& config);

// The edit that rewrites the docstring of `model.definitions[index]` in `target` style: the
// summary and description as written, each entry's name, type and description text, prose
// sections under the target's equivalent (kept as written where it has none), unknown
// sections verbatim. Descriptions are not wrapped again. nullopt if the docstring is already
// in that style, has no sections, or `target` is Pep257 (which cannot hold sections).
std::optional<TextEdit> docstring_conversion(const Snapshot& snapshot, const ModuleModel& model,
                                             size_t index, const CheckConfig& config,
                                             DocstringStyle target);

// The style a definition's docstring is written in (detected), or nullopt without a docstring.
std::optional<DocstringStyle> docstring_style_of(const Definition& definition);

} // namespace docent::analysis
