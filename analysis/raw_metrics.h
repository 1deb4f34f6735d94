// Raw metrics: an exact port of radon 5.1.0's radon.raw.analyze() (line counts, logical lines,
// comments, docstring lines), reproducing its numbers and quirks rather than fixing them.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace docent::analysis {

// radon.raw.Module: the field names and meanings are radon's. A plain value; thread-safe to copy.
struct RawMetrics {
  int loc = 0;             // lines: sloc + blank + multi + single_comments
  int lloc = 0;            // logical lines ("if x: y" counts 2)
  int sloc = 0;            // source lines
  int comments = 0;        // COMMENT tokens
  int multi = 0;           // non-empty lines of multi-line strings standing alone
  int blank = 0;           // empty lines, inside such strings too
  int single_comments = 0; // lines that are only a comment or a one-line string
  friend bool operator==(const RawMetrics& a, const RawMetrics& b) {
    return a.loc == b.loc && a.lloc == b.lloc && a.sloc == b.sloc && a.comments == b.comments &&
           a.multi == b.multi && a.blank == b.blank && a.single_comments == b.single_comments;
  }
  friend bool operator!=(const RawMetrics& a, const RawMetrics& b) { return !(a == b); }
};

// radon.raw.analyze() of Python source given as UTF-8 text exactly as read from disk (any of
// "\n", "\r\n", "\r" line ends). Returns std::nullopt where radon raises: when its re-tokenizing
// runs out of lines (an unterminated string or bracket, a stray character tokenize rejects), and
// for text that is not valid UTF-8, which radon cannot read. Linear time; pure and thread-safe.
std::optional<RawMetrics> compute_raw_metrics(std::string_view source);

// The same, also telling which lines count as SLOC: sloc_lines[k] for line k of
// str.splitlines(). The SLOC of any definition is then a count over its lines, with no second
// tokenization (in valid code a definition starts and ends radon's groups of lines).
std::optional<RawMetrics> compute_raw_metrics(std::string_view source,
                                              std::vector<bool>& sloc_lines);

// True if the only line breaks in `source` are \n, \r\n and \r, so that str.splitlines() and
// LSP number lines alike (it also breaks at \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029).
bool has_only_newline_breaks(std::string_view source);

} // namespace docent::analysis
