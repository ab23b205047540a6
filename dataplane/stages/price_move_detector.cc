#include "dataplane/stages/price_move_detector.h"

#include <cstdlib>

namespace tickwire::stages {

PriceMoveDetector::PriceMoveDetector(const PriceMoveConfig& config)
    : config_(config),
      state_(std::size_t{config.max_instruments} + 1, /*prefault=*/true),
      clock_ns_(std::size_t{config.max_instruments} + 1, /*prefault=*/true) {}

Signal PriceMoveDetector::signal(const events::Event& e, SignalKind kind) const noexcept {
  return signal_about(e, kind, config_.stage_id);
}

void PriceMoveDetector::on_top(const events::Event& e, std::uint64_t now_ns, SignalSink& out) noexcept {
  Window& w = state_[e.instrument];
  const bool two_sided = e.quantity != 0 && e.other_quantity != 0;
  const std::uint64_t mid2 = two_sided ? std::uint64_t{e.price} + e.other_price : 0;
  if (!w.open || now_ns - w.start_ns > config_.window_ns) {
    w = Window{now_ns, mid2, e.quantity, e.other_quantity, true};
    return;
  }
  // What the window's start lacked (a one-sided book has no mid) is taken when it appears.
  if (w.mid2 == 0) w.mid2 = mid2;
  if (w.bid_size == 0) w.bid_size = e.quantity;
  if (w.ask_size == 0) w.ask_size = e.other_quantity;
  bool fired = false;
  if (config_.jump_basis_points != 0 && w.mid2 != 0 && mid2 != 0) {
    const std::int64_t move = (static_cast<std::int64_t>(mid2) - static_cast<std::int64_t>(w.mid2)) * 10'000 /
                              static_cast<std::int64_t>(w.mid2);
    if (static_cast<std::uint64_t>(std::llabs(move)) >= config_.jump_basis_points) {
      Signal s = signal(e, SignalKind::kPriceJump);
      s.price_before = static_cast<std::uint32_t>(w.mid2);
      s.price_after = static_cast<std::uint32_t>(mid2);
      s.basis_points = static_cast<std::int32_t>(move);
      out.emit(s);
      fired = true;
    }
  }
  if (config_.drop_percent != 0 && !degraded_) {
    const std::uint64_t sizes[2] = {e.quantity, e.other_quantity};
    const std::uint64_t anchors[2] = {w.bid_size, w.ask_size};
    for (int side = 0; side < 2; ++side) {
      if (anchors[side] < config_.min_touch_size) continue;
      // Remaining <= (100 - P)% of the anchor, in integers.
      if (sizes[side] * 100 <= anchors[side] * (100 - config_.drop_percent)) {
        Signal s = signal(e, SignalKind::kLiquidityDrop);
        s.side = side == 0 ? events::Side::kBid : events::Side::kAsk;
        s.size_before = anchors[side];
        s.size_after = sizes[side];
        s.basis_points = static_cast<std::int32_t>((anchors[side] - sizes[side]) * 10'000 / anchors[side]);
        out.emit(s);
        fired = true;
      }
    }
  }
  if (fired) w = Window{now_ns, mid2, e.quantity, e.other_quantity, true};
}

bool PriceMoveDetector::process(std::span<const events::Event> message_events, SignalSink& out) noexcept {
  for (const events::Event& e : message_events) {
    if (e.instrument == 0 || e.instrument > config_.max_instruments) continue;
    if (e.kind == events::EventKind::kInstrumentAdded && (e.flags & events::kStartsAfresh)) {
      // Back on a new trading day: yesterday's window and clock say nothing about today.
      state_[e.instrument] = Window{};
      clock_ns_[e.instrument] = 0;
      continue;
    }
    if (e.kind != events::EventKind::kTopOfBook) continue;
    std::uint64_t& clock = clock_ns_[e.instrument];
    if (!(e.flags & events::kTimestampAnomaly) && e.exchange_time_ns > clock) clock = e.exchange_time_ns;
    on_top(e, clock, out);
  }
  return true;
}

}  // namespace tickwire::stages
