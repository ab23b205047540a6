#include "dataplane/breakers/breaker.h"

#include <algorithm>
#include <cmath>

namespace tickwire::breakers {

std::string check(const BreakerSpec& spec) {
  const std::string key = "breaker." + spec.name + ".";
  if (!std::isfinite(spec.trip)) return key + "trip: must be a number";
  if (!std::isfinite(spec.clear)) return key + "clear: must be a number";
  if (!(spec.clear < spec.trip)) {
    return key + "clear: must be below trip (" + std::to_string(spec.clear) + " is not below " +
           std::to_string(spec.trip) + "): without hysteresis a breaker flaps at its threshold";
  }
  // Every trigger's value is 0 or more: a trip at or below 0 opens at once, a clear below 0
  // never lets it close.
  if (!(spec.trip > 0)) return key + "trip: must be above 0 (a trigger's value is never negative)";
  if (spec.clear < 0) return key + "clear: must be 0 or more (a trigger's value is never negative)";
  if (spec.trigger == Trigger::kRingFill && spec.trip > 100) {
    return key + "trip: ring_fill is a percentage: trip and clear from 0 to 100";
  }
  if (spec.step_count != 0 && spec.scope != Scope::kSystem) {
    return key + "actions: only system breakers take ladder steps (a security breaker flags and promotes)";
  }
  if (spec.window_ns < kMinWindowNs || spec.window_ns > kMaxWindowNs) {
    return key + "window_ms: must be from 0.001 ms to one hour";
  }
  if (!(spec.backoff >= 1.0) || !std::isfinite(spec.backoff)) return key + "backoff: must be 1 or more";
  if (spec.max_open_ns < spec.min_open_ns) return key + "max_open_ms: must be at least min_open_ms";
  if (spec.norm_ns < 1'000'000) return key + "norm_ms: must be 1 or more";
  if (spec.reference_ns < 1'000'000) return key + "reference_ms: must be 1 or more";
  return {};
}

std::optional<Transition> BreakerCore::observe_moving(const BreakerSpec& s, std::uint64_t t, double value) noexcept {
  std::optional<Transition> automatic = step(s, t, value);
  if (!automatic || has_forced_) return std::nullopt;  // forced: the reported state does not move
  automatic->shadow = s.mode == Mode::kShadow;
  return automatic;
}

std::optional<Transition> BreakerCore::force(const BreakerSpec& s, Override o, std::uint64_t t, double value) noexcept {
  const State before = state();
  Cause cause = Cause::kForced;
  switch (o) {
    case Override::kOpen:
      forced_ = State::kOpen;
      has_forced_ = true;
      break;
    case Override::kClose:
      forced_ = State::kClosed;
      has_forced_ = true;
      break;
    case Override::kAuto:
      has_forced_ = false;
      cause = Cause::kReleased;
      break;
  }
  if (state() == before) return std::nullopt;
  return Transition{.from = before,
                    .to = state(),
                    .cause = cause,
                    .time_ns = t,
                    .value = value,
                    .threshold = state() == State::kOpen ? s.trip : s.clear,
                    .shadow = s.mode == Mode::kShadow};
}

std::uint64_t BreakerCore::deadline(const BreakerSpec& s) const noexcept {
  switch (automatic_) {
    case State::kClosed: return kNoDeadline;
    case State::kOpen: {
      // Until the dwell ends, its end (the clear hold may start there); then the hold's end
      // while the value stays at or below clear.
      const std::uint64_t dwell_end = opened_ns_ + min_open_ns(s);
      if (!clearing_) return dwell_end;
      const std::uint64_t hold_end = clear_since_ns_ + s.clear_hold_ns;
      return dwell_end > hold_end ? dwell_end : hold_end;
    }
    case State::kHalfOpen: return probe_ns_ + s.probe_ns;
  }
  return kNoDeadline;
}

// Counts what is reported.
Transition Breaker::counted(Transition tr) noexcept {
  ++figures_.transitions;
  if (tr.from == State::kClosed && tr.to != State::kClosed) {
    ++figures_.trips;
    episode_ns_ = tr.time_ns;
  }
  if (tr.to == State::kClosed && tr.from != State::kClosed) {
    const std::uint64_t length = tr.time_ns - episode_ns_;
    figures_.open_ns += length;
    figures_.longest_open_ns = std::max(figures_.longest_open_ns, length);
  }
  if (tr.cause == Cause::kProbeFailed) ++figures_.probes_failed;
  return tr;
}

void BreakerCore::back_off(const BreakerSpec& s) noexcept {
  const auto longer = static_cast<double>(min_open_ns(s)) * s.backoff;
  min_open_ns_ = longer >= static_cast<double>(s.max_open_ns) ? s.max_open_ns : static_cast<std::uint64_t>(longer);
}

std::optional<Transition> BreakerCore::step(const BreakerSpec& s, std::uint64_t t, double value) noexcept {
  auto transition = [&](State to, Cause cause, double threshold) {
    const Transition tr{.from = automatic_, .to = to, .cause = cause, .time_ns = t, .value = value, .threshold = threshold};
    automatic_ = to;
    return tr;
  };
  switch (automatic_) {
    case State::kClosed:
      if (!(value > s.trip)) return std::nullopt;
      if (has_closed_ && t - closed_ns_ < s.rearm_ns) {
        back_off(s);  // back soon after closing: the calm did not last
      } else {
        min_open_ns_ = s.min_open_ns;
      }
      opened_ns_ = t;
      clearing_ = false;
      return transition(State::kOpen, Cause::kTripped, s.trip);
    case State::kOpen:
      if (t - opened_ns_ < min_open_ns(s)) return std::nullopt;  // the dwell: nothing counts yet
      if (value > s.clear) {
        clearing_ = false;
        return std::nullopt;
      }
      if (!clearing_) {
        clearing_ = true;
        clear_since_ns_ = t;
      }
      if (t - clear_since_ns_ < s.clear_hold_ns) return std::nullopt;
      probe_ns_ = t;
      return transition(State::kHalfOpen, Cause::kCleared, s.clear);
    case State::kHalfOpen:
      if (value > s.trip || (t - probe_ns_ >= s.probe_ns && value > s.clear)) {
        back_off(s);
        opened_ns_ = t;
        clearing_ = false;
        return transition(State::kOpen, Cause::kProbeFailed, value > s.trip ? s.trip : s.clear);
      }
      if (t - probe_ns_ < s.probe_ns) return std::nullopt;
      closed_ns_ = t;
      has_closed_ = true;
      return transition(State::kClosed, Cause::kProbePassed, s.clear);
  }
  return std::nullopt;
}

}  // namespace tickwire::breakers
