// A worker's choice of what to run next from its inbox.
//
// - Priority: the most urgent non-empty class runs first, and the choice is made again after
//   every message, so critical work waits for at most one lower-class message.
// - Aging: a class whose oldest message has waited its bound (receive time; capture time in
//   replay) is overdue; overdue classes run before any other, oldest first. So every class
//   has a bound on its wait and low priority never starves under a critical flood. But an
//   overdue class jumps ahead of a more urgent one at most once per `urgent_runs_per_aged`
//   runs of the urgent ones: when low work alone is more than the worker can do (it is then
//   always overdue, and shed), critical work still gets most of the worker, and waits for
//   at most one aged message at a time, not for the whole backlog.
// - Order within an instrument: priority reorders across instruments only. Before a message
//   runs, the same instrument's earlier messages still queued in other classes run first,
//   oldest first (they are marked in a bitmap and skipped when their ring reaches them).
//   Each ring keeps, per instrument, a chain of its queued messages (linked as they are
//   taken in), so finding them costs one look-up per ring, never a scan.
//
// Messages are handed over as spans into the ring (copied only when one wraps its end).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "dataplane/core/mapped_array.h"
#include "dataplane/events/event.h"
#include "dataplane/sched/priority_class.h"
#include "dataplane/sched/worker_inbox.h"

namespace tickwire::sched {

struct SchedulerConfig {
  // How long the oldest message of a class may wait before it is overdue (0: never; such a
  // class can then be held back by overdue ones). Critical has a bound too: when every class
  // is overdue the worker is overloaded, and it then runs oldest first.
  std::array<std::uint64_t, kPriorityClassCount> max_wait_ns = {100'000, 1'000'000, 5'000'000, 20'000'000};
  // After an overdue message ran ahead of a more urgent class, this many messages run in
  // priority order before aging may jump the queue again (0: aging always wins).
  std::uint32_t urgent_runs_per_aged = 4;
  std::uint32_t max_instruments = 16'384;
};

struct SchedulerStats {
  // A message is counted once, by the worker and class that ran its last event: a message
  // touching two books runs as two units, maybe on two workers, and is still one message.
  std::array<std::uint64_t, kPriorityClassCount> messages{};
  std::array<std::uint64_t, kPriorityClassCount> units{};
  std::array<std::uint64_t, kPriorityClassCount> aged{};       // run because overdue
  std::array<std::uint64_t, kPriorityClassCount> run_early{};  // run ahead of their ring for order
  std::array<std::uint64_t, kPriorityClassCount> high_water{}; // events queued, as seen by the worker
};

class PriorityScheduler {
 public:
  PriorityScheduler(WorkerInbox& inbox, const SchedulerConfig& config, const RxProgress& rx)
      : config_(config),
        rx_(rx),
        chains_((std::size_t{config.max_instruments} + 1) * kPriorityClassCount, /*prefault=*/true) {
    for (std::size_t c = 0; c < kPriorityClassCount; ++c) {
      SpscRing<events::Event>& r = inbox.ring(c);
      rings_[c].ring = &r;
      rings_[c].mask = r.capacity() - 1;
      rings_[c].run_early = MappedArray<std::uint64_t>((r.capacity() + 63) / 64, /*prefault=*/true);
      rings_[c].next = MappedArray<std::uint64_t>(r.capacity(), /*prefault=*/true);
      rings_[c].front = rings_[c].indexed = rings_[c].available = rings_[c].message_start = r.read_position();
    }
  }
  [[nodiscard]] bool ok() const noexcept {
    for (const RingState& r : rings_) {
      if (!r.run_early.ok() || !r.next.ok()) return false;
    }
    return chains_.ok();
  }

  // Runs up to `max_messages` messages through `run(std::span<const Event>, PriorityClass,
  // std::uint64_t waited_ns)`; `now_ns` is on the receive clock. Returns how many ran.
  //
  // Only messages up to the RX core's published sequence run: it is read first, then every
  // ring, so every message up to it is visible and an instrument's older messages can be
  // found in any class. Between messages only the critical ring is looked at again (one
  // load of a line that changes only when critical work arrives); when it has grown, all is
  // taken in again.
  template <class Run>
  std::size_t poll(std::uint64_t now_ns, std::size_t max_messages, Run&& run) {
    // Idle: one load of the RX core's progress line, nothing else shared is touched (every
    // line a spinning worker reads costs the RX core a transfer when it next writes it).
    if (rx_.last_pushed_sequence.load(std::memory_order_acquire) == through_ && !pending()) return 0;
    take_in();
    std::size_t ran = 0;
    while (ran < max_messages) {
      RingState& critical = rings_[0];
      if (critical.front + critical.ring->readable() != critical.available) take_in();
      const int c = choose(now_ns);
      if (c < 0) break;
      run_front(static_cast<std::size_t>(c), now_ns, run);
      ++ran;
    }
    return ran;
  }

  // Every message this worker was given with a sequence below the result has run. Read the
  // RX core's progress before calling: with nothing queued, everything up to it has run.
  [[nodiscard]] std::uint64_t retired_before(std::uint64_t rx_last_pushed) noexcept {
    std::uint64_t oldest = rx_last_pushed + 1;
    for (std::size_t c = 0; c < kPriorityClassCount; ++c) {
      refresh(c);
      RingState& r = rings_[c];
      if (r.front != r.available) oldest = std::min(oldest, r.ring->at_position(r.front).sequence);
    }
    return oldest;
  }

  [[nodiscard]] const SchedulerStats& stats() const noexcept { return stats_; }

 private:
  struct RingState {
    SpscRing<events::Event>* ring = nullptr;
    std::size_t mask = 0;
    std::size_t front = 0;      // running position of the oldest event not yet consumed
    std::size_t indexed = 0;    // events up to here are linked into their chains
    std::size_t available = 0;  // events up to here are readable
    std::size_t message_start = 0;  // first event of the message being taken in
    MappedArray<std::uint64_t> run_early;  // a bit per slot: already run, skip it
    MappedArray<std::uint64_t> next;       // per message's first slot: the instrument's next one (+1)
  };
  // An instrument's queued messages in one ring, oldest first: positions + 1 (0: none).
  struct Chain {
    std::uint64_t head = 0;
    std::uint64_t tail = 0;
  };

  [[nodiscard]] Chain& chain(std::size_t c, std::size_t slot) noexcept { return chains_[slot * kPriorityClassCount + c]; }
  void link(std::size_t c, std::size_t slot, std::size_t pos) noexcept {
    RingState& r = rings_[c];
    Chain& ch = chain(c, slot);
    r.next[pos & r.mask] = 0;
    if (ch.tail != 0) {
      r.next[(ch.tail - 1) & r.mask] = pos + 1;
    } else {
      ch.head = pos + 1;
    }
    ch.tail = pos + 1;
  }
  // The oldest queued message of `slot` in ring c has run.
  void unlink_head(std::size_t c, std::size_t slot) noexcept {
    Chain& ch = chain(c, slot);
    ch.head = rings_[c].next[(ch.head - 1) & rings_[c].mask];
    if (ch.head == 0) ch.tail = 0;
  }

  [[nodiscard]] std::size_t slot_of(std::uint32_t instrument) const noexcept {
    return instrument <= config_.max_instruments ? instrument : 0;
  }
  [[nodiscard]] bool early(const RingState& r, std::size_t pos) const noexcept {
    const std::size_t s = pos & r.mask;
    return (r.run_early[s / 64] >> (s % 64)) & 1u;
  }
  static void set_early(RingState& r, std::size_t pos, bool on) noexcept {
    const std::size_t s = pos & r.mask;
    const std::uint64_t bit = std::uint64_t{1} << (s % 64);
    r.run_early[s / 64] = on ? (r.run_early[s / 64] | bit) : (r.run_early[s / 64] & ~bit);
  }
  [[nodiscard]] std::size_t message_length(const RingState& r, std::size_t pos) const noexcept {
    std::size_t n = 1;
    while (!(r.ring->at_position(pos + n - 1).flags & events::kEndOfUnit) && pos + n < r.available) ++n;
    return n;
  }

  [[nodiscard]] bool pending() const noexcept {
    for (const RingState& r : rings_) {
      if (r.front != r.available) return true;
    }
    return false;
  }

  void take_in() noexcept {
    through_ = rx_.last_pushed_sequence.load(std::memory_order_acquire);
    for (std::size_t c = 0; c < kPriorityClassCount; ++c) refresh(c);
  }

  // Takes in newly pushed messages and drops the front messages already run early.
  void refresh(std::size_t c) noexcept {
    RingState& r = rings_[c];
    r.available = r.front + r.ring->readable();
    for (; r.indexed < r.available; ++r.indexed) {
      const events::Event& e = r.ring->at_position(r.indexed);
      if (e.flags & events::kEndOfUnit) {
        link(c, slot_of(e.instrument), r.message_start);
        r.message_start = r.indexed + 1;
      }
    }
    stats_.high_water[c] = std::max<std::uint64_t>(stats_.high_water[c], r.available - r.front);
    drop_run_early(c);
  }

  [[nodiscard]] int choose(std::uint64_t now_ns) const noexcept {
    int urgent = -1;
    int overdue = -1;
    std::uint64_t overdue_sequence = 0;
    for (std::size_t c = 0; c < kPriorityClassCount; ++c) {
      const RingState& r = rings_[c];
      if (r.front == r.available) continue;
      const events::Event& head = r.ring->at_position(r.front);
      if (head.sequence > through_) continue;  // its predecessors may not be visible yet
      if (urgent < 0) urgent = static_cast<int>(c);
      const std::uint64_t bound = config_.max_wait_ns[c];
      if (bound != 0 && now_ns > head.receive_time_ns && now_ns - head.receive_time_ns >= bound &&
          (overdue < 0 || head.sequence < overdue_sequence)) {
        overdue = static_cast<int>(c);
        overdue_sequence = head.sequence;
      }
    }
    // Overdue work that is not the most urgent waits while the urgent classes are owed runs.
    if (overdue > urgent && urgent_runs_owed_ != 0) return urgent;
    return overdue >= 0 ? overdue : urgent;
  }

  template <class Run>
  void run_front(std::size_t c, std::uint64_t now_ns, Run& run) {
    RingState& r = rings_[c];
    const events::Event& head = r.ring->at_position(r.front);
    const std::size_t slot = slot_of(head.instrument);
    const std::uint64_t sequence = head.sequence;
    const std::uint64_t waited = now_ns > head.receive_time_ns ? now_ns - head.receive_time_ns : 0;
    if (urgent_class(c) != c) {
      ++stats_.aged[c];
      urgent_runs_owed_ = config_.urgent_runs_per_aged;
    } else if (urgent_runs_owed_ != 0) {
      --urgent_runs_owed_;
    }
    if (run_earlier(c, slot, sequence, now_ns, run)) {
      for (std::size_t k = 0; k < kPriorityClassCount; ++k) drop_run_early(k);
    }
    const std::size_t n = message_length(r, r.front);
    count_run(c, r.ring->at_position(r.front + n - 1));
    run(view(r, r.front, n), static_cast<PriorityClass>(c), waited);
    unlink_head(c, slot);
    r.ring->pop(n);
    r.front += n;
    drop_run_early(c);
  }

  void count_run(std::size_t c, const events::Event& unit_end) noexcept {
    ++stats_.units[c];
    if (unit_end.flags & events::kLastInMessage) ++stats_.messages[c];
  }

  // The class priority alone would have chosen (to count aging's decisions).
  [[nodiscard]] std::size_t urgent_class(std::size_t chosen) const noexcept {
    for (std::size_t c = 0; c < chosen; ++c) {
      const RingState& r = rings_[c];
      if (r.front != r.available && r.ring->at_position(r.front).sequence <= through_) return c;
    }
    return chosen;
  }

  void drop_run_early(std::size_t c) noexcept {
    RingState& r = rings_[c];
    std::size_t skipped = 0;
    while (r.front + skipped < r.available && early(r, r.front + skipped)) {
      set_early(r, r.front + skipped, false);
      ++skipped;
    }
    if (skipped != 0) {
      r.ring->pop(skipped);
      r.front += skipped;
    }
  }

  // Runs, oldest first, the messages of `slot` older than `sequence` queued in other classes.
  // Returns whether any ran.
  template <class Run>
  bool run_earlier(std::size_t chosen, std::size_t slot, std::uint64_t sequence, std::uint64_t now_ns, Run& run) {
    bool any = false;
    for (;;) {
      int best = -1;
      std::uint64_t best_sequence = sequence;
      for (std::size_t c = 0; c < kPriorityClassCount; ++c) {
        const Chain& ch = chain(c, slot);
        if (c == chosen || ch.head == 0) continue;
        const std::uint64_t s = rings_[c].ring->at_position(ch.head - 1).sequence;
        if (s < best_sequence) {
          best = static_cast<int>(c);
          best_sequence = s;
        }
      }
      if (best < 0) return any;
      const auto b = static_cast<std::size_t>(best);
      RingState& r = rings_[b];
      const std::size_t pos = chain(b, slot).head - 1;
      const std::size_t n = message_length(r, pos);
      const events::Event& head = r.ring->at_position(pos);
      const std::uint64_t waited = now_ns > head.receive_time_ns ? now_ns - head.receive_time_ns : 0;
      count_run(b, r.ring->at_position(pos + n - 1));
      run(view(r, pos, n), static_cast<PriorityClass>(b), waited);
      ++stats_.run_early[b];
      unlink_head(b, slot);
      for (std::size_t i = 0; i < n; ++i) set_early(r, pos + i, true);
      any = true;
    }
  }

  [[nodiscard]] std::span<const events::Event> view(const RingState& r, std::size_t pos, std::size_t n) noexcept {
    const events::Event* first = &r.ring->at_position(pos);
    if ((pos & r.mask) + n <= r.mask + 1) return {first, n};
    for (std::size_t i = 0; i < n; ++i) scratch_[i] = r.ring->at_position(pos + i);
    return {scratch_.data(), n};
  }

  SchedulerConfig config_;
  const RxProgress& rx_;
  std::uint64_t through_ = 0;  // messages up to this sequence are all visible
  std::uint32_t urgent_runs_owed_ = 0;  // priority-order runs due before aging may jump again
  std::array<RingState, kPriorityClassCount> rings_;
  MappedArray<Chain> chains_;  // per instrument and class
  SchedulerStats stats_;
  std::array<events::Event, kMaxMessageEvents> scratch_{};
};

}  // namespace tickwire::sched
