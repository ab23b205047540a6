#include "dataplane/patterns/templates/basket_premium.h"

namespace tickwire::patterns {

bool basket_premium_bps(const BasketPremiumParams& p, Price8 etf_mid2, const std::vector<Price8>& mid2s,
                        std::int64_t& bps) noexcept {
  __int128 basket = static_cast<__int128>(p.cash) * 2;
  for (std::size_t i = 0; i < p.components.size(); ++i) {
    basket += static_cast<__int128>(p.components[i].shares) * mid2s[i];
  }
  if (basket <= 0) return false;
  const __int128 etf = static_cast<__int128>(etf_mid2) * p.unit_shares;
  bps = static_cast<std::int64_t>((etf - basket) * 10'000 / basket);
  return true;
}

BasketPremium::BasketPremium(std::uint32_t id, std::uint32_t version, BasketPremiumParams params)
    : PatternInstance(id, version), params_(std::move(params)) {
  legs_.push_back(params_.etf);
  for (const BasketComponent& c : params_.components) legs_.push_back(c.symbol);
  security_.assign(legs_.size(), kNoSecurity);
  last_mid2_.assign(legs_.size(), 0);
  mid2s_.assign(params_.components.size(), 0);
}

void BasketPremium::on_batch_end(const MarketState& market, const BatchView&, SignalOut& out) noexcept {
  // Every leg's value, and how much of the basket's value sits in legs that cannot be trusted.
  double total = 0;
  double doubtful = 0;
  bool etf_usable = false;
  for (std::size_t i = 0; i < legs_.size(); ++i) {
    if (security_[i] == kNoSecurity) return;  // a leg not named yet
    const SecurityState& s = market[security_[i]];
    const bool usable = s.mid2() != 0 && !s.halted() && !s.any_stale();
    if (s.mid2() != 0) last_mid2_[i] = s.mid2();
    if (last_mid2_[i] == 0) return;  // never quoted: its weight is unknown
    if (i == 0) {
      etf_usable = usable;
      continue;
    }
    const double value = static_cast<double>(params_.components[i - 1].shares) * static_cast<double>(last_mid2_[i]);
    total += value;
    if (!usable) doubtful += value;
    mid2s_[i - 1] = last_mid2_[i];
  }
  if (!etf_usable || total <= 0 || doubtful / total > params_.max_stale_weight) {
    ++suppressed_;
    return;
  }
  std::int64_t bps = 0;
  if (!basket_premium_bps(params_, last_mid2_[0], mid2s_, bps)) return;
  State next = state_;
  if (bps >= params_.threshold_bps) {
    next = State::kPremium;
  } else if (bps <= -params_.threshold_bps) {
    next = State::kDiscount;
  } else if (2 * (bps < 0 ? -bps : bps) < params_.threshold_bps) {
    next = State::kInside;
  }
  const State before = state_;
  state_ = next;
  if (next == before || next == State::kInside) return;
  PatternSignal* s = out.signal(next == State::kPremium ? PatternSignalKind::kPremium : PatternSignalKind::kDiscount);
  if (s == nullptr) return;
  s->legs = static_cast<std::uint8_t>(legs_.size() < kMaxLegs ? legs_.size() : kMaxLegs);
  for (std::size_t i = 0; i < s->legs; ++i) {
    s->securities[i] = security_[i];
    s->values[i] = last_mid2_[i];
  }
  s->score = static_cast<double>(bps);
  // A premium: sell the ETF against the basket; a discount: buy it.
  s->direction = static_cast<std::int8_t>(next == State::kPremium ? -1 : 1);
}

void BasketPremium::on_day_begins(std::uint16_t) noexcept {
  state_ = State::kInside;
  for (Price8& m : last_mid2_) m = 0;
}

}  // namespace tickwire::patterns
