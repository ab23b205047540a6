// A system breaker and the ladder of steps it takes (BreakerSpec::steps): the first step when
// it opens, one more each dwell (min_open) it stays open with its value still above trip, one
// fewer when it clears to half_open (the probe tests the pipeline without it), one back if the
// probe fails, none once closed. Taking a
// step is reported like a transition (state open, cause escalated), so the journal says what
// the pipeline was doing at every message. A shadow breaker climbs the same ladder on paper
// and engages nothing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "dataplane/breakers/breaker.h"

namespace tickwire::breakers {

class Ladder {
 public:
  explicit Ladder(const BreakerSpec* spec) noexcept : breaker_(spec) {}

  [[nodiscard]] std::optional<Transition> observe(std::uint64_t t, double value) noexcept {
    std::optional<Transition> tr = breaker_.observe(t, value);
    if (tr) [[unlikely]] {
      climb(*tr);
      return tr;
    }
    const BreakerSpec& s = breaker_.spec();
    if (level_ == 0 || level_ >= s.step_count || breaker_.state() != State::kOpen || !(value > s.trip)) return tr;
    if (t - level_since_ns_ < breaker_.min_open_ns()) return tr;
    ++level_;
    level_since_ns_ = t;
    return Transition{.from = State::kOpen,
                      .to = State::kOpen,
                      .cause = Cause::kEscalated,
                      .time_ns = t,
                      .value = value,
                      .threshold = s.trip,
                      .shadow = s.mode == Mode::kShadow};
  }

  // Closed with no step taken, and `value` would not trip it: the common case, one look.
  [[nodiscard]] bool quiet_at(double value) const noexcept { return level_ == 0 && breaker_.quiet_at(value); }

  // `ctl breaker open|close|auto`: the reported state as forced, its steps with it.
  [[nodiscard]] std::optional<Transition> force(Override o, std::uint64_t t, double value) noexcept {
    std::optional<Transition> tr = breaker_.force(o, t, value);
    if (tr) climb(*tr);
    return tr;
  }

  // The steps engaged now, as a mask (0 for a shadow breaker).
  [[nodiscard]] StepMask engaged() const noexcept {
    const BreakerSpec& s = breaker_.spec();
    if (s.mode == Mode::kShadow) return 0;
    StepMask mask = 0;
    for (std::uint8_t i = 0; i < level_; ++i) mask |= bit(s.steps[i]);
    return mask;
  }
  [[nodiscard]] std::uint8_t level() const noexcept { return level_; }
  [[nodiscard]] const Breaker& breaker() const noexcept { return breaker_; }

 private:
  void climb(const Transition& tr) noexcept {
    const std::uint8_t top = breaker_.spec().step_count;
    level_since_ns_ = tr.time_ns;
    if (tr.to == State::kClosed) {
      level_ = 0;
    } else if (tr.from == State::kClosed) {
      level_ = std::min<std::uint8_t>(1, top);
    } else if (tr.to == State::kHalfOpen) {
      // The probe releases the last step: it tests whether the pipeline copes without it.
      level_ = level_ > 0 ? level_ - 1 : 0;
    } else if (tr.to == State::kOpen) {
      level_ = std::min<std::uint8_t>(level_ + 1, top);
    }
  }

  Breaker breaker_;
  std::uint8_t level_ = 0;
  std::uint64_t level_since_ns_ = 0;
};

}  // namespace tickwire::breakers
