// The `docent` command line: `docent metrics` and `docent check`.
#pragma once

namespace docent::lsp {

// Runs the command line; returns the process exit status (0 clean, 1 findings, 2 usage or I/O
// error).
int run_cli(int argc, char** argv);

} // namespace docent::lsp
