#include "dataplane/patterns/templates/lead_lag.h"

namespace tickwire::patterns {

namespace {
bool usable(const SecurityState& s) noexcept { return s.mid2() != 0 && !s.halted() && !s.any_stale(); }
}  // namespace

LeadLag::LeadLag(std::uint32_t id, std::uint32_t version, const LeadLagParams& params)
    : PatternInstance(id, version), params_(params) {
  security_.fill(kNoSecurity);
  for (std::size_t i = 0; i < params_.securities.size() && i < kMaxLegs; ++i) {
    windows_.emplace_back(params_.within_ns, params_.max_samples);
  }
}

void LeadLag::on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept {
  const std::size_t legs = windows_.size();
  for (std::size_t i = 0; i < legs; ++i) {
    if (security_[i] == kNoSecurity) continue;
    const SecurityState& s = market[security_[i]];
    if (usable(s)) windows_[i].add(batch.time_ns, s.mid());
    windows_[i].expire(batch.time_ns);
  }
  if (security_[0] == kNoSecurity || !usable(market[security_[0]]) || windows_[0].empty()) return;
  const SecurityState& leader = market[security_[0]];
  const double now = leader.mid();
  const double up = (now - windows_[0].low()) / windows_[0].low() * 1e4;
  const double down = (windows_[0].high() - now) / windows_[0].high() * 1e4;
  const int direction = up >= params_.move_bps ? 1 : down >= params_.move_bps ? -1 : 0;
  if (direction == 0) return;
  const double move = direction > 0 ? up : -down;
  for (std::size_t f = 1; f < legs; ++f) {
    if (security_[f] == kNoSecurity || windows_[f].empty() || !usable(market[security_[f]])) continue;
    if (signalled_[f] && batch.time_ns - last_signal_ns_[f] < params_.within_ns) continue;
    const SecurityState& follower = market[security_[f]];
    const double fnow = follower.mid();
    const double followed = direction > 0 ? (fnow - windows_[f].low()) / windows_[f].low() * 1e4
                                          : (windows_[f].high() - fnow) / windows_[f].high() * 1e4;
    if (followed >= params_.follower_bps) continue;  // it has moved already
    PatternSignal* s = out.signal(PatternSignalKind::kExpectedMove);
    if (s == nullptr) return;
    signalled_[f] = true;
    last_signal_ns_[f] = batch.time_ns;
    s->legs = 2;
    s->securities = {security_[0], security_[f]};
    s->values[0] = leader.mid2();
    s->values[1] = follower.mid2();
    s->score = move;
    s->direction = static_cast<std::int8_t>(direction);
    s->lag_ns = static_cast<std::int64_t>(params_.expected_lag_ns);
  }
}

void LeadLag::on_day_begins(std::uint16_t) noexcept {
  for (WindowExtremes& w : windows_) w.clear();
  signalled_.fill(false);
}

}  // namespace tickwire::patterns
