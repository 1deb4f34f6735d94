// The learning policy applied to diagnostics, code actions, docstrings and hover (see
// learning_policy.h).
#include "lsp/learning_policy.h"

#include "lsp/feedback_json.h"

#include <algorithm>

namespace docent::lsp {

using inference::Evidence;
using inference::Features;
using inference::LearningMode;
using inference::PredictionEntry;
using inference::Section;
using inference::SuggestionKind;
using inference::Visibility;

namespace {

size_t at(SuggestionKind kind) {
  return static_cast<size_t>(kind);
}
size_t at(Section section) {
  return static_cast<size_t>(section);
}

// The noun for similar definitions in hover's sentence.
const char* noun_of(const analysis::FileAnalysis& analysis, int index) {
  if (index < 0)
    return "modules";
  switch (analysis.model.definitions[static_cast<size_t>(index)].kind) {
  case analysis::DefinitionKind::Class:
    return "classes";
  case analysis::DefinitionKind::Method:
    return "methods";
  default:
    return "functions";
  }
}

} // namespace

bool LearningView::active() const {
  return mode != LearningMode::Off && snapshot && snapshot->loaded;
}

bool is_missing_docstring_code(const std::string& code) {
  return code.size() == 4 && code.rfind("D10", 0) == 0 && code[3] >= '0' && code[3] <= '7';
}

std::optional<SuggestionKind> rule_suggestion_kind(const std::string& code) {
  if (code == "C901" || code == "CCR001" || code.rfind("DCT2", 0) == 0)
    return SuggestionKind::Complexity;
  if (is_missing_docstring_code(code))
    return SuggestionKind::Docstring;
  if (code.rfind("DOC", 0) == 0)
    return SuggestionKind::DocstringUpdate;
  return std::nullopt;
}

PredictionLookup::~PredictionLookup() {
  if (view_.service != nullptr && !missing_.empty())
    view_.service->want(std::move(missing_));
}

const PredictionEntry* PredictionLookup::find(Features features) {
  if (const PredictionEntry* entry = view_.snapshot->find(features))
    return entry;
  std::optional<PredictionEntry> entry = compute(std::move(features));
  if (!entry)
    return nullptr;
  computed_.push_back(*entry);
  return &computed_.back();
}

std::optional<PredictionEntry> PredictionLookup::compute(Features features) {
  std::optional<PredictionEntry> entry = view_.snapshot->compute(features);
  if (entry)
    missing_.push_back(std::move(features));
  return entry;
}

void order_actions(const LearningView& view, json& actions) {
  if (!view.active() || !actions.is_array() || actions.size() < 2)
    return;
  const inference::LearningSnapshot& snapshot = *view.snapshot;
  std::vector<float> probabilities;
  bool departs = false;
  PredictionLookup lookup(view);
  for (const json& action : actions) {
    const json* arguments = find_path(action, {"command", "arguments"});
    std::string error;
    const std::optional<FeedbackArguments> parsed =
        arguments != nullptr ? feedback_arguments(*arguments, error) : std::nullopt;
    if (!parsed)
      return; // Not docent's actions with their features: leave them be.
    const inference::FeedbackEvent& event = parsed->event;
    float accept = inference::kPriorProbability;
    if (snapshot.departs(event.kind)) {
      const PredictionEntry* entry = lookup.find(event.features);
      if (entry == nullptr)
        return; // No model to predict with.
      accept = entry->prediction.accept[at(event.kind)];
      departs = true;
    }
    // Taking an Ignore rejects the suggestion: it is taken as often as the suggestion is not.
    probabilities.push_back(event.outcome == inference::Outcome::Rejected ? 1.0f - accept : accept);
  }
  if (!departs)
    return;
  const std::vector<size_t> order = inference::action_order(view.mode, probabilities);
  if (std::is_sorted(order.begin(), order.end()))
    return; // The static order, with its preferred action.
  json ordered = json::array();
  for (size_t i : order) {
    json action = std::move(actions[i]);
    action.erase("isPreferred");
    if (ordered.empty())
      action["isPreferred"] = true;
    ordered.push_back(std::move(action));
  }
  actions = std::move(ordered);
}

analysis::DocstringSections docstring_sections(const LearningView& view,
                                               inference::FeatureSource& features, int index) {
  analysis::DocstringSections sections;
  if (view.mode != LearningMode::Adapt || !view.active() || !view.snapshot->departs_anywhere())
    return sections;
  const inference::LearningSnapshot& snapshot = *view.snapshot;
  PredictionLookup lookup(view);
  const PredictionEntry* entry = lookup.find(features.of(index));
  if (entry == nullptr)
    return sections;
  const auto writes = [&](Section section) {
    return !snapshot.departs(section) ||
           inference::writes_section(view.mode, entry->prediction.keep[at(section)],
                                     snapshot.evidence.of(section),
                                     entry->similar_sections[at(section)]);
  };
  sections.args = writes(Section::Args);
  sections.returns = writes(Section::Returns);
  sections.yields = writes(Section::Yields);
  sections.raises = writes(Section::Raises);
  sections.attributes = writes(Section::Attributes);
  // The docstring-types setting still decides whether types are written at all.
  sections.types = writes(Section::Types);
  return sections;
}

std::string hover_explanation(const LearningView& view, inference::FeatureSource& features,
                              int index) {
  if (!view.active())
    return "";
  const inference::LearningSnapshot& snapshot = *view.snapshot;
  PredictionLookup lookup(view);
  const PredictionEntry* entry = lookup.find(features.of(index));
  if (entry == nullptr)
    return "";
  const analysis::FileAnalysis& analysis = features.analysis();
  const bool documented =
      index < 0 ? analysis.model.docstring.has_value()
                : analysis.model.definitions[static_cast<size_t>(index)].docstring.has_value();
  std::string text;
  for (const SuggestionKind kind : {SuggestionKind::Docstring, SuggestionKind::Complexity}) {
    const Evidence& similar = entry->similar_kinds[at(kind)];
    if (similar.total() == 0 || (kind == SuggestionKind::Docstring && documented))
      continue;
    const Visibility visibility = inference::diagnostic_visibility(
        view.mode, entry->prediction.accept[at(kind)], snapshot.evidence.of(kind), similar);
    const std::string sentence =
        inference::explain(kind, visibility, similar, noun_of(analysis, index));
    if (!sentence.empty())
      text += (text.empty() ? "" : "\n\n") + sentence + ".";
  }
  return text;
}

} // namespace docent::lsp
