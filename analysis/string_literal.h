// Python string literals: prefix, quotes and the value they denote.
#pragma once

#include <string>
#include <string_view>

namespace docent::analysis {

struct StringLiteral {
  std::string prefix; // As written, e.g. "rb", "F", "".
  std::string quote;  // `"""`, `'''`, `"` or `'`.
  std::string_view body;
  bool raw = false;
  bool bytes = false;
  bool formatted = false;
  bool valid = false; // False if the text is not a complete literal (e.g. unterminated).
};

// Splits one literal (no implicit concatenation) into prefix, quotes and body.
StringLiteral split_string_literal(std::string_view literal);

// The value of a literal's body, UTF-8 encoded: escapes processed unless raw. Bytes literals
// give their bytes. `\N{name}` escapes are kept as written (no Unicode name table here).
std::string cook_string_body(const StringLiteral& literal);

// The value of a hexadecimal digit (0-15), or -1 if `c` is not one.
int hex_digit_value(char c);

} // namespace docent::analysis
