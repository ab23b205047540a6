// Low-class work costing more than a worker can do, paced input: does critical work keep its
// latency? Top-of-book changes are critical, everything else low (shed when its ring is full,
// as live); a stage spins on each low message. Part of `tickwire bench pipeline`; the rings
// are the product's defaults unless a test shrinks them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "controlplane/bench/bench_feed.h"
#include "controlplane/bench/bench_stream.h"
#include "dataplane/metrics/latency_histogram.h"

namespace tickwire::bench {

struct OverloadOptions {
  std::uint64_t low_cost_ns = 0;  // what the stage spins on each low message (0: nothing)
  bool skip_low = false;          // the stage's skip_low overrun policy, with a budget of half the cost
  // A system breaker on the rings' fill (trip and clear in percent) whose ladder sheds low
  // work at the router: the automatic answer (0: none).
  double breaker_trip_percent = 0;
  double breaker_clear_percent = 0;
  bool signal_each_low = false;   // the stage signals every low message (output ring pressure)
  std::size_t output_records = 16'384;
  std::size_t critical_events = 4096;
  std::size_t low_events = 16'384;
  bool print = true;  // the figures on stdout
};

struct OverloadResult {
  bool ran = false;  // false: the books could not be reserved (said on stderr)
  std::uint64_t messages = 0;
  double low_fraction = 0;  // of messages, low-class (units, as the rings count them)
  std::uint64_t low_shed = 0;
  std::uint64_t outputs = 0;  // records the worker handed back
  std::uint64_t breaker_transitions = 0;
  std::uint64_t breaker_shed = 0;  // low units the breaker's ladder kept from the rings
  metrics::LatencyHistogram critical;  // intended arrival to retired
  metrics::LatencyHistogram low;
};

OverloadResult run_low_overload(const BenchStream& stream, const FeedPlan& plan, const OverloadOptions& options);

}  // namespace tickwire::bench
