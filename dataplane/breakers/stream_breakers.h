// The breakers a feed's RX core runs on its own stream, on exchange time: system breakers
// whose trigger depends only on the stream (the message rate) and the security breakers
// (security_breakers.h), so that a replay of a capture moves them at the same messages on
// every layout and every run. Each message is counted in
// each breaker's window and the breaker observes the rate at the message's exchange time
// (the feed's clamped clock: a timestamp anomaly does not move it); a transition is handed to
// `post` keyed just after the message, so its journal line follows the message's own lines
// and precedes the next message's, wherever the stages ran.
//
// Keys mirror the router's (events::StreamKeys: messages and gaps observed in stream order),
// which is why gaps are told here too. Fixed at start: no allocation per message.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/breakers/breaker.h"
#include "dataplane/breakers/ladder.h"
#include "dataplane/breakers/security_breakers.h"
#include "dataplane/breakers/window_sum.h"
#include "dataplane/events/event.h"
#include "dataplane/events/stream_key.h"
#include "dataplane/feed/feed_alert.h"

namespace tickwire::breakers {

static_assert((bit(Step::kShedLow) << events::kStepShift) == events::kShedLowStep &&
              (bit(Step::kCriticalOnly) << events::kStepShift) == events::kCriticalOnlyStep);

class StreamBreakers {
 public:
  // `specs`: the session's breakers, in config order; those this class runs (system scope,
  // message_rate) keep their index there, which the journal names them by.
  StreamBreakers(const std::vector<BreakerSpec>& specs, std::uint32_t max_instruments, std::uint32_t max_promoted)
      : specs_(specs), securities_(specs, max_instruments, max_promoted) {
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      if (specs_[i].scope != Scope::kSystem || specs_[i].trigger != Trigger::kMessageRate) continue;
      slots_.push_back({static_cast<std::uint16_t>(i), Ladder(&specs_[i]), WindowSum(specs_[i].window_ns),
                        1e9 / static_cast<double>(specs_[i].window_ns)});
    }
  }
  StreamBreakers(const StreamBreakers&) = delete;
  StreamBreakers& operator=(const StreamBreakers&) = delete;
  [[nodiscard]] bool ok() const noexcept { return securities_.ok(); }
  [[nodiscard]] bool empty() const noexcept { return slots_.empty() && securities_.empty(); }

  // The security breakers mark the message's events (kVolatile, kPromoted).
  template <class Post>
  void message(std::span<events::Event> m, Post&& post) {
    if (m.empty()) return;
    const events::Event& first = m.front();
    const std::uint64_t key = keys_.message(first.sequence & events::kMaxKeyedSequence);
    if ((first.flags & events::kTimestampAnomaly) == 0 && first.exchange_time_ns > clock_ns_) {
      clock_ns_ = first.exchange_time_ns;
    }
    StepMask steps = 0;
    for (Slot& s : slots_) {
      const double rate = s.window.add_and_sum(clock_ns_, 1.0) * s.per_second;
      if (const auto t = s.ladder.observe(clock_ns_, rate)) [[unlikely]] post(alert(s, *t, first.sequence, key));
      steps |= s.ladder.engaged();
    }
    if (steps != 0) [[unlikely]] {
      for (events::Event& e : m) e.flags |= static_cast<std::uint16_t>(steps << events::kStepShift);
    }
    if (!securities_.empty()) securities_.message(m, clock_ns_, key, post);
  }
  void gap(std::uint64_t first, std::uint64_t last) noexcept {
    (void)keys_.gap(first & events::kMaxKeyedSequence, last & events::kMaxKeyedSequence);
  }

  [[nodiscard]] const SecurityBreakers& securities() const noexcept { return securities_; }
  [[nodiscard]] const Breaker* breaker(std::size_t config_index) const noexcept {
    for (const Slot& s : slots_) {
      if (s.index == config_index) return &s.ladder.breaker();
    }
    return nullptr;
  }

 private:
  struct Slot {
    std::uint16_t index;
    Ladder ladder;
    WindowSum window;
    double per_second;  // from a count over the window to a rate
  };
  static feed::FeedAlert alert(const Slot& s, const Transition& t, std::uint64_t sequence, std::uint64_t key) noexcept {
    feed::FeedAlert a;
    a.kind = feed::FeedAlertKind::kBreaker;
    a.sequence = sequence;
    a.stream_key = key + 1;  // after the message's own lines, before the next message's
    a.breaker = s.index;
    a.from_state = static_cast<std::uint8_t>(t.from);
    a.to_state = static_cast<std::uint8_t>(t.to);
    a.breaker_cause = static_cast<std::uint8_t>(t.cause);
    a.shadow = t.shadow;
    a.step_level = s.ladder.level();
    a.exchange_ns = t.time_ns;
    a.value = t.value;
    a.threshold = t.threshold;
    return a;
  }

  std::vector<BreakerSpec> specs_;  // never resized after construction: the breakers point into it
  std::vector<Slot> slots_;
  SecurityBreakers securities_;
  events::StreamKeys keys_;
  std::uint64_t clock_ns_ = 0;
};

}  // namespace tickwire::breakers
