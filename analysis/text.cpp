// Byte offset <-> LSP position conversion over UTF-8 text that may be malformed.
#include "analysis/text.h"

#include <algorithm>

namespace docent::analysis {

size_t utf8_sequence_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80)
    return 1;
  size_t length;
  unsigned char lo = 0x80, hi = 0xBF; // Allowed range of the second byte (RFC 3629 table).
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0)
      lo = 0xA0;
    if (b0 == 0xED)
      hi = 0x9F; // No UTF-16 surrogates.
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0)
      lo = 0x90;
    if (b0 == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size())
    return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi)
    return 0;
  for (size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF)
      return 0;
  return length;
}

bool is_valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) { // ASCII: nearly all of any Python source.
      ++i;
      continue;
    }
    const size_t n = utf8_sequence_length(text, i);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

namespace {

// Code units one character of `bytes_in_char` UTF-8 bytes takes (0 bytes: an invalid byte).
size_t units_of_char(size_t bytes_in_char, PositionEncoding encoding) {
  switch (encoding) {
  case PositionEncoding::Utf8:
    return bytes_in_char == 0 ? 1 : bytes_in_char;
  case PositionEncoding::Utf16:
    return bytes_in_char == 4 ? 2 : 1;
  case PositionEncoding::Utf32:
    return 1;
  }
  return 1;
}

} // namespace

size_t count_code_units(std::string_view bytes, PositionEncoding encoding) {
  if (encoding == PositionEncoding::Utf8)
    return bytes.size();
  size_t units = 0;
  for (size_t i = 0; i < bytes.size();) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) { // ASCII, one unit in every encoding.
      ++units;
      ++i;
      continue;
    }
    const size_t n = utf8_sequence_length(bytes, i);
    units += units_of_char(n, encoding);
    i += n == 0 ? 1 : n;
  }
  return units;
}

LineIndex::LineIndex(std::string_view text) : size_(text.size()) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      content_ends_.push_back(static_cast<uint32_t>(i));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
        ++i;
      starts_.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  content_ends_.push_back(static_cast<uint32_t>(text.size()));
}

void LineIndex::update(std::string_view new_text, size_t start, size_t old_end, size_t new_end) {
  const size_t first = line_of(start > 0 ? start - 1 : 0);
  // Two lines on from the edit: that line's start and the break before it are bytes the edit
  // did not touch, so everything from there on only moves.
  const size_t resume = std::min(line_of(old_end) + 2, starts_.size());
  const bool unchanged_tail = resume < starts_.size();
  const auto shift = [&](size_t offset) {
    return static_cast<uint32_t>(offset - old_end + new_end);
  };
  const size_t stop = unchanged_tail ? shift(starts_[resume]) : new_text.size();

  // The lines from `first` up to the unchanged tail, found anew.
  std::vector<uint32_t> starts, ends;
  size_t line_start = starts_[first];
  for (size_t i = line_start; i < stop; ++i) {
    if (new_text[i] != '\n' && new_text[i] != '\r')
      continue;
    starts.push_back(static_cast<uint32_t>(line_start));
    ends.push_back(static_cast<uint32_t>(i));
    if (new_text[i] == '\r' && i + 1 < new_text.size() && new_text[i + 1] == '\n')
      ++i;
    line_start = i + 1;
  }
  if (!unchanged_tail) {
    starts.push_back(static_cast<uint32_t>(line_start));
    ends.push_back(static_cast<uint32_t>(new_text.size()));
  }
  // Splice them in place of the old ones and move the tail: an edit costs a pass over the
  // line offsets, with no allocation of the whole index.
  const auto splice = [&](std::vector<uint32_t>& lines, const std::vector<uint32_t>& found) {
    lines.erase(lines.begin() + first, lines.begin() + resume);
    lines.insert(lines.begin() + first, found.begin(), found.end());
    for (size_t line = first + found.size(); line < lines.size(); ++line)
      lines[line] = shift(lines[line]);
  };
  splice(starts_, starts);
  splice(content_ends_, ends);
  size_ = new_text.size();
}

size_t LineIndex::line_start(size_t line) const {
  return line < starts_.size() ? starts_[line] : size_;
}

size_t LineIndex::line_content_end(size_t line) const {
  return line < content_ends_.size() ? content_ends_[line] : size_;
}

size_t LineIndex::line_of(size_t offset) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<size_t>(it - starts_.begin()) - 1;
}

size_t LineIndex::offset_of(std::string_view text, Position position,
                            PositionEncoding encoding) const {
  if (position.line >= starts_.size())
    return size_;
  const size_t begin = starts_[position.line];
  const size_t end = content_ends_[position.line];
  size_t units = 0;
  size_t i = begin;
  while (i < end) {
    const size_t n = utf8_sequence_length(text, i);
    const size_t width = units_of_char(n, encoding);
    if (units + width > position.character)
      break;
    units += width;
    i += n == 0 ? 1 : n;
  }
  return i;
}

Position LineIndex::position_of(std::string_view text, size_t offset,
                                PositionEncoding encoding) const {
  offset = std::min(offset, size_);
  const size_t line = line_of(offset);
  // An offset inside a line terminator ("\r|\n") belongs to the end of the line's content.
  const size_t end = std::min<size_t>(offset, content_ends_[line]);
  const size_t begin = starts_[line];
  return Position{static_cast<uint32_t>(line), static_cast<uint32_t>(count_code_units(
                                                   text.substr(begin, end - begin), encoding))};
}

} // namespace docent::analysis
