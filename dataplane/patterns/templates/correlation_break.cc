#include "dataplane/patterns/templates/correlation_break.h"

#include <cmath>

namespace tickwire::patterns {

namespace {
bool usable(const SecurityState& s) noexcept { return s.mid2() != 0 && !s.halted() && !s.any_stale(); }
}  // namespace

CorrelationBreak::CorrelationBreak(std::uint32_t id, std::uint32_t version, const CorrelationBreakParams& params)
    : PatternInstance(id, version), params_(params) {
  security_.fill(kNoSecurity);
  const std::size_t k = params_.securities.size() < kMaxLegs ? params_.securities.size() : kMaxLegs;
  for (std::size_t a = 0; a < k; ++a) {
    for (std::size_t b = a + 1; b < k; ++b) {
      Pair p{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), WindowMoments<32>(params_.window_ns),
             WindowMoments<32>(params_.norm_window_ns), false};
      pairs_.push_back(p);
    }
  }
}

void CorrelationBreak::on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept {
  if (batch.time_ns < next_grid_ns_) return;
  next_grid_ns_ = (batch.time_ns / params_.grid_ns + 1) * params_.grid_ns;
  const std::size_t k = params_.securities.size() < kMaxLegs ? params_.securities.size() : kMaxLegs;
  std::array<double, kMaxLegs> r{};
  std::array<bool, kMaxLegs> have{};
  for (std::size_t i = 0; i < k; ++i) {
    if (security_[i] == kNoSecurity) continue;
    const SecurityState& s = market[security_[i]];
    if (!usable(s)) {
      last_mid_[i] = 0;  // the next return would span the gap
      continue;
    }
    const double mid = s.mid();
    if (last_mid_[i] > 0) {
      r[i] = std::log(mid / last_mid_[i]);
      have[i] = true;
    }
    last_mid_[i] = mid;
  }
  for (Pair& p : pairs_) {
    if (!have[p.a] || !have[p.b]) {
      p.recent.advance(batch.time_ns);
      p.norm.advance(batch.time_ns);
      continue;
    }
    p.recent.add(batch.time_ns, r[p.a], r[p.b]);
    p.norm.add(batch.time_ns, r[p.a], r[p.b]);
    const Moments recent = p.recent.summary();
    const Moments norm = p.norm.summary();
    if (recent.count < params_.min_samples || norm.count < params_.min_samples) continue;
    const double departure = recent.correlation() - norm.correlation();
    const double size = std::abs(departure);
    if (!p.broken && size >= params_.threshold) {
      p.broken = true;
      PatternSignal* s = out.signal(PatternSignalKind::kCorrelationBreak);
      if (s == nullptr) return;
      s->legs = 2;
      s->securities = {security_[p.a], security_[p.b]};
      s->values[0] = market[security_[p.a]].mid2();
      s->values[1] = market[security_[p.b]].mid2();
      s->score = departure;
    } else if (p.broken && 2 * size < params_.threshold) {
      p.broken = false;
    }
  }
}

void CorrelationBreak::on_day_begins(std::uint16_t) noexcept {
  last_mid_.fill(0);
  next_grid_ns_ = 0;
  for (Pair& p : pairs_) {
    p.recent.clear();
    p.norm.clear();
    p.broken = false;
  }
}

}  // namespace tickwire::patterns
