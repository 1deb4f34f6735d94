// Features of an analysis' definitions with the file context computed once (see
// feature_source.h).
#include "inference/feature_source.h"

namespace docent::inference {

Features FeatureSource::of(int definition) {
  if (!context_)
    context_ = file_context(analysis_, path_);
  if (definition >= static_cast<int>(analysis_.model.definitions.size()))
    definition = -1;
  return extract_features(analysis_, definition, *context_);
}

} // namespace docent::inference
