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

// The diagnostics as the client sees them (code, severity, positions, message) in a compact
// text: equal exactly when their JSON would be, and much cheaper to build, so that a keystroke
// that changes nothing visible costs no JSON.
std::string diagnostics_signature(const analysis::FileAnalysis& analysis,
                                  const std::vector<analysis::Finding>& findings,
                                  analysis::PositionEncoding encoding);

// A document's diagnostics (the findings of `docent check`, one implementation in
// analysis/rules.h) serialized for the client, kept from one edit to the next: each
// diagnostic is serialized once and its text reused while its code, severity, positions and
// message stay the same, so that an edit that changes one diagnostic of hundreds serializes
// that one. The diagnostics before and after the changed run are matched by place, so a
// keystroke costs no lookup per diagnostic. Thread-safety: none; one per document, used by one
// thread.
class DiagnosticsText {
public:
  // Brings the text up to date with `findings`; false if the set did not change.
  bool update(const analysis::FileAnalysis& analysis,
              const std::vector<analysis::Finding>& findings, analysis::PositionEncoding encoding);
  // diagnostics_signature() of the set, and the set as a JSON array of LSP diagnostics.
  const std::string& signature() const { return signature_; }
  const std::string& array() const { return array_; }
  // Whether a set was made and not forgotten since.
  bool known() const { return known_; }
  // The next update() reports a change even if the set is the same.
  void forget() { known_ = false; }

private:
  bool known_ = false;
  std::string signature_;
  std::string array_;
  std::vector<uint32_t> starts_;       // Where each diagnostic's line of `signature_` starts...
  std::vector<std::string> fragments_; // ...and its JSON, in the same order.
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
