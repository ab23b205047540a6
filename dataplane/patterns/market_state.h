// What one pattern thread knows of each security, kept once per thread whatever number of
// instances watch it: each feed's leg (its top of book, trading state, whether it is stale),
// the consolidated top across feeds (best bid and offer, and which feed holds each), the
// consolidated mid and the last print. Instances read it; only the engine writes it.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/core/mapped_array.h"
#include "dataplane/patterns/market_update.h"
#include "dataplane/patterns/security_directory.h"

namespace tickwire::patterns {

struct Leg {
  Price8 bid = 0;  // 0: no bid on this feed
  Price8 ask = 0;  // 0: no offer
  std::uint64_t bid_size = 0;
  std::uint64_t ask_size = 0;
  TradingState state = TradingState::kUnknown;
  bool named = false;  // the feed has named the security (it trades there)
  bool stale = false;  // live: updates of this feed were lost; unknown until its next top
  bool suspect = false;  // the feed's book may have missed messages
};

struct SecurityState {
  // What instances read on every sample comes first, on one cache line; the legs follow.
  std::uint16_t feeds_named = 0;  // bit per feed
  // Consolidated top: the best bid and offer over the feeds whose legs are known.
  std::uint16_t best_bid_feed = 0;
  std::uint16_t best_ask_feed = 0;
  Price8 best_bid = 0;
  Price8 best_ask = 0;
  Price8 last_trade = 0;
  std::uint64_t last_trade_ns = 0;
  std::uint64_t updated_ns = 0;  // time of the last update of any leg
  std::array<Leg, kMaxFeeds> legs{};

  // Twice the consolidated mid (bid + ask, an integer), or 0 with either side empty.
  [[nodiscard]] Price8 mid2() const noexcept { return best_bid != 0 && best_ask != 0 ? best_bid + best_ask : 0; }
  [[nodiscard]] double mid() const noexcept { return static_cast<double>(mid2()) / 2.0; }
  [[nodiscard]] unsigned feed_count() const noexcept { return static_cast<unsigned>(__builtin_popcount(feeds_named)); }
  // No leg can trade: every named leg halted, paused or closed.
  [[nodiscard]] bool halted() const noexcept {
    bool any = false;
    for (unsigned named = feeds_named; named != 0; named &= named - 1) {
      const TradingState s = legs[static_cast<unsigned>(__builtin_ctz(named))].state;
      if (s == TradingState::kTrading || s == TradingState::kUnknown) return false;
      any = true;
    }
    return any;
  }
  [[nodiscard]] bool any_stale() const noexcept {
    for (unsigned named = feeds_named; named != 0; named &= named - 1) {
      if (legs[static_cast<unsigned>(__builtin_ctz(named))].stale) return true;
    }
    return false;
  }

  // Recomputes the consolidated top from the legs (O(feeds)).
  void consolidate() noexcept {
    best_bid = 0;
    best_ask = 0;
    for (std::uint16_t f = 0; f < kMaxFeeds; ++f) {
      if (!(feeds_named & (1u << f)) || legs[f].stale) continue;
      const Leg& leg = legs[f];
      if (leg.bid != 0 && leg.bid > best_bid) {
        best_bid = leg.bid;
        best_bid_feed = f;
      }
      if (leg.ask != 0 && (best_ask == 0 || leg.ask < best_ask)) {
        best_ask = leg.ask;
        best_ask_feed = f;
      }
    }
  }
};

// Every security's state, indexed by security id, sized at start-up.
class MarketState {
 public:
  explicit MarketState(std::uint32_t max_securities) : securities_(max_securities) {}
  [[nodiscard]] bool ok() const noexcept { return securities_.ok(); }
  [[nodiscard]] SecurityState& operator[](std::uint32_t s) noexcept { return securities_[s]; }
  [[nodiscard]] const SecurityState& operator[](std::uint32_t s) const noexcept { return securities_[s]; }
  [[nodiscard]] std::uint32_t capacity() const noexcept { return static_cast<std::uint32_t>(securities_.capacity()); }

 private:
  MappedArray<SecurityState> securities_;
};

}  // namespace tickwire::patterns
