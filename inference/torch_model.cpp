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
//
// train() computes the gradients by hand, not by autograd, and each call's steps update only
// the token rows its replay indexes, the other rows taking the same AdamW steps in closed form
// afterwards: at this size a step's time is per-operation overhead (gradients(), Optimizers).
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
// 1 that every batch carries (Batch::numeric's last column), so that a forward pass is few
// operations: with a network this small its time is per-operation overhead.
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

// One AdamW step of `param` as torch::optim::AdamW (libtorch 1.13, without amsgrad) makes it:
// decoupled weight decay, then the moments, then the bias-corrected update.
void adamw_step(const torch::Tensor& param, const torch::Tensor& grad, torch::Tensor& exp_avg,
                torch::Tensor& exp_avg_sq, int64_t step,
                const torch::optim::AdamWOptions& options) {
  torch::NoGradGuard no_grad;
  const auto [beta1, beta2] = options.betas();
  param.mul_(1 - options.lr() * options.weight_decay());
  const double correction1 = 1 - std::pow(beta1, static_cast<double>(step));
  const double correction2 = 1 - std::pow(beta2, static_cast<double>(step));
  exp_avg.mul_(beta1).add_(grad, 1 - beta1);
  exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  const torch::Tensor denominator =
      (exp_avg_sq.sqrt() / std::sqrt(correction2)).add_(options.eps());
  param.addcdiv_(exp_avg, denominator, -options.lr() / correction1);
}

// What `steps` AdamW steps after step `first` with a zero gradient do to `param`, at once: the
// weight decay and the moments' decay are powers, and step j's update is
//   lr / c1_j · β1^j m / (β2^(j/2) sqrt(v) / sqrt(c2_j) + ε)
// for the moments m, v before the steps and the bias corrections c1_j, c2_j: the same tensor
// m / (sqrt(v) + ε_j) times a number, with ε_j = ε sqrt(c2_j) / β2^(j/2). Summed, with one ε
// (the weighted mean of the ε_j), this is exact where sqrt(v) is far from ε and where both
// moments are zero, and within a fraction of a step of AdamW elsewhere.
void adamw_steps_without_gradient(const torch::Tensor& param, torch::Tensor& exp_avg,
                                  torch::Tensor& exp_avg_sq, int64_t first, int steps,
                                  const torch::optim::AdamWOptions& options) {
  torch::NoGradGuard no_grad;
  const auto [beta1, beta2] = options.betas();
  const double decay = 1 - options.lr() * options.weight_decay();
  double update = 0;  // The sum over the steps of what multiplies m / (sqrt(v) + ε).
  double epsilon = 0; // The ε_j, weighted by what each step adds to `update`.
  for (int j = 1; j <= steps; ++j) {
    const auto step = static_cast<double>(first + j);
    const double correction1 = 1 - std::pow(beta1, step);
    const double correction2 = 1 - std::pow(beta2, step);
    const double scale = std::sqrt(correction2) / std::pow(beta2, j / 2.0);
    const double weight = std::pow(decay, steps - j) * std::pow(beta1, j) * scale / correction1;
    update += weight;
    epsilon += weight * options.eps() * scale;
  }
  epsilon /= update;
  param.mul_(std::pow(decay, steps))
      .addcdiv_(exp_avg, exp_avg_sq.sqrt().add_(epsilon), -options.lr() * update);
  exp_avg.mul_(std::pow(beta1, steps));
  exp_avg_sq.mul_(std::pow(beta2, steps));
}

// a·b for the small matrices of a training step (64 × 51 by 51 × 32 at most). torch's matrix
// product calls the BLAS it was built with, on Debian the reference implementation unless an
// optimized one is installed; at these sizes a broadcast product and sum is 2 to 3 times
// faster there.
torch::Tensor small_product(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.unsqueeze(2) * b.unsqueeze(0)).sum(1);
}

// The sum of `values` (one row per event, `width` columns) in the column of each event's head:
// [width, kHeads], the gradient of a [width, kHeads] weight whose column of the event's head
// multiplied the event's row.
torch::Tensor columns_of_heads(const torch::Tensor& values, const torch::Tensor& heads,
                               int64_t width) {
  return torch::zeros({kHeads, width}).index_add_(0, heads, values).t();
}

// What the steps of one train() call share: the batch, with its tokens as positions among the
// token table's rows it indexes (`rows`), and what the gradient of the mean of bags needs.
struct StepInputs {
  Batch batch;                // batch.tokens index `rows`' positions, not the table.
  torch::Tensor rows;         // [R] int64 table rows the batch indexes, ascending.
  torch::Tensor token_bag;    // [T] int64 the definition of each token.
  torch::Tensor token_share;  // [T, 1] float 1 / the number of tokens of that definition.
  torch::Tensor heads;        // [N] int64 the head each event trains.
  torch::Tensor head_columns; // [N, 1] the same, as gather() and scatter() take it.
  torch::Tensor targets;      // [N] float
  torch::Tensor weights;      // [N] float, adding up to 1: the loss is a weighted mean.
};

StepInputs step_inputs(const TrainingBatch& batch) {
  StepInputs inputs;
  inputs.batch = batch.inputs;
  auto [rows, positions] =
      at::_unique(batch.inputs.tokens, /*sorted=*/true, /*return_inverse=*/true);
  inputs.rows = std::move(rows);
  inputs.batch.tokens = std::move(positions);
  const int64_t tokens = inputs.batch.tokens.size(0);
  const torch::Tensor ends = torch::cat({batch.inputs.offsets.narrow(0, 1, batch.examples - 1),
                                         torch::tensor({tokens}, torch::kInt64)});
  const torch::Tensor lengths = ends - batch.inputs.offsets;
  inputs.token_bag = torch::repeat_interleave(lengths);
  inputs.token_share =
      lengths.to(torch::kFloat32).reciprocal().index_select(0, inputs.token_bag).unsqueeze(1);
  inputs.head_columns = batch.heads;
  inputs.heads = batch.heads.squeeze(1);
  inputs.targets = batch.targets;
  inputs.weights = batch.weights / batch.weights.sum();
  return inputs;
}

// The parameters one train() call's steps use, or their gradients; `rows` stands for the token
// table's rows the batch indexes (StepInputs::rows).
struct Parameters {
  torch::Tensor linear, rows, hidden, out;
};

// The logits of the events' own heads, with what their gradients need.
struct TrainedLogits {
  torch::Tensor logits;       // [N]
  torch::Tensor mean_tokens;  // [N, kTokenColumns]
  torch::Tensor layer_input;  // [N, kInputs + kEmbeddingWidth]
  torch::Tensor layer;        // [N, kHiddenWidth], before relu.
  torch::Tensor head_input;   // [N, kInputs + kHiddenWidth]: the features, relu(layer).
  torch::Tensor head_weights; // [N, kInputs + kHiddenWidth]: `linear`'s, `out`'s head column.
};

TrainedLogits trained_logits(const Parameters& weights, const StepInputs& inputs) {
  TrainedLogits result;
  const torch::Tensor& numeric = inputs.batch.numeric;
  result.mean_tokens = mean_of_bags(weights.rows, inputs.batch);
  result.layer_input =
      torch::cat({numeric, result.mean_tokens.narrow(1, kHeads, kEmbeddingWidth)}, 1);
  result.layer = small_product(result.layer_input, weights.hidden);
  result.head_input = torch::cat({numeric, torch::relu(result.layer)}, 1);
  result.head_weights = torch::cat({weights.linear, weights.out}).index_select(1, inputs.heads).t();
  result.logits =
      (result.head_input * result.head_weights)
          .sum(1)
          .add_(result.mean_tokens.narrow(1, 0, kHeads).gather(1, inputs.head_columns).squeeze(1))
          .add_(prior_logit());
  return result;
}

// The gradient of the weighted mean binary cross-entropy of the events' own heads with respect
// to `weights`. Derived by hand rather than by autograd: at this size a step's time is
// per-operation overhead (docs/learning.md, The model), and the hand-written backward pass
// needs far fewer operations than autograd's graph and the optimizers' generic steps.
Parameters gradients(const Parameters& weights, const StepInputs& inputs,
                     const TrainedLogits& forward) {
  // d loss / d logit of each event: its weight times (sigmoid(logit) - target) ...
  const torch::Tensor logit =
      torch::sigmoid(forward.logits).sub_(inputs.targets).mul_(inputs.weights).unsqueeze(1);
  // ... which is the gradient of the full [N, kHeads] output in the event's head's column.
  const torch::Tensor output =
      torch::zeros({logit.size(0), kHeads}).scatter_(1, inputs.head_columns, logit);
  const torch::Tensor linear_and_out =
      columns_of_heads(forward.head_input * logit, inputs.heads, kInputs + kHiddenWidth);
  const torch::Tensor layer = torch::threshold_backward(
      forward.head_weights.narrow(1, kInputs, kHiddenWidth) * logit, forward.layer, 0);
  Parameters result;
  result.linear = linear_and_out.narrow(0, 0, kInputs);
  result.out = linear_and_out.narrow(0, kInputs, kHiddenWidth);
  result.hidden = small_product(forward.layer_input.t(), layer);
  const torch::Tensor mean_tokens = torch::cat(
      {output, small_product(layer, weights.hidden.narrow(0, kInputs, kEmbeddingWidth).t())}, 1);
  // The mean of bags' backward pass: each token's row gets its definition's gradient, shared
  // among the definition's tokens.
  result.rows =
      torch::zeros({weights.rows.size(0), kTokenColumns})
          .index_add_(0, inputs.batch.tokens,
                      mean_tokens.index_select(0, inputs.token_bag).mul_(inputs.token_share));
  return result;
}

// hidden, out and `rows` token rows as views of one flat tensor laid out in that order.
Parameters slow_views(const torch::Tensor& flat, int64_t rows) {
  constexpr int64_t kHiddenSize = (kInputs + kEmbeddingWidth) * kHiddenWidth;
  constexpr int64_t kOutSize = kHiddenWidth * kHeads;
  Parameters views;
  views.hidden = flat.narrow(0, 0, kHiddenSize).view({kInputs + kEmbeddingWidth, kHiddenWidth});
  views.out = flat.narrow(0, kHiddenSize, kOutSize).view({kHiddenWidth, kHeads});
  views.rows =
      flat.narrow(0, kHiddenSize + kOutSize, rows * kTokenColumns).view({rows, kTokenColumns});
  return views;
}

torch::Tensor flat_slow(const torch::Tensor& hidden, const torch::Tensor& out,
                        const torch::Tensor& rows) {
  return torch::cat({hidden.reshape(-1), out.reshape(-1), rows.reshape(-1)});
}

// The two optimizers of one model: plain gradient descent for the linear layer, AdamW for the
// token embeddings and the hidden layer (see make_optimizers). Saved and restored together.
//
// The steps apply them by hand to the gradients above, as torch's SGD and AdamW would
// (adamw_step), and keep AdamW's moments and step counts in `rest`'s state, where torch keeps
// them, so that saved models read as before. A train() call copies hidden, out and the token
// rows its batch indexes, with their moments, into one flat tensor (Working), so that each step
// updates them with one set of AdamW's operations; finish() copies them back. The token table
// is 2,048 rows and a 64-event replay indexes a few hundred: every other row had no gradient,
// and finish() gives it the call's steps in closed form.
struct Optimizers {
  std::unique_ptr<torch::optim::SGD> linear;
  std::unique_ptr<torch::optim::AdamW> rest; // Over tokens, hidden, out, stepped together.

  // What one train() call's steps update.
  struct Working {
    Parameters weights; // `linear` is the network's; the others are views of `slow`.
    torch::Tensor slow, exp_avg, exp_avg_sq; // Flat, in slow_views() layout.
    int64_t first_step = 0, steps = 0;       // AdamW's step count before and now.
  };
  Working begin(const NetworkImpl& network, const torch::Tensor& rows) {
    torch::optim::AdamWParamState& hidden = state_of(network.hidden);
    torch::optim::AdamWParamState& out = state_of(network.out);
    torch::optim::AdamWParamState& tokens = state_of(network.tokens);
    Working working;
    working.slow = flat_slow(network.hidden, network.out, network.tokens.index_select(0, rows));
    working.exp_avg =
        flat_slow(hidden.exp_avg(), out.exp_avg(), tokens.exp_avg().index_select(0, rows));
    working.exp_avg_sq =
        flat_slow(hidden.exp_avg_sq(), out.exp_avg_sq(), tokens.exp_avg_sq().index_select(0, rows));
    working.weights = slow_views(working.slow, rows.size(0));
    working.weights.linear = network.linear;
    working.first_step = working.steps = tokens.step();
    return working;
  }
  // One step of every parameter.
  void step(Working& working, const Parameters& gradients) {
    const auto& sgd =
        static_cast<const torch::optim::SGDOptions&>(linear->param_groups().front().options());
    torch::Tensor descent = gradients.linear;
    if (sgd.weight_decay() != 0)
      descent = descent.add(working.weights.linear, sgd.weight_decay());
    working.weights.linear.add_(descent, -sgd.lr());
    adamw_step(working.slow, flat_slow(gradients.hidden, gradients.out, gradients.rows),
               working.exp_avg, working.exp_avg_sq, ++working.steps, slow_options());
  }
  // After the steps: everything copied back, and the steps of the rows the batch left out.
  void finish(NetworkImpl& network, const torch::Tensor& rows, const Working& working) {
    const int64_t count = rows.size(0);
    const Parameters moments = slow_views(working.exp_avg, count);
    const Parameters squares = slow_views(working.exp_avg_sq, count);
    copy_back(network.hidden, working.weights.hidden, moments.hidden, squares.hidden,
              working.steps);
    copy_back(network.out, working.weights.out, moments.out, squares.out, working.steps);
    torch::optim::AdamWParamState& tokens = state_of(network.tokens);
    adamw_steps_without_gradient(
        network.tokens, tokens.exp_avg(), tokens.exp_avg_sq(), working.first_step,
        static_cast<int>(working.steps - working.first_step), slow_options());
    network.tokens.index_copy_(0, rows, working.weights.rows);
    tokens.exp_avg().index_copy_(0, rows, moments.rows);
    tokens.exp_avg_sq().index_copy_(0, rows, squares.rows);
    tokens.step(working.steps);
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

private:
  const torch::optim::AdamWOptions& slow_options() const {
    return static_cast<const torch::optim::AdamWOptions&>(rest->param_groups().front().options());
  }
  void copy_back(const torch::Tensor& param, const torch::Tensor& value,
                 const torch::Tensor& exp_avg, const torch::Tensor& exp_avg_sq, int64_t steps) {
    torch::optim::AdamWParamState& state = state_of(param);
    param.copy_(value);
    state.exp_avg().copy_(exp_avg);
    state.exp_avg_sq().copy_(exp_avg_sq);
    state.step(steps);
  }
  // A parameter's AdamW state where torch::optim::AdamW keeps it (keyed by the tensor's
  // address), made as AdamW makes it at the parameter's first step.
  torch::optim::AdamWParamState& state_of(const torch::Tensor& param) {
    auto& states = rest->state();
    const std::string key = c10::guts::to_string(param.unsafeGetTensorImpl());
    auto found = states.find(key);
    if (found == states.end()) {
      auto fresh = std::make_unique<torch::optim::AdamWParamState>();
      fresh->step(0);
      fresh->exp_avg(torch::zeros_like(param, torch::MemoryFormat::Preserve));
      fresh->exp_avg_sq(torch::zeros_like(param, torch::MemoryFormat::Preserve));
      found = states.emplace(key, std::move(fresh)).first;
    }
    return static_cast<torch::optim::AdamWParamState&>(*found->second);
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
    const StepInputs inputs = step_inputs(batch);
    torch::NoGradGuard no_grad;
    Optimizers::Working working = optimizers_->begin(*network_, inputs.rows);
    for (int step = 0; step < wanted; ++step) {
      const TrainedLogits forward = trained_logits(working.weights, inputs);
      if (step + 1 == wanted)
        report.loss = torch::binary_cross_entropy_with_logits(
                          forward.logits, inputs.targets, inputs.weights, {}, at::Reduction::Sum)
                          .item<float>();
      optimizers_->step(working, gradients(working.weights, inputs, forward));
      ++report.steps;
    }
    optimizers_->finish(*network_, inputs.rows, working);
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
