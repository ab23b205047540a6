// pair_spread: two securities whose mids move together; the spread A - beta * B over a
// sliding window of event time, and its z-score. A divergence when |z| reaches `entry_z`,
// a convergence when it comes back within `exit_z` after one.
//
// Sampled at the end of each batch that touched either leg, when both legs have a two-sided
// book and can trade (a halted, paused or stale leg's quote says nothing). z compares the
// spread now with the window before it (the sample is added after it is judged), needs
// `min_samples` in the window, and is not taken while the spread is flat (no variation: no
// z). beta is `hedge_ratio`, or with `rolling_hedge` the least-squares slope of A on B over
// the same window. A new trading day of either leg's feed starts the window afresh.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/patterns/pattern_instance.h"
#include "dataplane/patterns/window_stats.h"

namespace tickwire::patterns {

struct PairSpreadParams {
  std::array<Symbol, 2> securities{};
  std::uint64_t window_ns = 60'000'000'000;
  double hedge_ratio = 1.0;
  bool rolling_hedge = false;
  double entry_z = 2.0;
  double exit_z = 0.5;
  std::uint64_t min_samples = 30;
};

// What pair_spread computes from a window's moments of (mid A, mid B): the hedge ratio, and
// the spread's mean and variance under it. Shared with the tests' brute force.
struct SpreadFigures {
  double beta = 1.0;
  double mean = 0;
  double variance = 0;
};
[[nodiscard]] SpreadFigures spread_figures(const Moments& m, const PairSpreadParams& p) noexcept;

class PairSpread final : public PatternInstance {
 public:
  PairSpread(std::uint32_t id, std::uint32_t version, const PairSpreadParams& params);

  [[nodiscard]] std::span<const Symbol> legs() const noexcept override { return params_.securities; }
  void resolved(std::size_t leg, std::uint32_t security) noexcept override { security_[leg] = security; }
  void on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept override;
  void on_day_begins(std::uint16_t feed) noexcept override;

  // What it saw last (for tests and figures).
  [[nodiscard]] double last_z() const noexcept { return last_z_; }
  [[nodiscard]] std::uint64_t samples() const noexcept { return samples_; }

 private:
  // Read on every sample, first: the state, the parameters, then the window (its own hot
  // fields ahead of its buckets).
  std::array<std::uint32_t, 2> security_{kNoSecurity, kNoSecurity};
  bool diverged_ = false;
  double last_z_ = 0;
  std::uint64_t samples_ = 0;
  PairSpreadParams params_;
  WindowMoments<32> window_;
};

}  // namespace tickwire::patterns
