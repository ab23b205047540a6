// What the pattern layer reads of a feed: compact, venue-neutral market updates the feed's RX
// core writes once into its broadcast ring and every pattern thread reads. One cache line
// each; decided here for every protocol tickwire will carry:
//   - prices are signed 64-bit in units of 1e-8 (Price8): ITCH's 1/10,000 dollars, an index
//     value such as 76377.12 (FIX), an FX rate with five decimals and a negative spread all
//     fit; ITCH's MWCB levels already come in 1/10^8;
//   - securities are the feed's instruments here; the pattern layer names them across feeds
//     from an instrument update that carries the symbol (up to 24 bytes, enough for an OCC
//     option symbol);
//   - trading states are the venue-neutral TradingState, mapped by each protocol.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "dataplane/core/cache.h"

namespace tickwire::patterns {

using Price8 = std::int64_t;
inline constexpr Price8 kPrice8PerUnit = 100'000'000;  // 1e-8 units in one dollar (or index point)
inline constexpr Price8 kPrice8PerItch = 10'000;       // ITCH Price(4) is 1/10,000

enum class UpdateKind : std::uint8_t {
  kInstrument,    // a feed instrument is named (or named again on a new day): symbol, round lot
  kTopOfBook,     // best bid and offer after a message (0 size: that side is empty)
  kTrade,         // a print (displayed execution, hidden, cross)
  kTradingState,  // the security's trading state changed
  kLevel,         // a price level within the top N of its side changed
  kDayBegins,     // the feed's next trading day: what was known about its instruments is gone
  kFeedStale,     // live: updates of this feed were lost (ring full); its legs are stale until the next top
};
inline constexpr std::size_t kUpdateKindCount = static_cast<std::size_t>(UpdateKind::kFeedStale) + 1;

enum class TradingState : std::uint8_t {
  kUnknown,
  kTrading,        // continuous trading
  kHalted,         // halted or suspended: no trading, quotes not firm
  kPaused,         // a volatility pause (LULD) or a short halt expected to resume by auction
  kQuotationOnly,  // quoting before a reopening cross
  kClosed,         // outside the session
};
inline constexpr std::array<std::string_view, 6> kTradingStateNames = {"unknown", "trading",        "halted",
                                                                        "paused",  "quotation_only", "closed"};

enum UpdateFlags : std::uint8_t {
  kLastOfMessage = 1u << 0,  // the last update a message produced: a batch may end here
  kBookSuspect = 1u << 1,    // messages may have been lost before this one
  kLateMerge = 1u << 2,      // released after its feed was declared lagging (live merge)
  kTimed = 1u << 3,          // arrival_low holds the message's arrival (latency is measured)
  kVolatileUpdate = 1u << 4, // a security breaker of its instrument was open (events::kVolatile)
};

enum class TradeKind : std::uint8_t { kDisplayed, kHidden, kCross };

struct alignas(kCacheLine) MarketUpdate {
  // The merge key's time: the feed's monotonic exchange clock as ns since the Unix epoch
  // (the session's date, plus feed.NAME.clock_offset_ns).
  std::uint64_t time_ns;
  // The feed's stream key of the message (session ordinal above the sequence number).
  std::uint64_t sequence;
  std::uint32_t instrument;  // the feed's instrument id
  std::uint16_t feed;        // the feed's rank in the process (byte order of the feed names)
  std::uint16_t event_index;  // within its message
  UpdateKind kind;
  std::uint8_t flags;
  std::uint8_t side;   // kLevel: 1 bid, 2 ask; kTrade: the resting side taken (0: unknown)
  std::uint8_t extra;  // kLevel: depth (0 = the touch); kTrade: TradeKind; kTradingState: TradingState
  // With kTimed: the low 32 bits of the message's intended arrival (paced replay) or receipt
  // (live), in ns on the process clock. Enough for a latency: it wraps every 4.3 s.
  std::uint32_t arrival_low;
  union {
    struct {
      Price8 bid;
      Price8 ask;
      std::uint64_t bid_size;
      std::uint64_t ask_size;
    } top;
    struct {
      Price8 price;
      std::uint64_t shares;
    } trade;
    struct {
      Price8 price;
      std::uint64_t shares;  // 0: the level is gone
      std::uint64_t orders;
    } level;
    struct {
      char code[8];  // the venue's own state code and reason, for the journal
    } state;
    struct {
      char symbol[24];  // space or zero padded
      std::uint32_t round_lot;
    } named;
  };

  [[nodiscard]] std::string_view symbol() const noexcept {
    std::string_view s(named.symbol, sizeof named.symbol);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.remove_suffix(1);
    return s;
  }
};
static_assert(sizeof(MarketUpdate) == kCacheLine, "an update is one cache line");
static_assert(std::is_trivially_copyable_v<MarketUpdate>);

// The merge's total order: time, then the feed's rank, then its stream key and event index.
[[nodiscard]] inline bool merge_before(const MarketUpdate& a, const MarketUpdate& b) noexcept {
  if (a.time_ns != b.time_ns) return a.time_ns < b.time_ns;
  if (a.feed != b.feed) return a.feed < b.feed;
  if (a.sequence != b.sequence) return a.sequence < b.sequence;
  return a.event_index < b.event_index;
}

}  // namespace tickwire::patterns
