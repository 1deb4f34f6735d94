// Random weights of the learning model's network (inference/network_weights.h) for tests and
// benchmarks that need a model's predictions without training one: any seed gives valid
// weights whose predictions spread over the confidence rule's thresholds.
#pragma once

#include "inference/features.h"
#include "inference/network_weights.h"

#include <cstdint>
#include <random>
#include <vector>

namespace test_support {

// `embedding`, `hidden` and `buckets` as the network's (torch_model.cpp) or smaller: the
// forward pass takes any size.
inline docent::inference::NetworkWeights random_network_weights(uint64_t seed, int embedding = 4,
                                                                int hidden = 8, int buckets = 64) {
  namespace inference = docent::inference;
  std::mt19937 random(static_cast<uint32_t>(seed));
  std::normal_distribution<float> normal(0.0f, 0.8f);
  inference::NetworkWeights weights;
  weights.inputs = inference::kNumericFeatures + 1;
  weights.heads = inference::kSuggestionKinds + inference::kSections;
  weights.embedding = embedding;
  weights.hidden = hidden;
  weights.buckets = buckets;
  const auto fill = [&](std::vector<float>& values, int rows, int columns) {
    values.resize(static_cast<size_t>(rows) * static_cast<size_t>(columns));
    for (float& value : values)
      value = normal(random);
  };
  fill(weights.linear, weights.inputs, weights.heads);
  fill(weights.tokens, weights.buckets, weights.heads + weights.embedding);
  fill(weights.hidden_layer, weights.inputs + weights.embedding, weights.hidden);
  fill(weights.out, weights.hidden, weights.heads);
  return weights;
}

} // namespace test_support
