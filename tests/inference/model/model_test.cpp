// The model module through the interface docent uses: loading, cold start, learning a rule,
// saving and restoring. Seeded and deterministic; no timing is asserted.
#include "inference/features.h"
#include "inference/model_api.h"
#include "inference/network_weights.h"
#include "inference/policy.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>

using namespace docent::inference;

namespace {

const ModelModule& module() {
  static const ModuleLoad load = load_model_module(DOCENT_MODEL_MODULE_PATH);
  if (!load.module)
    FAIL("cannot load the model module: " << load.error);
  return *load.module;
}

// A random definition: flags 0/1, counts on a log scale, a few tokens. `is_private` decides the
// private flag, which the rule under test depends on.
Features random_features(std::mt19937& random, bool is_private) {
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  Features features;
  features.version = kFeatureVersion;
  features.numeric.resize(kNumericFeatures);
  for (float& x : features.numeric)
    x = unit(random) < 0.5f ? 0.0f : 1.0f;
  features.numeric[kCyclomaticLog] = 3 * unit(random);
  features.numeric[kPrivate] = is_private ? 1.0f : 0.0f;
  features.numeric[kPublic] = is_private ? 0.0f : 1.0f;
  std::uniform_int_distribution<uint32_t> bucket(0, kTokenBuckets - 1);
  for (int i = 0; i < 4; ++i)
    features.tokens.push_back(bucket(random));
  return features;
}

std::vector<Features> random_batch(int size, unsigned seed) {
  std::mt19937 random(seed);
  std::vector<Features> batch;
  for (int i = 0; i < size; ++i)
    batch.push_back(random_features(random, i % 2 == 0));
  return batch;
}

// The user documents public definitions and never private ones.
FeedbackEvent docstring_event(const Features& features) {
  FeedbackEvent event;
  event.kind = SuggestionKind::Docstring;
  event.outcome = features.numeric[kPrivate] > 0 ? Outcome::Rejected : Outcome::Accepted;
  event.features = features;
  return event;
}

// Feeds the events one at a time as the server does: each new event, then training over the
// recent ones.
void train_online(LearningModel& model, const std::vector<Features>& examples) {
  std::vector<FeedbackEvent> events;
  for (const Features& features : examples) {
    events.push_back(docstring_event(features));
    model.train(events);
  }
}

} // namespace

TEST_CASE("The untrained model predicts the prior for every head and input", "[model]") {
  auto model = module().create();
  const std::vector<Features> batch = random_batch(50, 1);
  for (const Prediction& prediction : model->predict(batch)) {
    for (float p : prediction.accept)
      CHECK(p == Approx(kPriorProbability).margin(1e-6));
    for (float p : prediction.keep)
      CHECK(p == Approx(kPriorProbability).margin(1e-6));
  }
}

TEST_CASE("Cold start decisions equal the static rules", "[model]") {
  auto model = module().create();
  const std::vector<Prediction> predictions = model->predict(random_batch(50, 2));
  // Whatever evidence the store holds, the untrained model's prediction shows everything the
  // rules produce and writes every section; types follow the setting.
  Evidence convinced{5, 50};
  convinced.model_record = 10;
  const Evidence all_rejected{0, 10};
  for (const Evidence& evidence : {Evidence{}, Evidence{0, 100}, Evidence{5, 5}, convinced}) {
    for (const Prediction& prediction : predictions) {
      for (float p : prediction.accept)
        CHECK(diagnostic_visibility(LearningMode::Adapt, p, evidence, all_rejected) ==
              Visibility::Show);
      for (float p : prediction.keep) {
        CHECK(writes_section(LearningMode::Adapt, p, evidence, all_rejected));
        CHECK(writes_types(LearningMode::Adapt, true, p, evidence, all_rejected));
        CHECK_FALSE(writes_types(LearningMode::Adapt, false, p, evidence, all_rejected));
      }
      std::vector<float> accept(prediction.accept.begin(), prediction.accept.end());
      CHECK(action_order(LearningMode::Adapt, accept) == std::vector<size_t>{0, 1, 2});
    }
  }
}

TEST_CASE("Features of another version get the prior", "[model]") {
  auto model = module().create();
  train_online(*model, random_batch(30, 3));
  Features stale = random_batch(1, 4).front();
  stale.version = kFeatureVersion + 1;
  const Prediction prediction = model->predict({stale}).front();
  CHECK(prediction.accept[0] == Approx(kPriorProbability).margin(1e-6));
}

TEST_CASE("The model learns a simple rule from a few dozen events", "[model]") {
  ModelOptions options;
  options.seed = 7;
  auto model = module().create(options);
  // Every other feature is random noise here, which makes this harder than real definitions.
  train_online(*model, random_batch(60, 5));
  const std::vector<Features> unseen = random_batch(200, 6);
  const std::vector<Prediction> predictions = model->predict(unseen);
  int right = 0;
  for (size_t i = 0; i < unseen.size(); ++i) {
    const bool is_private = unseen[i].numeric[kPrivate] > 0;
    const float p = predictions[i].accept[static_cast<size_t>(SuggestionKind::Docstring)];
    right += (p >= 0.5f) != is_private;
  }
  CHECK(right >= 190); // 95%.
  // Heads without evidence stay at the prior's side.
  for (const Prediction& prediction : predictions)
    CHECK(prediction.accept[static_cast<size_t>(SuggestionKind::Complexity)] > 0.5f);
}

// A definition whose features are 1 at `ones` and 0 elsewhere, with the given token buckets.
Features definition(std::vector<int> ones, std::vector<uint32_t> tokens) {
  Features features;
  features.version = kFeatureVersion;
  features.numeric.assign(kNumericFeatures, 0.0f);
  for (int feature : ones)
    features.numeric[static_cast<size_t>(feature)] = 1.0f;
  features.tokens = std::move(tokens);
  return features;
}

float logit(float p) {
  return std::log(p / (1 - p));
}

TEST_CASE("One step moves the linear layer by the gradient of the weighted loss", "[model]") {
  ModelOptions options;
  options.learning_rate = 0.5f;
  auto model = module().create(options);
  FeedbackEvent accepted = docstring_event(definition({kPublic, kParams1, kAsync}, {1, 2, 3}));
  accepted.outcome = Outcome::Accepted;
  FeedbackEvent rejected;
  rejected.kind = SuggestionKind::Complexity;
  rejected.outcome = Outcome::Rejected;
  rejected.weight = 3;
  rejected.features = definition({kPublic, kCyclomatic15}, {4, 5});
  model->train({accepted, rejected}, 1);
  // Weights 1/4 and 3/4; untrained, every logit is the prior's, so the gradients of the loss
  // with respect to the two logits are 1/4 · (0.75 - 1) and 3/4 · 0.75. Each moves the linear
  // layer's column of its head by -0.5 times that times the event's features and the bias input
  // 1: a probe sharing `shared` of them moves by that times (shared + 1). Its tokens are others,
  // and the hidden layer's output weights start at zero and move by about AdamW's learning rate
  // 0.001, so they add at most a few hundredths.
  const Prediction probe = model->predict({definition({kPublic, kParams1}, {9})}).front();
  const float prior = logit(kPriorProbability);
  const auto docstring = static_cast<size_t>(SuggestionKind::Docstring);
  const auto complexity = static_cast<size_t>(SuggestionKind::Complexity);
  CHECK(logit(probe.accept[docstring]) - prior == Approx(0.5 * 0.25 * 0.25 * 3).margin(0.02));
  CHECK(logit(probe.accept[complexity]) - prior == Approx(-0.5 * 0.75 * 0.75 * 2).margin(0.02));
  // Heads without events have no gradient anywhere.
  CHECK(probe.accept[static_cast<size_t>(SuggestionKind::DocstringUpdate)] ==
        Approx(kPriorProbability).margin(1e-6));
  for (float keep : probe.keep)
    CHECK(keep == Approx(kPriorProbability).margin(1e-6));
}

TEST_CASE("Token rows a replay leaves out take the same steps as the rows it trains", "[model]") {
  // Training updates only the token rows its replay indexes and gives the others their steps
  // without a gradient in closed form. An event of negligible weight makes the replay index
  // them, so that they take the steps one by one: both must agree.
  const std::vector<Features> first = random_batch(20, 13);
  std::vector<FeedbackEvent> first_events;
  for (const Features& features : first)
    first_events.push_back(docstring_event(features));
  std::vector<FeedbackEvent> second_events;
  for (int i = 0; i < 20; ++i)
    second_events.push_back(docstring_event(
        definition({i % 2 == 0 ? kPrivate : kPublic, kParams2},
                   {static_cast<uint32_t>(1000 + 3 * i), static_cast<uint32_t>(1001 + 3 * i)})));
  auto left_out = module().create();
  auto indexed = module().create();
  left_out->train(first_events);
  indexed->train(first_events);
  std::vector<FeedbackEvent> second_indexing_first = second_events;
  for (const Features& features : first) {
    FeedbackEvent negligible = docstring_event(features);
    negligible.weight = 1e-30f;
    second_indexing_first.push_back(negligible);
  }
  for (int call = 0; call < 3; ++call) {
    left_out->train(second_events);
    indexed->train(second_indexing_first);
  }
  const std::vector<Prediction> a = left_out->predict(first);
  const std::vector<Prediction> b = indexed->predict(first);
  for (size_t i = 0; i < a.size(); ++i)
    CHECK(a[i].accept[0] == Approx(b[i].accept[0]).margin(1e-5));
}

TEST_CASE("Training is deterministic for a seed", "[model]") {
  ModelOptions options;
  options.seed = 11;
  auto first = module().create(options);
  auto second = module().create(options);
  train_online(*first, random_batch(20, 8));
  train_online(*second, random_batch(20, 8));
  const std::vector<Features> probe = random_batch(20, 9);
  const auto a = first->predict(probe);
  const auto b = second->predict(probe);
  for (size_t i = 0; i < a.size(); ++i)
    CHECK(a[i].accept == b[i].accept);
}

TEST_CASE("A saved model restores to identical predictions and training", "[model]") {
  auto model = module().create();
  train_online(*model, random_batch(25, 10));
  const std::string bytes = model->serialize();
  auto restored = module().create(ModelOptions{99});
  REQUIRE(restored->deserialize(bytes).empty());
  const std::vector<Features> probe = random_batch(30, 11);
  const auto before = model->predict(probe);
  const auto after = restored->predict(probe);
  for (size_t i = 0; i < before.size(); ++i) {
    CHECK(before[i].accept == after[i].accept);
    CHECK(before[i].keep == after[i].keep);
  }
  // The optimizer state came along: one more step gives the same model on both sides.
  const std::vector<FeedbackEvent> more = {docstring_event(random_batch(1, 12).front())};
  model->train(more, 1);
  restored->train(more, 1);
  CHECK(model->predict(probe)[0].accept == restored->predict(probe)[0].accept);
}

TEST_CASE("Bad saved bytes are an error and leave the model as it was", "[model]") {
  auto model = module().create();
  train_online(*model, random_batch(10, 13));
  const std::vector<Features> probe = random_batch(5, 14);
  const auto before = model->predict(probe);
  CHECK_FALSE(model->deserialize("not a model").empty());
  std::string truncated = model->serialize();
  truncated.resize(truncated.size() / 2);
  CHECK_FALSE(model->deserialize(truncated).empty());
  CHECK(model->predict(probe)[0].accept == before[0].accept);
}

TEST_CASE("Reset returns to the prior", "[model]") {
  auto model = module().create();
  train_online(*model, random_batch(20, 15));
  model->reset();
  for (const Prediction& prediction : model->predict(random_batch(10, 16)))
    CHECK(prediction.accept[0] == Approx(kPriorProbability).margin(1e-6));
  CHECK(model->parameter_count() > 0);
}

// The heads' probabilities of `a` and `b` agree within `margin`.
void check_close(const Prediction& a, const Prediction& b, float margin) {
  for (size_t k = 0; k < a.accept.size(); ++k)
    CHECK(a.accept[k] == Approx(b.accept[k]).margin(margin));
  for (size_t s = 0; s < a.keep.size(); ++s)
    CHECK(a.keep[s] == Approx(b.keep[s]).margin(margin));
}

TEST_CASE("The exported weights predict what torch predicts", "[model]") {
  ModelOptions options;
  options.seed = 13;
  auto model = module().create(options);
  std::vector<Features> probe = random_batch(300, 17);
  probe.push_back(random_batch(1, 18).front());
  probe.back().tokens.clear(); // No tokens: an empty bag.
  probe.push_back(random_batch(1, 19).front());
  probe.back().tokens = {kTokenBuckets + 5, 3 * kTokenBuckets}; // Hashed beyond the table.
  probe.push_back(random_batch(1, 20).front());
  probe.back().version = kFeatureVersion + 1; // Another version: the prior.

  SECTION("untrained: the prior") {
    const NetworkWeights weights = model->export_weights();
    REQUIRE(weights.valid());
    for (const Features& features : probe)
      check_close(weights.predict(features), prior_prediction(), 1e-6f);
  }
  SECTION("after training every head, on random definitions") {
    // Random decisions on random heads move every weight, the hidden layer's included.
    std::mt19937 random(21);
    std::vector<FeedbackEvent> events;
    for (const Features& features : random_batch(40, 22)) {
      FeedbackEvent event = docstring_event(features);
      const int head = static_cast<int>(random() % (kSuggestionKinds + kSections));
      if (head < kSuggestionKinds)
        event.kind = static_cast<SuggestionKind>(head);
      else
        event.section = static_cast<Section>(head - kSuggestionKinds);
      event.outcome = random() % 2 == 0 ? Outcome::Accepted : Outcome::Rejected;
      events.push_back(event);
      model->train(events);
    }
    const NetworkWeights weights = model->export_weights();
    REQUIRE(weights.valid());
    CHECK(std::any_of(weights.out.begin(), weights.out.end(), [](float w) { return w != 0; }));
    const std::vector<Prediction> expected = model->predict(probe);
    int departed = 0;
    for (size_t i = 0; i < probe.size(); ++i) {
      const Prediction computed = weights.predict(probe[i]);
      check_close(computed, expected[i], 1e-5f);
      departed += std::abs(computed.accept[0] - kPriorProbability) > 0.05f ? 1 : 0;
    }
    CHECK(departed > 100); // The training moved the predictions: the comparison means something.
  }
}

TEST_CASE("Loader errors are values", "[model][loader]") {
  SECTION("a missing file") {
    const ModuleLoad load = load_model_module("/nonexistent/libdocent_model.so");
    CHECK_FALSE(load.module);
    CHECK(load.error.find("no such file") != std::string::npos);
  }
  SECTION("a file that is not a shared library") {
    const std::string path = "model_loader_not_a_library.so";
    std::ofstream(path) << "plain text\n";
    const ModuleLoad load = load_model_module(path);
    CHECK_FALSE(load.module);
    CHECK_FALSE(load.error.empty());
    std::remove(path.c_str());
  }
  SECTION("a shared library without the factory") {
    const ModuleLoad load = load_model_module(DOCENT_OTHER_SHARED_LIBRARY);
    CHECK_FALSE(load.module);
    CHECK(load.error.find("not a docent model module") != std::string::npos);
  }
  SECTION("the module itself") {
    const ModuleLoad load = load_model_module(DOCENT_MODEL_MODULE_PATH);
    REQUIRE(load.module);
    CHECK(load.error.empty());
    CHECK(load.module->create() != nullptr);
  }
}

TEST_CASE("The environment variable is the first place looked", "[model][loader]") {
  setenv("DOCENT_MODEL_MODULE", "/somewhere/else.so", 1);
  const std::vector<std::string> candidates = model_module_candidates();
  unsetenv("DOCENT_MODEL_MODULE");
  REQUIRE(candidates.size() == 3);
  CHECK(candidates[0] == "/somewhere/else.so");
  CHECK(candidates[1].find("libdocent_model.so") != std::string::npos);
  CHECK(candidates[2].find("lib/docent/libdocent_model.so") != std::string::npos);
  CHECK(model_module_candidates().size() == 2);
}
