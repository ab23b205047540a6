// lead_lag: a leader and its followers. When the leader's mid has moved at least `move_bps`
// within `within_ns` (from the window's lowest, up; from its highest, down) and a follower's
// mid has not moved `follower_bps` the same way within the same window, the follower is
// expected to follow: a signal with the direction, the leader's move in basis points (the
// score) and `expected_lag_ns`. Once per follower and leader move: a follower signalled is
// not again until `within_ns` has passed.
//
// Judged at the end of each batch that touched the leader or a follower; a leg without a
// two-sided book, halted or stale, takes no part. Memory is bounded (`max_samples` per leg
// and window, past which a window covers less time; counted).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "dataplane/patterns/pattern_instance.h"
#include "dataplane/patterns/window_extremes.h"

namespace tickwire::patterns {

struct LeadLagParams {
  std::vector<Symbol> securities;  // the leader, then up to kMaxLegs - 1 followers
  double move_bps = 20;
  double follower_bps = 5;
  std::uint64_t within_ns = 1'000'000'000;
  std::uint64_t expected_lag_ns = 100'000'000;
  std::size_t max_samples = 4096;
};

class LeadLag final : public PatternInstance {
 public:
  LeadLag(std::uint32_t id, std::uint32_t version, const LeadLagParams& params);

  [[nodiscard]] std::span<const Symbol> legs() const noexcept override { return params_.securities; }
  void resolved(std::size_t leg, std::uint32_t security) noexcept override { security_[leg] = security; }
  void on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept override;
  void on_day_begins(std::uint16_t feed) noexcept override;

 private:
  LeadLagParams params_;
  std::array<std::uint32_t, kMaxLegs> security_{};
  std::vector<WindowExtremes> windows_;        // per leg
  std::array<std::uint64_t, kMaxLegs> last_signal_ns_{};
  std::array<bool, kMaxLegs> signalled_{};
};

}  // namespace tickwire::patterns
