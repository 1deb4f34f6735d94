// The learning model at work in the server: loads the model module in the background, trains it
// on every feedback event the store receives (from this process or another one sharing the data
// directory), saves it, and publishes what requests need as an immutable snapshot.
//
// Threading. One thread of its own holds the model, the store connection it reads events with,
// and everything it learned; every public method only queues work for it and returns at once.
// Requests read snapshot(): a shared pointer to a value that is never modified once published,
// so a request never waits for loading, training or saving. Until a model is loaded the snapshot
// says so, and the server keeps to the static rules. The snapshot carries a plain copy of the
// model's weights (network_weights.h) and the past events the similar-definitions evidence is
// counted over, so a request computes a prediction the snapshot lacks (a definition whose
// features an edit changed) itself, in microseconds, with the very computation the service
// uses: no request waits for the service and none is answered twice. It also tells the service
// (want()) so that the snapshots after the next training carry it precomputed. The `changed`
// callback tells the server when a new snapshot may change what diagnostics show (it departs from
// the static rules, or did): after training.
//
// Loading (libtorch: about 0.6 s and 150 MB) happens at configure() only if a saved model exists
// in the data directory, else at the first recorded event or once another process sharing the
// directory saves a model (looked for every kPollInterval); with learning disabled, never.
// Training: for each new event, the model's prediction before training scores it
// (EvidenceTable), then a train() call over the last kReplayWindow events. The model file is
// saved (model_file.h, atomically) once the queue is empty after training, so a burst of events
// costs one save. A model file that cannot be used is moved aside, the user warned once, and
// the model rebuilt from the last kRebuildEvents events of the log.
#pragma once

#include "inference/learner.h"
#include "inference/learning_types.h"
#include "inference/model_api.h"
#include "inference/network_weights.h"
#include "inference/policy.h"

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace docent::inference {

inline constexpr const char* kModelFileName = "model.bin";
// The payload layout of the model file (model_file.h's format version): the service's state
// (last event trained on, events trained, evidence) and then the model's own bytes.
inline constexpr uint32_t kModelFileFormat = 1;
// Events each train() call replays: the new one and those before it.
inline constexpr size_t kReplayWindow = 64;
// Past events kept for similar_evidence() (the neighbours of a definition).
inline constexpr size_t kSimilarEvents = 2000;
// Events replayed to rebuild a model whose file could not be used.
inline constexpr size_t kRebuildEvents = 1000;
// How often a loaded model looks for events that another process stored, and a service without
// a model for a model file that another process saved.
inline constexpr std::chrono::milliseconds kPollInterval{2000};

// The predictions for one definition, with the user's decisions on similar past definitions.
struct PredictionEntry {
  Prediction prediction;
  std::array<Evidence, kSuggestionKinds> similar_kinds{};
  std::array<Evidence, kSections> similar_sections{};
};

// A stable key of a feature vector (FNV-1a over its version, numbers and tokens).
uint64_t features_key(const Features& features);

// The entry for `features`: `weights`' prediction, and the decisions on the most similar of
// `similar` (similar_evidence()) for every head. Every prediction docent decides with is this
// one. Thread-safety: pure.
PredictionEntry prediction_entry(const NetworkWeights& weights, const SimilarEvents& similar,
                                 const Features& features);

// What requests read. Thread-safety: immutable once published; any thread.
struct LearningSnapshot {
  bool loaded = false;        // A model is loaded; without one everything is static.
  std::string status;         // Why not (loading, disabled, no module), for stats.
  double load_seconds = 0;    // How long loading the module and the model took.
  int64_t trained_events = 0; // Events the model has trained on.
  int64_t last_event = 0;     // Id of the newest event seen.
  EvidenceTable evidence;
  // Whether the confidence rule lets docent depart from the static rules on each head at all
  // (policy.h): when not, nothing needs a prediction.
  std::array<bool, kSuggestionKinds> kind_departs{};
  std::array<bool, kSections> section_departs{};
  std::unordered_map<uint64_t, PredictionEntry> predictions; // By features_key().
  // What prediction_entry() reads; both set whenever `loaded`.
  std::shared_ptr<const NetworkWeights> weights;
  std::shared_ptr<const SimilarEvents> similar;

  bool departs(SuggestionKind kind) const { return kind_departs[static_cast<size_t>(kind)]; }
  bool departs(Section section) const { return section_departs[static_cast<size_t>(section)]; }
  bool departs_anywhere() const;
  // The precomputed entry for `features`, or null (then compute() it).
  const PredictionEntry* find(const Features& features) const;
  // prediction_entry() of `features` with this snapshot's weights and past events: equal to
  // what find() gives where it gives one. Nullopt without a loaded model.
  std::optional<PredictionEntry> compute(const Features& features) const;
};

// Thread-safety: every method may be called from any thread; callbacks run on the service's
// thread and must not block.
class ModelService {
public:
  using Warn = std::function<void(const std::string& message)>;
  // What diagnostics show may have changed in every document.
  using Changed = std::function<void()>;

  // `module_path` empty: find_and_load_model_module() decides.
  ModelService(Warn warn, Changed changed, std::string module_path = {});
  ~ModelService(); // stop().
  ModelService(const ModelService&) = delete;
  ModelService& operator=(const ModelService&) = delete;

  // The learning settings; the first call with learning enabled loads a saved model, if any.
  void configure(LearningSettings settings);
  // An event was stored: load the model if it is not, then train on what is new.
  void recorded();
  // Predictions the published snapshot lacks (and a request computed): the snapshots after the
  // next training carry them precomputed. Neither wakes the thread nor publishes anything.
  void want(std::vector<Features> batch);
  // The events were deleted: back to the untrained model, and the model file goes.
  void reset();
  // Ends the thread (a save that is due is made first); later calls do nothing. The snapshot
  // stays readable.
  void stop();

  std::shared_ptr<const LearningSnapshot> snapshot() const;

private:
  struct Inbox {
    std::optional<LearningSettings> settings;
    bool recorded = false;
    bool reset = false;
    std::vector<Features> wanted; // Taken along with the next work, never work by itself.
    bool empty() const { return !settings && !recorded && !reset; }
  };
  struct State; // The thread's own (model_service.cpp).

  void run();
  bool take(Inbox& inbox, bool poll);

  const Warn warn_;
  const Changed changed_;
  const std::string module_path_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Inbox inbox_;                                     // Guarded by mutex_.
  bool stopping_ = false;                           // Guarded by mutex_.
  std::shared_ptr<const LearningSnapshot> current_; // Guarded by mutex_.
  void publish(std::shared_ptr<const LearningSnapshot> snapshot);

  std::unique_ptr<State> state_; // Service thread only.
  std::thread thread_;           // Last: starts after everything it uses.
};

} // namespace docent::inference
