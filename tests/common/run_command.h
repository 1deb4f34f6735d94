// Running a shell command from a test and keeping what it printed and how it exited (the CLI
// tests and the server tests that call `docent learn`).
#pragma once

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace test_support {

struct Run {
  int status = -1; // The exit status, or -1 if the command did not exit normally.
  std::string out;
};

// Runs `command` with /bin/sh and returns its standard output (redirect stderr in `command` to
// keep it too).
inline Run run_command(const std::string& command) {
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

} // namespace test_support
