// basket_premium: an ETF against the value of its basket (from the reference data: shares of
// each component per creation unit, cash, and the ETF shares a unit makes). With mid2 the
// consolidated bid + ask (an integer),
//     basket value of a unit x 2 = sum(shares_i * mid2_i) + 2 * cash
//     premium (bps)             = (mid2_etf * unit_shares - that) * 10,000 / that
// all in exact integer arithmetic (128-bit), so two runs and a brute force agree to the unit.
// A `premium` signal when it reaches +threshold_bps, a `discount` at -threshold_bps; again
// only after it came back within half the threshold. Judged at the end of each batch that
// touched the ETF or a component, only while every leg has been quoted and the share of the
// basket's value in legs that are stale, halted or without a two-sided book is at most
// `max_stale_weight` (suppressed judgements are counted).
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/patterns/pattern_instance.h"

namespace tickwire::patterns {

struct BasketComponent {
  Symbol symbol{};
  std::int64_t shares = 0;  // per creation unit
};

struct BasketPremiumParams {
  Symbol etf{};
  std::vector<BasketComponent> components;
  Price8 cash = 0;               // per creation unit
  std::int64_t unit_shares = 1;  // ETF shares one creation unit makes
  std::int64_t threshold_bps = 25;
  double max_stale_weight = 0.05;
};

// The premium in basis points (truncated toward zero), or false when the basket's value is
// not positive. mid2s: the ETF's, then each component's.
[[nodiscard]] bool basket_premium_bps(const BasketPremiumParams& p, Price8 etf_mid2, const std::vector<Price8>& mid2s,
                                      std::int64_t& bps) noexcept;

class BasketPremium final : public PatternInstance {
 public:
  BasketPremium(std::uint32_t id, std::uint32_t version, BasketPremiumParams params);

  [[nodiscard]] std::span<const Symbol> legs() const noexcept override { return legs_; }
  void resolved(std::size_t leg, std::uint32_t security) noexcept override { security_[leg] = security; }
  void on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept override;
  void on_day_begins(std::uint16_t feed) noexcept override;

  [[nodiscard]] std::uint64_t suppressed() const noexcept { return suppressed_; }

 private:
  enum class State : std::uint8_t { kInside, kPremium, kDiscount };
  BasketPremiumParams params_;
  std::vector<Symbol> legs_;                 // the ETF, then the components
  std::vector<std::uint32_t> security_;
  std::vector<Price8> last_mid2_;            // per leg: its last two-sided mid x 2 (0: never)
  std::vector<Price8> mid2s_;                // scratch, components only
  State state_ = State::kInside;
  std::uint64_t suppressed_ = 0;
};

}  // namespace tickwire::patterns
