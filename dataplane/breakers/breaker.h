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

#include "dataplane/breakers/breaker_spec.h"

namespace tickwire::breakers {

enum class State : std::uint8_t { kClosed, kOpen, kHalfOpen };
inline constexpr std::array<std::string_view, 3> kStateNames = {"closed", "open", "half_open"};

enum class Cause : std::uint8_t { kTripped, kCleared, kProbePassed, kProbeFailed, kForced, kReleased };
inline constexpr std::array<std::string_view, 6> kCauseNames = {"tripped",      "cleared", "probe_passed",
                                                                "probe_failed", "forced",  "released"};

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

struct BreakerFigures {
  std::uint64_t trips = 0;           // closed -> open
  std::uint64_t probes_failed = 0;
  std::uint64_t open_ns = 0;         // total, closed episodes only (open to closed)
  std::uint64_t longest_open_ns = 0;
  std::uint64_t transitions = 0;
};

class Breaker {
 public:
  explicit Breaker(const BreakerSpec* spec) noexcept : spec_(spec), min_open_ns_(spec->min_open_ns) {}

  // The trigger's value at event time t (t never goes back). Inline for the common case, a
  // closed breaker below its trip: one comparison.
  [[nodiscard]] std::optional<Transition> observe(std::uint64_t t, double value) noexcept {
    if (automatic_ == State::kClosed && !(value > spec_->trip)) return std::nullopt;
    return observe_moving(t, value);
  }
  // `ctl breaker open|close|auto`, at event time t with the trigger's value then.
  [[nodiscard]] std::optional<Transition> force(Override o, std::uint64_t t, double value) noexcept;
  // New thresholds (RCU-published by the control plane): in force from the next observation.
  void set_spec(const BreakerSpec* spec) noexcept { spec_ = spec; }

  // What it reports: the forced state while forced, else the automatic one.
  [[nodiscard]] State state() const noexcept { return forced_ ? *forced_ : automatic_; }
  // Whether its actions apply now (shadow breakers never engage).
  [[nodiscard]] bool engaged() const noexcept { return spec_->mode == Mode::kEnforce && state() != State::kClosed; }
  [[nodiscard]] bool forced() const noexcept { return forced_.has_value(); }
  [[nodiscard]] std::uint64_t min_open_ns() const noexcept { return min_open_ns_; }
  [[nodiscard]] const BreakerFigures& figures() const noexcept { return figures_; }
  [[nodiscard]] const BreakerSpec& spec() const noexcept { return *spec_; }

 private:
  std::optional<Transition> observe_moving(std::uint64_t t, double value) noexcept;
  std::optional<Transition> step(std::uint64_t t, double value) noexcept;  // the automatic machine
  std::optional<Transition> move(Transition tr) noexcept;                   // reported: counted, flagged
  void back_off() noexcept;

  const BreakerSpec* spec_;
  State automatic_ = State::kClosed;
  std::optional<State> forced_;
  std::uint64_t min_open_ns_;
  std::uint64_t opened_ns_ = 0;      // when the automatic machine last entered open
  std::uint64_t episode_ns_ = 0;     // when the reported open episode began (closed -> open)
  std::uint64_t closed_ns_ = 0;      // when the automatic machine last closed
  bool has_closed_ = false;
  std::optional<std::uint64_t> clear_since_;  // open: since when the value has been at or below clear
  std::uint64_t probe_ns_ = 0;       // half_open: when the probe began
  BreakerFigures figures_;
};

}  // namespace tickwire::breakers
