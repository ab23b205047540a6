// The TSC as a nanosecond clock for measuring costs on the hot path: one instruction to
// read, calibrated once against the monotonic clock (DPDK's own calibration when EAL runs).
#pragma once

#include <x86intrin.h>

#include <cstdint>

namespace tickwire::metrics {

class TscClock {
 public:
  // Calibrates over about `calibration_ms` of wall time.
  static TscClock calibrate(unsigned calibration_ms = 50) noexcept;
  static TscClock from_hz(std::uint64_t hz) noexcept { return TscClock(hz); }

  [[nodiscard]] static std::uint64_t now() noexcept { return __rdtsc(); }
  [[nodiscard]] std::uint64_t to_ns(std::uint64_t ticks) const noexcept {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(ticks) * ns_per_tick_q32_) >> 32);
  }
  [[nodiscard]] std::uint64_t hz() const noexcept { return hz_; }

 private:
  explicit TscClock(std::uint64_t hz) noexcept
      : hz_(hz == 0 ? 1 : hz), ns_per_tick_q32_((std::uint64_t{1'000'000'000} << 32) / (hz == 0 ? 1 : hz)) {}
  std::uint64_t hz_;
  std::uint64_t ns_per_tick_q32_;  // ns per tick, fixed point with 32 fractional bits
};

}  // namespace tickwire::metrics
