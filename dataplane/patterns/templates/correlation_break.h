// correlation_break: a set of securities (2 to kMaxLegs) whose mid returns usually move
// together. On an event-time grid (every `grid_ns`), each leg's log return since the last
// grid point is taken; for every pair, the correlation of those returns over `window_ns` is
// compared with its norm, the correlation over `norm_window_ns`. A signal when a pair departs
// from its norm by `threshold` or more (after both windows hold `min_samples`); again for that
// pair only after it came back within half the threshold. O(k^2) per grid point for k legs
// (at most 28 pairs), nothing between grid points but the legs' latest mids.
//
// A grid point is taken at the end of the first batch past it that touched a leg (a quiet
// set takes fewer points); a leg without a two-sided book, halted or stale at a grid point
// gives no return there, and the pairs with it skip that point. A flat leg has no
// correlation (0): its pairs are judged on what their norm was.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "dataplane/patterns/pattern_instance.h"
#include "dataplane/patterns/window_stats.h"

namespace tickwire::patterns {

struct CorrelationBreakParams {
  std::vector<Symbol> securities;
  std::uint64_t grid_ns = 1'000'000'000;
  std::uint64_t window_ns = 60'000'000'000;
  std::uint64_t norm_window_ns = 600'000'000'000;
  double threshold = 0.5;
  std::uint64_t min_samples = 20;
};

class CorrelationBreak final : public PatternInstance {
 public:
  CorrelationBreak(std::uint32_t id, std::uint32_t version, const CorrelationBreakParams& params);

  [[nodiscard]] std::span<const Symbol> legs() const noexcept override { return params_.securities; }
  void resolved(std::size_t leg, std::uint32_t security) noexcept override { security_[leg] = security; }
  void on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept override;
  void on_day_begins(std::uint16_t feed) noexcept override;

 private:
  struct Pair {
    std::uint8_t a, b;
    WindowMoments<32> recent;
    WindowMoments<32> norm;
    bool broken = false;
  };
  CorrelationBreakParams params_;
  std::array<std::uint32_t, kMaxLegs> security_{};
  std::array<double, kMaxLegs> last_mid_{};  // at the last grid point (0: none)
  std::vector<Pair> pairs_;
  std::uint64_t next_grid_ns_ = 0;
};

}  // namespace tickwire::patterns
