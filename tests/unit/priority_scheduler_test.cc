#include "dataplane/sched/priority_scheduler.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <thread>
#include <vector>

namespace tickwire::sched {
namespace {

using events::Event;

// A message of `events` events for `instrument` at `sequence`, received at `time_ns`.
std::vector<Event> message(std::uint64_t sequence, std::uint32_t instrument, std::uint64_t time_ns,
                           std::size_t events = 1) {
  std::vector<Event> m(events);
  for (std::size_t i = 0; i < events; ++i) {
    m[i] = Event{};
    m[i].sequence = sequence;
    m[i].event_index = static_cast<std::uint16_t>(i);
    m[i].instrument = instrument;
    m[i].receive_time_ns = time_ns;
  }
  m.back().flags = events::kLastInMessage | events::kEndOfUnit;  // as the router marks it
  return m;
}

struct Ran {
  std::uint64_t sequence;
  std::uint32_t instrument;
  PriorityClass cls;
  std::uint64_t waited;
  std::size_t events;
};

struct Recorder {
  std::vector<Ran> ran;
  void operator()(std::span<const Event> m, PriorityClass c, std::uint64_t waited) {
    for (std::size_t i = 0; i < m.size(); ++i) {
      EXPECT_EQ(m[i].sequence, m[0].sequence);
      EXPECT_EQ(m[i].event_index, i);
    }
    EXPECT_TRUE(m.back().flags & events::kEndOfUnit);
    ran.push_back({m[0].sequence, m[0].instrument, c, waited, m.size()});
  }
};

// The RX core's side: push, and publish the sequence pushed (what lets the worker run it).
PushResult push(WorkerInbox& inbox, RxProgress& progress, const std::vector<Event>& m, PriorityClass c) {
  const PushResult r = inbox.push(m, c);
  if (r == PushResult::kQueued || r == PushResult::kShed) {
    progress.last_pushed_sequence.store(m.back().sequence, std::memory_order_release);
  }
  return r;
}

InboxConfig small_inbox(std::size_t capacity) {
  InboxConfig config;
  config.capacity = {capacity, capacity, capacity, capacity};
  config.when_full = {FullPolicy::kBackpressure, FullPolicy::kBackpressure, FullPolicy::kBackpressure,
                      FullPolicy::kShed};
  return config;
}

SchedulerConfig no_aging() {
  SchedulerConfig config;
  config.max_wait_ns = {0, 0, 0, 0};
  config.max_instruments = 64;
  return config;
}

TEST(PriorityScheduler, MoreUrgentClassesRunFirstAcrossInstruments) {
  WorkerInbox inbox(small_inbox(64));
  RxProgress progress;
  PriorityScheduler scheduler(inbox, no_aging(), progress);
  ASSERT_TRUE(inbox.ok() && scheduler.ok());
  ASSERT_EQ(push(inbox, progress, message(1, 1, 0), PriorityClass::kLow), PushResult::kQueued);
  ASSERT_EQ(push(inbox, progress, message(2, 2, 0), PriorityClass::kNormal), PushResult::kQueued);
  ASSERT_EQ(push(inbox, progress, message(3, 3, 0), PriorityClass::kHigh), PushResult::kQueued);
  ASSERT_EQ(push(inbox, progress, message(4, 4, 0), PriorityClass::kCritical), PushResult::kQueued);
  Recorder r;
  EXPECT_EQ(scheduler.poll(0, 10, r), 4u);
  ASSERT_EQ(r.ran.size(), 4u);
  EXPECT_EQ(r.ran[0].sequence, 4u);
  EXPECT_EQ(r.ran[1].sequence, 3u);
  EXPECT_EQ(r.ran[2].sequence, 2u);
  EXPECT_EQ(r.ran[3].sequence, 1u);
}

TEST(PriorityScheduler, AnInstrumentsQueuedLowerClassMessagesRunBeforeItsCriticalOne) {
  WorkerInbox inbox(small_inbox(64));
  RxProgress progress;
  PriorityScheduler scheduler(inbox, no_aging(), progress);
  ASSERT_EQ(push(inbox, progress, message(1, 7, 0), PriorityClass::kLow), PushResult::kQueued);
  ASSERT_EQ(push(inbox, progress, message(2, 8, 0), PriorityClass::kLow), PushResult::kQueued);
  ASSERT_EQ(push(inbox, progress, message(3, 7, 0, 3), PriorityClass::kNormal), PushResult::kQueued);
  ASSERT_EQ(push(inbox, progress, message(4, 7, 0), PriorityClass::kCritical), PushResult::kQueued);
  Recorder r;
  EXPECT_EQ(scheduler.poll(0, 1, r), 1u);
  // Instrument 7's low and normal messages went first, instrument 8's still waits.
  ASSERT_EQ(r.ran.size(), 3u);
  EXPECT_EQ(r.ran[0].sequence, 1u);
  EXPECT_EQ(r.ran[1].sequence, 3u);
  EXPECT_EQ(r.ran[1].events, 3u);
  EXPECT_EQ(r.ran[2].sequence, 4u);
  EXPECT_EQ(scheduler.stats().run_early[index_of(PriorityClass::kLow)], 1u);
  scheduler.poll(0, 10, r);
  ASSERT_EQ(r.ran.size(), 4u);  // the early ones are not run again
  EXPECT_EQ(r.ran[3].sequence, 2u);
  EXPECT_EQ(scheduler.retired_before(4), 5u);
}

// A message runs only once the RX core has published its sequence: until then an older
// message of its instrument might still be on its way into another ring.
TEST(PriorityScheduler, RunsOnlyWhatTheProducerHasPublished) {
  WorkerInbox inbox(small_inbox(64));
  RxProgress progress;
  PriorityScheduler scheduler(inbox, no_aging(), progress);
  ASSERT_EQ(inbox.push(message(1, 7, 0), PriorityClass::kCritical), PushResult::kQueued);
  Recorder r;
  EXPECT_EQ(scheduler.poll(0, 10, r), 0u);
  progress.last_pushed_sequence.store(1);
  EXPECT_EQ(scheduler.poll(0, 10, r), 1u);
}

TEST(PriorityScheduler, CriticalOvertakesAFullLowRing) {
  WorkerInbox inbox(small_inbox(16));
  RxProgress progress;
  PriorityScheduler scheduler(inbox, no_aging(), progress);
  std::uint64_t seq = 1;
  while (push(inbox, progress, message(seq, 1, 0), PriorityClass::kLow) == PushResult::kQueued) ++seq;
  EXPECT_EQ(inbox.counters().shed_ring_full[index_of(PriorityClass::kLow)].load(), 1u);
  ASSERT_EQ(push(inbox, progress, message(seq + 1, 2, 0), PriorityClass::kCritical), PushResult::kQueued);
  Recorder r;
  scheduler.poll(0, 1, r);
  ASSERT_EQ(r.ran.size(), 1u);
  EXPECT_EQ(r.ran[0].sequence, seq + 1);
  EXPECT_EQ(r.ran[0].cls, PriorityClass::kCritical);
}

TEST(PriorityScheduler, BackpressureLeavesTheMessageWithTheProducer) {
  WorkerInbox inbox(small_inbox(16));
  RxProgress progress;
  std::uint64_t seq = 1;
  while (push(inbox, progress, message(seq, 1, 0), PriorityClass::kCritical) == PushResult::kQueued) ++seq;
  EXPECT_EQ(seq, 17u);
  EXPECT_EQ(push(inbox, progress, message(seq, 1, 0), PriorityClass::kCritical), PushResult::kFull);
  EXPECT_EQ(inbox.counters().shed_ring_full[0].load(), 0u);
  // A message too big for the room left is refused whole, never split.
  PriorityScheduler scheduler(inbox, no_aging(), progress);
  Recorder r;
  scheduler.poll(0, 2, r);
  EXPECT_EQ(push(inbox, progress, message(seq, 1, 0, 3), PriorityClass::kCritical), PushResult::kFull);
  EXPECT_EQ(push(inbox, progress, message(seq, 1, 0, 2), PriorityClass::kCritical), PushResult::kQueued);
}

TEST(PriorityScheduler, AgingBoundsTheWaitOfLowMessagesUnderACriticalFlood) {
  WorkerInbox inbox(small_inbox(4096));
  RxProgress progress;
  SchedulerConfig config = no_aging();
  config.max_wait_ns[index_of(PriorityClass::kLow)] = 1000;
  PriorityScheduler scheduler(inbox, config, progress);
  Recorder r;
  std::uint64_t seq = 1;
  // A backlog of critical work, then every 10 ns one more critical message arrives and the
  // worker runs one message: the critical ring never empties, and without aging low work
  // would never run.
  for (int i = 0; i < 10; ++i) ASSERT_EQ(push(inbox, progress, message(seq++, 1, 0), PriorityClass::kCritical), PushResult::kQueued);
  for (std::uint64_t now = 0; now < 100'000; now += 10) {
    ASSERT_EQ(push(inbox, progress, message(seq++, 1, now), PriorityClass::kCritical), PushResult::kQueued);
    if (now % 100 == 0) {
      ASSERT_EQ(push(inbox, progress, message(seq++, 2, now), PriorityClass::kLow), PushResult::kQueued);
    }
    scheduler.poll(now, 1, r);
  }
  std::uint64_t low = 0;
  std::uint64_t worst = 0;
  for (const Ran& x : r.ran) {
    if (x.cls != PriorityClass::kLow) continue;
    ++low;
    worst = std::max(worst, x.waited);
  }
  EXPECT_GT(low, 900u);
  // Overdue at 1000 ns; it then waits only behind older overdue low messages.
  EXPECT_LE(worst, 1000u + 10u);
  EXPECT_GT(scheduler.stats().aged[index_of(PriorityClass::kLow)], 0u);
}

// Low work beyond what the worker can do: the low ring is full and always overdue. Critical
// messages take half the worker. Aging still serves low (it never starves), but one low
// message at a time jumps ahead of pending critical work and the urgent classes then get
// their runs: critical waits for at most one aged message, never for the low backlog.
struct Flood {
  std::uint64_t low = 0;
  std::uint64_t critical = 0;
  std::uint64_t worst_critical_wait = 0;
};
Flood low_overload(std::uint32_t urgent_runs_per_aged) {
  WorkerInbox inbox(small_inbox(4096));
  RxProgress progress;
  SchedulerConfig config = no_aging();
  config.max_wait_ns[index_of(PriorityClass::kLow)] = 1000;
  config.urgent_runs_per_aged = urgent_runs_per_aged;
  PriorityScheduler scheduler(inbox, config, progress);
  Recorder r;
  std::uint64_t seq = 1;
  for (int i = 0; i < 2000; ++i) (void)push(inbox, progress, message(seq++, 2 + i % 50, 0), PriorityClass::kLow);
  for (std::uint64_t now = 10'000; now < 20'000; now += 10) {
    if (now % 20 == 0) (void)push(inbox, progress, message(seq++, 1, now), PriorityClass::kCritical);
    scheduler.poll(now, 1, r);  // one message per 10 ns
  }
  Flood f;
  for (const Ran& x : r.ran) {
    if (x.cls == PriorityClass::kLow) {
      ++f.low;
    } else {
      ++f.critical;
      f.worst_critical_wait = std::max(f.worst_critical_wait, x.waited);
    }
  }
  return f;
}

TEST(PriorityScheduler, AnOverdueLowBacklogTakesOnlyItsShareAheadOfCriticalWork) {
  const Flood shared = low_overload(4);
  EXPECT_EQ(shared.critical, 500u);      // every critical message ran
  EXPECT_GE(shared.low, 400u);           // and low got the rest of the worker
  EXPECT_LE(shared.worst_critical_wait, 10u);  // behind one aged low message at most
  // With aging always winning (urgent_runs_per_aged 0), the whole overdue backlog runs
  // first: not one critical message runs while it lasts.
  const Flood fifo = low_overload(0);
  EXPECT_EQ(fifo.critical, 0u);
}

TEST(PriorityScheduler, MessagesThatWrapTheRingArriveWhole) {
  WorkerInbox inbox(small_inbox(16));
  RxProgress progress;
  PriorityScheduler scheduler(inbox, no_aging(), progress);
  Recorder r;
  std::uint64_t seq = 1;
  for (int round = 0; round < 40; ++round) {
    ASSERT_EQ(push(inbox, progress, message(seq, 3, 0, 1 + round % 5), PriorityClass::kNormal), PushResult::kQueued);
    ++seq;
    scheduler.poll(0, 1, r);
  }
  ASSERT_EQ(r.ran.size(), 40u);
  for (std::size_t i = 0; i < r.ran.size(); ++i) EXPECT_EQ(r.ran[i].events, 1 + i % 5);
}

// Random classes, instruments, sizes and poll lengths, with aging on: every message runs
// exactly once and each instrument's messages run in sequence order.
TEST(PriorityScheduler, RandomTrafficKeepsEachInstrumentInOrderAndRunsEverythingOnce) {
  std::mt19937_64 rng(7);
  WorkerInbox inbox(small_inbox(64));
  RxProgress progress;
  SchedulerConfig config = no_aging();
  config.max_wait_ns = {0, 300, 200, 500};
  PriorityScheduler scheduler(inbox, config, progress);
  Recorder r;
  std::uint64_t seq = 1;
  std::uint64_t now = 0;
  std::uint64_t pushed = 0;
  for (int step = 0; step < 20'000; ++step) {
    now += rng() % 20;
    const auto cls = static_cast<PriorityClass>(rng() % 4);
    const auto instrument = static_cast<std::uint32_t>(rng() % 6);
    const auto m = message(seq, instrument, now, 1 + rng() % 4);
    if (push(inbox, progress, m, cls) == PushResult::kQueued) {
      ++seq;
      ++pushed;
    }
    if (rng() % 3 == 0) scheduler.poll(now, rng() % 4, r);
  }
  while (scheduler.poll(now, 100, r) != 0) {
  }
  ASSERT_EQ(r.ran.size(), pushed);
  std::map<std::uint32_t, std::uint64_t> last;
  std::vector<bool> seen(seq, false);
  for (const Ran& x : r.ran) {
    EXPECT_FALSE(seen[x.sequence]) << x.sequence;
    seen[x.sequence] = true;
    EXPECT_GT(x.sequence, last[x.instrument]) << "instrument " << x.instrument;
    last[x.instrument] = x.sequence;
  }
}

// Producer and consumer on two threads (the TSan build runs this).
TEST(PriorityScheduler, ConcurrentProducerAndWorkerKeepInstrumentOrder) {
  WorkerInbox inbox(small_inbox(256));
  RxProgress progress;
  PriorityScheduler scheduler(inbox, no_aging(), progress);
  constexpr std::uint64_t kMessages = 200'000;
  std::thread producer([&] {
    std::mt19937_64 rng(11);
    for (std::uint64_t seq = 1; seq <= kMessages;) {
      const auto m = message(seq, static_cast<std::uint32_t>(rng() % 8), 0, 1 + rng() % 3);
      const auto cls = static_cast<PriorityClass>(rng() % 3);  // no shedding: not the low class
      if (inbox.push(m, cls) == PushResult::kQueued) {
        progress.last_pushed_sequence.store(seq, std::memory_order_release);
        ++seq;
      }
    }
    progress.finished.store(true, std::memory_order_release);
  });
  std::map<std::uint32_t, std::uint64_t> last;
  std::uint64_t count = 0;
  bool ordered = true;
  auto run = [&](std::span<const Event> m, PriorityClass, std::uint64_t) {
    ++count;
    if (m[0].sequence <= last[m[0].instrument]) ordered = false;
    last[m[0].instrument] = m[0].sequence;
  };
  std::uint64_t retired = 0;
  for (;;) {
    const bool finished = progress.finished.load(std::memory_order_acquire);
    const std::uint64_t pushed = progress.last_pushed_sequence.load(std::memory_order_acquire);
    scheduler.poll(0, 8, run);
    const std::uint64_t before = scheduler.retired_before(pushed);
    EXPECT_GE(before, retired);
    retired = before;
    if (finished && retired == kMessages + 1) break;
  }
  producer.join();
  EXPECT_EQ(count, kMessages);
  EXPECT_TRUE(ordered);
}

}  // namespace
}  // namespace tickwire::sched
