// The language server: the message loop, the LSP lifecycle, request dispatch, cancellation,
// configuration and the pieces that run beside it (document worker, workspace index, parent
// process watch). Only this layer, with protocol.h and features.h, speaks JSON-RPC.
#pragma once

#include "lsp/transport.h"

#include <cstdint>
#include <string>

namespace docent::lsp {

struct ServerOptions {
  uint64_t parse_budget_micros = 5000;
};

// Serves one client over `transport` until `exit` or the end of input. Returns the process
// exit status: 0 after shutdown then exit, 1 otherwise.
// Thread-safety: run() once, from one thread.
int run_server(Transport& transport, const ServerOptions& options);

} // namespace docent::lsp
