// JSON-RPC 2.0 and LSP 3.17 vocabulary: error codes, message builders, and conversions between
// LSP JSON and the analysis layer's positions. The only place that knows how LSP spells them.
#pragma once

#include "analysis/text.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace docent::lsp {

using json = nlohmann::json;

enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
  kRequestCancelled = -32800,
  kContentModified = -32801,
  kRequestFailed = -32803,
};

// A request that fails with a JSON-RPC error code of its own (not an internal error).
struct RequestError : std::runtime_error {
  RequestError(int code_, const std::string& message) : std::runtime_error(message), code(code_) {}
  int code;
};

json response(const json& id, json result);
json error_response(const json& id, int code, const std::string& message);
json notification(const std::string& method, json params);
json request(const json& id, const std::string& method, json params);

// Reads an LSP Position / Range; nullopt (and `error`) if the JSON is not one.
std::optional<analysis::Position> position_from_json(const json& value, std::string& error);
std::optional<analysis::Range> range_from_json(const json& value, std::string& error);
json to_json(analysis::Position position);
json to_json(const analysis::Range& range);

// "utf-8" / "utf-16" / "utf-32" and back.
const char* encoding_name(analysis::PositionEncoding encoding);
// The first encoding the client lists that docent supports, else UTF-16 (LSP's default).
analysis::PositionEncoding negotiate_encoding(const json& client_capabilities);

// The local path of a file:// URI (percent-decoded). Other schemes have no path.
std::optional<std::string> path_from_uri(const std::string& uri);

// Replaces each byte that is not part of well-formed UTF-8 by U+FFFD, so that a message with
// invalid text can still be parsed. Returns how many bytes were replaced.
size_t repair_utf8(std::string& text);

// Reads a JSON value at a path of keys, or null.
const json* find_path(const json& value, std::initializer_list<const char*> keys);

} // namespace docent::lsp
