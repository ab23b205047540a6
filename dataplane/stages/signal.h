// What a stage concludes from events: a small fixed-size record, one cache line, that the
// journal writes and outputs publish.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "dataplane/core/cache.h"
#include "dataplane/events/event.h"

namespace tickwire::stages {

enum class SignalKind : std::uint8_t {
  kPriceJump,      // the mid moved by at least the threshold within the window
  kLiquidityDrop,  // the size at the touch on one side fell by at least the threshold
  kLargeTrade,     // one print of at least the threshold's shares (price_after, size_after)
};
inline constexpr std::size_t kSignalKindCount = 3;
inline constexpr std::array<std::string_view, kSignalKindCount> kSignalKindNames = {"price_jump", "liquidity_drop",
                                                                                    "large_trade"};

enum SignalFlags : std::uint8_t {
  kVolatileSignal = 1u << 0,  // about an event its security breaker marked volatile
};

struct alignas(kCacheLine) Signal {
  std::uint64_t sequence;          // of the event that triggered it
  std::uint64_t exchange_time_ns;
  std::uint64_t receive_time_ns;
  std::uint64_t size_before;       // kLiquidityDrop: touch size at the window's start
  std::uint64_t size_after;
  std::uint32_t instrument;
  std::uint32_t price_before;      // kPriceJump: mid x 2 (bid + ask) at the window's start
  std::uint32_t price_after;
  std::int32_t basis_points;       // signed move (kPriceJump) or drop (kLiquidityDrop)
  std::uint16_t event_index;
  std::uint16_t feed;
  SignalKind kind;
  events::Side side;               // kLiquidityDrop: the side that thinned
  std::uint8_t stage;              // which stage of the pipeline (at most 8)
  std::uint8_t flags;              // SignalFlags
};
static_assert(sizeof(Signal) == kCacheLine);

// A signal about event `e`: its identity and clocks filled in, the values left to the stage.
[[nodiscard]] inline Signal signal_about(const events::Event& e, SignalKind kind, std::uint16_t stage) noexcept {
  Signal s{};
  s.sequence = e.sequence;
  s.event_index = e.event_index;
  s.exchange_time_ns = e.exchange_time_ns;
  s.receive_time_ns = e.receive_time_ns;
  s.instrument = e.instrument;
  s.feed = e.feed;
  s.kind = kind;
  s.stage = static_cast<std::uint8_t>(stage);
  s.flags = (e.flags & events::kVolatile) ? kVolatileSignal : 0;
  return s;
}
static_assert(std::is_trivially_copyable_v<Signal>);

}  // namespace tickwire::stages
