// Features of an analysis' definitions with the file context computed once (see
// feature_source.h).
#include "inference/feature_source.h"

namespace docent::inference {

std::shared_ptr<const FileContext> FileContextCache::of(const analysis::FileAnalysis& analysis,
                                                        const std::string& path) {
  const bool same = context_ && analysis_ == &analysis && path_ == path &&
                    snapshot_.lock() == analysis.snapshot &&
                    context_->documented.size() == analysis.model.definitions.size();
  if (!same) {
    context_ = std::make_shared<const FileContext>(file_context(analysis, path));
    analysis_ = &analysis;
    snapshot_ = analysis.snapshot;
    path_ = path;
  }
  return context_;
}

Features FeatureSource::of(int definition) {
  if (!context_)
    context_ = cache_ != nullptr
                   ? cache_->of(analysis_, path_)
                   : std::make_shared<const FileContext>(file_context(analysis_, path_));
  if (definition >= static_cast<int>(analysis_.model.definitions.size()))
    definition = -1;
  return extract_features(analysis_, definition, *context_);
}

} // namespace docent::inference
