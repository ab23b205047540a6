// What one [breaker.NAME] table asks for: where it runs (scope), what it watches (trigger),
// when it opens and when it may close again (trip above clear: hysteresis is mandatory), and
// how it comes back (a minimum time open, a time the clear condition must hold, a bounded
// half-open probe, backoff when it trips again soon after closing). Times are on the clock
// of its scope: exchange time for stream-driven triggers, receive time for machine ones.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tickwire::breakers {

enum class Scope : std::uint8_t { kSecurity, kMarket, kSystem };
inline constexpr std::array<std::string_view, 3> kScopeNames = {"security", "market", "system"};

// What a breaker watches. Each is a value that trips when it rises above `trip`.
enum class Trigger : std::uint8_t {
  kMessageRate,  // system: messages per second of exchange time over the window
  kEventCount,   // any scope: "N in T", occurrences of its event within the window
  // Security scope, per (feed, instrument), from its top of book (docs/breakers.md):
  kVolatility,   // the mid's move, in sigmas of its event-time EWMA volatility over the window
  kBand,         // the mid's distance from a ratcheting trailing reference, in percent
  kSpread,       // the spread, in multiples of its event-time EWMA norm
  kQuoteRate,    // top-of-book changes per second over the window
  kHalt,         // the exchange's word: 1 while halted or paused (H, h) or in a LULD auction (J)
  // System scope on the receive clock (a machine's figure: journaled decisions, not replayable):
  kRingFill,     // the fullest non-critical ring of the feed's workers, percent of its capacity
  // Market scope, per feed on exchange time:
  kOpenShare,    // percent of the feed's named instruments with an enforcing security breaker open
  kMwcb,         // the market-wide circuit breaker level ITCH W says was breached, while its halt lasts
};
inline constexpr std::array<std::string_view, 10> kTriggerNames = {
    "message_rate", "event_count", "volatility", "band",       "spread",
    "quote_rate",   "halt",        "ring_fill",  "open_share", "mwcb"};

// Which scope runs a trigger (event_count: none yet).
[[nodiscard]] constexpr bool runs_in(Trigger t, Scope s) noexcept {
  switch (t) {
    case Trigger::kMessageRate:
    case Trigger::kRingFill: return s == Scope::kSystem;
    case Trigger::kEventCount: return false;
    case Trigger::kVolatility:
    case Trigger::kBand:
    case Trigger::kSpread:
    case Trigger::kQuoteRate:
    case Trigger::kHalt: return s == Scope::kSecurity;
    case Trigger::kOpenShare:
    case Trigger::kMwcb: return s == Scope::kMarket;
  }
  return false;
}

// What an open system breaker does, a step of its ladder at a time (docs/breakers.md): each
// step is a bit, so the steps every breaker engages combine into one mask.
enum class Step : std::uint8_t {
  kShedLow,       // low-class messages are not queued for the workers
  kCriticalOnly,  // only critical messages and those with a top of book, a trade or a state change
};
inline constexpr std::array<std::string_view, 2> kStepNames = {"shed_low", "critical_only"};
inline constexpr std::size_t kMaxSteps = kStepNames.size();
using StepMask = std::uint8_t;
[[nodiscard]] constexpr StepMask bit(Step s) noexcept { return static_cast<StepMask>(1u << static_cast<unsigned>(s)); }

enum class Mode : std::uint8_t { kEnforce, kShadow };
inline constexpr std::array<std::string_view, 2> kModeNames = {"enforce", "shadow"};

struct BreakerSpec {
  std::string name;
  Scope scope = Scope::kSystem;
  Trigger trigger = Trigger::kMessageRate;
  Mode mode = Mode::kEnforce;
  double trip = 0;   // opens when the value rises above this
  double clear = 0;  // may close once the value is at or below this (strictly below trip)
  std::uint64_t window_ns = 50'000'000;
  std::uint64_t min_open_ns = 100'000'000;     // open at least this long (dwell)
  std::uint64_t clear_hold_ns = 100'000'000;   // the clear condition holds this long before a probe
  std::uint64_t probe_ns = 50'000'000;         // half-open: how long the probe lasts
  double backoff = 2.0;                        // tripping again soon after closing: min_open times this
  std::uint64_t max_open_ns = 60'000'000'000;  // the longest min_open backoff may reach
  std::uint64_t rearm_ns = 1'000'000'000;      // "soon": a trip within this of closing backs off
  // Security triggers' own settings.
  std::uint64_t norm_ns = 60'000'000'000;        // volatility, spread: the EWMA's time constant
  std::uint64_t reference_ns = 300'000'000'000;  // band: the trailing average's time constant
  double ratchet_percent = 1.0;                  // band: the reference moves once the average is this far
  bool promote = true;  // security: while open, its top-of-book and trade messages are critical
  // System: the ladder, in the order its steps are taken (none: it only tells).
  std::array<Step, kMaxSteps> steps{};
  std::uint8_t step_count = 0;

  friend bool operator==(const BreakerSpec&, const BreakerSpec&) = default;
};

// The limits a window must fit (bounded state: a window is split in kWindowBuckets).
inline constexpr std::uint64_t kMaxWindowNs = 3'600'000'000'000;  // an hour
inline constexpr std::uint64_t kMinWindowNs = 1'000;              // a microsecond

// Empty when the spec can work, else the reason, naming the key ("breaker.NAME.clear ...").
[[nodiscard]] std::string check(const BreakerSpec& spec);

template <std::size_t N>
[[nodiscard]] constexpr std::optional<std::size_t> index_named(const std::array<std::string_view, N>& names,
                                                              std::string_view name) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return i;
  }
  return std::nullopt;
}

}  // namespace tickwire::breakers
