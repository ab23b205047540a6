// One circuit breaker's state machine: closed -> open -> half_open -> closed (or back to
// open), on the clock of its scope. It moves only on what it observes: each observe(t,
// value) is the trigger's value at event time t, and a timer (the dwell, the clear hold, the
// probe) fires at the first observation at or past its deadline, never at a later call that
// happens to ask. At most one transition per observation, returned for the journal.
//
//   closed     value > trip                                   -> open (tripped)
//   open       min_open over, then value <= clear held for clear_hold
//                                                             -> half_open (cleared)
//              (a value above clear restarts the hold)
//   half_open  value > trip                                   -> open (probe failed)
//              probe over: value <= clear                     -> closed (probe passed)
//                          value above clear                  -> open (probe failed)
//
// Backoff: opening again within rearm of closing, or failing a probe, multiplies min_open by
// `backoff` (up to max_open); opening after a calm longer than rearm starts from the spec's
// min_open again. Overrides (`ctl breaker open|close|auto`) are authoritative: the state
// reported is the forced one while forced, the automatic machine runs on underneath, and
// `auto` hands back to it (a transition when the two differ). Shadow mode reports the same
// transitions, flagged, and never engages: actions see a closed breaker.
//
// No allocation, no lock: a data core owns its breakers. The spec is read through a pointer
// the control plane swaps (RCU) at a safe point; a new window restarts the trigger's sum.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include "dataplane/breakers/breaker_spec.h"

namespace tickwire::breakers {

enum class State : std::uint8_t { kClosed, kOpen, kHalfOpen };
inline constexpr std::array<std::string_view, 3> kStateNames = {"closed", "open", "half_open"};

enum class Cause : std::uint8_t {
  kTripped, kCleared, kProbePassed, kProbeFailed, kForced, kReleased, kEscalated,
  kSet,  // not a move: new thresholds took effect (`ctl breaker set`)
};
inline constexpr std::array<std::string_view, 8> kCauseNames = {"tripped", "cleared",  "probe_passed", "probe_failed",
                                                                "forced",  "released", "escalated",    "set"};

enum class Override : std::uint8_t { kOpen, kClose, kAuto };

struct Transition {
  State from = State::kClosed;
  State to = State::kClosed;
  Cause cause = Cause::kTripped;
  std::uint64_t time_ns = 0;
  double value = 0;      // the trigger's value then
  double threshold = 0;  // the one crossed (trip to open, clear to close)
  bool shadow = false;   // a shadow breaker's: journaled, not acted on
};

// What a request that moved nothing reports (new settings, an override of the state it had).
[[nodiscard]] inline Transition unmoved(State state, Cause cause, std::uint64_t t, const BreakerSpec& s) noexcept {
  return {.from = state, .to = state, .cause = cause, .time_ns = t, .value = s.trip, .threshold = s.clear,
          .shadow = s.mode == Mode::kShadow};
}
[[nodiscard]] constexpr Cause cause_of(Override o) noexcept { return o == Override::kAuto ? Cause::kReleased : Cause::kForced; }

struct BreakerFigures {
  std::uint64_t trips = 0;           // closed -> open
  std::uint64_t probes_failed = 0;
  std::uint64_t open_ns = 0;         // total, closed episodes only (open to closed)
  std::uint64_t longest_open_ns = 0;
  std::uint64_t transitions = 0;
};

// The machine's state alone, plain data whose all-zero bytes are a closed breaker that never
// moved: a security breaker keeps one per instrument in a lazily mapped array. The spec is
// passed to every call (the one a Breaker points to, or a security breaker's table).
class BreakerCore {
 public:
  [[nodiscard]] std::optional<Transition> observe(const BreakerSpec& s, std::uint64_t t, double value) noexcept {
    if (automatic_ == State::kClosed && !(value > s.trip)) return std::nullopt;
    return observe_moving(s, t, value);
  }
  [[nodiscard]] std::optional<Transition> force(const BreakerSpec& s, Override o, std::uint64_t t, double value) noexcept;

  [[nodiscard]] State state() const noexcept { return has_forced_ ? forced_ : automatic_; }
  [[nodiscard]] bool forced() const noexcept { return has_forced_; }
  // The automatic machine is closed: only a value above trip moves it.
  [[nodiscard]] bool resting() const noexcept { return automatic_ == State::kClosed; }
  // The dwell now: backed off, never past max_open (which `ctl breaker set` may lower).
  [[nodiscard]] std::uint64_t min_open_ns(const BreakerSpec& s) const noexcept {
    const std::uint64_t dwell = min_open_ns_ != 0 ? min_open_ns_ : s.min_open_ns;
    return dwell < s.max_open_ns ? dwell : s.max_open_ns;
  }
  // The next event time at which a timer (the dwell, the clear hold, the probe) may move the
  // machine with no new value; kNoDeadline when closed. It may lie in the past (open, the
  // dwell over, the value above clear): then no timer runs.
  [[nodiscard]] std::uint64_t deadline(const BreakerSpec& s) const noexcept;
  static constexpr std::uint64_t kNoDeadline = ~std::uint64_t{0};

 private:
  std::optional<Transition> observe_moving(const BreakerSpec& s, std::uint64_t t, double value) noexcept;
  std::optional<Transition> step(const BreakerSpec& s, std::uint64_t t, double value) noexcept;
  void back_off(const BreakerSpec& s) noexcept;

  State automatic_ = State::kClosed;
  State forced_ = State::kClosed;
  bool has_forced_ = false;
  bool has_closed_ = false;
  bool clearing_ = false;            // open: the value has been at or below clear since clear_since_ns_
  std::uint64_t min_open_ns_ = 0;    // the dwell now (0: the spec's)
  std::uint64_t opened_ns_ = 0;      // when the automatic machine last entered open
  std::uint64_t closed_ns_ = 0;      // when the automatic machine last closed
  std::uint64_t clear_since_ns_ = 0;
  std::uint64_t probe_ns_ = 0;       // half_open: when the probe began
};
static_assert(std::is_trivially_copyable_v<BreakerCore> && std::is_trivially_destructible_v<BreakerCore>);

class Breaker {
 public:
  explicit Breaker(const BreakerSpec* spec) noexcept : spec_(spec) {}

  // The trigger's value at event time t (t never goes back). Inline for the common case, a
  // closed breaker below its trip: one comparison.
  [[nodiscard]] std::optional<Transition> observe(std::uint64_t t, double value) noexcept {
    if (core_.resting() && !(value > spec_->trip)) [[likely]] return std::nullopt;
    const std::optional<Transition> tr = core_.observe(*spec_, t, value);
    if (!tr) return tr;
    return counted(*tr);
  }
  // `ctl breaker open|close|auto`, at event time t with the trigger's value then.
  [[nodiscard]] std::optional<Transition> force(Override o, std::uint64_t t, double value) noexcept {
    const std::optional<Transition> tr = core_.force(*spec_, o, t, value);
    if (!tr) return tr;
    return counted(*tr);
  }
  // New thresholds (RCU-published by the control plane): in force from the next observation.
  void set_spec(const BreakerSpec* spec) noexcept { spec_ = spec; }

  // Closed, not forced, and `value` does not trip it: observing it would change nothing.
  [[nodiscard]] bool quiet_at(double value) const noexcept {
    return core_.resting() && !core_.forced() && !(value > spec_->trip);
  }
  // What it reports: the forced state while forced, else the automatic one.
  [[nodiscard]] State state() const noexcept { return core_.state(); }
  // Whether its actions apply now (shadow breakers never engage).
  [[nodiscard]] bool engaged() const noexcept { return spec_->mode == Mode::kEnforce && state() != State::kClosed; }
  [[nodiscard]] bool forced() const noexcept { return core_.forced(); }
  [[nodiscard]] std::uint64_t min_open_ns() const noexcept { return core_.min_open_ns(*spec_); }
  [[nodiscard]] std::uint64_t deadline() const noexcept { return core_.deadline(*spec_); }
  [[nodiscard]] const BreakerFigures& figures() const noexcept { return figures_; }
  [[nodiscard]] const BreakerSpec& spec() const noexcept { return *spec_; }

 private:
  Transition counted(Transition tr) noexcept;

  const BreakerSpec* spec_;
  BreakerCore core_;
  std::uint64_t episode_ns_ = 0;  // when the reported open episode began (closed -> open)
  BreakerFigures figures_;
};

}  // namespace tickwire::breakers
