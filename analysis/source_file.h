// Reading Python files from disk as UTF-8 text, honouring a UTF-8 BOM and PEP 263 coding lines.
#pragma once

#include <optional>
#include <string>

namespace docent::analysis {

struct SourceFile {
  std::string text;     // UTF-8 (bytes of a file that claims UTF-8 are kept even if malformed).
  std::string encoding; // The encoding the file declared (normalized), "utf-8" by default.
  bool had_bom = false; // A UTF-8 BOM was present; it is not part of `text`.
  std::optional<size_t> invalid_utf8_at; // Byte offset of the first malformed UTF-8 sequence.
};

struct SourceFileResult {
  std::optional<SourceFile> file;
  std::string error; // Why the file could not be read or decoded, if `file` is empty.
};

// Reads `path`. Errors are values: a missing file, a directory, an unknown or undecodable
// declared encoding give an error message instead of a file.
SourceFileResult read_source_file(const std::string& path);

// Decodes file bytes per PEP 263 (exposed for tests).
SourceFileResult decode_source(std::string bytes);

// The encoding named by a PEP 263 coding cookie in the first two lines, if any.
std::optional<std::string> coding_cookie(std::string_view bytes);

} // namespace docent::analysis
