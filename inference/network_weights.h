// A plain copy of the learning model's weights and its forward pass, without torch.
//
// The network (inference/torch_model.cpp) is small: about 39,000 numbers. The model module
// exports its weights after each training (LearningModel::export_weights), the model service
// publishes them in its immutable snapshot, and every prediction docent decides with is computed
// here: the service's own (the evidence's track record, the snapshot's precomputed entries) and
// the worker's, which computes a prediction the snapshot lacks at once, in microseconds, instead
// of waiting for the service's thread. torch's own forward is used only by a test that checks
// that the two agree.
#pragma once

#include "inference/learning_types.h"
#include "inference/model_api.h"

#include <cstdint>
#include <vector>

namespace docent::inference {

// The weights of the network, as [inputs, outputs] matrices in row-major order, with the bias
// of each layer as the row of a constant input 1 (the last numeric input):
//   bags     = mean(tokens[token % buckets]) over the definition's tokens (zeros without any)
//   hidden   = relu([x; bags[heads, heads + embedding)] · hidden_layer)
//   logits   = prior_logit + x · linear + bags[0, heads) + hidden · out
// where x is the numeric features followed by 1, and one output per head (the suggestion kinds,
// then the sections). Thread-safety: a value; predict() is const and may run on any thread.
struct NetworkWeights {
  int inputs = 0;    // kNumericFeatures + 1.
  int heads = 0;     // kSuggestionKinds + kSections.
  int embedding = 0; // Columns of `tokens` after the heads' direct ones.
  int hidden = 0;    // Units of the hidden layer.
  int buckets = 0;   // Rows of `tokens`.
  float prior_logit = 0;
  std::vector<float> linear;       // [inputs, heads]
  std::vector<float> tokens;       // [buckets, heads + embedding]
  std::vector<float> hidden_layer; // [inputs + embedding, hidden]
  std::vector<float> out;          // [hidden, heads]

  // The sizes agree with each other and with the features and heads of this docent.
  bool valid() const;
  // The prediction for `features`: the prior (kPriorProbability on every head) for features
  // of another version or size, or when the weights are not valid().
  Prediction predict(const Features& features) const;
};

// The prediction of the untrained model: kPriorProbability on every head. Inline: the model
// module, which links none of docent's libraries, returns it too.
inline Prediction prior_prediction() {
  Prediction prediction;
  prediction.accept.fill(kPriorProbability);
  prediction.keep.fill(kPriorProbability);
  return prediction;
}

} // namespace docent::inference
