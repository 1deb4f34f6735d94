// Where a new docstring goes in a function or class body, and the text edit that puts it there.
//
// The edit is exact in the ways an editor user sees: right after the signature however it is
// split over lines, below comments after the colon, in the body's own indentation (tabs or
// spaces), with the file's line ending (LF, CRLF or CR); a body on the signature's line
// (`def f(): return 1`) is moved to its own line so that the docstring fits. The file parses to
// the same tree with one more statement (tested over the whole standard library).
#pragma once

#include "analysis/document.h"
#include "analysis/python_model.h"

#include <optional>
#include <string>
#include <string_view>

namespace docent::analysis {

// Replace the bytes `range` of a snapshot's text with `text`.
struct TextEdit {
  ByteRange range;
  std::string text;
};

// Indentation and line ending of a definition's body, as a docstring there must use them.
struct BodyLayout {
  std::string indent;       // Whitespace before the body's statements (or what it will be).
  std::string line_ending;  // "\n", "\r\n" or "\r", as the signature's line ends.
  bool inline_body = false; // The body starts on the signature's line.
};

// The layout of `definition`'s body in `snapshot` (the snapshot the definition was found in; it
// needs no tree: these functions read the text).
BodyLayout body_layout(const Snapshot& snapshot, const Definition& definition);

// The edit that inserts `docstring` as the first statement of `definition`'s body. `docstring`
// is the literal as generate_docstring() writes it with `indent` = body_layout().indent: lines
// separated by "\n" (written here with the file's line ending), the first starting with the
// quotes, the later ones already indented. nullopt when the definition already has a docstring
// or its body cannot take one (a syntax error inside it).
std::optional<TextEdit> docstring_insertion(const Snapshot& snapshot, const Definition& definition,
                                            std::string_view docstring);

} // namespace docent::analysis
