// What the server shows, as LSP JSON built from one FileAnalysis: diagnostics, hover content
// and code lenses. Pure functions; the worker decides when to call them.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/config.h"
#include "analysis/rules.h"
#include "lsp/protocol.h"

#include <optional>
#include <string>
#include <vector>

namespace docent::lsp {

// A document's diagnostics (the findings of `docent check`, one implementation in
// analysis/rules.h) serialized for the client, kept from one edit to the next: each
// diagnostic is serialized once and its text reused while its code, severity, positions and
// message stay the same, so that an edit that changes one diagnostic of hundreds serializes
// that one, and a keystroke that changes nothing visible costs the findings' positions and a
// comparison, no JSON. The diagnostics before and after the changed run are matched by place,
// so a keystroke costs no lookup per diagnostic. Thread-safety: none; one per document, used
// by one thread.
class DiagnosticsText {
public:
  DiagnosticsText();
  ~DiagnosticsText();
  DiagnosticsText(DiagnosticsText&&) noexcept;
  DiagnosticsText& operator=(DiagnosticsText&&) noexcept;

  // Brings the text up to date with `findings`; false if the set did not change.
  bool update(const analysis::FileAnalysis& analysis,
              const std::vector<analysis::Finding>& findings, analysis::PositionEncoding encoding);
  // The set as a JSON array of LSP diagnostics.
  const std::string& array() const { return array_; }
  // Whether the set is empty.
  bool empty() const { return shown_.empty(); }
  // A hash of the set as the client sees it: equal sets have equal hashes.
  size_t content_hash() const { return content_hash_; }
  // Whether a set was made and not forgotten since.
  bool known() const { return known_; }
  // The next update() reports a change even if the set is the same.
  void forget() { known_ = false; }

private:
  struct Shown; // One diagnostic as the client sees it (features.cpp).

  bool known_ = false;
  // The snapshot the diagnostics were last placed in (Snapshot::id()), its size and lines, and
  // the encoding of their positions.
  uint64_t snapshot_id_ = 0;
  size_t text_size_ = 0, line_count_ = 0;
  analysis::PositionEncoding encoding_ = analysis::PositionEncoding::Utf16;
  std::vector<Shown> shown_;
  std::string array_;
  size_t content_hash_ = 0;
};

// Hover at a byte offset: a definition's metrics when the offset is on its name or on its
// def/class keyword, the module's on the first line or the module docstring; else nullopt.
std::optional<json> hover_json(const analysis::FileAnalysis& analysis, size_t offset,
                               analysis::PositionEncoding encoding, bool markdown);

// One lens per definition, e.g. "cc 12 (C) · cognitive 9".
json code_lenses_json(const analysis::FileAnalysis& analysis, analysis::PositionEncoding encoding);

// LSP range of a byte range of the analysis' snapshot.
json range_json(const analysis::FileAnalysis& analysis, analysis::ByteRange range,
                analysis::PositionEncoding encoding);

} // namespace docent::lsp
