// The learning model's forward pass in plain C++ (see network_weights.h).
#include "inference/network_weights.h"

#include "inference/features.h"

#include <algorithm>
#include <cmath>

namespace docent::inference {

namespace {

// out[j] += sum_i in[i] * matrix[i, j] for a row-major [in.size(), out.size()] matrix. Zero
// inputs (most of the flags) are skipped.
void add_product(const float* in, size_t rows, const float* matrix, float* out, size_t columns) {
  for (size_t i = 0; i < rows; ++i) {
    const float value = in[i];
    if (value == 0.0f)
      continue;
    const float* row = matrix + i * columns;
    for (size_t j = 0; j < columns; ++j)
      out[j] += value * row[j];
  }
}

float sigmoid(float logit) {
  return 1.0f / (1.0f + std::exp(-logit));
}

} // namespace

bool NetworkWeights::valid() const {
  if (inputs != kNumericFeatures + 1 || heads != kSuggestionKinds + kSections || embedding < 0 ||
      hidden < 0 || buckets <= 0)
    return false;
  const auto size = [](int rows, int columns) {
    return static_cast<size_t>(rows) * static_cast<size_t>(columns);
  };
  return linear.size() == size(inputs, heads) &&
         tokens.size() == size(buckets, heads + embedding) &&
         hidden_layer.size() == size(inputs + embedding, hidden) &&
         out.size() == size(hidden, heads);
}

Prediction NetworkWeights::predict(const Features& features) const {
  if (!valid() || features.version != kFeatureVersion ||
      features.numeric.size() != static_cast<size_t>(kNumericFeatures))
    return prior_prediction();
  const auto width = static_cast<size_t>(heads + embedding);
  // The hidden layer's input: the numeric features, the constant 1, then the embedding part
  // of the mean of the token rows (whose first `heads` columns go straight to the logits).
  std::vector<float> input(features.numeric.begin(), features.numeric.end());
  input.push_back(1.0f);
  std::vector<float> bags(width, 0.0f);
  for (uint32_t token : features.tokens) {
    const float* row = tokens.data() + (token % static_cast<uint32_t>(buckets)) * width;
    for (size_t j = 0; j < width; ++j)
      bags[j] += row[j];
  }
  if (!features.tokens.empty())
    for (float& value : bags)
      value /= static_cast<float>(features.tokens.size());
  input.insert(input.end(), bags.begin() + heads, bags.end());

  std::vector<float> units(static_cast<size_t>(hidden), 0.0f);
  add_product(input.data(), input.size(), hidden_layer.data(), units.data(), units.size());
  for (float& unit : units)
    unit = std::max(unit, 0.0f);

  std::vector<float> logits(bags.begin(), bags.begin() + heads);
  add_product(input.data(), static_cast<size_t>(inputs), linear.data(), logits.data(),
              logits.size());
  add_product(units.data(), units.size(), out.data(), logits.data(), logits.size());

  Prediction prediction;
  for (int k = 0; k < kSuggestionKinds; ++k)
    prediction.accept[static_cast<size_t>(k)] =
        sigmoid(prior_logit + logits[static_cast<size_t>(k)]);
  for (int s = 0; s < kSections; ++s)
    prediction.keep[static_cast<size_t>(s)] =
        sigmoid(prior_logit + logits[static_cast<size_t>(kSuggestionKinds + s)]);
  return prediction;
}

} // namespace docent::inference
