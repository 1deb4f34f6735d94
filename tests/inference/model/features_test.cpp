// Feature extraction: the layout, the flags the simulated and real users decide by, the tokens.
#include "analysis/analyzer.h"
#include "inference/features.h"

#include <catch2/catch.hpp>

#include <string>

using namespace docent;
using inference::Features;

namespace {

analysis::FileAnalysis analyze_text(std::string text) {
  return analysis::analyze(analysis::parse_snapshot(std::move(text)));
}

int index_of(const analysis::FileAnalysis& analysis, const std::string& qualname) {
  for (size_t i = 0; i < analysis.model.definitions.size(); ++i)
    if (analysis.model.definitions[i].qualname == qualname)
      return static_cast<int>(i);
  FAIL("no definition " << qualname);
  return -1;
}

const char* kSource = R"(
def parse_header(name, value, strict=False):
    """Documented."""
    if name:
        return value
    raise ValueError(name)

def _helper(x):
    return x

class Widget:
    def __init__(self, size):
        self.size = size

    @property
    def area(self):
        return self.size

    def __repr__(self):
        return "w"

    @staticmethod
    def make(a, b):
        def inner():
            yield a
        return inner

def test_widget():
    assert Widget(1).area == 1
)";

} // namespace

TEST_CASE("Every feature has a name and the layout has the version's size", "[features]") {
  REQUIRE(inference::feature_names().size() == inference::kNumericFeatures);
  for (std::string_view name : inference::feature_names())
    CHECK(!name.empty());
  const auto analysis = analyze_text(kSource);
  const Features features = inference::extract_features(analysis, 0, "pkg/mod.py");
  CHECK(features.version == inference::kFeatureVersion);
  CHECK(features.numeric.size() == inference::kNumericFeatures);
  for (uint32_t token : features.tokens)
    CHECK(token < inference::kTokenBuckets);
}

TEST_CASE("Flags and thresholds describe the definition", "[features]") {
  const auto analysis = analyze_text(kSource);
  const inference::FileContext context = inference::file_context(analysis, "pkg/mod.py");
  auto x = [&](const std::string& qualname) {
    return inference::extract_features(analysis, index_of(analysis, qualname), context).numeric;
  };
  using namespace inference;
  const auto parse = x("parse_header");
  CHECK(parse[kKindFunction] == 1);
  CHECK(parse[kPublic] == 1);
  CHECK(parse[kPrivate] == 0);
  CHECK(parse[kHasDocstring] == 1);
  CHECK(parse[kParams2] == 1);
  CHECK(parse[kParams3] == 1);
  CHECK(parse[kParams6] == 0);
  CHECK(parse[kReturnsValue] == 1);
  CHECK(parse[kRaises] == 1);
  CHECK(parse[kTest] == 0);

  const auto helper = x("_helper");
  CHECK(helper[kPrivate] == 1);
  CHECK(helper[kPublic] == 0);
  CHECK(helper[kParams1] == 1);
  CHECK(helper[kParams2] == 0);
  // Of the other eight definitions only parse_header is documented.
  CHECK(helper[kDocumentedFile] == Approx(1.0 / 8));

  CHECK(x("Widget")[kKindClass] == 1);
  CHECK(x("Widget.__init__")[kInit] == 1);
  CHECK(x("Widget.__init__")[kKindMethod] == 1);
  CHECK(x("Widget.area")[kProperty] == 1);
  CHECK(x("Widget.__repr__")[kDunder] == 1);
  CHECK(x("Widget.__repr__")[kPrivate] == 0);
  CHECK(x("Widget.make")[kStaticmethod] == 1);
  CHECK(x("Widget.make.inner")[kKindNested] == 1);
  CHECK(x("Widget.make.inner")[kGenerator] == 1);
  CHECK(x("Widget.make.inner")[kPublic] == 0);
  CHECK(x("test_widget")[kTest] == 1);
}

TEST_CASE("A test file makes every definition in it a test", "[features]") {
  const auto analysis = analyze_text("def check(): pass\n");
  CHECK(inference::extract_features(analysis, 0, "proj/tests/util.py").numeric[inference::kTest] ==
        1);
  CHECK(inference::extract_features(analysis, 0, "proj/test_util.py").numeric[inference::kTest] ==
        1);
  CHECK(inference::extract_features(analysis, 0, "proj/util.py").numeric[inference::kTest] == 0);
}

TEST_CASE("Names split on underscores and camelCase humps", "[features]") {
  using V = std::vector<std::string>;
  CHECK(inference::name_parts("parse_header") == V{"parse", "header"});
  CHECK(inference::name_parts("parseHTTPHeader_v2") == V{"parse", "http", "header", "v2"});
  CHECK(inference::name_parts("__init__") == V{"init"});
  CHECK(inference::name_parts("XMLParser") == V{"xml", "parser"});
  CHECK(inference::name_parts("").empty());
}

TEST_CASE("Token buckets are stable and shared by equal tokens", "[features]") {
  CHECK(inference::token_bucket("name:parse") == inference::token_bucket("name:parse"));
  CHECK(inference::token_bucket("name:parse") < inference::kTokenBuckets);
  const auto analysis = analyze_text("def get_user(): pass\ndef get_item(): pass\n");
  const Features a = inference::extract_features(analysis, 0, "app/users.py");
  const Features b = inference::extract_features(analysis, 1, "app/users.py");
  const uint32_t get = inference::token_bucket("name:get");
  CHECK(std::count(a.tokens.begin(), a.tokens.end(), get) == 1);
  CHECK(std::count(b.tokens.begin(), b.tokens.end(), get) == 1);
  CHECK(std::count(a.tokens.begin(), a.tokens.end(), inference::token_bucket("path:users")) == 1);
}

TEST_CASE("The module has features too", "[features]") {
  const auto analysis = analyze_text(kSource);
  const Features module = inference::extract_features(analysis, -1, "pkg/_private.py");
  CHECK(module.version == inference::kFeatureVersion);
  CHECK(module.numeric.size() == inference::kNumericFeatures);
  CHECK(module.numeric[inference::kKindFunction] == 0);
  CHECK(module.numeric[inference::kKindClass] == 0);
  CHECK(module.numeric[inference::kPublic] == 0);
  CHECK(module.numeric[inference::kHasDocstring] == 0);
  CHECK(module.numeric[inference::kSloc10] == 1);
  CHECK(module.numeric[inference::kDocumentedFile] == Approx(1.0 / 9));
  CHECK(std::count(module.tokens.begin(), module.tokens.end(),
                   inference::token_bucket("path:private")) == 1);
}
