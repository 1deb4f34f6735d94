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

#include <memory>
#include <string>

namespace docent::inference {

// The file context of the last analysis asked about, kept so that requests on a document that
// did not change (code actions at every cursor move) do not compute it again. An analysis is
// recognized by its address and its snapshot, held weakly: a snapshot that is still alive is
// the same text. Thread-safety: none; one thread (the server's document worker).
class FileContextCache {
public:
  std::shared_ptr<const FileContext> of(const analysis::FileAnalysis& analysis,
                                        const std::string& path);

private:
  const analysis::FileAnalysis* analysis_ = nullptr;
  std::weak_ptr<const analysis::Snapshot> snapshot_;
  std::string path_;
  std::shared_ptr<const FileContext> context_;
};

// Thread-safety: none; one thread, for the life of `analysis` (which it refers to).
class FeatureSource {
public:
  // `path`: the file's path, empty for a document that is not a local file. `cache` (may be
  // null) keeps the file context for the next source over the same analysis.
  FeatureSource(const analysis::FileAnalysis& analysis, std::string path,
                FileContextCache* cache = nullptr)
      : analysis_(analysis), path_(std::move(path)), cache_(cache) {}

  // The features of `analysis.model.definitions[definition]`, or of the module for -1 (and for
  // an index out of range).
  Features of(int definition);

  const analysis::FileAnalysis& analysis() const { return analysis_; }
  const std::string& path() const { return path_; }

private:
  const analysis::FileAnalysis& analysis_;
  std::string path_;
  FileContextCache* cache_;
  std::shared_ptr<const FileContext> context_; // At the first of().
};

} // namespace docent::inference
