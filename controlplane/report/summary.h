// The end of a run as a person reads it at a glance: per feed, what came in and what was
// lost, the signals with a few example lines, throughput, latency percentiles, the journal;
// then, under "attention", everything that needs a look (drops, gaps, suspect books,
// overruns, full rings, sheds, pools near their size). Every figure behind it is also in
// the key-value report (--stats) and the JSON one (--report FILE).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataplane/metrics/latency_histogram.h"

namespace tickwire::report {

struct FeedSummary {
  std::string name;    // "" when the process runs one feed
  std::string layout;  // "inline" or "2 workers"
  std::vector<std::string> inputs;  // files, or DPDK ports
  std::uint64_t packets = 0;
  std::uint64_t messages = 0;
  std::uint64_t events = 0;
  std::vector<std::pair<std::string, std::uint64_t>> drops;  // reason, count; only those that happened
  std::uint64_t gaps = 0;
  std::uint64_t gap_messages = 0;
  std::vector<std::pair<std::string, std::uint64_t>> signals;  // kind, count; only those that fired
  std::uint64_t signal_total = 0;
  std::vector<std::string> examples;  // the first signals, as journal lines
  std::uint64_t elapsed_ns = 0;       // the RX thread's run, first input to last
  std::uint64_t paced_rate = 0;       // messages per second a paced replay was released at (0: unpaced)
  // From each message's intended arrival (paced) or receipt (live) to its stages done.
  std::optional<metrics::LatencyHistogram> end_to_end;
  metrics::LatencyHistogram per_message;  // the stages' cost per message
  std::string journal_path;
  std::string journal_sha256;
  std::vector<std::string> attention;
};

// The pattern layer's part of the summary (when [pattern.NAME] tables are configured).
struct PatternSummary {
  std::size_t instances = 0;
  std::string layout;  // "on the merge thread" or "2 pattern threads"
  std::uint64_t updates = 0;
  std::vector<std::pair<std::string, std::uint64_t>> signals;  // kind, count; only those that fired
  std::uint64_t signal_total = 0;
  std::vector<std::string> examples;  // the first signals, as journal lines
  // Paced or live: from the arrival of the message that completed a signal's batch to the
  // signal handed to the merge.
  std::optional<metrics::LatencyHistogram> latency;
  std::string journal_path;  // several feeds: the process journal
  std::string journal_sha256;
};

struct RunSummary {
  std::string command;  // "replay", "run"
  std::vector<FeedSummary> feeds;
  std::optional<PatternSummary> patterns;
  std::uint64_t peak_rss_kib = 0;
  int stop_signal = 0;  // the signal that stopped the run, 0: it ran to the end
  std::vector<std::string> attention;  // the process's own
};

void print_summary(std::FILE* out, const RunSummary& run);

// "1,234,567".
[[nodiscard]] std::string with_thousands(std::uint64_t n);
// "1 gap", "3 gaps": n with the word that goes with it.
[[nodiscard]] std::string counted(std::uint64_t n, std::string_view one, std::string_view many);
// A duration in ns the way a person reads it: "850 ns", "12.4 us", "3.10 ms", "2.5 s".
[[nodiscard]] std::string readable_ns(std::uint64_t ns);

}  // namespace tickwire::report
