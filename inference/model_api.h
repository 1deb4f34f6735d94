// The narrow interface between docent and its learning model, and the loader of the module that
// implements it.
//
// The model uses libtorch, which costs about 0.6 s and 165 MB to load, so it lives in a
// separately linked shared module (libdocent_model.so, built from inference/torch_model.cpp)
// that docent opens with dlopen() on a background thread when it first needs it. Nothing here
// includes a torch header: this header is all that docent and the module share. Values cross
// the boundary as standard library types; module and executable come from the same build, and
// kModelAbiVersion (checked on load) catches a module from another one.
#pragma once

#include "inference/learning_types.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docent::inference {

struct NetworkWeights; // network_weights.h

// Bumped whenever anything declared in this header changes shape.
inline constexpr int kModelAbiVersion = 2;

// What the model predicts for one definition: per suggestion kind, the probability that the
// user accepts it; per docstring section, the probability that the user keeps it.
struct Prediction {
  std::array<float, kSuggestionKinds> accept{};
  std::array<float, kSections> keep{};
};

// The probability every head predicts before any training: the static rules' answer (show
// every diagnostic, offer every action, write every section), held with moderate confidence so
// that a few consistent events can move it.
inline constexpr float kPriorProbability = 0.75f;

struct ModelOptions {
  uint64_t seed = 1; // Initial weights are a function of this alone.
  // Optimizer steps per train() call unless it says otherwise.
  int steps_per_event = 16;
  // Learning rate of the linear layer (plain gradient descent on the weighted mean loss). The
  // token embeddings and the hidden layer have their own, much slower (torch_model.cpp).
  float learning_rate = 3.0f;
  // L2 weight decay of the linear layer. None by default: in the simulation any decay strong
  // enough to matter cost held-out accuracy (docs/learning.md).
  float weight_decay = 0.0f;
};

// Loss and cost of one train() call.
struct TrainReport {
  float loss = 0;     // Mean weighted loss over the batch after the last step.
  int steps = 0;      // Optimizer steps taken.
  int examples = 0;   // Events used (events of another feature version are skipped).
  double seconds = 0; // Wall time of the steps (without converting the events).
};

// Thread-safety: none. A model is used by one thread at a time (the server keeps it on its
// learning thread); two models are independent, except that reset() seeds torch's global
// generator, so models should not be reset on two threads at once.
class LearningModel {
public:
  virtual ~LearningModel() = default;

  // One prediction per element of `batch`, in order. Features of another version than
  // kFeatureVersion (features.h) get the prior.
  virtual std::vector<Prediction> predict(const std::vector<Features>& batch) = 0;

  // `steps` optimizer steps (0: ModelOptions::steps_per_event) over `replay`, typically the
  // new event and a window of recent ones. An event trains the head of its kind, or with
  // `section` set, the head of that section; its weight scales its loss.
  virtual TrainReport train(const std::vector<FeedbackEvent>& replay, int steps = 0) = 0;

  // The weights and optimizer state as bytes, and back. deserialize() returns an error message
  // (bytes from another model layout, corrupt bytes) and leaves the model as it was, or "".
  virtual std::string serialize() = 0;
  virtual std::string deserialize(std::string_view bytes) = 0;

  // Back to the untrained model of `options.seed`, whose predictions are the prior.
  virtual void reset() = 0;

  // Number of trainable numbers, for docs and tests.
  virtual int64_t parameter_count() const = 0;

  // A plain copy of the weights, whose NetworkWeights::predict() is what docent decides with
  // (predict() above agrees with it within float rounding).
  virtual NetworkWeights export_weights() const = 0;
};

// The module's one exported function, looked up by the loader as kModelFactorySymbol:
//   extern "C" docent::inference::LearningModel*
//   docent_create_learning_model(int abi_version, const docent::inference::ModelOptions*);
// It returns nullptr when abi_version differs from the module's kModelAbiVersion; otherwise
// the caller owns the model.
inline constexpr const char* kModelFactorySymbol = "docent_create_learning_model";
using ModelFactoryFunction = LearningModel* (*)(int abi_version, const ModelOptions* options);

// A loaded model module. The module stays loaded for the rest of the process (libtorch does
// not support being unloaded), so a ModelModule is a cheap copyable handle.
// Thread-safety: create() may be called from any thread.
class ModelModule {
public:
  ModelModule(std::string path, ModelFactoryFunction factory);
  const std::string& path() const { return path_; }
  std::unique_ptr<LearningModel> create(const ModelOptions& options = {}) const;

private:
  std::string path_;
  ModelFactoryFunction factory_;
};

// A module, or why there is none. Errors are values: a missing file, a file that is not a
// shared library, a library without the factory, or a module of another ABI version.
struct ModuleLoad {
  std::optional<ModelModule> module;
  std::string error;
};

// dlopen()s `path` and checks its factory. Blocks for as long as loading libtorch takes (about
// 0.6 s): call it off any latency-sensitive thread. Thread-safety: any thread.
ModuleLoad load_model_module(const std::string& path);

// Where the module may be, in the order they are tried: $DOCENT_MODEL_MODULE if set; then
// libdocent_model.so next to the running executable (build trees put it next to
// build/<flavor>/lsp/docent); then ../lib/docent/libdocent_model.so relative to the
// executable's folder (an installed bin/docent). Thread-safety: any thread.
std::vector<std::string> model_module_candidates();

// The first candidate that loads; if none does, the error says what each one gave.
ModuleLoad find_and_load_model_module();

} // namespace docent::inference
