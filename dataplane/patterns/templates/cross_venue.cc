#include "dataplane/patterns/templates/cross_venue.h"

namespace tickwire::patterns {

namespace {
bool tradable(const Leg& leg, bool skip_halted) noexcept {
  if (!skip_halted) return true;
  return leg.state == TradingState::kTrading || leg.state == TradingState::kUnknown;
}
}  // namespace

VenueComparison compare_venues(const SecurityState& s, bool skip_halted) noexcept {
  VenueComparison best;
  Price8 widest = 0;
  for (std::uint16_t b = 0; b < kMaxFeeds; ++b) {
    const Leg& bid_leg = s.legs[b];
    if (!(s.feeds_named & (1u << b)) || bid_leg.stale || bid_leg.bid == 0 || !tradable(bid_leg, skip_halted)) continue;
    for (std::uint16_t a = 0; a < kMaxFeeds; ++a) {
      const Leg& ask_leg = s.legs[a];
      if (a == b || !(s.feeds_named & (1u << a)) || ask_leg.stale || ask_leg.ask == 0 ||
          !tradable(ask_leg, skip_halted)) {
        continue;
      }
      const Price8 over = bid_leg.bid - ask_leg.ask;
      if (over < 0) continue;
      const VenueState state = over > 0 ? VenueState::kCrossed : VenueState::kLocked;
      // A cross beats a lock; a wider cross beats a narrower one; otherwise the first in feed order.
      if (state > best.state || (state == VenueState::kCrossed && over > widest)) {
        best = {state, b, a, bid_leg.bid, ask_leg.ask};
        widest = over;
      }
    }
  }
  return best;
}

CrossVenue::CrossVenue(std::uint32_t id, std::uint32_t version, CrossVenueParams params,
                       std::uint32_t max_securities)
    : PatternInstance(id, version), params_(std::move(params)), last_(max_securities),
      watched_(params_.securities.empty() ? 0 : max_securities) {}

void CrossVenue::resolved(std::size_t, std::uint32_t security) noexcept {
  if (security < watched_.capacity()) watched_[security] = 1;
}

void CrossVenue::on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept {
  for (std::size_t i = 0; i < batch.touched.size(); ++i) {
    const std::uint32_t security = batch.touched[i];
    if (security >= last_.capacity()) continue;
    if (!params_.securities.empty() && watched_[security] == 0) continue;
    const SecurityState& s = market[security];
    if (s.feed_count() < 2) continue;  // one feed alone is no comparison
    const VenueComparison now = compare_venues(s, params_.skip_halted);
    const VenueState before = last_[security];
    last_[security] = now.state;
    if (now.state == VenueState::kNone || now.state == before) continue;
    PatternSignal* signal =
        out.signal(now.state == VenueState::kCrossed ? PatternSignalKind::kCrossed : PatternSignalKind::kLocked,
                   &batch.last_touch[i]);
    if (signal == nullptr) continue;
    signal->legs = 1;
    signal->securities[0] = security;
    signal->bid = now.bid;
    signal->ask = now.ask;
    signal->bid_feed = now.bid_feed;
    signal->ask_feed = now.ask_feed;
    signal->bid_state = static_cast<std::uint8_t>(s.legs[now.bid_feed].state);
    signal->ask_state = static_cast<std::uint8_t>(s.legs[now.ask_feed].state);
    // By how much the bid passes the ask, in basis points of the ask (0: locked).
    signal->score = static_cast<double>(now.bid - now.ask) * 1e4 / static_cast<double>(now.ask);
  }
}

void CrossVenue::on_day_begins(std::uint16_t) noexcept {
  // The feed's legs are gone: each security is compared afresh from its next batch.
  for (std::size_t s = 0; s < last_.capacity(); ++s) last_[s] = VenueState::kNone;
}

}  // namespace tickwire::patterns
