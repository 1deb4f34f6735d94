// Serialization of metrics and findings with nlohmann::json (key order kept as documented).
#include "lsp/report_json.h"

namespace docent::lsp {

using namespace docent::analysis;

namespace {

// Builds an object key by key in the documented order. nlohmann's initializer-list form first
// builds every {key, value} pair as a JSON array, which made up most of the cost of
// `docent metrics` output; keys here are distinct by construction.
class ObjectBuilder {
public:
  ObjectBuilder() : json_(Json::object()) { entries().reserve(20); }
  template <typename T> ObjectBuilder& add(const char* key, T&& value) {
    entries().emplace_back(key, Json(std::forward<T>(value)));
    return *this;
  }
  Json take() { return std::move(json_); }

private:
  Json::object_t::Container& entries() { return json_.get_ref<Json::object_t&>(); }
  Json json_;
};

} // namespace

Json halstead_json(const HalsteadReport& report) {
  return ObjectBuilder()
      .add("h1", report.h1)
      .add("h2", report.h2)
      .add("N1", report.N1)
      .add("N2", report.N2)
      .add("vocabulary", report.vocabulary)
      .add("length", report.length)
      .add("volume", report.volume)
      .add("difficulty", report.difficulty)
      .add("effort", report.effort)
      .take();
}

Json definition_json(const std::string& path, const FileAnalysis& analysis, size_t index) {
  const Definition& definition = analysis.model.definitions[index];
  const DefinitionMetrics& metrics = analysis.definitions[index];
  return ObjectBuilder()
      .add("path", path)
      .add("qualname", definition.qualname)
      .add("name", definition.name)
      .add("kind", to_string(definition.kind))
      .add("line", definition.line)
      .add("end_line", definition.end_line)
      .add("cyclomatic", metrics.cyclomatic)
      .add("rank", std::string(1, metrics.rank))
      .add("mccabe", metrics.mccabe ? Json(*metrics.mccabe) : Json(nullptr))
      .add("cognitive", metrics.cognitive)
      .add("max_nesting", metrics.max_nesting)
      .add("params", metrics.params)
      .add("loc", metrics.loc)
      .add("sloc", metrics.sloc)
      .add("halstead", halstead_json(metrics.halstead))
      .add("is_async", definition.is_async)
      .add("has_docstring", definition.docstring.has_value())
      .take();
}

Json module_json(const std::string& path, const FileAnalysis& analysis) {
  const ModuleMetrics& module = analysis.module;
  Json json{{"path", path}, {"kind", "module"}};
  if (module.raw) {
    const RawMetrics& raw = *module.raw;
    json["loc"] = raw.loc;
    json["lloc"] = raw.lloc;
    json["sloc"] = raw.sloc;
    json["comments"] = raw.comments;
    json["multi"] = raw.multi;
    json["blank"] = raw.blank;
    json["single_comments"] = raw.single_comments;
  }
  json["mi"] = module.mi ? Json(*module.mi) : Json(nullptr);
  json["mi_rank"] = module.mi ? Json(std::string(1, module.mi_rank)) : Json(nullptr);
  json["cyclomatic_total"] = module.cyclomatic_total;
  json["halstead"] = halstead_json(module.halstead);
  json["definitions"] = analysis.model.definitions.size();
  json["syntax_errors"] = analysis.model.errors.size();
  return json;
}

Json error_json(const std::string& path, const std::string& reason) {
  return Json{{"path", path}, {"kind", "error"}, {"reason", reason}};
}

TextLocation text_location(const Snapshot& snapshot, uint32_t offset) {
  const Position position =
      snapshot.lines().position_of(snapshot.text(), offset, PositionEncoding::Utf32);
  return TextLocation{position.line + 1, position.character + 1};
}

Json finding_json(const std::string& path, const Snapshot& snapshot, const Finding& finding) {
  const TextLocation start = text_location(snapshot, finding.range.start);
  const TextLocation end = text_location(snapshot, finding.range.end);
  return Json{{"code", finding.code},
              {"message", finding.message},
              {"severity", to_string(finding.severity)},
              {"filename", path},
              {"location", {{"row", start.row}, {"column", start.column}}},
              {"end_location", {{"row", end.row}, {"column", end.column}}}};
}

} // namespace docent::lsp
