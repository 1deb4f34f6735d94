// The features recorded with each feedback event: what the server knows about the definition a
// suggestion was about, at the moment it was shown or judged.
//
// This is the one place where the feature extractor plugs in. Until the model's extractor
// (features.h) is there, the server records version 0: the definition's kind and metrics,
// which the analysis has already computed, so recording costs next to nothing. The version is
// stored with every event, so a model can tell these vectors from its own.
#pragma once

#include "analysis/analyzer.h"
#include "inference/learning_types.h"

namespace docent::inference {

// The features of `analysis.model.definitions[definition]`, or of the module for -1.
using FeatureFunction = Features (*)(const analysis::FileAnalysis& analysis, int definition);

// Version 0, in this order: is_function, is_method, is_class, is_module, is_async, cyclomatic,
// cognitive, max_nesting, params, sloc, has_docstring. No tokens.
inline constexpr int kMetricFeaturesVersion = 0;
Features metric_features(const analysis::FileAnalysis& analysis, int definition);

// The extractor the server records with. The model's extractor replaces metric_features here.
FeatureFunction feature_extractor();

} // namespace docent::inference
