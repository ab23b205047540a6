#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/support/test_support.h"

extern char** environ;

namespace tickwire::test {

namespace {
// A command that outlives this is stuck: kill it, so that a hung child never outlives the
// test (orphans slow the machine down for every later test).
constexpr int kCommandTimeoutMs = 600'000;

int wait_with_timeout(pid_t pid, int timeout_ms) {
  int status = 0;
  for (int waited = 0;; waited += 5) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0) return -1;
    if (waited >= timeout_ms) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    usleep(5'000);
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();  // in blocks: a byte-wise iterator crawls in the sanitizer build
  return std::move(text).str();
}
}  // namespace

CommandResult run_command(const std::string& program, const std::vector<std::string>& args) {
  const std::string dir = temp_dir();
  const std::string out_path = dir + "/stdout";
  const std::string err_path = dir + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> words{program};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  CommandResult r;
  pid_t pid = 0;
  if (posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ) == 0) {
    r.exit_code = wait_with_timeout(pid, kCommandTimeoutMs);
  }
  posix_spawn_file_actions_destroy(&actions);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

Background run_in_background(const std::string& program, const std::vector<std::string>& args) {
  Background b;
  const std::string dir = temp_dir();
  b.out_path = dir + "/stdout";
  b.err_path = dir + "/stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, b.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, b.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> words{program};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ) == 0) b.pid = pid;
  posix_spawn_file_actions_destroy(&actions);
  return b;
}

std::string Background::wait_for_line(const std::string& prefix, int timeout_ms, bool on_stderr) const {
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    for (const std::string& line : split_lines(slurp(on_stderr ? err_path : out_path))) {
      if (line.rfind(prefix, 0) == 0) return line;
    }
    usleep(10'000);
  }
  return "";
}

Background::~Background() {
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
}

int Background::signal_and_wait(int signal_number, int timeout_ms) {
  if (pid <= 0) return -1;
  kill(pid, signal_number);
  const int code = wait_with_timeout(pid, timeout_ms);
  pid = -1;
  return code;
}

std::string Background::stop() {
  (void)signal_and_wait(SIGTERM, kCommandTimeoutMs);
  return slurp(out_path);
}

std::string tickwire_binary() { return build_dir() + "/tickwire"; }

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::int64_t stat(const std::string& report, const std::string& key) {
  for (const std::string& line : split_lines(report)) {
    std::istringstream in(line);
    std::string k;
    std::int64_t v = 0;
    if (in >> k >> v && k == key) {
      std::string rest;
      if (!(in >> rest)) return v;
    }
  }
  return -1;
}

std::string figure(const std::string& report, const std::string& key) {
  for (const std::string& line : split_lines(report)) {
    if (line.size() <= key.size() || line.compare(0, key.size(), key) != 0 || line[key.size()] != ' ') continue;
    const std::size_t value = line.find_first_not_of(' ', key.size());
    return value == std::string::npos ? "" : line.substr(value);
  }
  return "";
}

std::string journal_sha(const std::string& report, const std::string& prefix) {
  return figure(report, prefix + "journal.sha256");
}

}  // namespace tickwire::test
