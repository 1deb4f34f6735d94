// Entry point of the `docent` executable.
#include "lsp/cli.h"

int main(int argc, char** argv) {
  return docent::lsp::run_cli(argc, argv);
}
