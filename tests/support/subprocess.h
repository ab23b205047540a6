// Runs the tickwire command as a user would and collects what it printed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tickwire::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `program` with `args`, no shell. stdout and stderr are captured separately.
CommandResult run_command(const std::string& program, const std::vector<std::string>& args);
// A command left running (a server): its pid and where its stdout goes.
struct Background {
  int pid = -1;
  std::string out_path;
  // Waits (up to `timeout_ms`) for a stdout line starting with `prefix`; returns it or "".
  std::string wait_for_line(const std::string& prefix, int timeout_ms) const;
  // SIGTERM, then waits for it to exit; returns its stdout.
  std::string stop();
};
Background run_in_background(const std::string& program, const std::vector<std::string>& args);

// The tickwire binary of this build.
std::string tickwire_binary();
std::vector<std::string> split_lines(const std::string& text);
// The "key value" lines of a --stats report; absent keys read as -1.
std::int64_t stat(const std::string& report, const std::string& key);

}  // namespace tickwire::test
