// The model's weights on disk: opaque bytes (the model serializes itself) in a file with a
// checked header, replaced atomically so that a crash leaves either the old file or the new one,
// never a mix.
//
// Layout, integers little-endian:
//   0  magic "DOCENTM1" (8 bytes)
//   8  format version (uint32): how the model serialized the payload
//  12  feature version (uint32): the Features layout the model was trained on
//  16  payload length (uint64)
//  24  FNV-1a 64 checksum of the payload (uint64)
//  32  payload
#pragma once

#include "inference/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace docent::inference {

inline constexpr size_t kModelFileHeaderSize = 32;

enum class ModelFileError {
  None,            // The payload was loaded.
  Missing,         // No file: no model was saved yet.
  Unreadable,      // The file exists but cannot be read (permissions, I/O error).
  Corrupt,         // Bad magic, length or checksum: move it aside and start afresh.
  VersionMismatch, // Intact, but for another format or feature version: retrain.
};
std::string_view model_file_error_name(ModelFileError error);

struct ModelFileLoad {
  std::optional<std::string> payload;
  ModelFileError error = ModelFileError::None; // Why there is no payload.
  std::string message;                         // The same for a log, naming the file.
};

// Writes `payload` to `<path>.tmp-<pid>`, syncs it, renames it over `path` and syncs the
// directory: once this returns success the new model survives a crash or power loss, and at
// no moment does `path` hold a partial file. Safe against another process saving the same path
// (the last rename wins; each file is whole).
Status save_model_file(const std::string& path, std::string_view payload, uint32_t format_version,
                       uint32_t feature_version);

// Reads `path` and checks its header: the payload, or why not. Integrity (magic, length,
// checksum) is checked before the versions, so a damaged file is Corrupt whatever it claims.
ModelFileLoad load_model_file(const std::string& path, uint32_t expected_format,
                              uint32_t expected_feature_version);

// Renames a bad file to `<path>.bad-<unix time>` (kept for a bug report rather than deleted);
// the new path, or why it could not be moved.
Result<std::string> move_aside(const std::string& path);

// The checksum in the header: 64-bit FNV-1a.
uint64_t fnv1a_64(std::string_view bytes);

} // namespace docent::inference
