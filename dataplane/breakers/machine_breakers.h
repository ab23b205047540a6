// System breakers whose trigger is a figure of the machine, not of the stream: today the
// fill of the workers' rings. They run on the RX core's router, on the receive clock (the
// TSC live, capture time in replay), looked at each time the router publishes a burst to the
// workers (at most every 64 messages). Their transitions are journaled decisions like an
// overrun notice: the same capture may move them at other messages on another run.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/breakers/breaker_alert.h"
#include "dataplane/breakers/breaker_request.h"
#include "dataplane/breakers/ladder.h"
#include "dataplane/feed/feed_alert.h"

namespace tickwire::breakers {

class MachineBreakers {
 public:
  // `specs`: the session's breakers in config order; those with a machine trigger run here.
  explicit MachineBreakers(const std::vector<BreakerSpec>& specs) : specs_(specs) {
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      if (specs_[i].scope == Scope::kSystem && specs_[i].trigger == Trigger::kRingFill) {
        slots_.push_back({static_cast<std::uint16_t>(i), Ladder(&specs_[i])});
      }
    }
  }
  MachineBreakers(const MachineBreakers&) = delete;
  MachineBreakers& operator=(const MachineBreakers&) = delete;
  [[nodiscard]] bool empty() const noexcept { return slots_.empty(); }

  // The fullest non-critical ring, percent, at receive time t (never going back), after the
  // message `sequence` (exchange time `exchange_ns`) whose stream key is `key`.
  template <class Post>
  void observe(std::uint64_t t, std::uint64_t exchange_ns, double ring_fill, std::uint64_t sequence, std::uint64_t key,
               Post&& post) {
    if (t < clock_ns_) t = clock_ns_;
    clock_ns_ = t;
    last_value_ = ring_fill;
    StepMask steps = 0;
    for (Slot& s : slots_) {
      if (const auto tr = s.ladder.observe(t, ring_fill)) [[unlikely]] {
        post(alert(s, *tr, sequence, key, exchange_ns));
      }
      steps |= s.ladder.engaged();
    }
    engaged_ = steps;
  }
  [[nodiscard]] StepMask engaged() const noexcept { return engaged_; }

  // A request for breaker `index` (ignored when it is not one of these), at the last
  // observation's time, keyed after message `sequence` (`key`).
  template <class Post>
  void serve(const BreakerRequest& r, std::uint64_t sequence, std::uint64_t key, std::uint64_t exchange_ns, Post&& post) {
    for (Slot& s : slots_) {
      if (s.index != r.index) continue;
      BreakerSpec& spec = specs_[r.index];
      std::optional<Transition> tr;
      if (r.kind == BreakerRequest::Kind::kSet) {
        apply(r.settings, spec);
        tr = unmoved(s.ladder.breaker().state(), Cause::kSet, clock_ns_, spec);
      } else {
        tr = s.ladder.force(r.override, clock_ns_, last_value_);
        if (!tr) tr = unmoved(s.ladder.breaker().state(), cause_of(r.override), clock_ns_, spec);
      }
      post(alert(s, *tr, sequence, key, exchange_ns));
      StepMask steps = 0;
      for (const Slot& o : slots_) steps |= o.ladder.engaged();
      engaged_ = steps;
    }
  }

 private:
  struct Slot {
    std::uint16_t index;
    Ladder ladder;
  };
  static feed::FeedAlert alert(const Slot& s, const Transition& t, std::uint64_t sequence, std::uint64_t key,
                               std::uint64_t exchange_ns) noexcept {
    feed::FeedAlert a = breaker_alert(s.index, t, sequence, key);  // after the last message routed
    a.step_level = s.ladder.level();
    a.receive_ns = t.time_ns;  // its clock
    a.exchange_ns = exchange_ns;
    return a;
  }

  std::vector<BreakerSpec> specs_;  // never resized: the ladders point into it
  std::vector<Slot> slots_;
  std::uint64_t clock_ns_ = 0;
  double last_value_ = 0;
  StepMask engaged_ = 0;
};

}  // namespace tickwire::breakers
