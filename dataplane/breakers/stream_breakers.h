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

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/breakers/breaker.h"
#include "dataplane/breakers/breaker_alert.h"
#include "dataplane/breakers/ladder.h"
#include "dataplane/breakers/machine_breakers.h"
#include "dataplane/breakers/market_breakers.h"
#include "dataplane/breakers/security_breakers.h"
#include "dataplane/breakers/window_sum.h"
#include "dataplane/events/event.h"
#include "dataplane/events/stream_key.h"
#include "dataplane/feed/feed_alert.h"
#include "dataplane/sched/spsc_ring.h"

namespace tickwire::breakers {

static_assert((bit(Step::kShedLow) << events::kStepShift) == events::kShedLowStep &&
              (bit(Step::kCriticalOnly) << events::kStepShift) == events::kCriticalOnlyStep);

class StreamBreakers {
 public:
  // `specs`: the session's breakers, in config order; those this class runs (system scope,
  // message_rate) keep their index there, which the journal names them by.
  StreamBreakers(const std::vector<BreakerSpec>& specs, std::uint32_t max_instruments, std::uint32_t max_promoted)
      : specs_(specs), securities_(specs, max_instruments, max_promoted), market_(specs) {
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      if (specs_[i].scope != Scope::kSystem || specs_[i].trigger != Trigger::kMessageRate) continue;
      slots_.push_back({static_cast<std::uint16_t>(i), Ladder(&specs_[i]), WindowSum(specs_[i].window_ns),
                        1e9 / static_cast<double>(specs_[i].window_ns), 0});
    }
  }
  StreamBreakers(const StreamBreakers&) = delete;
  StreamBreakers& operator=(const StreamBreakers&) = delete;
  [[nodiscard]] bool ok() const noexcept { return securities_.ok(); }
  // Nothing to run: no stream-driven breaker, and none on the machine whose requests come
  // through here.
  [[nodiscard]] bool empty() const noexcept {
    return slots_.empty() && securities_.empty() && market_.empty() &&
           std::none_of(specs_.begin(), specs_.end(), [](const BreakerSpec& s) { return s.trigger == Trigger::kRingFill; });
  }

  // The security breakers mark the message's events (kVolatile, kPromoted).
  template <class Post>
  void message(std::span<events::Event> m, Post&& post) {
    if (m.empty()) return;
    const events::Event& first = m.front();
    const std::uint64_t key = keys_.message(first.sequence & events::kMaxKeyedSequence);
    last_key_ = key;
    last_sequence_ = first.sequence;
    if ((first.flags & events::kTimestampAnomaly) == 0 && first.exchange_time_ns > clock_ns_) {
      clock_ns_ = first.exchange_time_ns;
    }
    StepMask steps = 0;
    for (Slot& s : slots_) {
      const double rate = s.window.add_and_sum(clock_ns_, 1.0) * s.per_second;
      s.last_rate = rate;
      if (s.ladder.quiet_at(rate)) [[likely]] continue;
      if (const auto t = s.ladder.observe(clock_ns_, rate)) post(alert(s, *t, first.sequence, key));
      steps |= s.ladder.engaged();
    }
    if (steps != 0) [[unlikely]] {
      for (events::Event& e : m) e.flags |= static_cast<std::uint16_t>(steps << events::kStepShift);
    }
    if (!securities_.empty()) securities_.message(m, clock_ns_, key, post);
    if (!market_.empty()) market_.message(m, securities_.open_share(), clock_ns_, key, post);
  }
  void gap(std::uint64_t first, std::uint64_t last) noexcept {
    (void)keys_.gap(first & events::kMaxKeyedSequence, last & events::kMaxKeyedSequence);
  }

  // `ctl breaker` requests arrive on `requests`; `machine`: the router's breakers, also run
  // on this thread (null: none).
  void accept_requests(sched::SpscRing<BreakerRequest>* requests, MachineBreakers* machine) noexcept {
    requests_ = requests;
    machine_ = machine;
  }
  // At a safe point of the RX loop (the end of a burst, an idle poll): what was asked, applied
  // between two messages, each journaled after the last message run.
  template <class Post>
  void serve(Post&& post) {
    if (requests_ == nullptr) return;
    for (const BreakerRequest* r; (r = requests_->front()) != nullptr; requests_->pop()) {
      if (r->index >= specs_.size()) continue;
      for (Slot& s : slots_) {
        if (s.index == r->index) serve_system(s, *r, post);
      }
      securities_.serve(*r, clock_ns_, last_sequence_, last_key_, post);
      market_.serve(*r, clock_ns_, last_sequence_, last_key_, post);
      if (machine_ != nullptr) machine_->serve(*r, last_sequence_, last_key_, clock_ns_, post);
    }
  }

  [[nodiscard]] const SecurityBreakers& securities() const noexcept { return securities_; }
  [[nodiscard]] const Breaker* breaker(std::size_t config_index) const noexcept {
    for (const Slot& s : slots_) {
      if (s.index == config_index) return &s.ladder.breaker();
    }
    return market_.breaker(config_index);
  }

 private:
  struct Slot {
    std::uint16_t index;
    Ladder ladder;
    WindowSum window;
    double per_second;  // from a count over the window to a rate
    double last_rate = 0;  // what an override reports
  };
  template <class Post>
  void serve_system(Slot& s, const BreakerRequest& r, Post& post) {
    BreakerSpec& spec = specs_[s.index];
    std::optional<Transition> tr;
    if (r.kind == BreakerRequest::Kind::kSet) {
      const bool new_window = r.settings.window_ns != spec.window_ns;
      apply(r.settings, spec);
      if (new_window) {  // a new window starts its sum afresh
        s.window.set_window(spec.window_ns);
        s.per_second = 1e9 / static_cast<double>(spec.window_ns);
      }
      tr = unmoved(s.ladder.breaker().state(), Cause::kSet, clock_ns_, spec);
    } else {
      tr = s.ladder.force(r.override, clock_ns_, s.last_rate);
      if (!tr) tr = unmoved(s.ladder.breaker().state(), cause_of(r.override), clock_ns_, spec);
    }
    post(alert(s, *tr, last_sequence_, last_key_));
  }
  static feed::FeedAlert alert(const Slot& s, const Transition& t, std::uint64_t sequence, std::uint64_t key) noexcept {
    feed::FeedAlert a = breaker_alert(s.index, t, sequence, key);
    a.step_level = s.ladder.level();
    return a;
  }

  std::vector<BreakerSpec> specs_;  // never resized after construction: the breakers point into it
  std::vector<Slot> slots_;
  SecurityBreakers securities_;
  MarketBreakers market_;
  sched::SpscRing<BreakerRequest>* requests_ = nullptr;
  MachineBreakers* machine_ = nullptr;
  std::uint64_t last_key_ = 0;
  std::uint64_t last_sequence_ = 0;
  events::StreamKeys keys_;
  std::uint64_t clock_ns_ = 0;
};

}  // namespace tickwire::breakers
