// Text positions: byte offsets <-> LSP line/character in UTF-8, UTF-16 or UTF-32 code units.
//
// LSP lines end at "\n", "\r\n" or a lone "\r"; a character past the end of a line means the
// end of that line and a line past the end of the text means the end of the text (LSP 3.17,
// "Position"). Invalid UTF-8 never crashes the conversion: each byte that does not start a
// well-formed sequence counts as one code unit in every encoding, as if it were U+FFFD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace docent::analysis {

enum class PositionEncoding { Utf8, Utf16, Utf32 };

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
  friend bool operator==(Position a, Position b) {
    return a.line == b.line && a.character == b.character;
  }
  friend bool operator<(Position a, Position b) {
    return a.line < b.line || (a.line == b.line && a.character < b.character);
  }
};

struct Range {
  Position start;
  Position end;
};

// Length in bytes of the well-formed UTF-8 sequence starting at text[i], or 0 if the byte there
// does not start one (so callers can treat it as a single invalid byte).
size_t utf8_sequence_length(std::string_view text, size_t i);

// True if every byte of text belongs to a well-formed UTF-8 sequence.
bool is_valid_utf8(std::string_view text);

// Number of code units `bytes` of UTF-8 text occupy in the given encoding.
size_t count_code_units(std::string_view bytes, PositionEncoding encoding);

// Line starts of a text, and conversions between byte offsets and positions.
// Thread-safety: immutable after construction; safe to share between threads. It does not own
// the text; conversions take the same text it was built from.
class LineIndex {
public:
  LineIndex() : starts_{0}, content_ends_{0} {}
  explicit LineIndex(std::string_view text);

  // Updates the index after old[start, old_end) became new_text[start, new_end), rescanning only
  // the lines around the edit and shifting the rest (a keystroke need not rescan a whole file).
  void update(std::string_view new_text, size_t start, size_t old_end, size_t new_end);

  friend bool operator==(const LineIndex& a, const LineIndex& b) {
    return a.starts_ == b.starts_ && a.content_ends_ == b.content_ends_ && a.size_ == b.size_;
  }

  size_t line_count() const { return starts_.size(); }
  // Byte offset where `line` starts; the text size for lines past the end.
  size_t line_start(size_t line) const;
  // Byte offset just past the last content byte of `line` (before its terminator).
  size_t line_content_end(size_t line) const;
  // Zero-based line containing byte `offset` (offsets past the end map to the last line).
  size_t line_of(size_t offset) const;

  // Byte offset in `text` (the text this index was built from) of an LSP position, clamped as
  // LSP specifies. A position inside a multi-unit character (e.g. between UTF-16 surrogates)
  // maps to the start of that character.
  size_t offset_of(std::string_view text, Position position, PositionEncoding encoding) const;
  Position position_of(std::string_view text, size_t offset, PositionEncoding encoding) const;

private:
  // 32 bits, as tree-sitter's offsets: a snapshot copies the index, and half the size is
  // half the copy.
  std::vector<uint32_t> starts_;       // Byte offset of each line's first byte.
  std::vector<uint32_t> content_ends_; // Byte offset of each line's terminator (or text end).
  size_t size_ = 0;
};

} // namespace docent::analysis
