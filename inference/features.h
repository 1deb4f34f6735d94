// Features of a definition for the learning model: a fixed layout of numbers (metrics, flags,
// how documented its surroundings are) and hashed tokens (name parts, path, decorators).
//
// The layout is versioned: a model trained on one kFeatureVersion must not be fed another, so
// any change to the numbers below or to the hashing bumps the version. The layout is listed
// by name in docs/learning.md (generated from feature_names()).
#pragma once

#include "analysis/analyzer.h"
#include "inference/learning_types.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace docent::inference {

inline constexpr int kFeatureVersion = 1;

// Index of each number in Features::numeric. Counts use log1p so that a 200-line function does
// not dwarf everything else; thresholds that users and rules commonly use are also given as
// 0/1 steps ("at least"), which a small model learns from a handful of examples where a
// threshold on a log scale takes many.
enum NumericFeature : int {
  kCyclomaticLog,      // log1p(radon cyclomatic complexity).
  kCognitiveLog,       // log1p(cognitive complexity).
  kNestingScaled,      // Deepest nesting / 4, at most 2.
  kParamsLog,          // log1p(parameters without self/cls).
  kSlocLog,            // log1p(source lines of code).
  kKindFunction,       // A module-level function.
  kKindMethod,         // A function directly in a class.
  kKindClass,          // A class.
  kKindNested,         // A function or class inside a function.
  kAsync,              // `async def`.
  kGenerator,          // Yields.
  kProperty,           // @property, @cached_property or a property's setter/deleter.
  kStaticmethod,       // @staticmethod.
  kClassmethod,        // @classmethod.
  kTest,               // A test: `test*` function, `Test*` class, or in a test file or folder.
  kPrivate,            // Name starts with `_` and is not a dunder.
  kDunder,             // `__name__`.
  kPublic,             // Public as pydocstyle decides it (analysis/docstring_rules.h).
  kHasDocstring,       // Has a docstring now.
  kDecoratorsLog,      // log1p(number of decorators).
  kDocumentedFile,     // Documented fraction of the file's other definitions (0.5 if none).
  kDocumentedSiblings, // The same over definitions with the same parent (0.5 if none).
  kReturnsValue,       // Has a `return` with a value.
  kRaises,             // Has a `raise`.
  kAnnotatedParams,    // Fraction of parameters with an annotation (0 if none).
  kReturnAnnotation,   // Has a return annotation.
  kInit,               // `__init__`.
  kParams1,            // At least 1 parameter.
  kParams2,            // At least 2.
  kParams3,            // At least 3.
  kParams6,            // At least 6 (above DCT203's default).
  kCyclomatic5,        // Cyclomatic complexity at least 5.
  kCyclomatic10,       // At least 10.
  kCyclomatic15,       // At least 15.
  kCyclomatic20,       // At least 20.
  kCyclomatic30,       // At least 30.
  kCognitive15,        // Cognitive complexity at least 15.
  kCognitive30,        // At least 30.
  kSloc10,             // At least 10 source lines.
  kSloc30,             // At least 30.
  kSloc60,             // At least 60.
  kNesting3,           // Nesting at least 3.
  kNumericFeatures     // The count; not a feature.
};

// The name of each numeric feature, in layout order.
const std::array<std::string_view, kNumericFeatures>& feature_names();

// Tokens are hashed into this many buckets (Features::tokens holds bucket indices).
inline constexpr uint32_t kTokenBuckets = 2048;

// The bucket of one token, e.g. "name:parse" or "path:email" (FNV-1a, stable across builds).
uint32_t token_bucket(std::string_view token);

// Lower-case parts of an identifier, split on `_` and at camelCase humps: `parseHTTPHeader_v2`
// gives parse, http, header, v2.
std::vector<std::string> name_parts(std::string_view name);

// What features need from a whole file, computed once per file. Thread-safety: a value.
struct FileContext {
  std::vector<bool> is_public;  // Parallel to the model's definitions.
  std::vector<bool> documented; // Parallel to the model's definitions.
  int documented_count = 0;     // Definitions with a docstring.
  std::vector<int> top_level;   // Indices of the module-level definitions.
  bool test_file = false;       // test_*.py, *_test.py, or under a test/tests folder.
  bool module_public = true;    // The module itself, from its path (D100).
  std::vector<uint32_t> path_tokens;
};
FileContext file_context(const analysis::FileAnalysis& analysis, std::string_view path);
// Its part that the path alone decides (test_file, module_public, path_tokens); the rest empty.
FileContext path_context(std::string_view path);

// The features of analysis.model.definitions[definition_index], or with -1 of the module (for
// D100/D104: no kind flag set, the module's SLOC and complexity total, public as pydocstyle
// decides from the path); `context` is file_context(analysis, path). Thread-safety: pure.
Features extract_features(const analysis::FileAnalysis& analysis, int definition_index,
                          const FileContext& context);
// The same, computing the file context on the way (O(definitions in the file)).
Features extract_features(const analysis::FileAnalysis& analysis, int definition_index,
                          std::string_view path);

} // namespace docent::inference
