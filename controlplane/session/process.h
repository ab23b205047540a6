// A process's run of the pipeline (`tickwire replay`, `tickwire run`): one feed session per
// [feed.NAME] table (or one for the whole configuration), side by side, and what they share:
//
//   - EAL and its ports, opened once; each port goes to the one feed that names it;
//   - the memory budget, read once and split evenly;
//   - the merge thread, one for every feed: the workers' outputs back in stream order into
//     each journal's outbox, alerts worded for a person. It never touches a socket, a disk
//     or a terminal, so a slow one cannot back up into the workers;
//   - the control thread (the caller's): control sockets and commands, hot swaps and RCU
//     reclamation, the outboxes written to files and the terminal, the progress line, the
//     process-wide parts (process_part.h: status lines, and what later layers add), and the
//     final report.
//
// The data plane never calls into this: data threads only push to rings the control plane
// reads, and read what it publishes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "controlplane/config/app_config.h"
#include "controlplane/session/feed_input.h"
#include "controlplane/session/feed_session.h"
#include "controlplane/session/outbox.h"
#include "controlplane/session/pattern_layer.h"
#include "controlplane/session/process_part.h"
#include "controlplane/session/progress_line.h"
#include "controlplane/session/session_options.h"
#include "drivers/dpdk_port.h"

namespace tickwire::session {

class Process {
 public:
  Process() = default;
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Every feed reserved and checked, ports opened; nothing runs yet. False with the reason
  // printed: then nothing runs at all (a process missing one venue would look healthy while
  // that venue's signals never came).
  [[nodiscard]] bool setup(const config::AppConfig& config, const FeedInputOptions& input,
                           const SessionOptions& options);
  // The feeds' data threads and the merge thread.
  void start();
  // One pass of the control loop; false once every feed has finished.
  bool poll();
  // Joins every thread, closes the ports.
  void stop();
  // The summary on stdout (and every figure with output.stats; the JSON report with
  // output.report). Returns the exit code: the worst of the feeds', 128 + the signal when one
  // stopped the run.
  int report();

 private:
  bool open_ports(std::vector<FeedSetup>& setups);
  // The pattern layer when [pattern.NAME] tables are configured, and each feed's hookup.
  bool setup_patterns(std::vector<FeedSetup>& setups, bool live, metrics::TscClock clock);
  void merge_loop();
  void keep_io();
  void print_messages();
  ProcessView view();

  config::AppConfig config_;
  SessionOptions options_;
  std::string who_;
  std::vector<std::unique_ptr<drivers::DpdkPort>> ports_;
  bool eal_started_ = false;
  // The process's messages for a person (alerts), written by the merge thread; printed here.
  std::unique_ptr<Outbox> messages_;
  std::vector<std::unique_ptr<FeedSession>> feeds_;
  std::thread merge_thread_;
  std::atomic<bool> merge_done_{false};
  std::unique_ptr<ProgressLine> progress_;
  std::vector<std::unique_ptr<ProcessPart>> parts_;
  // The pattern layer (one of parts_ once set up; null without [pattern.NAME] tables).
  std::unique_ptr<PatternLayer> pattern_layer_;
  PatternLayer* patterns_ = nullptr;
  int setup_exit_code_ = 1;
};

// Setup, start, the control loop until every feed has finished, stop, report.
int run_process(const config::AppConfig& config, const FeedInputOptions& input, const SessionOptions& options);

// The memory every pool and ring of the process must fit in: memory.budget_mb, or 90% of
// MemAvailable; and the name of where it came from, for messages.
[[nodiscard]] std::uint64_t session_memory_budget(const config::AppConfig& config);
[[nodiscard]] std::string describe_memory_budget(const config::AppConfig& config);

}  // namespace tickwire::session
