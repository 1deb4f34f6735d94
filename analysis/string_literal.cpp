// Splitting and cooking Python string literals (Python 3.11 lexical rules).
#include "analysis/string_literal.h"

#include <cctype>

namespace docent::analysis {

namespace {

void append_utf8(std::string& out, unsigned long code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

} // namespace

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

namespace {

// Reads exactly `digits` hex digits at body[i]; returns false (and leaves out alone) if absent.
bool read_hex(std::string_view body, size_t i, size_t digits, unsigned long& out) {
  if (i + digits > body.size())
    return false;
  unsigned long value = 0;
  for (size_t k = 0; k < digits; ++k) {
    const int v = hex_digit_value(body[i + k]);
    if (v < 0)
      return false;
    value = value * 16 + static_cast<unsigned long>(v);
  }
  out = value;
  return true;
}

char simple_escape(char c) {
  switch (c) {
  case '\\':
    return '\\';
  case '\'':
    return '\'';
  case '"':
    return '"';
  case 'a':
    return '\a';
  case 'b':
    return '\b';
  case 'f':
    return '\f';
  case 'n':
    return '\n';
  case 'r':
    return '\r';
  case 't':
    return '\t';
  case 'v':
    return '\v';
  default:
    return 0;
  }
}

// Handles the escape starting at body[i] == '\\'; returns the index after it.
size_t cook_escape(std::string_view body, size_t i, bool bytes, std::string& out) {
  if (i + 1 >= body.size()) {
    out += '\\';
    return i + 1;
  }
  const char c = body[i + 1];
  if (c == '\n')
    return i + 2; // Backslash-newline continues the literal on the next line.
  if (c == '\r')
    return i + 2 + (i + 2 < body.size() && body[i + 2] == '\n');
  if (char simple = simple_escape(c)) {
    out += simple;
    return i + 2;
  }
  if (c >= '0' && c <= '7') {
    unsigned long value = 0;
    size_t k = i + 1;
    for (; k < body.size() && k < i + 4 && body[k] >= '0' && body[k] <= '7'; ++k)
      value = value * 8 + static_cast<unsigned long>(body[k] - '0');
    if (bytes)
      out += static_cast<char>(value & 0xFF);
    else
      append_utf8(out, value);
    return k;
  }
  unsigned long value = 0;
  if (c == 'x' && read_hex(body, i + 2, 2, value)) {
    if (bytes)
      out += static_cast<char>(value);
    else
      append_utf8(out, value);
    return i + 4;
  }
  if (!bytes && c == 'u' && read_hex(body, i + 2, 4, value)) {
    append_utf8(out, value);
    return i + 6;
  }
  if (!bytes && c == 'U' && read_hex(body, i + 2, 8, value) && value <= 0x10FFFF) {
    append_utf8(out, value);
    return i + 10;
  }
  // Unknown escapes (and \N{...}) stay as written, as Python keeps unknown ones.
  out += '\\';
  return i + 1;
}

} // namespace

StringLiteral split_string_literal(std::string_view literal) {
  StringLiteral result;
  size_t i = 0;
  while (i < literal.size() && std::isalpha(static_cast<unsigned char>(literal[i])))
    ++i;
  result.prefix = std::string(literal.substr(0, i));
  for (char c : result.prefix) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.raw |= lower == 'r';
    result.bytes |= lower == 'b';
    result.formatted |= lower == 'f';
  }
  if (i >= literal.size() || (literal[i] != '"' && literal[i] != '\''))
    return result;
  const char q = literal[i];
  const bool triple = literal.size() >= i + 3 && literal[i + 1] == q && literal[i + 2] == q;
  result.quote = std::string(triple ? 3 : 1, q);
  const size_t open = i + result.quote.size();
  if (literal.size() < open + result.quote.size() ||
      literal.substr(literal.size() - result.quote.size()) != result.quote)
    return result;
  result.body = literal.substr(open, literal.size() - open - result.quote.size());
  result.valid = true;
  return result;
}

std::string cook_string_body(const StringLiteral& literal) {
  std::string out;
  const std::string_view body = literal.body;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size();) {
    if (body[i] == '\\' && !literal.raw) {
      i = cook_escape(body, i, literal.bytes, out);
    } else if (body[i] == '\r') {
      // Python reads source with universal newlines: CRLF and CR in a literal are "\n".
      out += '\n';
      i += 1 + (i + 1 < body.size() && body[i + 1] == '\n');
    } else {
      out += body[i++];
    }
  }
  return out;
}

} // namespace docent::analysis
