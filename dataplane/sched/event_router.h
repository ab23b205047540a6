// The RX core's last step: the book builder's events, gathered per message, classified
// (the table is read through an RCU-published pointer) and pushed whole onto the inbox of
// the worker that owns the instrument. A full ring follows its class's policy; with
// backpressure the RX core waits here, which is the only place it ever waits.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <thread>

#include "dataplane/core/cpu_relax.h"
#include "dataplane/events/classification.h"
#include "dataplane/sched/worker.h"

namespace tickwire::sched {

struct RouterStats {
  std::uint64_t messages = 0;
  std::uint64_t too_large = 0;  // more events than a ring record allows: dropped, counted
  std::uint64_t full_waits = 0; // messages that waited for room (backpressure)
};

class EventRouter {
 public:
  EventRouter(std::span<Worker* const> workers, events::Classifier& classifier,
              const std::atomic<const events::ClassificationTable*>& table, RxProgress& progress) noexcept
      : workers_(workers), classifier_(classifier), table_(table), progress_(progress) {}

  // The book builder's event sink.
  void operator()(const events::Event& e) noexcept {
    if (TW_LIKELY(buffered_ < kMaxMessageEvents)) {
      events_[buffered_] = e;
    }
    ++buffered_;
    if (e.flags & events::kLastInMessage) {
      route();
      buffered_ = 0;
    }
  }

  // Lets waiting workers finish: nothing more will come.
  void finish() noexcept { progress_.finished.store(true, std::memory_order_release); }

  [[nodiscard]] const RouterStats& stats() const noexcept { return stats_; }

 private:
  void route() noexcept {
    ++stats_.messages;
    const events::Event& last = events_[std::min(buffered_, kMaxMessageEvents) - 1];
    const std::uint64_t sequence = last.sequence;
    if (TW_UNLIKELY(buffered_ > kMaxMessageEvents)) {
      ++stats_.too_large;
    } else {
      const std::span<const events::Event> message(events_.data(), buffered_);
      const PriorityClass c = classifier_.classify(message, *table_.load(std::memory_order_acquire));
      Worker& w = *workers_[last.instrument % workers_.size()];
      PushResult r = w.inbox().push(message, c);
      if (TW_UNLIKELY(r == PushResult::kFull)) {
        ++stats_.full_waits;
        w.inbox().count_full_wait(c);
        for (std::uint32_t spins = 1; (r = w.inbox().push(message, c)) == PushResult::kFull; ++spins) {
          cpu_relax();
          // More workers than cores (replay on a small machine): let the worker run.
          if (spins % 1024 == 0) std::this_thread::yield();
        }
      }
    }
    progress_.receive_clock_ns.store(last.receive_time_ns, std::memory_order_relaxed);
    progress_.last_pushed_sequence.store(sequence, std::memory_order_release);
  }

  std::span<Worker* const> workers_;
  events::Classifier& classifier_;
  const std::atomic<const events::ClassificationTable*>& table_;
  RxProgress& progress_;
  std::array<events::Event, kMaxMessageEvents> events_{};
  std::size_t buffered_ = 0;
  RouterStats stats_;
};

}  // namespace tickwire::sched
