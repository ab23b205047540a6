// Market updates as a feed's RX core would write them, for the pattern layer's tests: an
// instrument named, a top of book, a trade, a trading state, a new day.
#pragma once

#include <cstdint>
#include <string_view>

#include "dataplane/patterns/market_update.h"

namespace tickwire::test {

struct UpdateMaker {
  std::uint16_t feed = 0;
  std::uint64_t sequence = 0;

  patterns::MarketUpdate base(std::uint64_t time_ns, std::uint32_t instrument, patterns::UpdateKind kind) {
    patterns::MarketUpdate u{};
    u.time_ns = time_ns;
    u.sequence = ++sequence;
    u.feed = feed;
    u.instrument = instrument;
    u.kind = kind;
    u.flags = patterns::kLastOfMessage;
    return u;
  }
  patterns::MarketUpdate named(std::uint64_t t, std::uint32_t instrument, std::string_view symbol) {
    patterns::MarketUpdate u = base(t, instrument, patterns::UpdateKind::kInstrument);
    for (std::size_t i = 0; i < sizeof u.named.symbol; ++i) u.named.symbol[i] = i < symbol.size() ? symbol[i] : ' ';
    return u;
  }
  // Prices in dollars times 10,000 (ITCH's unit); 0 size: the side is empty.
  patterns::MarketUpdate top(std::uint64_t t, std::uint32_t instrument, std::int64_t bid, std::uint64_t bid_size,
                             std::int64_t ask, std::uint64_t ask_size) {
    patterns::MarketUpdate u = base(t, instrument, patterns::UpdateKind::kTopOfBook);
    u.top.bid = bid * patterns::kPrice8PerItch;
    u.top.bid_size = bid_size;
    u.top.ask = ask * patterns::kPrice8PerItch;
    u.top.ask_size = ask_size;
    return u;
  }
  patterns::MarketUpdate state(std::uint64_t t, std::uint32_t instrument, patterns::TradingState s) {
    patterns::MarketUpdate u = base(t, instrument, patterns::UpdateKind::kTradingState);
    u.extra = static_cast<std::uint8_t>(s);
    return u;
  }
  patterns::MarketUpdate trade(std::uint64_t t, std::uint32_t instrument, std::int64_t price, std::uint64_t shares) {
    patterns::MarketUpdate u = base(t, instrument, patterns::UpdateKind::kTrade);
    u.trade.price = price * patterns::kPrice8PerItch;
    u.trade.shares = shares;
    return u;
  }
  patterns::MarketUpdate day(std::uint64_t t) {
    patterns::MarketUpdate u = base(t, 0, patterns::UpdateKind::kDayBegins);
    return u;
  }
};

}  // namespace tickwire::test
