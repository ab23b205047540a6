// What a spinning core loses to the platform under it: interrupts, the scheduler, and on a
// virtual machine the hypervisor running other guests. No latency figure measured on that
// core can be better than this floor, so `bench jitter` reports it and `bench pipeline`
// prints it beside its percentiles. A loop does nothing but read the TSC; every gap between
// two reads longer than kInterruptionNs is time the core was taken away.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string_view>

#include "dataplane/metrics/tsc_clock.h"

namespace tickwire::bench {

struct JitterTally {
  // An undisturbed iteration of the loop takes tens of ns; a gap of a microsecond is not it.
  static constexpr std::uint64_t kInterruptionNs = 1'000;

  int cpu = -1;                     // where the loop ran (at its end)
  std::uint64_t spun_ns = 0;
  std::uint64_t interruptions = 0;  // gaps over kInterruptionNs
  std::uint64_t over_10us = 0;
  std::uint64_t over_100us = 0;
  std::uint64_t over_1ms = 0;
  std::uint64_t lost_ns = 0;        // the interruptions' total length
  std::uint64_t longest_ns = 0;

  void observe(std::uint64_t gap_ns) noexcept {
    spun_ns += gap_ns;
    if (gap_ns <= kInterruptionNs) return;
    ++interruptions;
    lost_ns += gap_ns;
    if (gap_ns > longest_ns) longest_ns = gap_ns;
    if (gap_ns > 10'000) ++over_10us;
    if (gap_ns > 100'000) ++over_100us;
    if (gap_ns > 1'000'000) ++over_1ms;
  }
  // Per second spun, so runs of different lengths compare.
  [[nodiscard]] double per_second(std::uint64_t count) const noexcept {
    return spun_ns == 0 ? 0.0 : static_cast<double>(count) * 1e9 / static_cast<double>(spun_ns);
  }
};

// Spins on the calling thread for `duration_ns`, wherever it runs now (pin it first to
// measure one CPU).
JitterTally measure_platform_jitter(const metrics::TscClock& clock, std::uint64_t duration_ns);

// One line: `label cpu=... spun_s=... interruptions_per_s=... over_10us_per_s=...
// over_100us_per_s=... over_1ms_per_s=... lost_us_per_s=... longest_us=...`
void print_jitter(std::FILE* out, std::string_view label, const JitterTally& tally);

}  // namespace tickwire::bench
