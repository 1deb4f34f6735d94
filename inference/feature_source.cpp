// Version 0 features: the metrics the analysis already has (see feature_source.h).
#include "inference/feature_source.h"

namespace docent::inference {

using analysis::DefinitionKind;

namespace {

float flag(bool value) {
  return value ? 1.0f : 0.0f;
}

Features module_features(const analysis::FileAnalysis& analysis) {
  const analysis::ModuleMetrics& module = analysis.module;
  const int sloc = module.raw ? module.raw->sloc : 0;
  Features features;
  features.version = kMetricFeaturesVersion;
  features.numeric = {0.0f,
                      0.0f,
                      0.0f,
                      1.0f,
                      0.0f,
                      static_cast<float>(module.cyclomatic_total),
                      0.0f,
                      0.0f,
                      0.0f,
                      static_cast<float>(sloc),
                      flag(analysis.model.docstring.has_value())};
  return features;
}

} // namespace

Features metric_features(const analysis::FileAnalysis& analysis, int definition) {
  if (definition < 0 || static_cast<size_t>(definition) >= analysis.definitions.size())
    return module_features(analysis);
  const analysis::Definition& model = analysis.model.definitions[static_cast<size_t>(definition)];
  const analysis::DefinitionMetrics& metrics =
      analysis.definitions[static_cast<size_t>(definition)];
  Features features;
  features.version = kMetricFeaturesVersion;
  features.numeric = {flag(model.kind == DefinitionKind::Function),
                      flag(model.kind == DefinitionKind::Method),
                      flag(model.kind == DefinitionKind::Class),
                      0.0f,
                      flag(model.is_async),
                      static_cast<float>(metrics.cyclomatic),
                      static_cast<float>(metrics.cognitive),
                      static_cast<float>(metrics.max_nesting),
                      static_cast<float>(metrics.params),
                      static_cast<float>(metrics.sloc),
                      flag(model.docstring.has_value())};
  return features;
}

FeatureFunction feature_extractor() {
  // The model's feature extractor (inference/features.h) plugs in here.
  return &metric_features;
}

} // namespace docent::inference
