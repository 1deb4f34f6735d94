// Raw metrics: radon.raw.analyze() over python_tokenizer.h.
//
// radon strips every line, then for each line tokenizes it alone and, while tokenize raises
// TokenError or yields an ERRORTOKEN, appends the next line and tokenizes the whole buffer
// again. That is quadratic in the length of a multi-line string. Tokenizing is a streaming state
// machine, so the tokens of every line but the last of a buffer are the same whatever follows;
// only the last line, which lacks its "\n", can tokenize differently. So this file tokenizes each
// line once for good (with "\n") and tries out the ending on a copy of the state, which yields
// radon's exact tokens in linear time.
#include "analysis/raw_metrics.h"

#include "analysis/python_tokenizer.h"
#include "analysis/text.h"

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace docent::analysis {

namespace {

// Length of the line break str.splitlines() sees at source[i], or 0 if there is none.
size_t line_break_length(std::string_view source, size_t i) {
  const auto byte = [&](size_t k) {
    return k < source.size() ? static_cast<unsigned char>(source[k]) : 0u;
  };
  const unsigned char b = byte(i);
  if (b > 0x1E && b < 0xC2) // Most bytes: printable ASCII or a UTF-8 continuation byte.
    return 0;
  switch (b) {
  case '\n':
  case '\v':
  case '\f':
  case 0x1C:
  case 0x1D:
  case 0x1E:
    return 1;
  case '\r':
    return byte(i + 1) == '\n' ? 2 : 1;
  case 0xC2: // U+0085
    return byte(i + 1) == 0x85 ? 2 : 0;
  case 0xE2: // U+2028, U+2029
    return byte(i + 1) == 0x80 && (byte(i + 2) == 0xA8 || byte(i + 2) == 0xA9) ? 3 : 0;
  default:
    return 0;
  }
}

// Whether a byte can start a line break (see line_break_length): most bytes cannot, and a
// lookup is cheaper than the call per byte.
constexpr std::array<bool, 256> kMayStartBreak = [] {
  std::array<bool, 256> may{};
  for (int b = 0; b <= 0x1E; ++b)
    may[b] = true;
  may[0xC2] = may[0xE2] = true;
  return may;
}();

bool may_start_break(char c) {
  return kMayStartBreak[static_cast<unsigned char>(c)];
}

// Whether the text is all ASCII (and so valid UTF-8): the compiler vectorizes this loop, which
// is_valid_utf8() cannot be.
bool is_ascii(std::string_view text) {
  unsigned char bits = 0;
  for (const char c : text)
    bits |= static_cast<unsigned char>(c);
  return bits < 0x80;
}

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// ASCII whitespace to str.isspace() (is_python_whitespace below ASCII 0x80).
bool is_ascii_whitespace(char c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
}

// str.strip(): the line without leading and trailing Unicode whitespace. Decodes only non-ASCII
// characters: lines are ASCII nearly always.
std::string_view strip(std::string_view line) {
  size_t begin = 0;
  while (begin < line.size()) {
    if (is_ascii_whitespace(line[begin])) {
      ++begin;
      continue;
    }
    size_t length = 0;
    if (static_cast<unsigned char>(line[begin]) < 0x80 ||
        !is_python_whitespace(decode_utf8_at(line, begin, length)))
      break;
    begin += length;
  }
  size_t end = line.size();
  while (end > begin) {
    if (is_ascii_whitespace(line[end - 1])) {
      --end;
      continue;
    }
    if (static_cast<unsigned char>(line[end - 1]) < 0x80)
      break;
    size_t last = end - 1;
    while (last > begin && is_continuation_byte(line[last]))
      --last;
    size_t length = 0;
    if (!is_python_whitespace(decode_utf8_at(line, last, length)))
      break;
    end = last;
  }
  return line.substr(begin, end - begin);
}

// (l.strip() for l in source.splitlines())
std::vector<std::string_view> stripped_lines(std::string_view source) {
  std::vector<std::string_view> lines;
  size_t line_start = 0;
  if (has_only_newline_breaks(source) &&
      std::memchr(source.data(), '\r', source.size()) == nullptr) {
    // Lines end with "\n" alone, nearly always: memchr finds them faster than a look at each
    // byte. (The same lines as the loop below.)
    for (const char* found; line_start < source.size(); line_start = found - source.data() + 1) {
      found = static_cast<const char*>(
          std::memchr(source.data() + line_start, '\n', source.size() - line_start));
      if (found == nullptr)
        break;
      lines.push_back(strip(source.substr(line_start, found - source.data() - line_start)));
    }
    if (line_start < source.size())
      lines.push_back(strip(source.substr(line_start)));
    return lines;
  }
  for (size_t i = 0; i < source.size();) {
    if (!may_start_break(source[i])) {
      ++i;
      continue;
    }
    const size_t break_length = line_break_length(source, i);
    if (break_length == 0) {
      ++i;
      continue;
    }
    lines.push_back(strip(source.substr(line_start, i - line_start)));
    i += break_length;
    line_start = i;
  }
  if (line_start < source.size())
    lines.push_back(strip(source.substr(line_start)));
  return lines;
}

bool is_line_end_token(const Token& t) {
  return t.type == TokenType::EndMarker || t.type == TokenType::NL || t.type == TokenType::Newline;
}

bool is_op(const Token& t, std::string_view op) {
  return t.type == TokenType::Op && t.text == op;
}

// radon.raw.is_single_token: the first token has `type` and only line ends follow.
bool is_single_token(TokenType type, const std::vector<Token>& tokens) {
  if (tokens.front().type != type)
    return false;
  for (size_t i = 1; i < tokens.size(); ++i)
    if (!is_line_end_token(tokens[i]))
      return false;
  return true;
}

// _logical's aux() for the tokens [begin, end) between two ';'. radon looks for the LAST colon
// and expects it second to last, because the ENDMARKER is last; only the final part has one, so
// "if x: y; z" counts 1 for its first part.
int logical_lines_of_part(const std::vector<Token>& tokens, size_t begin, size_t end) {
  int kept = 0; // tokens other than COMMENT, NL, NEWLINE
  int last_colon = -1;
  bool has_code = false;
  for (size_t i = begin; i < end; ++i) {
    const Token& t = tokens[i];
    if (t.type == TokenType::Comment || t.type == TokenType::NL || t.type == TokenType::Newline)
      continue;
    if (is_op(t, ":"))
      last_colon = kept;
    if (t.type != TokenType::EndMarker)
      has_code = true;
    ++kept;
  }
  if (last_colon >= 0)
    return last_colon == kept - 2 ? 1 : 2;
  return has_code ? 1 : 0;
}

// radon.raw._logical: the parts split on ';' OP tokens.
int logical_lines(const std::vector<Token>& tokens) {
  int total = 0;
  size_t part_begin = 0;
  for (size_t i = 0; i <= tokens.size(); ++i) {
    if (i == tokens.size() || is_op(tokens[i], ";")) {
      total += logical_lines_of_part(tokens, part_begin, i);
      part_begin = i + 1;
    }
  }
  return total;
}

bool has_error_token(const std::vector<Token>& tokens, size_t from) {
  for (size_t i = from; i < tokens.size(); ++i)
    if (tokens[i].type == TokenType::ErrorToken)
      return true;
  return false;
}

// Runs radon's analyze() loop. Not thread-safe; one per call.
class RawAnalyzer {
public:
  explicit RawAnalyzer(std::string_view source) {
    const std::vector<std::string_view> lines = stripped_lines(source);
    // The stripped lines joined by "\n" (plus one after the last), so that every buffer radon
    // builds is a slice of `joined_`, as the tokenizer needs.
    size_t total = 0;
    for (std::string_view line : lines)
      total += line.size() + 1;
    joined_.reserve(total);
    for (std::string_view line : lines) {
      line_starts_.push_back(joined_.size());
      line_lengths_.push_back(line.size());
      joined_.append(line);
      joined_.push_back('\n');
    }
  }

  // Marks the lines that count as SLOC in `sloc_lines` (indexed like str.splitlines()).
  std::optional<RawMetrics> run(std::vector<bool>* sloc_lines = nullptr) {
    sloc_lines_ = sloc_lines;
    if (sloc_lines_ != nullptr)
      sloc_lines_->assign(line_count(), false);
    for (size_t first = 0; first < line_count();) {
      const std::optional<size_t> last = tokenize_group(first);
      if (!last)
        return std::nullopt;
      count_group(first, *last);
      first = *last + 1;
    }
    metrics_.loc = metrics_.sloc + metrics_.blank + metrics_.multi + metrics_.single_comments;
    return metrics_;
  }

private:
  size_t line_count() const { return line_starts_.size(); }
  std::string_view line(size_t k, bool with_newline) const {
    return std::string_view(joined_).substr(line_starts_[k], line_lengths_[k] + with_newline);
  }

  // _get_all_tokens from line `first`: fills tokens_ and returns the index of the last line
  // used, or nullopt where radon raises (it runs out of lines, or IndentationError escapes).
  std::optional<size_t> tokenize_group(size_t first) {
    committed_.reset();
    tokens_.clear();
    for (size_t last = first;; ++last) {
      const size_t mark = tokens_.size();
      trial_ = committed_;
      TokenizeStatus status = trial_.feed_line(line(last, false), tokens_);
      if (status == TokenizeStatus::Ok)
        status = trial_.finish(tokens_);
      if (status == TokenizeStatus::IndentationError)
        return std::nullopt;
      if (status == TokenizeStatus::Ok && !has_error_token(tokens_, mark))
        return last;
      tokens_.resize(mark);
      if (last + 1 == line_count())
        return std::nullopt;
      // An ERRORTOKEN in a line followed by more lines stays in every longer buffer, so radon
      // would append lines until it runs out.
      if (committed_.feed_line(line(last, true), tokens_) != TokenizeStatus::Ok ||
          has_error_token(tokens_, mark))
        return std::nullopt;
    }
  }

  // The body of analyze()'s loop for the lines [first, last] and their tokens_.
  void count_group(size_t first, size_t last) {
    for (const Token& t : tokens_)
      metrics_.comments += t.type == TokenType::Comment;
    if (is_single_token(TokenType::Comment, tokens_)) {
      ++metrics_.single_comments;
    } else if (is_single_token(TokenType::String, tokens_)) {
      if (tokens_.front().start_row == tokens_.front().end_row)
        ++metrics_.single_comments;
      else
        count_lines(first, last, metrics_.multi);
    } else {
      count_lines(first, last, metrics_.sloc);
      if (sloc_lines_ != nullptr)
        for (size_t k = first; k <= last; ++k)
          (*sloc_lines_)[k] = line_lengths_[k] != 0;
    }
    metrics_.lloc += logical_lines(tokens_);
  }

  // Adds the non-empty lines of [first, last] to `non_empty` and the empty ones to blank.
  void count_lines(size_t first, size_t last, int& non_empty) {
    for (size_t k = first; k <= last; ++k) {
      if (line_lengths_[k] != 0)
        ++non_empty;
      else
        ++metrics_.blank;
    }
  }

  std::string joined_;
  std::vector<size_t> line_starts_;
  std::vector<size_t> line_lengths_;
  PythonTokenizer committed_;
  PythonTokenizer trial_;
  std::vector<Token> tokens_;
  RawMetrics metrics_;
  std::vector<bool>* sloc_lines_ = nullptr;
};

} // namespace

std::optional<RawMetrics> compute_raw_metrics(std::string_view source) {
  if (!is_ascii(source) && !is_valid_utf8(source))
    return std::nullopt;
  return RawAnalyzer(source).run();
}

std::optional<RawMetrics> compute_raw_metrics(std::string_view source,
                                              std::vector<bool>& sloc_lines) {
  sloc_lines.clear();
  if (!is_ascii(source) && !is_valid_utf8(source))
    return std::nullopt;
  return RawAnalyzer(source).run(&sloc_lines);
}

bool has_only_newline_breaks(std::string_view source) {
  // Only these bytes can start a break other than \n or \r. One memchr per byte value is
  // vectorized and so much faster than a loop over the text; this runs on every keystroke.
  for (const char lead : {'\v', '\f', '\x1c', '\x1d', '\x1e', '\xc2', '\xe2'}) {
    for (const void* found = std::memchr(source.data(), lead, source.size()); found != nullptr;) {
      const size_t at = static_cast<size_t>(static_cast<const char*>(found) - source.data());
      if (line_break_length(source, at) != 0)
        return false;
      found = std::memchr(source.data() + at + 1, lead, source.size() - at - 1);
    }
  }
  return true;
}

} // namespace docent::analysis
