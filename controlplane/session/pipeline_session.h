// One run of the whole data path, as the configuration says: the inputs (capture files, or
// DPDK ports) through the sequencer and the books, then the stage pipeline inline or on
// worker threads behind per-priority rings; the journal, the figures, the final report.
// `tickwire replay` and `tickwire run` differ only in where their inputs come from and in
// what replay fixes for determinism.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "controlplane/session/feed_input.h"
#include "controlplane/config/app_config.h"

namespace tickwire::session {

// Sessions that start together: none takes a packet until every one has set itself up
// (pools, rings, threads placed, journal open), and if one could not, none does.
class StartGate {
 public:
  explicit StartGate(std::size_t sessions) : waiting_(sessions) {}
  // Blocks until every session has arrived; true when all arrived ready.
  [[nodiscard]] bool arrive(bool ready) {
    std::unique_lock lock(mutex_);
    all_ready_ = all_ready_ && ready;
    if (--waiting_ == 0) arrived_.notify_all();
    arrived_.wait(lock, [this] { return waiting_ == 0; });
    return all_ready_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::size_t waiting_;
  bool all_ready_ = true;
};

struct SessionOptions {
  std::string command = "replay";  // names the command in messages
  // Live: rings follow their configured full policy (low may shed), latency is measured from
  // each packet's receipt. Replay: every ring applies backpressure, so no decision depends
  // on timing; latency is measured only when paced.
  bool live = false;
  // Scripted hot swaps (backtests of a parameter change; the swap storm of the tests):
  // slot 0 gets a fresh instance at every multiple of this many messages.
  std::uint64_t swap_every = 0;
  std::string swap_plugin;  // the new instances come from this shared object
  std::string swap_params;
  std::string latency_dir;  // every histogram as an HdrHistogram percentile file
  // One of several feed sessions in the process: its name heads its messages; it gets its
  // share of the memory budget, and starts when the others can (start_gate).
  std::string feed_name;
  std::uint64_t budget_bytes = 0;  // 0: memory.budget_mb, or else derived from the machine
  std::string budget_source;       // what budget_bytes is, for the refusal message
  StartGate* start_gate = nullptr;
  bool report_peak_rss = true;     // the process's, which one of several sessions cannot claim
  std::FILE* report_out = stdout;  // the final report
  std::FILE* stats_out = stderr;   // with output.stats: the counters after the run
};

// Returns the exit code: 0, 1 when an input could not be used or start-up failed, 128 +
// signal when SIGINT/SIGTERM stopped it (the journal and report then cover what ran).
int run_pipeline_session(const config::AppConfig& config, const FeedInputOptions& input, const SessionOptions& options);

// The memory every pool and ring of a session must fit in: memory.budget_mb, or 90% of
// MemAvailable; and the name of where it came from, for messages.
std::uint64_t session_memory_budget(const config::AppConfig& config);
std::string describe_memory_budget(const config::AppConfig& config);


}  // namespace tickwire::session
