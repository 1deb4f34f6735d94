// Python tokenizer: a line-by-line port of CPython 3.11's pure-Python tokenize._tokenize
// (Lib/tokenize.py), the tokenizer radon's raw metrics are defined against. It reproduces that
// module's quirks rather than the real grammar: ERRORTOKEN for characters no pattern matches, OP
// for \w runs that do not start an identifier, the implicit NEWLINE at the end of an input whose
// last line lacks "\n", TokenError at end of input inside a string or bracket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace docent::analysis {

// The token types tokenize can produce from text (no ENCODING: generate_tokens never emits it).
enum class TokenType : uint8_t {
  EndMarker,
  Name,
  Number,
  String,
  Newline,
  Indent,
  Dedent,
  Op,
  ErrorToken,
  Comment,
  NL,
};

// Rows count from 1 like tokenize's; columns are UTF-8 byte offsets into the row (tokenize counts
// code points). `text` views the caller's lines; it is empty for the synthetic NEWLINE, DEDENT and
// ENDMARKER of finish().
struct Token {
  TokenType type = TokenType::EndMarker;
  std::string_view text;
  int start_row = 0;
  int start_col = 0;
  int end_row = 0;
  int end_col = 0;
};

// How feeding a line or ending the input went. TokenError and IndentationError are the Python
// exceptions of the same names; after either the tokenizer must be reset before reuse.
enum class TokenizeStatus : uint8_t { Ok, TokenError, IndentationError };

// The state of tokenize._tokenize between two readline() calls, so a caller can tokenize input
// as it arrives and copy the state to try out an ending. Not thread-safe; copies are
// independent and may be used on different threads.
class PythonTokenizer {
public:
  // Feeds the next line: valid UTF-8 ending in its "\n", except that the last line of the input
  // may lack it. Each line must directly follow the previous one in the same buffer (as slices
  // of one text do), because a token spanning lines views all of them; that buffer must outlive
  // the tokens. An empty line is end of input and adds nothing: call finish(). So is any line
  // after a whitespace-only line without "\n", where tokenize stops reading.
  TokenizeStatus feed_line(std::string_view line, std::vector<Token>& out);

  // Ends the input: reports TokenError inside a string or an unfinished statement, else appends
  // the implicit NEWLINE, DEDENTs and ENDMARKER.
  TokenizeStatus finish(std::vector<Token>& out);

  // Forgets all input, keeping allocated memory.
  void reset();

private:
  // Which closing pattern (tokenize's endpats) a string that continues past its line awaits.
  enum class StringEnd : uint8_t { SingleQuote, DoubleQuote, TripleSingle, TripleDouble };

  // tokenize's "new statement" branch: indentation, comment-only and blank lines. Sets
  // `line_done` when nothing of the line is left for scan_tokens().
  TokenizeStatus start_statement_line(std::string_view line, size_t& pos, std::vector<Token>& out,
                                      bool& line_done);
  // tokenize's "continued string" branch; false when the string goes on past this line.
  bool continue_string(std::string_view line, size_t& pos, std::vector<Token>& out);
  // The PseudoToken loop over the rest of the line.
  void scan_tokens(std::string_view line, size_t pos, std::vector<Token>& out);
  void begin_continued_string(std::string_view line, size_t start, StringEnd string_end);
  static void emit(std::vector<Token>& out, TokenType type, std::string_view text, int start_row,
                   int start_col, int end_row, int end_col);

  int lnum_ = 0;
  int parenlev_ = 0;
  bool continued_ = false;
  // A string that continues on the next line ("contstr" in tokenize) and where it started.
  bool in_string_ = false;
  bool needcont_ = false; // Stays set after an unterminated one-quote string, as in tokenize.
  StringEnd string_end_ = StringEnd::SingleQuote;
  const char* string_begin_ = nullptr;
  int string_start_row_ = 0;
  int string_start_col_ = 0;
  // tokenize stops reading at a whitespace-only line without "\n" (a `break` in the loop).
  bool stopped_ = false;
  // The lines read last and before it: tokenize's `line` and `last_line`.
  std::string_view line_;
  std::string_view last_line_;
  std::vector<int> indents_{0};
};

// str.isspace() of one code point (the characters str.strip() removes).
bool is_python_whitespace(char32_t c);

// Decodes the code point starting at text[i], which must begin a well-formed UTF-8 sequence, and
// stores its byte length in `length`.
char32_t decode_utf8_at(std::string_view text, size_t i, size_t& length);

} // namespace docent::analysis
