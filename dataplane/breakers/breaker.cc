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
  if (spec.window_ns < kMinWindowNs || spec.window_ns > kMaxWindowNs) {
    return key + "window_ms: must be from 0.001 ms to one hour";
  }
  if (!(spec.backoff >= 1.0) || !std::isfinite(spec.backoff)) return key + "backoff: must be 1 or more";
  if (spec.max_open_ns < spec.min_open_ns) return key + "max_open_ms: must be at least min_open_ms";
  return {};
}

std::optional<Transition> Breaker::observe_moving(std::uint64_t t, double value) noexcept {
  std::optional<Transition> automatic = step(t, value);
  if (!automatic || forced_) return std::nullopt;  // forced: the reported state does not move
  return move(*automatic);
}

std::optional<Transition> Breaker::force(Override o, std::uint64_t t, double value) noexcept {
  const State before = state();
  Cause cause = Cause::kForced;
  switch (o) {
    case Override::kOpen: forced_ = State::kOpen; break;
    case Override::kClose: forced_ = State::kClosed; break;
    case Override::kAuto:
      forced_.reset();
      cause = Cause::kReleased;
      break;
  }
  if (state() == before) return std::nullopt;
  return move({.from = before,
               .to = state(),
               .cause = cause,
               .time_ns = t,
               .value = value,
               .threshold = state() == State::kOpen ? spec_->trip : spec_->clear});
}

// Counts what is reported, flags a shadow breaker's.
std::optional<Transition> Breaker::move(Transition tr) noexcept {
  tr.shadow = spec_->mode == Mode::kShadow;
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

void Breaker::back_off() noexcept {
  const auto longer = static_cast<double>(min_open_ns_) * spec_->backoff;
  min_open_ns_ = longer >= static_cast<double>(spec_->max_open_ns) ? spec_->max_open_ns
                                                                    : static_cast<std::uint64_t>(longer);
}

std::optional<Transition> Breaker::step(std::uint64_t t, double value) noexcept {
  const BreakerSpec& s = *spec_;
  auto transition = [&](State to, Cause cause, double threshold) {
    const Transition tr{.from = automatic_, .to = to, .cause = cause, .time_ns = t, .value = value, .threshold = threshold};
    automatic_ = to;
    return tr;
  };
  switch (automatic_) {
    case State::kClosed:
      if (!(value > s.trip)) return std::nullopt;
      if (has_closed_ && t - closed_ns_ < s.rearm_ns) {
        back_off();  // back soon after closing: the calm did not last
      } else {
        min_open_ns_ = s.min_open_ns;
      }
      opened_ns_ = t;
      clear_since_.reset();
      return transition(State::kOpen, Cause::kTripped, s.trip);
    case State::kOpen:
      if (t - opened_ns_ < min_open_ns_) return std::nullopt;  // the dwell: nothing counts yet
      if (value > s.clear) {
        clear_since_.reset();
        return std::nullopt;
      }
      if (!clear_since_) clear_since_ = t;
      if (t - *clear_since_ < s.clear_hold_ns) return std::nullopt;
      probe_ns_ = t;
      return transition(State::kHalfOpen, Cause::kCleared, s.clear);
    case State::kHalfOpen:
      if (value > s.trip || (t - probe_ns_ >= s.probe_ns && value > s.clear)) {
        back_off();
        opened_ns_ = t;
        clear_since_.reset();
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
