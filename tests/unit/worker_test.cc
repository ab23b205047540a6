// The RX core, two workers and the control plane's merge, on their own threads as in
// `replay --workers 2`: everything routed runs exactly once, each instrument in order, the
// merged output comes out in sequence order, and neither the RX nor a worker thread
// allocates once running (the TSan build runs this too).
#include "dataplane/sched/worker.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "controlplane/runtime/output_merger.h"
#include "controlplane/runtime/stage_swapper.h"
#include "dataplane/events/classification.h"
#include "dataplane/sched/event_router.h"
#include "tests/support/alloc_counter.h"

namespace tickwire::sched {
namespace {

using events::Event;
using events::EventKind;

constexpr std::uint32_t kInstruments = 40;

// Checks the order it sees per instrument and signals every seventh message; allocates
// nothing (fixed arrays).
struct OrderProbe final : stages::Stage {
  std::array<std::uint64_t, kInstruments + 1> last{};
  std::uint64_t messages = 0;
  std::uint64_t out_of_order = 0;
  std::string_view name() const noexcept override { return "order_probe"; }
  bool process(std::span<const Event> m, stages::SignalSink& out) noexcept override {
    ++messages;
    const Event& e = m.front();
    if (e.sequence <= last[e.instrument]) ++out_of_order;
    last[e.instrument] = e.sequence;
    if (e.sequence % 7 == 0) {
      stages::Signal s{};
      s.sequence = e.sequence;
      s.event_index = e.event_index;
      s.instrument = e.instrument;
      out.emit(s);
    }
    return true;
  }
};

std::vector<Event> generate(std::size_t messages) {
  std::mt19937_64 rng(3);
  std::vector<Event> events;
  std::array<std::uint32_t, kInstruments + 1> mid{};
  mid.fill(1'000'000);
  for (std::uint64_t seq = 1; seq <= messages; ++seq) {
    const auto instrument = static_cast<std::uint32_t>(1 + rng() % kInstruments);
    const std::size_t n = 1 + rng() % 3;
    for (std::size_t i = 0; i < n; ++i) {
      Event e{};
      e.sequence = seq;
      e.event_index = static_cast<std::uint16_t>(i);
      e.instrument = instrument;
      e.receive_time_ns = seq * 100;
      switch (rng() % 10) {
        case 0: e.kind = EventKind::kTradingState; break;
        case 1: case 2: case 3: {
          e.kind = EventKind::kTopOfBook;
          mid[instrument] += static_cast<std::uint32_t>(rng() % 5000) - 2400;  // some jumps
          e.price = mid[instrument] - 100;
          e.other_price = mid[instrument] + 100;
          e.quantity = 100 + rng() % 2000;
          e.other_quantity = 100 + rng() % 2000;
          break;
        }
        default: e.kind = EventKind::kLevelChange; e.price = mid[instrument] - 1000; break;
      }
      if (i + 1 == n) e.flags = events::kLastInMessage;
      events.push_back(e);
    }
  }
  return events;
}

// The book builder hands the router whole messages (message()), which it rewrites in place;
// fed the same events one at a time (operator()), it must queue exactly the same records,
// also for messages that touch two books and are regrouped into one unit per instrument.
TEST(EventRouter, AWholeMessageIsRoutedAsItsEventsOneAtATimeAre) {
  std::vector<Event> events = generate(3'000);
  // Every 7th message of three events touches two books: its middle event is another's.
  std::size_t regrouped = 0;
  for (std::size_t i = 0, start = 0; i < events.size(); ++i) {
    if (!(events[i].flags & events::kLastInMessage)) continue;
    if (i - start == 2 && events[i].sequence % 7 == 0) {
      events[start + 1].instrument = events[start].instrument % kInstruments + 1;
      ++regrouped;
    }
    start = i + 1;
  }
  ASSERT_GT(regrouped, 10u);
  WorkerConfig config;
  config.inbox.capacity.fill(16'384);  // room for the whole stream: nothing waits
  config.scheduler.max_instruments = kInstruments;
  const auto clock = metrics::TscClock::from_hz(1'000'000'000);
  const events::ClassificationTable table(events::ClassificationRules{}, kInstruments);
  std::atomic<const events::ClassificationTable*> published{&table};
  RxProgress progress_one, progress_whole;
  Worker one(config, progress_one, clock);
  Worker whole(config, progress_whole, clock);
  ASSERT_TRUE(one.ok() && whole.ok());
  Worker* const to_one[] = {&one};
  Worker* const to_whole[] = {&whole};
  events::Classifier classifier_one(kInstruments);
  events::Classifier classifier_whole(kInstruments);
  EventRouter by_event(to_one, classifier_one, published, progress_one);
  EventRouter by_message(to_whole, classifier_whole, published, progress_whole);
  std::vector<Event> message;
  for (const Event& e : events) {
    by_event(e);
    message.push_back(e);
    if (e.flags & events::kLastInMessage) {
      by_message.message(message);
      message.clear();
    }
  }
  by_event.publish();
  by_message.publish();
  EXPECT_EQ(by_event.stats().messages, by_message.stats().messages);
  std::size_t records = 0;
  for (std::size_t c = 0; c < kPriorityClassCount; ++c) {
    SpscRing<Event>& a = one.inbox().ring(c);
    SpscRing<Event>& b = whole.inbox().ring(c);
    ASSERT_EQ(a.readable(), b.readable()) << "class " << c;
    for (std::size_t i = 0; i < a.readable(); ++i) {
      const Event& x = a.at_position(a.read_position() + i);
      const Event& y = b.at_position(b.read_position() + i);
      ASSERT_EQ(0, std::memcmp(&x, &y, sizeof(Event))) << "class " << c << " record " << i;
    }
    records += a.readable();
  }
  EXPECT_EQ(records, events.size());
}

TEST(Worker, RxTwoWorkersAndTheMergeKeepOrderLoseNothingAndDoNotAllocate) {
  constexpr std::size_t kMessages = 100'000;
  const std::vector<Event> events = generate(kMessages);
  WorkerConfig config;
  config.inbox.capacity = {64, 64, 128, 128};  // small: backpressure and reordering happen
  config.inbox.when_full.fill(FullPolicy::kBackpressure);
  config.scheduler.max_instruments = kInstruments;
  config.output_capacity = 256;
  config.retire_events = true;
  RxProgress progress;
  const auto clock = metrics::TscClock::from_hz(1'000'000'000);
  Worker a(config, progress, clock);
  Worker b(config, progress, clock);
  ASSERT_TRUE(a.ok() && b.ok());
  OrderProbe probe_a, probe_b;
  ASSERT_TRUE(a.pipeline().add(probe_a, 0));
  ASSERT_TRUE(b.pipeline().add(probe_b, 0));
  Worker* const workers[] = {&a, &b};
  const events::ClassificationTable table(events::ClassificationRules{}, kInstruments);
  std::atomic<const events::ClassificationTable*> published{&table};
  events::Classifier classifier(kInstruments);
  EventRouter router(workers, classifier, published, progress);

  std::array<std::uint64_t, 3> allocations{};
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      test::AllocationScope scope;
      run_until_drained(*workers[w], progress);
      allocations[w] = scope.count();
    });
  }
  threads.emplace_back([&] {
    test::AllocationScope scope;
    for (const Event& e : events) {
      router(e);
      if (e.flags & events::kLastInMessage) router.publish();  // one message per frame
    }
    router.finish();
    allocations[2] = scope.count();
  });

  runtime::OutputMerger merger(workers);
  std::uint64_t last_sequence = 0;
  std::int32_t last_kind = 0;
  std::uint64_t retired = 0;
  std::uint64_t signals = 0;
  bool ordered = true;
  auto emit = [&](const OutputRecord& r) {
    const std::uint64_t s = r.sequence();
    const auto kind = static_cast<std::int32_t>(r.kind);
    if (s < last_sequence || (s == last_sequence && kind < last_kind)) ordered = false;
    last_sequence = s;
    last_kind = kind;
    ++(r.kind == OutputKind::kSignal ? signals : retired);
  };
  while (!a.drained() || !b.drained()) {
    if (merger.drain(emit) == 0) std::this_thread::yield();
  }
  for (std::thread& t : threads) t.join();
  merger.drain(emit, true);

  EXPECT_TRUE(ordered);
  EXPECT_EQ(retired, events.size());
  EXPECT_EQ(signals, kMessages / 7);
  EXPECT_EQ(probe_a.messages + probe_b.messages, kMessages);
  EXPECT_EQ(probe_a.out_of_order + probe_b.out_of_order, 0u);
  EXPECT_EQ(router.stats().messages, kMessages);
  if (test::allocation_counting_available()) {
    EXPECT_EQ(allocations, (std::array<std::uint64_t, 3>{0, 0, 0}));
  }
  // Small rings under a fast producer: the RX core waited, the workers reordered.
  std::uint64_t reordered = 0;
  for (Worker* w : workers) {
    for (std::size_t c = 0; c < kPriorityClassCount; ++c) {
      reordered += w->scheduler_stats().run_early[c] + w->scheduler_stats().aged[c];
    }
  }
  EXPECT_GT(reordered + router.stats().full_waits, 0u);
}

// Records which version ran each message, and how often.
struct VersionProbe final : stages::Stage {
  VersionProbe(std::uint32_t v, std::vector<std::uint32_t>& by, std::vector<std::uint8_t>& count)
      : version(v), ran_by(by), runs(count) {}
  std::uint32_t version;
  std::vector<std::uint32_t>& ran_by;
  std::vector<std::uint8_t>& runs;
  std::string_view name() const noexcept override { return "version_probe"; }
  bool process(std::span<const Event> m, stages::SignalSink&) noexcept override {
    // Workers see stream keys (events::StreamKeys); the probe indexes by the feed's sequence.
    const std::uint64_t sequence = events::feed_sequence(m.front().sequence);
    ran_by[sequence] = version;
    ++runs[sequence];
    return true;
  }
};

// One ITCH message may touch two books (an add reusing the reference of an order resting in
// another book removes that order first). Each book's events go to the worker that owns the
// instrument, run there once, and the merge keeps the message's order.
struct UnitProbe final : stages::Stage {
  std::vector<std::pair<std::uint32_t, std::size_t>> units;  // instrument, events
  std::string_view name() const noexcept override { return "unit_probe"; }
  bool process(std::span<const Event> m, stages::SignalSink& out) noexcept override {
    units.emplace_back(m.front().instrument, m.size());
    for (std::size_t i = 0; i < m.size(); ++i) {
      EXPECT_EQ(m[i].instrument, m.front().instrument);
      if (i > 0) {
        EXPECT_GT(m[i].event_index, m[i - 1].event_index);
      }
    }
    stages::Signal s{};
    s.sequence = m.front().sequence;
    s.event_index = m.back().event_index;
    s.instrument = m.front().instrument;
    out.emit(s);
    return true;
  }
};

TEST(Worker, AMessageTouchingTwoBooksRunsOnEachInstrumentsWorkerOnce) {
  WorkerConfig config;
  config.scheduler.max_instruments = kInstruments;
  config.retire_events = true;
  RxProgress progress;
  const auto clock = metrics::TscClock::from_hz(1'000'000'000);
  Worker even(config, progress, clock);
  Worker odd(config, progress, clock);
  ASSERT_TRUE(even.ok() && odd.ok());
  UnitProbe probe_even, probe_odd;
  ASSERT_TRUE(even.pipeline().add(probe_even, 0));
  ASSERT_TRUE(odd.pipeline().add(probe_odd, 0));
  Worker* const workers[] = {&even, &odd};
  const events::ClassificationTable table(events::ClassificationRules{}, kInstruments);
  std::atomic<const events::ClassificationTable*> published{&table};
  events::Classifier classifier(kInstruments);
  EventRouter router(workers, classifier, published, progress);

  // Message 5, a replace whose new reference still rests in another book: the old order
  // leaves instrument 8's book, the stale one leaves instrument 3's (level and top), and the
  // new order rests in 8's (its top). Each instrument's part runs whole, once.
  const std::uint32_t instruments[] = {8, 3, 3, 8};
  for (std::uint16_t i = 0; i < 4; ++i) {
    Event e{};
    e.sequence = 5;
    e.event_index = i;
    e.instrument = instruments[i];
    e.kind = i == 0 || i == 1 ? EventKind::kLevelChange : EventKind::kTopOfBook;
    e.flags = i == 3 ? events::kLastInMessage : 0;
    router(e);
  }
  router.finish();
  while (!even.drained() || !odd.drained()) {
    even.poll(0);
    odd.poll(0);
  }
  using Units = std::vector<std::pair<std::uint32_t, std::size_t>>;
  EXPECT_EQ(probe_odd.units, (Units{{3, 2}}));
  EXPECT_EQ(probe_even.units, (Units{{8, 2}}));
  // Two units, one message: counted by the worker that ran its last event.
  const auto sum = [](const auto& per_class) { return std::accumulate(per_class.begin(), per_class.end(), 0ull); };
  EXPECT_EQ(sum(even.scheduler_stats().units) + sum(odd.scheduler_stats().units), 2u);
  EXPECT_EQ(sum(even.scheduler_stats().messages), 1u);
  EXPECT_EQ(sum(odd.scheduler_stats().messages), 0u);

  runtime::OutputMerger merger(workers);
  std::vector<std::pair<OutputKind, std::uint32_t>> merged;  // kind, event index or instrument
  merger.drain(
      [&](const OutputRecord& keyed) {
        const OutputRecord r = keyed.for_output();
        EXPECT_EQ(r.sequence(), 5u);
        if (r.kind == OutputKind::kRetiredEvent) {
          EXPECT_EQ(r.event.flags & events::kEndOfUnit, 0) << "a scheduling mark, not the feed's";
          merged.emplace_back(r.kind, r.event.event_index);
        } else {
          merged.emplace_back(r.kind, r.signal.instrument);
        }
      },
      /*final=*/true);
  using Merged = std::vector<std::pair<OutputKind, std::uint32_t>>;
  EXPECT_EQ(merged, (Merged{{OutputKind::kRetiredEvent, 0},
                            {OutputKind::kRetiredEvent, 1},
                            {OutputKind::kRetiredEvent, 2},
                            {OutputKind::kRetiredEvent, 3},
                            {OutputKind::kSignal, 3},
                            {OutputKind::kSignal, 8}}));
}

// 1000 hot swaps while messages flow through two workers that reorder them: every message
// runs exactly once, on the version that was effective at its sequence, and every retired
// version is handed back.
TEST(Worker, ASwapStormLosesNothingAndRunsEachMessageOnItsVersion) {
  constexpr std::size_t kMessages = 200'000;
  constexpr std::uint64_t kSwaps = 1000;
  const std::vector<Event> events = generate(kMessages);
  std::vector<std::uint32_t> ran_by(kMessages + 1, UINT32_MAX);
  std::vector<std::uint8_t> runs(kMessages + 1, 0);
  WorkerConfig config;
  config.inbox.capacity = {64, 64, 128, 128};
  config.inbox.when_full.fill(FullPolicy::kBackpressure);
  config.scheduler.max_instruments = kInstruments;
  RxProgress progress;
  const auto clock = metrics::TscClock::from_hz(1'000'000'000);
  WorkerConfig first = config;
  first.journal_swaps = true;
  Worker a(first, progress, clock);
  Worker b(config, progress, clock);
  VersionProbe base_a(0, ran_by, runs), base_b(0, ran_by, runs);
  ASSERT_TRUE(a.pipeline().add(base_a, 0));
  ASSERT_TRUE(b.pipeline().add(base_b, 0));
  Worker* const workers[] = {&a, &b};
  const events::ClassificationTable table(events::ClassificationRules{}, kInstruments);
  std::atomic<const events::ClassificationTable*> published{&table};
  events::Classifier classifier(kInstruments);
  EventRouter router(workers, classifier, published, progress);
  std::vector<std::pair<std::uint64_t, std::uint32_t>> swaps;  // (effective, version) from the journal
  std::atomic<std::uint64_t> requested{0};
  {
    runtime::StageSwapper swapper(workers);
    router.accept_swaps(swapper.requests());
    std::array<std::uint64_t, 3> allocations{};
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < 2; ++w) {
      threads.emplace_back([&, w] {
        test::AllocationScope scope;
        run_until_drained(*workers[w], progress);
        allocations[w] = scope.count();
      });
    }
    threads.emplace_back([&] {
      test::AllocationScope scope;
      for (const Event& e : events) {
        // Keep the storm inside the run: the swaps are asked for faster than this goes.
        while (requested.load(std::memory_order_acquire) < std::min<std::uint64_t>(kSwaps, e.sequence / 150)) {
          std::this_thread::yield();
        }
        router(e);
        if (e.flags & events::kLastInMessage) router.publish();
      }
      router.finish();
      allocations[2] = scope.count();
    });
    runtime::OutputMerger merger(workers);
    auto emit = [&](const OutputRecord& r) {
      if (r.kind == OutputKind::kSwap) swaps.emplace_back(r.for_output().swap.effective_sequence, r.swap.version);
    };
    while (!a.drained() || !b.drained()) {
      if (merger.drain(emit) == 0) std::this_thread::yield();
      swapper.reclaim();
      if (swapper.requested() < kSwaps) {
        std::vector<std::unique_ptr<stages::Stage>> instances;
        const auto version = static_cast<std::uint32_t>(swapper.requested() + 1);
        for (int w = 0; w < 2; ++w) instances.push_back(std::make_unique<VersionProbe>(version, ran_by, runs));
        const std::uint64_t at = progress.last_pushed_sequence.load() + 1 + swapper.requested() % 3;
        if (swapper.request(0, instances, at)) requested.store(swapper.requested(), std::memory_order_release);
      }
    }
    for (std::thread& t : threads) t.join();
    merger.drain(emit, true);
    swapper.reclaim();
    EXPECT_EQ(router.stats().swaps, kSwaps);
    EXPECT_GE(swapper.reclaimed(), 2 * (kSwaps - stages::StageVersions::kMaxVersions));
    if (test::allocation_counting_available()) {
      EXPECT_EQ(allocations, (std::array<std::uint64_t, 3>{0, 0, 0}));
    }
  }
  ASSERT_EQ(swaps.size(), kSwaps);
  std::size_t next = 0;
  std::uint32_t expected = 0;
  std::uint64_t wrong = 0;
  for (std::uint64_t seq = 1; seq <= kMessages; ++seq) {
    while (next < swaps.size() && swaps[next].first <= seq) expected = swaps[next++].second;
    ASSERT_EQ(runs[seq], 1) << seq;
    if (ran_by[seq] != expected) ++wrong;
  }
  EXPECT_EQ(wrong, 0u);
  EXPECT_EQ(expected, kSwaps);
}

}  // namespace
}  // namespace tickwire::sched
