// What the RX core hands one worker: a ring per priority class, each holding whole units (one
// instrument's events of a message, pushed together or not at all), sized once from the
// config.
//
// A full ring is handled by its class's explicit policy: critical work is never dropped (the
// RX core waits: backpressure), lower classes may be shed, counted per class. Deterministic
// replay runs every class with backpressure so no decision depends on timing.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>

#include "dataplane/core/cache.h"
#include "dataplane/events/event.h"
#include "dataplane/sched/priority_class.h"
#include "dataplane/sched/spsc_ring.h"

namespace tickwire::sched {

enum class FullPolicy : std::uint8_t {
  kBackpressure,  // the producer waits for room (and counts the wait)
  kShed,          // the message is dropped and counted under ring_full
};

inline constexpr std::size_t kMaxMessageEvents = events::kMaxEventsPerMessage;

struct InboxConfig {
  std::array<std::size_t, kPriorityClassCount> capacity = {4096, 8192, 16384, 16384};  // events
  std::array<FullPolicy, kPriorityClassCount> when_full = {FullPolicy::kBackpressure, FullPolicy::kBackpressure,
                                                           FullPolicy::kBackpressure, FullPolicy::kShed};
};

// Counters the producer writes and anyone may read (relaxed: they are reports, not sync).
struct alignas(kCacheLine) InboxCounters {
  std::array<std::atomic<std::uint64_t>, kPriorityClassCount> queued{};
  std::array<std::atomic<std::uint64_t>, kPriorityClassCount> shed_ring_full{};
  std::array<std::atomic<std::uint64_t>, kPriorityClassCount> full_waits{};  // backpressure episodes
};

enum class PushResult : std::uint8_t { kQueued, kShed, kFull, kTooLarge };

class WorkerInbox {
 public:
  explicit WorkerInbox(const InboxConfig& config, bool prefault = true) : config_(config) {
    for (std::size_t c = 0; c < kPriorityClassCount; ++c) {
      rings_[c] = std::make_unique<SpscRing<events::Event>>(config.capacity[c], prefault);
    }
  }
  [[nodiscard]] bool ok() const noexcept {
    for (const auto& r : rings_) {
      if (!r->ok() || r->capacity() < kMaxMessageEvents) return false;
    }
    return true;
  }

  // Producer (RX core). kFull asks the caller to retry (backpressure); kShed was counted.
  // The message is visible to the worker at once (push) or at the next publish() (stage).
  [[nodiscard]] PushResult push(std::span<const events::Event> message, PriorityClass c) noexcept {
    const PushResult r = stage(message, c);
    if (r == PushResult::kQueued) rings_[index_of(c)]->publish();
    return r;
  }
  [[nodiscard]] PushResult stage(std::span<const events::Event> message, PriorityClass c) noexcept {
    const std::size_t k = index_of(c);
    if (TW_UNLIKELY(message.size() > kMaxMessageEvents)) return PushResult::kTooLarge;
    if (TW_UNLIKELY(!rings_[k]->try_stage_all(message))) {
      if (config_.when_full[k] == FullPolicy::kShed) {
        bump(counters_.shed_ring_full[k]);
        return PushResult::kShed;
      }
      return PushResult::kFull;
    }
    bump(counters_.queued[k]);
    return PushResult::kQueued;
  }
  void count_full_wait(PriorityClass c) noexcept { bump(counters_.full_waits[index_of(c)]); }
  void publish() noexcept {
    for (auto& r : rings_) r->publish();
  }

  [[nodiscard]] SpscRing<events::Event>& ring(std::size_t c) noexcept { return *rings_[c]; }
  [[nodiscard]] const InboxCounters& counters() const noexcept { return counters_; }
  [[nodiscard]] const InboxConfig& config() const noexcept { return config_; }

 private:
  static void bump(std::atomic<std::uint64_t>& v) noexcept {
    v.store(v.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  InboxConfig config_;
  std::array<std::unique_ptr<SpscRing<events::Event>>, kPriorityClassCount> rings_;
  InboxCounters counters_;
};

// The RX core's progress, which an idle worker needs to say it has run everything before a
// sequence: the sequence of the last message pushed to any inbox.
struct alignas(kCacheLine) RxProgress {
  std::atomic<std::uint64_t> last_pushed_sequence{0};
  std::atomic<std::uint64_t> receive_clock_ns{0};  // of that message: the clock aging runs on in replay
  std::atomic<bool> finished{false};  // the RX core will push nothing more
};

}  // namespace tickwire::sched
