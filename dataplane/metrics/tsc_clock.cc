#include "dataplane/metrics/tsc_clock.h"

#include <time.h>

namespace tickwire::metrics {

namespace {
std::uint64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}
}  // namespace

TscClock TscClock::calibrate(unsigned calibration_ms) noexcept {
  const std::uint64_t t0 = monotonic_ns();
  const std::uint64_t c0 = __rdtsc();
  std::uint64_t t1 = t0;
  while (t1 - t0 < std::uint64_t{calibration_ms} * 1'000'000) t1 = monotonic_ns();
  const std::uint64_t c1 = __rdtsc();
  return TscClock(static_cast<std::uint64_t>(static_cast<double>(c1 - c0) * 1e9 / static_cast<double>(t1 - t0)));
}

}  // namespace tickwire::metrics
