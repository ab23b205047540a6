// output.status_interval_s: every so many seconds, per feed, a line on stderr with the
// messages so far, the rate, the process's RSS and the end-to-end latency percentiles over
// the interval. What an operator tails, and what scripts/soak.sh reads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "controlplane/session/process_part.h"
#include "dataplane/metrics/latency_histogram.h"

namespace tickwire::session {

class StatusLines final : public ProcessPart {
 public:
  explicit StatusLines(std::uint64_t interval_s) : interval_(interval_s) {}
  void start(const ProcessView& process) override;
  void poll(const ProcessView& process) override;

 private:
  struct Seen {  // what the last line saw, per feed
    std::uint64_t messages = 0;
    std::unique_ptr<metrics::LatencyHistogram> latency = std::make_unique<metrics::LatencyHistogram>();
  };
  std::chrono::seconds interval_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_;
  std::vector<Seen> seen_;
};

}  // namespace tickwire::session
