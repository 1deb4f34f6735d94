// What the keystroke benchmarks share: the thread's CPU clock, where edits inside names go, and
// percentiles. Header-only: each benchmark is one translation unit.
#pragma once

#include "analysis/document.h"
#include "analysis/syntax_tree.h"

#include <algorithm>
#include <ctime>
#include <vector>

namespace docent::bench {

inline double thread_cpu_micros() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// Byte offsets strictly inside identifiers of two or more characters (as the server benchmark
// picks them: no keywords, nothing inside strings or comments).
inline std::vector<size_t> inside_identifiers(const analysis::Snapshot& snapshot) {
  std::vector<size_t> offsets;
  const analysis::FlatTree tree(snapshot.root());
  for (uint32_t i = 0; i < tree.size(); ++i)
    if (tree[i].kind == analysis::NodeKind::Identifier)
      for (uint32_t at = tree[i].start_byte + 1; at < tree[i].end_byte; ++at)
        offsets.push_back(at);
  return offsets;
}

inline double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(fraction * values.size()))];
}

// Parses until the tree is the canonical one (the editor idles between keystrokes).
inline void settle(analysis::Document& document) {
  while (!document.complete())
    document.reparse();
}

} // namespace docent::bench
