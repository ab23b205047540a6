// Runs the tickwire command as a user would and collects what it printed.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tickwire::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `program` with `args`, no shell. stdout and stderr are captured separately. A command
// still running after 10 minutes is killed (exit_code -1).
CommandResult run_command(const std::string& program, const std::vector<std::string>& args);
// A command left running (a server): its pid and where its stdout goes.
struct Background {
  Background() = default;
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  Background(Background&& other) noexcept
      : pid(other.pid), out_path(std::move(other.out_path)), err_path(std::move(other.err_path)) {
    other.pid = -1;
  }
  ~Background();  // kills it if still running: a failed test leaves no process behind

  int pid = -1;
  std::string out_path;
  std::string err_path;
  // Waits (up to `timeout_ms`) for a stdout (or stderr) line starting with `prefix`; returns
  // it or "".
  std::string wait_for_line(const std::string& prefix, int timeout_ms, bool on_stderr = false) const;
  // SIGTERM, then waits for it to exit; returns its stdout.
  std::string stop();
  // Sends `signal_number` and waits up to `timeout_ms` for the exit; returns the exit code
  // (128 + signal when a signal ended it; -1 when it had to be killed).
  int signal_and_wait(int signal_number, int timeout_ms);
};
Background run_in_background(const std::string& program, const std::vector<std::string>& args);

// The tickwire binary of this build.
std::string tickwire_binary();
std::vector<std::string> split_lines(const std::string& text);
// The "key value" lines of a --stats report; absent keys read as -1.
std::int64_t stat(const std::string& report, const std::string& key);
// The value of a "key value" line as text ("" when there is none): counts, and the text
// figures of `replay` and `run` --stats such as journal.sha256.
std::string figure(const std::string& report, const std::string& key);
// The sha256 `replay --stats` or `run --stats` printed for the journal (of feed NAME, with
// prefix "feed.NAME.").
std::string journal_sha(const std::string& report, const std::string& prefix = "");

}  // namespace tickwire::test
