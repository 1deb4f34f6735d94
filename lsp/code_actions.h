// Code actions on docstrings: which apply at a place in a document, and the edits that carry
// them out (computed when the client resolves the action, or at once for clients that cannot).
#pragma once

#include "analysis/analyzer.h"
#include "analysis/config.h"
#include "analysis/docstring_format.h"
#include "analysis/parameter_descriptions.h"
#include "inference/feature_source.h"
#include "lsp/protocol.h"

#include <functional>
#include <memory>
#include <string>

namespace docent::lsp {

// What a code action needs to know about the document and the client.
struct ActionContext {
  std::string uri;
  std::string path; // Empty for URIs that are not local files.
  int64_t version = 0;
  analysis::PositionEncoding encoding = analysis::PositionEncoding::Utf16;
  bool resolve_edits = false;    // The client resolves `edit` lazily (codeAction/resolve).
  bool document_changes = false; // The client takes versioned documentChanges.
  // Parameter descriptions of the workspace's docstrings, to reuse (may be null).
  std::shared_ptr<const analysis::ParameterDescriptions> reuse;
  // Learning is on: each action carries the docent.feedback command that records its outcome,
  // with an id made of this prefix (unique per request) and the action's number.
  bool learning = false;
  std::string id_prefix;
  // Keeps the file context of the features those commands carry (may be null).
  inference::FileContextCache* contexts = nullptr;
  // The sections to write into the docstring generated for a definition (the learning policy,
  // learning_policy.h); unset: all of them.
  std::function<analysis::DocstringSections(int definition)> docstring_sections;
};

// The actions at `cursor` (a byte offset) for a textDocument/codeAction request with LSP
// `context` (its diagnostics and `only` kinds): insert a docstring into the definition whose
// signature holds the cursor (or update its docstring to match the signature, or convert it to
// the configured style), quick fixes for docent's missing-docstring and mismatch diagnostics,
// an "Ignore CODE here" quick fix (a `# noqa` comment) for each docent diagnostic of a rule,
// and the source action that documents every undocumented definition of the file. With
// learning on, every action carries a docent.feedback command (feedback_json.h): taking an
// Ignore records a rejection, taking any other an acceptance.
json code_actions_json(const analysis::FileAnalysis& analysis, const analysis::CheckConfig& config,
                       const ActionContext& document, size_t cursor, const json& context);

// `action` (one code_actions_json() returned) with its edit. Throws RequestError
// (ContentModified) if the document changed since the action was offered.
json resolve_code_action(const analysis::FileAnalysis& analysis,
                         const analysis::CheckConfig& config, const ActionContext& document,
                         json action);

} // namespace docent::lsp
