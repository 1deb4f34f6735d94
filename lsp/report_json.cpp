// Serialization of metrics and findings with nlohmann::json (key order kept as documented).
#include "lsp/report_json.h"

namespace docent::lsp {

using namespace docent::analysis;

Json halstead_json(const HalsteadReport& report) {
  return Json{{"h1", report.h1},
              {"h2", report.h2},
              {"N1", report.N1},
              {"N2", report.N2},
              {"vocabulary", report.vocabulary},
              {"length", report.length},
              {"volume", report.volume},
              {"difficulty", report.difficulty},
              {"effort", report.effort}};
}

Json definition_json(const std::string& path, const FileAnalysis& analysis, size_t index) {
  const Definition& definition = analysis.model.definitions[index];
  const DefinitionMetrics& metrics = analysis.definitions[index];
  return Json{
      {"path", path},
      {"qualname", definition.qualname},
      {"name", definition.name},
      {"kind", to_string(definition.kind)},
      {"line", definition.line},
      {"end_line", definition.end_line},
      {"cyclomatic", metrics.cyclomatic},
      {"rank", std::string(1, metrics.rank)},
      {"mccabe", metrics.mccabe ? Json(*metrics.mccabe) : Json(nullptr)},
      {"cognitive", metrics.cognitive},
      {"max_nesting", metrics.max_nesting},
      {"params", metrics.params},
      {"loc", metrics.loc},
      {"sloc", metrics.sloc},
      {"halstead", halstead_json(metrics.halstead)},
      {"is_async", definition.is_async},
      {"has_docstring", definition.docstring.has_value()},
  };
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
