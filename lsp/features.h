// What the server shows, as LSP JSON built from one FileAnalysis: diagnostics, hover content
// and code lenses. Pure functions; the worker decides when to call them.
#pragma once

#include "analysis/analyzer.h"
#include "analysis/config.h"
#include "analysis/rules.h"
#include "lsp/protocol.h"

#include <optional>

namespace docent::lsp {

// The findings of `docent check` (one implementation, analysis/rules.h) as LSP diagnostics;
// `path` is the file's (empty if it has none).
json diagnostics_json(const analysis::FileAnalysis& analysis, const analysis::CheckConfig& config,
                      const std::string& path, analysis::PositionEncoding encoding);
json diagnostics_json(const analysis::FileAnalysis& analysis,
                      const std::vector<analysis::Finding>& findings,
                      analysis::PositionEncoding encoding);
// The diagnostics as the client sees them (code, severity, positions, message) in a compact
// text: equal exactly when diagnostics_json() would be, and much cheaper to build, so that a
// keystroke that changes nothing visible costs no JSON.
std::string diagnostics_signature(const analysis::FileAnalysis& analysis,
                                  const std::vector<analysis::Finding>& findings,
                                  analysis::PositionEncoding encoding);

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
