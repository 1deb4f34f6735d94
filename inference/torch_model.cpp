// The learning model: the one translation unit that uses libtorch, built into the shared module
// libdocent_model.so that docent loads with dlopen() (see model_api.h). Nothing else in docent
// includes a torch header or links libtorch.
//
// The network, per definition: the numeric features x and the mean of two embeddings of its
// token buckets feed
//   logits = prior + W·x + b + mean(direct[tokens]) + V·relu(U·[x; mean(embed[tokens])] + c)
// with one output per head (3 suggestion kinds, then 7 sections). W, b, direct and V start at
// zero, so the untrained model predicts the prior for every head and every input: the static
// rules' answer. The linear part learns a rule over flags and thresholds from a few events;
// the token embeddings and the hidden layer (random start, seeded) learn slowly and add names
// and interactions as evidence accumulates (docs/learning.md).
#include "inference/features.h"
#include "inference/model_api.h"
#include "inference/network_weights.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <sstream>

namespace docent::inference {
namespace {

constexpr int64_t kHeads = kSuggestionKinds + kSections;
constexpr int64_t kEmbeddingWidth = 8;
constexpr int64_t kHiddenWidth = 32;
// Bumped when the network's shape or what serialize() writes changes (3: the linear layer's
// optimizer became plain gradient descent, saved apart from the others' AdamW state).
constexpr int64_t kLayoutVersion = 3;
// Learning rate and weight decay of the token embeddings and the hidden layer (AdamW).
constexpr double kSlowLearningRate = 0.001;
constexpr double kSlowDecay = 0.1;

float prior_logit() {
  return std::log(kPriorProbability / (1.0f - kPriorProbability));
}

// One batch of definitions as tensors.
struct Batch {
  torch::Tensor numeric; // [N, kNumericFeatures + 1] float: the features, then 1.
  torch::Tensor tokens;  // [T] int64 bucket indices, definitions one after another.
  torch::Tensor offsets; // [N] int64 start of each definition's tokens.
};

class BatchBuilder {
public:
  void add(const Features& features) {
    offsets_.push_back(static_cast<int64_t>(tokens_.size()));
    numeric_.insert(numeric_.end(), features.numeric.begin(), features.numeric.end());
    numeric_.push_back(1.0f); // The bias input.
    for (uint32_t token : features.tokens)
      tokens_.push_back(static_cast<int64_t>(token % kTokenBuckets));
  }
  Batch build() const {
    const auto rows = static_cast<int64_t>(offsets_.size());
    Batch batch;
    batch.numeric = torch::from_blob(const_cast<float*>(numeric_.data()),
                                     {rows, kNumericFeatures + 1}, torch::kFloat32)
                        .clone();
    batch.tokens = torch::from_blob(const_cast<int64_t*>(tokens_.data()),
                                    {static_cast<int64_t>(tokens_.size())}, torch::kInt64)
                       .clone();
    batch.offsets =
        torch::from_blob(const_cast<int64_t*>(offsets_.data()), {rows}, torch::kInt64).clone();
    return batch;
  }

private:
  std::vector<float> numeric_;
  std::vector<int64_t> tokens_;
  std::vector<int64_t> offsets_;
};

bool usable(const Features& features) {
  return features.version == kFeatureVersion &&
         features.numeric.size() == static_cast<size_t>(kNumericFeatures);
}

torch::Tensor mean_of_bags(const torch::Tensor& table, const Batch& batch) {
  constexpr int64_t kMean = 1;
  return std::get<0>(torch::embedding_bag(table, batch.tokens, batch.offsets,
                                          /*scale_grad_by_freq=*/false, kMean));
}

// Weights are stored as [inputs, outputs] matrices, and biases as the row of a constant input
// 1 that every batch carries (Batch::numeric's last column), so that a step builds as few
// autograd nodes as possible: with a network this small the step time is per-node overhead.
constexpr int64_t kTokenColumns = kHeads + kEmbeddingWidth;
constexpr int64_t kInputs = kNumericFeatures + 1; // The features and the constant 1.

struct NetworkImpl : torch::nn::Module {
  NetworkImpl() {
    const double bound = 1.0 / std::sqrt(static_cast<double>(kInputs + kEmbeddingWidth));
    // The parts that reach the output (W and b, the direct token columns, V) start at zero, so
    // the untrained logits are the prior; the token embedding and U start random (seeded).
    linear = register_parameter("linear", torch::zeros({kInputs, kHeads}));
    tokens = register_parameter("tokens",
                                torch::cat({torch::zeros({kTokenBuckets, kHeads}),
                                            torch::randn({kTokenBuckets, kEmbeddingWidth}) * 0.1},
                                           1));
    hidden = register_parameter(
        "hidden", torch::empty({kInputs + kEmbeddingWidth, kHiddenWidth}).uniform_(-bound, bound));
    out = register_parameter("out", torch::zeros({kHiddenWidth, kHeads}));
  }

  torch::Tensor forward(const Batch& batch) {
    const torch::Tensor bags = mean_of_bags(tokens, batch);
    const torch::Tensor hidden_layer = torch::relu(
        torch::cat({batch.numeric, bags.narrow(1, kHeads, kEmbeddingWidth)}, 1).mm(hidden));
    return batch.numeric.mm(linear) + bags.narrow(1, 0, kHeads) + hidden_layer.mm(out) +
           prior_logit();
  }

  // `linear` learns by gradient descent, the rest slowly by AdamW (see make_optimizers).
  torch::Tensor linear, tokens, hidden, out;
};
TORCH_MODULE(Network);

// The head an event trains: its kind's, or its section's.
int64_t head_of(const FeedbackEvent& event) {
  if (event.section)
    return kSuggestionKinds + static_cast<int64_t>(*event.section);
  return static_cast<int64_t>(event.kind);
}

struct TrainingBatch {
  Batch inputs;
  torch::Tensor heads;   // [N, 1] int64.
  torch::Tensor targets; // [N] float, 1 for accepted or kept.
  torch::Tensor weights; // [N] float.
  int examples = 0;
};

TrainingBatch training_batch(const std::vector<FeedbackEvent>& replay) {
  BatchBuilder builder;
  std::vector<int64_t> heads;
  std::vector<float> targets, weights;
  for (const FeedbackEvent& event : replay) {
    if (!usable(event.features) || event.weight <= 0)
      continue;
    builder.add(event.features);
    heads.push_back(head_of(event));
    targets.push_back(event.outcome == Outcome::Accepted ? 1.0f : 0.0f);
    weights.push_back(event.weight);
  }
  TrainingBatch batch;
  batch.examples = static_cast<int>(heads.size());
  if (batch.examples == 0)
    return batch;
  const int64_t rows = batch.examples;
  batch.inputs = builder.build();
  batch.heads = torch::tensor(heads, torch::kInt64).reshape({rows, 1});
  batch.targets = torch::tensor(targets, torch::kFloat32);
  batch.weights = torch::tensor(weights, torch::kFloat32);
  return batch;
}

// torch uses one thread here: the server runs beside the editor and must not take every core,
// and for a network this small more threads only add synchronization.
void use_one_thread() {
  static const bool once = [] {
    torch::set_num_threads(1);
    try {
      torch::set_num_interop_threads(1);
    } catch (const c10::Error&) {
      // Already set by an earlier user of torch in this process; nothing to do.
    }
    return true;
  }();
  (void)once;
}

// The two optimizers of one model: plain gradient descent for the linear layer, AdamW for the
// token embeddings and the hidden layer (see make_optimizers). Saved and restored together.
struct Optimizers {
  std::unique_ptr<torch::optim::SGD> linear;
  std::unique_ptr<torch::optim::AdamW> rest;
  void zero_grad() {
    linear->zero_grad();
    rest->zero_grad();
  }
  void step() {
    linear->step();
    rest->step();
  }
  void save(torch::serialize::OutputArchive& linear_state,
            torch::serialize::OutputArchive& rest_state) const {
    linear->save(linear_state);
    rest->save(rest_state);
  }
  void load(torch::serialize::InputArchive& linear_state,
            torch::serialize::InputArchive& rest_state) {
    linear->load(linear_state);
    rest->load(rest_state);
  }
};

class TorchModel final : public LearningModel {
public:
  explicit TorchModel(const ModelOptions& options) : options_(options) { reset(); }

  std::vector<Prediction> predict(const std::vector<Features>& batch) override {
    std::vector<Prediction> predictions(batch.size(), prior_prediction());
    BatchBuilder builder;
    std::vector<size_t> rows;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!usable(batch[i]))
        continue;
      builder.add(batch[i]);
      rows.push_back(i);
    }
    if (rows.empty())
      return predictions;
    torch::NoGradGuard no_grad;
    const torch::Tensor probabilities = torch::sigmoid(network_->forward(builder.build()));
    const auto table = probabilities.accessor<float, 2>();
    for (size_t r = 0; r < rows.size(); ++r)
      predictions[rows[r]] = prediction_from_row(table[static_cast<int64_t>(r)]);
    return predictions;
  }

  TrainReport train(const std::vector<FeedbackEvent>& replay, int steps) override {
    TrainReport report;
    const TrainingBatch batch = training_batch(replay);
    report.examples = batch.examples;
    if (batch.examples == 0)
      return report;
    const int wanted = steps > 0 ? steps : options_.steps_per_event;
    const auto start = std::chrono::steady_clock::now();
    // The weighted mean loss, as a sum with weights that add up to 1.
    const torch::Tensor weights = batch.weights / batch.weights.sum();
    for (int step = 0; step < wanted; ++step) {
      optimizers_->zero_grad();
      const torch::Tensor logits = network_->forward(batch.inputs).gather(1, batch.heads);
      const torch::Tensor loss = torch::binary_cross_entropy_with_logits(
          logits.squeeze(1), batch.targets, weights, {}, at::Reduction::Sum);
      loss.backward();
      optimizers_->step();
      ++report.steps;
      if (report.steps == wanted)
        report.loss = loss.item<float>();
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
  }

  std::string serialize() override {
    torch::serialize::OutputArchive archive;
    archive.write("layout", torch::tensor({kLayoutVersion, int64_t{kFeatureVersion},
                                           int64_t{kTokenBuckets}}));
    torch::serialize::OutputArchive weights, linear_optimizer, optimizer;
    network_->save(weights);
    optimizers_->save(linear_optimizer, optimizer);
    archive.write("weights", weights);
    archive.write("linear_optimizer", linear_optimizer);
    archive.write("optimizer", optimizer);
    std::ostringstream bytes;
    archive.save_to(bytes);
    return bytes.str();
  }

  std::string deserialize(std::string_view bytes) override {
    try {
      std::istringstream stream{std::string(bytes)};
      torch::serialize::InputArchive archive;
      archive.load_from(stream);
      torch::Tensor layout;
      archive.read("layout", layout);
      if (!layout.equal(
              torch::tensor({kLayoutVersion, int64_t{kFeatureVersion}, int64_t{kTokenBuckets}})))
        return "saved model has another layout or feature version";
      // Load into fresh objects first, so that a failure leaves this model as it was.
      Network network;
      auto optimizers = make_optimizers(network);
      torch::serialize::InputArchive weights, linear_state, optimizer_state;
      archive.read("weights", weights);
      archive.read("linear_optimizer", linear_state);
      archive.read("optimizer", optimizer_state);
      network->load(weights);
      optimizers->load(linear_state, optimizer_state);
      network_ = network;
      optimizers_ = std::move(optimizers);
      return "";
    } catch (const c10::Error& error) {
      return std::string("cannot read saved model: ") + error.what_without_backtrace();
    } catch (const std::exception& error) {
      return std::string("cannot read saved model: ") + error.what();
    }
  }

  void reset() override {
    use_one_thread();
    torch::manual_seed(options_.seed);
    network_ = Network();
    optimizers_ = make_optimizers(network_);
  }

  int64_t parameter_count() const override {
    int64_t count = 0;
    for (const torch::Tensor& parameter : network_->parameters())
      count += parameter.numel();
    return count;
  }

  NetworkWeights export_weights() const override {
    NetworkWeights weights;
    weights.inputs = kInputs;
    weights.heads = kHeads;
    weights.embedding = kEmbeddingWidth;
    weights.hidden = kHiddenWidth;
    weights.buckets = kTokenBuckets;
    weights.prior_logit = prior_logit();
    weights.linear = values_of(network_->linear);
    weights.tokens = values_of(network_->tokens);
    weights.hidden_layer = values_of(network_->hidden);
    weights.out = values_of(network_->out);
    return weights;
  }

private:
  // A parameter's numbers in row-major order, as NetworkWeights holds them.
  static std::vector<float> values_of(const torch::Tensor& parameter) {
    const torch::Tensor values = parameter.detach().to(torch::kFloat32).contiguous();
    const float* data = values.data_ptr<float>();
    return std::vector<float>(data, data + values.numel());
  }

  // The linear layer over the numeric features learns by plain gradient descent: each weight
  // moves in proportion to how much its feature explains the user's decisions, so that a rule
  // over a few flags gets its weight on those flags. AdamW, which moves every weight with a
  // consistent gradient by about the same step, spread the weight over every feature that
  // happened to differ between the few accepted and rejected events, and generalized worse
  // (docs/learning.md). The token embeddings and the hidden layer learn by AdamW, slowly and
  // with strong decay, as with more they memorize the few examples (each has its own tokens)
  // instead of the rule. Decoupled weight decay shrinks them in proportion to their size,
  // pulling the model back towards the prior without the sign-like steps plain Adam makes on a
  // tiny L2 term.
  std::unique_ptr<Optimizers> make_optimizers(Network& network) const {
    using torch::optim::AdamWOptions;
    auto optimizers = std::make_unique<Optimizers>();
    optimizers->linear = std::make_unique<torch::optim::SGD>(
        std::vector<torch::Tensor>{network->linear},
        torch::optim::SGDOptions(options_.learning_rate).weight_decay(options_.weight_decay));
    optimizers->rest = std::make_unique<torch::optim::AdamW>(
        std::vector<torch::Tensor>{network->tokens, network->hidden, network->out},
        AdamWOptions(kSlowLearningRate).weight_decay(kSlowDecay));
    return optimizers;
  }

  static Prediction prior_prediction() {
    Prediction prediction;
    prediction.accept.fill(kPriorProbability);
    prediction.keep.fill(kPriorProbability);
    return prediction;
  }

  static Prediction prediction_from_row(const at::TensorAccessor<float, 1>& row) {
    Prediction prediction;
    for (int k = 0; k < kSuggestionKinds; ++k)
      prediction.accept[k] = row[k];
    for (int s = 0; s < kSections; ++s)
      prediction.keep[s] = row[kSuggestionKinds + s];
    return prediction;
  }

  ModelOptions options_;
  Network network_{nullptr};
  std::unique_ptr<Optimizers> optimizers_;
};

} // namespace
} // namespace docent::inference

extern "C" __attribute__((visibility("default"))) docent::inference::LearningModel*
docent_create_learning_model(int abi_version, const docent::inference::ModelOptions* options) {
  if (abi_version != docent::inference::kModelAbiVersion || options == nullptr)
    return nullptr;
  try {
    return new docent::inference::TorchModel(*options);
  } catch (...) {
    return nullptr;
  }
}
