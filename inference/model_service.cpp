// The model's thread: loading, training on the store's events, saving, and publishing snapshots
// (see model_service.h).
#include "inference/model_service.h"

#include "inference/features.h"
#include "inference/feedback_store.h"
#include "inference/model_file.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

namespace docent::inference {

namespace {

// Events read from the store per round, so that wanted predictions are answered between
// rounds of a long catch-up.
constexpr size_t kCatchUpBatch = 64;
// Wanted feature vectors whose predictions each training brings up to date; beyond this, they
// start over (what is still shown is computed and wanted again).
constexpr size_t kMaxWanted = 4096;

uint64_t fnv1a(uint64_t hash, const void* bytes, size_t size) {
  const auto* p = static_cast<const unsigned char*>(bytes);
  for (size_t i = 0; i < size; ++i) {
    hash ^= p[i];
    hash *= 1099511628211ull;
  }
  return hash;
}

// The model file's payload, after the model file's own header: the service's counters and
// evidence in native byte order (the file stays on the machine that wrote it), then the
// model's bytes.
template <typename T> void put(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(value));
}

template <typename T> bool get(std::string_view& in, T& value) {
  if (in.size() < sizeof(value))
    return false;
  std::memcpy(&value, in.data(), sizeof(value));
  in.remove_prefix(sizeof(value));
  return true;
}

void put_evidence(std::string& out, const Evidence& evidence) {
  put(out, static_cast<int32_t>(evidence.accepted));
  put(out, static_cast<int32_t>(evidence.rejected));
  put(out, evidence.model_record);
  put(out, evidence.static_record);
}

bool get_evidence(std::string_view& in, Evidence& evidence) {
  int32_t accepted = 0, rejected = 0;
  if (!get(in, accepted) || !get(in, rejected) || !get(in, evidence.model_record) ||
      !get(in, evidence.static_record) || accepted < 0 || rejected < 0)
    return false;
  evidence.accepted = accepted;
  evidence.rejected = rejected;
  return true;
}

float head_probability(const Prediction& prediction, const FeedbackEvent& event) {
  return event.section ? prediction.keep[static_cast<size_t>(*event.section)]
                       : prediction.accept[static_cast<size_t>(event.kind)];
}

} // namespace

uint64_t features_key(const Features& features) {
  uint64_t hash = 14695981039346656037ull;
  hash = fnv1a(hash, &features.version, sizeof(features.version));
  hash = fnv1a(hash, features.numeric.data(), features.numeric.size() * sizeof(float));
  hash = fnv1a(hash, features.tokens.data(), features.tokens.size() * sizeof(uint32_t));
  return hash;
}

bool LearningSnapshot::departs_anywhere() const {
  for (bool departs : kind_departs)
    if (departs)
      return true;
  for (bool departs : section_departs)
    if (departs)
      return true;
  return false;
}

const PredictionEntry* LearningSnapshot::find(const Features& features) const {
  const auto found = predictions.find(features_key(features));
  return found == predictions.end() ? nullptr : &found->second;
}

std::optional<PredictionEntry> LearningSnapshot::compute(const Features& features) const {
  if (!loaded || !weights || !similar)
    return std::nullopt;
  return prediction_entry(*weights, *similar, features);
}

PredictionEntry prediction_entry(const NetworkWeights& weights, const SimilarEvents& similar,
                                 const Features& features) {
  PredictionEntry entry;
  entry.prediction = weights.predict(features);
  similar.evidence(features, entry.similar_kinds, entry.similar_sections);
  return entry;
}

// Everything the service's thread owns.
struct ModelService::State {
  LearningSettings settings;
  std::string directory; // Where the store and the model file are; empty if none.
  std::unique_ptr<FeedbackStore> store;
  std::optional<ModelModule> module;
  bool module_tried = false;
  std::unique_ptr<LearningModel> model;
  std::string status = "not loaded: no feedback yet";
  double load_seconds = 0;

  EvidenceTable evidence;
  std::vector<FeedbackEvent> window;  // The last kReplayWindow events trained on.
  std::vector<FeedbackEvent> similar; // The last kSimilarEvents, for similar_evidence().
  // What the snapshots share of the model and of `similar`: replaced, never modified, after
  // each change (export_weights(), share_similar()).
  std::shared_ptr<const NetworkWeights> weights;
  std::shared_ptr<const SimilarEvents> shared_similar;
  bool similar_changed = false; // Since shared_similar was made.
  int64_t last_event = 0;
  int64_t trained_events = 0;
  bool dirty = false;    // Trained since the last save.
  bool more = false;     // The last catch-up round did not reach the newest event.
  bool departed = false; // The last snapshot published departed from the static rules.

  std::unordered_map<uint64_t, Features> wanted;
  std::unordered_map<uint64_t, PredictionEntry> predictions;
  std::set<std::string> warned;

  ModelService::Warn warn;
  std::string module_path;

  bool active() const { return settings.enabled && model != nullptr; }
  // Not loaded, but would load as soon as a model file appears: another docent process
  // sharing the directory (a second editor window) may save one.
  bool awaiting_model() const {
    return settings.enabled && model == nullptr && !module_tried && !directory.empty();
  }
  bool model_file_exists() const {
    std::error_code error;
    return std::filesystem::exists(model_path(), error);
  }
  std::string model_path() const { return directory + "/" + kModelFileName; }

  bool apply(LearningSettings next);
  bool load();
  bool open_store();
  void restore_or_rebuild();
  bool restore(std::string_view payload);
  void rebuild_from_log();
  void forget();
  void export_weights();
  void share_similar();
  bool catch_up();
  void learn(const FeedbackEvent& event);
  void remember(std::vector<Features> batch);
  void repredict_all();
  std::string encode();
  void save();
  std::shared_ptr<const LearningSnapshot> snapshot();
  void warn_once(const std::string& message);
};

ModelService::ModelService(Warn warn, Changed changed, std::string module_path)
    : warn_(std::move(warn)), changed_(std::move(changed)), module_path_(std::move(module_path)),
      current_(std::make_shared<const LearningSnapshot>()), state_(std::make_unique<State>()) {
  state_->warn = warn_;
  state_->module_path = module_path_;
  thread_ = std::thread([this] { run(); });
}

ModelService::~ModelService() {
  stop();
}

void ModelService::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_)
      return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ModelService::configure(LearningSettings settings) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inbox_.settings = std::move(settings);
  }
  wake_.notify_one();
}

void ModelService::recorded() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inbox_.recorded = true;
  }
  wake_.notify_one();
}

void ModelService::want(std::vector<Features> batch) {
  if (batch.empty())
    return;
  // The thread is not woken: these are needed at the next training, which an event or the
  // next poll wakes it for, and a request that computed a prediction must not cost a switch to
  // another thread on two busy cores.
  std::lock_guard<std::mutex> lock(mutex_);
  if (inbox_.wanted.size() + batch.size() > kMaxWanted)
    inbox_.wanted.clear(); // Start over with what is wanted now, as remember() does.
  for (Features& features : batch)
    inbox_.wanted.push_back(std::move(features));
}

void ModelService::reset() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inbox_.reset = true;
  }
  wake_.notify_one();
}

std::shared_ptr<const LearningSnapshot> ModelService::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

void ModelService::publish(std::shared_ptr<const LearningSnapshot> snapshot) {
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = std::move(snapshot);
}

bool ModelService::take(Inbox& inbox, bool poll) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto has_work = [this] { return stopping_ || !inbox_.empty(); };
  if (!has_work() && !state_->more) {
    if (poll)
      wake_.wait_for(lock, kPollInterval, has_work);
    else
      wake_.wait(lock, has_work);
  }
  if (stopping_)
    return false;
  std::swap(inbox, inbox_);
  return true;
}

void ModelService::run() {
  State& state = *state_;
  for (;;) {
    Inbox inbox;
    if (!take(inbox, state.active() || state.awaiting_model())) {
      if (state.active() && state.dirty)
        state.save();
      return;
    }
    bool changed = false; // A new snapshot to publish.
    if (inbox.settings)
      changed = state.apply(std::move(*inbox.settings));
    if (!state.active())
      state.more = false;
    if (state.settings.enabled) {
      if (inbox.reset && state.model) {
        state.forget();
        std::error_code ignored;
        std::filesystem::remove(state.model_path(), ignored);
        changed = true;
      }
      if (state.awaiting_model() && (inbox.recorded || state.model_file_exists()))
        changed = state.load() || changed;
      if (state.active()) {
        // Computed at the next training: until then whoever wanted them computes them.
        state.remember(std::move(inbox.wanted));
        if (state.catch_up()) {
          state.repredict_all();
          changed = true;
        }
      }
    }
    if (changed) {
      std::shared_ptr<const LearningSnapshot> snapshot = state.snapshot();
      // Diagnostics change only where the rule departs from the static behaviour (or did).
      const bool matters = snapshot->departs_anywhere() || state.departed;
      state.departed = snapshot->departs_anywhere();
      publish(std::move(snapshot));
      if (changed_ && matters)
        changed_();
    }
    bool idle = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      idle = inbox_.empty();
    }
    // Saved once the burst is over: one save for many events.
    if (idle && !state.more && state.active() && state.dirty)
      state.save();
  }
}

bool ModelService::State::apply(LearningSettings next) {
  const Result<std::string> resolved = data_directory_of(next);
  const std::string next_directory = resolved ? *resolved : std::string();
  const bool moved = next_directory != directory;
  settings = std::move(next);
  if (!settings.enabled) {
    status = "not loaded: learning is disabled";
    return true;
  }
  if (moved) {
    if (model && dirty)
      save(); // What was learned in the old directory stays there.
    directory = next_directory;
    store.reset();
    if (model) {
      forget();
      if (open_store())
        restore_or_rebuild();
      export_weights();
      return true;
    }
  }
  // Loaded at once only if a model was saved: otherwise at the first event, or once another
  // process saves one (run() looks for it at every poll).
  if (awaiting_model() && model_file_exists())
    return load();
  return true;
}

bool ModelService::State::load() {
  module_tried = true;
  status = "loading";
  const auto start = std::chrono::steady_clock::now();
  ModuleLoad loaded =
      module_path.empty() ? find_and_load_model_module() : load_model_module(module_path);
  if (!loaded.module) {
    status = "not loaded: " + loaded.error;
    return true;
  }
  module = std::move(loaded.module);
  model = module->create(ModelOptions{});
  if (!model) {
    status = "not loaded: the module made no model";
    return true;
  }
  if (open_store())
    restore_or_rebuild();
  export_weights();
  load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return true;
}

bool ModelService::State::open_store() {
  if (directory.empty()) {
    status = "not loaded: no data directory";
    return false;
  }
  FeedbackStoreOpen opened = FeedbackStore::open(directory);
  if (!opened.store) {
    status = "not loaded: " + opened.error;
    return false;
  }
  store = std::move(opened.store);
  status = "loaded";
  return true;
}

void ModelService::State::restore_or_rebuild() {
  const std::string path = model_path();
  const ModelFileLoad file = load_model_file(path, kModelFileFormat, kFeatureVersion);
  if (file.payload && restore(*file.payload))
    return;
  switch (file.error) {
  case ModelFileError::Missing:
    break; // Nothing saved yet: learn from what the log has.
  case ModelFileError::Unreadable:
    warn_once("docent: the learning model cannot be read (" + file.message +
              "); it is rebuilt from the recorded feedback");
    break;
  case ModelFileError::None: // Intact, but not a model of this docent.
  case ModelFileError::Corrupt:
  case ModelFileError::VersionMismatch: {
    const Result<std::string> aside = move_aside(path);
    warn_once("docent: the learning model file could not be used (" +
              (file.payload ? std::string("its contents do not match this docent") : file.message) +
              "); " +
              (aside ? "moved aside to " + *aside : "it could not be moved: " + aside.error) +
              ", and rebuilt from the recorded feedback");
    break;
  }
  }
  rebuild_from_log();
}

bool ModelService::State::restore(std::string_view payload) {
  int64_t last = 0, trained = 0;
  EvidenceTable table;
  uint64_t model_size = 0;
  bool ok = get(payload, last) && get(payload, trained);
  for (Evidence& head : table.kinds)
    ok = ok && get_evidence(payload, head);
  for (Evidence& head : table.sections)
    ok = ok && get_evidence(payload, head);
  ok = ok && get(payload, model_size) && model_size == payload.size();
  if (!ok || !model->deserialize(payload).empty()) {
    model->reset();
    return false;
  }
  last_event = last;
  trained_events = trained;
  evidence = table;
  // The neighbours and the replay window: the newest events the model has seen.
  if (Result<std::vector<FeedbackEvent>> recent = store->recent(kSimilarEvents))
    for (FeedbackEvent& event : *recent)
      if (event.id <= last_event && event.features.version == kFeatureVersion)
        similar.push_back(std::move(event));
  similar_changed = true;
  const size_t from = similar.size() > kReplayWindow ? similar.size() - kReplayWindow : 0;
  window.assign(similar.begin() + static_cast<std::ptrdiff_t>(from), similar.end());
  return true;
}

void ModelService::State::rebuild_from_log() {
  forget();
  const Result<std::vector<FeedbackEvent>> recent = store->recent(kRebuildEvents);
  // The catch-up replays from here.
  last_event = recent && !recent->empty() ? recent->front().id - 1 : 0;
  dirty = true;
}

void ModelService::State::forget() {
  if (model) {
    model->reset();
    export_weights();
  }
  evidence = EvidenceTable{};
  window.clear();
  similar.clear();
  similar_changed = true;
  trained_events = 0;
  predictions.clear();
  dirty = false;
}

bool ModelService::State::catch_up() {
  more = false;
  if (!store)
    return false;
  Result<std::vector<FeedbackEvent>> events = store->events_after(last_event, kCatchUpBatch);
  if (!events || events->empty())
    return false;
  more = events->size() == kCatchUpBatch;
  for (const FeedbackEvent& event : *events)
    learn(event);
  return true;
}

void ModelService::State::learn(const FeedbackEvent& event) {
  last_event = std::max(last_event, event.id);
  if (event.features.version != kFeatureVersion)
    return; // Recorded before the model's features: nothing to learn from.
  const Prediction before = weights->predict(event.features);
  evidence.add(event, head_probability(before, event));
  window.push_back(event);
  if (window.size() > kReplayWindow)
    window.erase(window.begin());
  similar.push_back(event);
  if (similar.size() > kSimilarEvents + kReplayWindow)
    similar.erase(similar.begin(), similar.begin() + static_cast<std::ptrdiff_t>(kReplayWindow));
  similar_changed = true;
  model->train(window);
  export_weights();
  ++trained_events;
  dirty = true;
}

void ModelService::State::remember(std::vector<Features> batch) {
  if (wanted.size() + batch.size() > kMaxWanted)
    wanted.clear(); // Start over with what is wanted now.
  for (Features& features : batch) {
    const uint64_t key = features_key(features);
    wanted.emplace(key, std::move(features));
  }
}

void ModelService::State::repredict_all() {
  share_similar();
  predictions.clear();
  for (const auto& [key, features] : wanted)
    predictions[key] = prediction_entry(*weights, *shared_similar, features);
}

std::string ModelService::State::encode() {
  const std::string bytes = model->serialize();
  std::string payload;
  put(payload, last_event);
  put(payload, trained_events);
  for (const Evidence& head : evidence.kinds)
    put_evidence(payload, head);
  for (const Evidence& head : evidence.sections)
    put_evidence(payload, head);
  put(payload, static_cast<uint64_t>(bytes.size()));
  payload += bytes;
  return payload;
}

void ModelService::State::save() {
  dirty = false;
  const Status saved = save_model_file(model_path(), encode(), kModelFileFormat, kFeatureVersion);
  if (!saved)
    warn_once("docent: the learning model could not be saved: " + saved.error);
}

void ModelService::State::export_weights() {
  weights = std::make_shared<const NetworkWeights>(model->export_weights());
}

void ModelService::State::share_similar() {
  if (shared_similar && !similar_changed)
    return;
  shared_similar = std::make_shared<const SimilarEvents>(similar);
  similar_changed = false;
}

std::shared_ptr<const LearningSnapshot> ModelService::State::snapshot() {
  auto snapshot = std::make_shared<LearningSnapshot>();
  snapshot->loaded = active();
  snapshot->status = settings.enabled ? status : "not loaded: learning is disabled";
  snapshot->load_seconds = load_seconds;
  snapshot->trained_events = trained_events;
  snapshot->last_event = last_event;
  if (!snapshot->loaded)
    return snapshot;
  snapshot->evidence = evidence;
  // With the lowest probability and no similar decisions: whether the rule can depart at all.
  for (int k = 0; k < kSuggestionKinds; ++k)
    snapshot->kind_departs[static_cast<size_t>(k)] =
        diagnostic_visibility(LearningMode::Adapt, 0.0f,
                              evidence.of(static_cast<SuggestionKind>(k)),
                              Evidence{}) != Visibility::Show;
  for (int s = 0; s < kSections; ++s)
    snapshot->section_departs[static_cast<size_t>(s)] = !writes_section(
        LearningMode::Adapt, 0.0f, evidence.of(static_cast<Section>(s)), Evidence{});
  snapshot->predictions = predictions;
  share_similar();
  snapshot->weights = weights;
  snapshot->similar = shared_similar;
  return snapshot;
}

void ModelService::State::warn_once(const std::string& message) {
  if (warn && warned.insert(message).second)
    warn(message);
}

} // namespace docent::inference
