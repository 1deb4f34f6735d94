// JSON-RPC and LSP message shapes (see protocol.h).
#include "lsp/protocol.h"

#include "analysis/string_literal.h"

namespace docent::lsp {

using analysis::Position;
using analysis::PositionEncoding;
using analysis::Range;

json response(const json& id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json error_response(const json& id, int code, const std::string& message) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

json notification(const std::string& method, json params) {
  return json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

json request(const json& id, const std::string& method, json params) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

namespace {

std::optional<uint32_t> unsigned_field(const json& object, const char* key, std::string& error) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_number_integer() || found->get<int64_t>() < 0 ||
      found->get<int64_t>() > UINT32_MAX) {
    error = std::string("expected a non-negative integer '") + key + "'";
    return std::nullopt;
  }
  return found->get<uint32_t>();
}

} // namespace

std::optional<Position> position_from_json(const json& value, std::string& error) {
  if (!value.is_object()) {
    error = "expected a Position object";
    return std::nullopt;
  }
  const std::optional<uint32_t> line = unsigned_field(value, "line", error);
  const std::optional<uint32_t> character = unsigned_field(value, "character", error);
  if (!line || !character)
    return std::nullopt;
  return Position{*line, *character};
}

std::optional<Range> range_from_json(const json& value, std::string& error) {
  if (!value.is_object() || !value.contains("start") || !value.contains("end")) {
    error = "expected a Range object";
    return std::nullopt;
  }
  const std::optional<Position> start = position_from_json(value["start"], error);
  const std::optional<Position> end = position_from_json(value["end"], error);
  if (!start || !end)
    return std::nullopt;
  return Range{*start, *end};
}

// Objects are built member by member: nlohmann's initializer-list constructor inspects and
// copies every element, which made ranges the dearest part of a diagnostics answer.
json to_json(Position position) {
  json object(json::value_t::object);
  object.emplace("line", position.line);
  object.emplace("character", position.character);
  return object;
}

json to_json(const Range& range) {
  json object(json::value_t::object);
  object.emplace("start", to_json(range.start));
  object.emplace("end", to_json(range.end));
  return object;
}

const char* encoding_name(PositionEncoding encoding) {
  switch (encoding) {
  case PositionEncoding::Utf8:
    return "utf-8";
  case PositionEncoding::Utf32:
    return "utf-32";
  case PositionEncoding::Utf16:
    break;
  }
  return "utf-16";
}

PositionEncoding negotiate_encoding(const json& client_capabilities) {
  const json* offered = find_path(client_capabilities, {"general", "positionEncodings"});
  if (offered == nullptr || !offered->is_array())
    return PositionEncoding::Utf16;
  for (const json& name : *offered) {
    if (name == "utf-8")
      return PositionEncoding::Utf8;
    if (name == "utf-16")
      return PositionEncoding::Utf16;
    if (name == "utf-32")
      return PositionEncoding::Utf32;
  }
  return PositionEncoding::Utf16;
}

std::optional<std::string> path_from_uri(const std::string& uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.compare(0, kScheme.size(), kScheme) != 0)
    return std::nullopt;
  std::string_view rest = std::string_view(uri).substr(kScheme.size());
  // file://host/path: only the local host (empty or "localhost") has a local path.
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos)
    return std::nullopt;
  const std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost")
    return std::nullopt;
  rest = rest.substr(slash);
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && analysis::hex_digit_value(rest[i + 1]) >= 0 &&
        analysis::hex_digit_value(rest[i + 2]) >= 0) {
      path.push_back(static_cast<char>(analysis::hex_digit_value(rest[i + 1]) * 16 +
                                       analysis::hex_digit_value(rest[i + 2])));
      i += 2;
    } else {
      path.push_back(rest[i]);
    }
  }
  return path;
}

size_t repair_utf8(std::string& text) {
  if (analysis::is_valid_utf8(text))
    return 0;
  std::string repaired;
  repaired.reserve(text.size() + 16);
  size_t replaced = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t length = analysis::utf8_sequence_length(text, i);
    if (length == 0) {
      repaired += "\xEF\xBF\xBD";
      ++replaced;
      ++i;
    } else {
      repaired.append(text, i, length);
      i += length;
    }
  }
  text = std::move(repaired);
  return replaced;
}

const json* find_path(const json& value, std::initializer_list<const char*> keys) {
  const json* at = &value;
  for (const char* key : keys) {
    if (!at->is_object())
      return nullptr;
    const auto found = at->find(key);
    if (found == at->end())
      return nullptr;
    at = &*found;
  }
  return at;
}

} // namespace docent::lsp
