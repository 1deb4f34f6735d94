// Random edits for the property tests: a span deleted, a fragment of Python inserted, or both,
// at a random place (positions past a line's end are clamped, as LSP clamps them).
#pragma once

#include "analysis/document.h"

#include <cstdint>
#include <random>
#include <string>

namespace test_support {

struct RandomEdits {
  const char* const* fragments; // What an edit inserts, one of them.
  size_t fragment_count;
  uint32_t max_column; // Edits start at a column up to this.
  int deleting_kinds;  // Of ten kinds of edit, those that delete a span (the first of them
                       // across a line end); kinds from 2 on insert a fragment.
};

inline docent::analysis::TextChange
random_change(std::mt19937& rng, const docent::analysis::Document& doc, const RandomEdits& edits) {
  const docent::analysis::LineIndex& lines = doc.lines();
  std::uniform_int_distribution<uint32_t> line(0, static_cast<uint32_t>(lines.line_count()));
  std::uniform_int_distribution<uint32_t> column(0, edits.max_column);
  std::uniform_int_distribution<int> kind(0, 9);
  docent::analysis::Position start{line(rng), column(rng)};
  docent::analysis::Position end = start;
  const int k = kind(rng);
  if (k < edits.deleting_kinds) {
    end.line = start.line + (k == 0 ? 1 : 0);
    end.character = start.character + 1 + static_cast<uint32_t>(k);
  }
  std::string text;
  if (k >= 2) {
    std::uniform_int_distribution<size_t> pick(0, edits.fragment_count - 1);
    text = edits.fragments[pick(rng)];
  }
  return docent::analysis::TextChange{docent::analysis::Range{start, end}, text};
}

} // namespace test_support
