// One run of the whole data path, as the configuration says: the inputs (capture files, or
// DPDK ports) through the sequencer and the books, then the stage pipeline inline or on
// worker threads behind per-priority rings; the journal, the figures, the final report.
// `tickwire replay` and `tickwire run` differ only in where their inputs come from and in
// what replay fixes for determinism.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "controlplane/cli/feed_input.h"
#include "controlplane/config/app_config.h"

namespace tickwire::cli {

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
  // One of several feed sessions in the process: its name heads its messages, and it gets
  // this share of the memory budget.
  std::string feed_name;
  std::uint64_t budget_share = 1;
  std::FILE* report_out = stdout;  // the final report
  std::FILE* stats_out = stderr;   // with output.stats: the counters after the run
};

// Returns the exit code: 0, 1 when an input could not be used or start-up failed, 128 +
// signal when SIGINT/SIGTERM stopped it (the journal and report then cover what ran).
int run_pipeline_session(const config::AppConfig& config, const FeedInputOptions& input, const SessionOptions& options);


}  // namespace tickwire::cli
