// Feedback commands, statistics and events as JSON (see feedback_json.h).
#include "lsp/feedback_json.h"

#include <cmath>
#include <map>

namespace docent::lsp {

using inference::Features;
using inference::FeedbackEvent;

namespace {

json features_json(const Features& features) {
  return json{
      {"version", features.version}, {"numeric", features.numeric}, {"tokens", features.tokens}};
}

// Features sent back by the client; nullopt if they are not what features_json() wrote.
std::optional<Features> features_from(const json& value) {
  Features features;
  if (value.is_null())
    return features;
  if (!value.is_object() || !value.value("version", json()).is_number_integer() ||
      !value.value("numeric", json()).is_array() || !value.value("tokens", json()).is_array())
    return std::nullopt;
  features.version = value["version"].get<int>();
  for (const json& number : value["numeric"]) {
    if (!number.is_number())
      return std::nullopt;
    features.numeric.push_back(number.get<float>());
  }
  for (const json& token : value["tokens"]) {
    if (!token.is_number_unsigned() || token.get<uint64_t>() > UINT32_MAX)
      return std::nullopt;
    features.tokens.push_back(token.get<uint32_t>());
  }
  return features;
}

json counts_json(const inference::OutcomeCounts& counts) {
  return json{{"accepted", counts.accepted}, {"rejected", counts.rejected}};
}

void add(inference::OutcomeCounts& sum, const inference::OutcomeCounts& counts) {
  sum.accepted += counts.accepted;
  sum.rejected += counts.rejected;
}

} // namespace

json feedback_command(const FeedbackArguments& arguments) {
  const FeedbackEvent& event = arguments.event;
  json argument{{"id", arguments.id},
                {"action", arguments.action},
                {"kind", inference::suggestion_kind_name(event.kind)},
                {"code", event.code},
                {"outcome", inference::outcome_name(event.outcome)},
                {"uri", arguments.uri},
                {"version", arguments.version},
                {"qualname", event.definition},
                {"line", arguments.line},
                {"path", event.path},
                {"features", features_json(event.features)}};
  if (!arguments.definitions.empty())
    argument["definitions"] = arguments.definitions;
  return json{{"title", "Record the choice for docent's learning"},
              {"command", kFeedbackCommand},
              {"arguments", json::array({std::move(argument)})}};
}

std::optional<FeedbackArguments> feedback_arguments(const json& arguments, std::string& error) {
  const json* argument =
      arguments.is_array() && arguments.size() == 1 ? &arguments.front() : nullptr;
  if (argument == nullptr || !argument->is_object()) {
    error = "expected one object of arguments";
    return std::nullopt;
  }
  auto text = [&](const char* key) -> std::optional<std::string> {
    const json& value = argument->value(key, json());
    if (!value.is_string()) {
      error = std::string("'") + key + "' must be a string";
      return std::nullopt;
    }
    return value.get<std::string>();
  };
  FeedbackArguments parsed;
  const auto id = text("id"), action = text("action"), kind = text("kind"), code = text("code"),
             outcome = text("outcome"), uri = text("uri"), qualname = text("qualname"),
             path = text("path");
  if (!id || !action || !kind || !code || !outcome || !uri || !qualname || !path)
    return std::nullopt;
  const std::optional<inference::SuggestionKind> kind_value =
      inference::suggestion_kind_from_name(*kind);
  const std::optional<inference::Outcome> outcome_value = inference::outcome_from_name(*outcome);
  const std::optional<Features> features = features_from(argument->value("features", json()));
  const json& version = argument->value("version", json());
  const json& line = argument->value("line", json());
  if (!kind_value || !outcome_value || !features || !version.is_number_integer() ||
      !line.is_number_unsigned()) {
    error = "'kind', 'outcome', 'features', 'version' or 'line' is not one docent writes";
    return std::nullopt;
  }
  parsed.id = *id;
  parsed.action = *action;
  parsed.uri = *uri;
  parsed.version = version.get<int64_t>();
  parsed.line = line.get<uint32_t>();
  parsed.event.kind = *kind_value;
  parsed.event.code = *code;
  parsed.event.outcome = *outcome_value;
  parsed.event.features = *features;
  parsed.event.definition = *qualname;
  parsed.event.path = *path;
  for (const json& name : argument->value("definitions", json::array()))
    if (name.is_string())
      parsed.definitions.push_back(name.get<std::string>());
  return parsed;
}

json stats_json(const inference::LearningStats& learning) {
  const inference::FeedbackStats& stats = learning.stats;
  inference::OutcomeCounts all;
  std::array<inference::OutcomeCounts, inference::kSuggestionKinds> kinds{};
  std::map<inference::Section, inference::OutcomeCounts> sections;
  json codes = json::array();
  for (const inference::CodeStats& code : stats.per_code) {
    add(all, code.counts);
    if (code.section) {
      add(sections[*code.section], code.counts);
      continue;
    }
    add(kinds[static_cast<size_t>(code.kind)], code.counts);
    json entry = counts_json(code.counts);
    entry["kind"] = inference::suggestion_kind_name(code.kind);
    entry["code"] = code.code;
    codes.push_back(std::move(entry));
  }
  json kinds_json = json::object();
  for (int i = 0; i < inference::kSuggestionKinds; ++i)
    kinds_json[std::string(inference::suggestion_kind_name(
        static_cast<inference::SuggestionKind>(i)))] = counts_json(kinds[static_cast<size_t>(i)]);
  json sections_json = json::object();
  for (const auto& [section, counts] : sections)
    sections_json[std::string(inference::section_name(section))] = counts_json(counts);
  return json{{"database", learning.database},
              {"events", all.total()},
              {"accepted", all.accepted},
              {"rejected", all.rejected},
              {"kinds", std::move(kinds_json)},
              {"codes", std::move(codes)},
              {"sections", std::move(sections_json)}};
}

json event_json(const FeedbackEvent& event) {
  json line{{"id", event.id},
            {"time_ms", event.time_ms},
            {"kind", inference::suggestion_kind_name(event.kind)},
            {"code", event.code},
            {"outcome", inference::outcome_name(event.outcome)},
            {"weight", event.weight},
            {"section", nullptr},
            {"definition", event.definition},
            {"path", event.path},
            {"features", features_json(event.features)}};
  if (event.section)
    line["section"] = inference::section_name(*event.section);
  return line;
}

} // namespace docent::lsp
