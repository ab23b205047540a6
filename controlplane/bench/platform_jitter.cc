#include "controlplane/bench/platform_jitter.h"

#include <sched.h>



namespace tickwire::bench {

JitterTally measure_platform_jitter(const metrics::TscClock& clock, std::uint64_t duration_ns) {
  JitterTally tally;
  const std::uint64_t start = metrics::TscClock::now();
  std::uint64_t previous = start;
  while (clock.to_ns(previous - start) < duration_ns) {
    const std::uint64_t now = metrics::TscClock::now();
    tally.observe(clock.to_ns(now - previous));
    previous = now;
  }
  // Each gap's conversion rounds down; the whole run converted once is exact.
  tally.spun_ns = clock.to_ns(previous - start);
  tally.cpu = sched_getcpu();
  return tally;
}

void print_jitter(std::FILE* out, std::string_view label, const JitterTally& t) {
  std::fprintf(out,
               "%.*s cpu=%d spun_s=%.3f interruptions_per_s=%.1f over_10us_per_s=%.1f over_100us_per_s=%.2f "
               "over_1ms_per_s=%.2f lost_us_per_s=%.0f longest_us=%.1f\n",
               static_cast<int>(label.size()), label.data(), t.cpu, static_cast<double>(t.spun_ns) / 1e9,
               t.per_second(t.interruptions), t.per_second(t.over_10us), t.per_second(t.over_100us), t.per_second(t.over_1ms),
               t.per_second(t.lost_ns) / 1e3, static_cast<double>(t.longest_ns) / 1e3);
}

}  // namespace tickwire::bench
