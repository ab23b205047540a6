// What a pattern instance says, with where it came from: the last update of the batch that
// fired it (its merge key), the instance (its table entry names the pattern and template)
// and the version of its parameters, the securities involved with up to eight legs' values,
// and a score in the template's own unit (a z-score, basis points).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "dataplane/core/cache.h"
#include "dataplane/patterns/market_update.h"

namespace tickwire::patterns {

enum class PatternSignalKind : std::uint8_t {
  kLocked,            // cross_venue: a feed's best bid equals another's best ask
  kCrossed,           // cross_venue: a feed's best bid is above another's best ask
  kDivergence,        // pair_spread: the spread's z-score passed the entry threshold
  kConvergence,       // pair_spread: back inside the exit threshold
  kCorrelationBreak,  // correlation_break: a pair's correlation left its norm
  kExpectedMove,      // lead_lag: the leader moved, a follower not yet
  kPremium,           // basket_premium: the ETF above its basket's value
  kDiscount,          // basket_premium: below it
  kSequence,          // sequence: the declared events happened in order within the bound
  // Not a pattern's: the live merge's notices, journaled among the signals in merge order.
  kFeedLagging,       // a feed held the merge past patterns.merge.max_hold_us: its legs are stale
  kFeedCaughtUp,      // it came back
  // Not a signal either: a change to the instances while running (`tickwire ctl pattern`).
  kPatternAdded,
  kPatternRemoved,
  kPatternSet,        // new parameters: a new version, its state started afresh
  // The securities file reloaded (`tickwire ctl securities reload`): version is its version.
  kSecuritiesReloaded,
};
// The patterns' kinds (the merge's notices come after them).
inline constexpr std::size_t kPatternSignalKindCount = static_cast<std::size_t>(PatternSignalKind::kSequence) + 1;
inline constexpr std::uint32_t kNoInstance = ~std::uint32_t{0};
inline constexpr std::array<std::string_view, kPatternSignalKindCount> kPatternSignalKindNames = {
    "locked", "crossed", "divergence", "convergence", "correlation_break",
    "expected_move", "premium", "discount", "sequence"};

inline constexpr std::size_t kMaxLegs = 8;

enum PatternSignalFlags : std::uint8_t {
  kConflicting = 1u << 0,  // another instance said the opposite about a security within the window
  kLateInput = 1u << 1,    // its key update came late to the merge (live: its feed was lagging)
  kSuspectInput = 1u << 2, // its key update came from a suspect book (messages lost before it)
  kTimedSignal = 1u << 3,  // arrival_low holds its key update's arrival
  kVolatileInput = 1u << 4,  // its key update's security had a security breaker open
};

struct alignas(kCacheLine) PatternSignal {
  // The merge key of the batch's last update.
  std::uint64_t time_ns;
  std::uint64_t sequence;
  std::uint16_t feed;
  std::uint16_t event_index;
  std::uint32_t instance;  // its entry in the pattern table
  std::uint32_t version;   // of the instance's parameters
  std::uint32_t emitted;   // the instance's running count: orders its signals of one batch
  PatternSignalKind kind;
  std::int8_t direction;   // +1: buy the first security, -1: sell it, 0: no side
  std::uint8_t legs;
  std::uint8_t flags;
  std::uint32_t arrival_low;  // with kTimedSignal: MarketUpdate::arrival_low of its key
  double score;
  std::array<std::uint32_t, kMaxLegs> securities;
  std::array<Price8, kMaxLegs> values;  // per leg, the template's own value (a mid, a price)
  // cross_venue: the two sides that lock or cross.
  Price8 bid;
  Price8 ask;
  std::int64_t lag_ns;  // lead_lag: how long after the leader the follower is expected
  std::uint16_t bid_feed;
  std::uint16_t ask_feed;
  std::uint8_t bid_state;  // TradingState
  std::uint8_t ask_state;
};
static_assert(std::is_trivially_copyable_v<PatternSignal>);
static_assert(sizeof(PatternSignal) == 3 * kCacheLine);

// A change to the instances or their reference data: in force from its key on, so at that
// key it comes before the signals made under it.
[[nodiscard]] inline bool is_change_notice(PatternSignalKind kind) noexcept {
  return kind >= PatternSignalKind::kPatternAdded;
}

// The journal's order: merge key, changes first, then instance, then the instance's own order.
[[nodiscard]] inline bool signal_before(const PatternSignal& a, const PatternSignal& b) noexcept {
  if (a.time_ns != b.time_ns) return a.time_ns < b.time_ns;
  if (a.feed != b.feed) return a.feed < b.feed;
  if (a.sequence != b.sequence) return a.sequence < b.sequence;
  if (a.event_index != b.event_index) return a.event_index < b.event_index;
  if (is_change_notice(a.kind) != is_change_notice(b.kind)) return is_change_notice(a.kind);
  if (a.instance != b.instance) return a.instance < b.instance;
  return a.emitted < b.emitted;
}

}  // namespace tickwire::patterns
