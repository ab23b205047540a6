// Per security: a price jump (the mid moves by at least N basis points within a window of
// exchange time) and a liquidity drop (the size at the touch on one side falls by at least
// P percent within the window). Windows are tumbling: each starts at the first top of book
// after the previous one ended (or after a signal). State per instrument is fixed at
// construction; nothing allocates per event.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "dataplane/core/mapped_array.h"
#include "dataplane/stages/stage.h"

namespace tickwire::stages {

struct PriceMoveConfig {
  std::uint64_t window_ns = 1'000'000'000;  // exchange time
  std::uint32_t jump_basis_points = 50;     // 0: no price-jump signals
  std::uint32_t drop_percent = 80;          // 0: no liquidity-drop signals
  std::uint64_t min_touch_size = 500;       // smaller touches are too thin to judge
  std::uint32_t max_instruments = 16'384;
  std::uint16_t stage_id = 0;
};

class PriceMoveDetector final : public Stage {
 public:
  static constexpr std::string_view kName = "price_move";
  explicit PriceMoveDetector(const PriceMoveConfig& config);
  [[nodiscard]] bool ok() const noexcept { return state_.ok() && clock_ns_.ok(); }
  [[nodiscard]] std::string_view name() const noexcept override { return kName; }
  [[nodiscard]] bool process(std::span<const events::Event> message_events, SignalSink& out) noexcept override;
  // Degraded, only price jumps are judged: the liquidity-drop checks are skipped.
  void set_degraded(bool degraded) noexcept override { degraded_ = degraded; }

 private:
  struct Window {
    std::uint64_t start_ns;
    std::uint64_t mid2;  // bid + ask at the start (0: no two-sided book then)
    std::uint64_t bid_size;
    std::uint64_t ask_size;
    bool open;
  };
  void on_top(const events::Event& e, std::uint64_t now_ns, SignalSink& out) noexcept;
  Signal signal(const events::Event& e, SignalKind kind) const noexcept;

  PriceMoveConfig config_;
  MappedArray<Window> state_;
  // Per instrument, monotonic exchange time: anomalous timestamps never move it. Kept per
  // instrument, not per stage, so the signals do not depend on which other instruments a
  // worker happens to see.
  MappedArray<std::uint64_t> clock_ns_;
  bool degraded_ = false;
};

}  // namespace tickwire::stages
