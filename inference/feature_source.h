// The features recorded with each feedback event and looked up for predictions: what the server
// knows about the definition a suggestion is about, at the moment it is shown or judged.
//
// The model's extractor (features.h, kFeatureVersion) needs the file's path and file-level
// context (how documented the file and each definition's neighbours are). A FeatureSource
// computes that context once per analysis, at the first definition asked for, so that a
// request or review that records nothing costs nothing.
#pragma once

#include "analysis/analyzer.h"
#include "inference/features.h"
#include "inference/learning_types.h"

#include <optional>
#include <string>

namespace docent::inference {

// Thread-safety: none; one thread, for the life of `analysis` (which it refers to).
class FeatureSource {
public:
  // `path`: the file's path, empty for a document that is not a local file.
  FeatureSource(const analysis::FileAnalysis& analysis, std::string path)
      : analysis_(analysis), path_(std::move(path)) {}

  // The features of `analysis.model.definitions[definition]`, or of the module for -1 (and for
  // an index out of range).
  Features of(int definition);

  const analysis::FileAnalysis& analysis() const { return analysis_; }
  const std::string& path() const { return path_; }

private:
  const analysis::FileAnalysis& analysis_;
  std::string path_;
  std::optional<FileContext> context_; // Computed at the first of().
};

} // namespace docent::inference
