#include "dataplane/stages/inline_pipeline.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace tickwire::stages {
namespace {

struct Collect final : SignalSink {
  std::vector<Signal> signals;
  void emit(const Signal& s) noexcept override { signals.push_back(s); }
};

// Records the messages it sees; fails on the call given.
struct Probe final : Stage {
  std::string_view label;
  int fail_on_call = -1;
  std::vector<std::vector<std::uint64_t>> messages;
  std::string_view name() const noexcept override { return label; }
  bool process(std::span<const events::Event> batch, SignalSink& out) noexcept override {
    std::vector<std::uint64_t> seqs;
    for (const auto& e : batch) seqs.push_back(e.sequence * 100 + e.event_index);
    messages.push_back(seqs);
    Signal s{};
    s.sequence = batch.front().sequence;
    out.emit(s);
    return static_cast<int>(messages.size()) != fail_on_call;
  }
};

events::Event event(std::uint64_t seq, std::uint16_t index, bool last) {
  events::Event e{};
  e.sequence = seq;
  e.event_index = index;
  e.flags = last ? events::kLastInMessage : 0;
  return e;
}

TEST(InlinePipeline, StagesSeeWholeMessagesInOrder) {
  Collect out;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  Probe a, b;
  a.label = "a";
  b.label = "b";
  ASSERT_TRUE(pipeline.add(a, 0));
  ASSERT_TRUE(pipeline.add(b, 0));
  pipeline(event(1, 0, false));
  pipeline(event(1, 1, true));
  pipeline(event(2, 0, true));
  EXPECT_EQ(a.messages, (std::vector<std::vector<std::uint64_t>>{{100, 101}, {200}}));
  EXPECT_EQ(b.messages, a.messages);
  EXPECT_EQ(pipeline.messages(), 2u);
  EXPECT_EQ(pipeline.events(), 3u);
  EXPECT_EQ(out.signals.size(), 4u);
  EXPECT_EQ(pipeline.slots()[0].cost.count(), 2u);
  EXPECT_EQ(pipeline.message_cost().count(), 2u);
}

TEST(InlinePipeline, AFailingStageIsDisabledAndTheOthersGoOn) {
  Collect out;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  Probe bad, good;
  bad.fail_on_call = 2;
  ASSERT_TRUE(pipeline.add(bad, 0));
  ASSERT_TRUE(pipeline.add(good, 0));
  for (std::uint64_t m = 1; m <= 5; ++m) pipeline(event(m, 0, true));
  EXPECT_EQ(bad.messages.size(), 2u);
  EXPECT_EQ(good.messages.size(), 5u);
  EXPECT_FALSE(pipeline.slots()[0].enabled);
  EXPECT_EQ(pipeline.slots()[0].failures, 1u);
  EXPECT_TRUE(pipeline.slots()[1].enabled);
}

struct Thrower final : Stage {
  int calls = 0;
  std::string_view name() const noexcept override { return "thrower"; }
  bool process(std::span<const events::Event>, SignalSink&) override {
    if (++calls == 2) throw std::runtime_error("stage bug");
    return true;
  }
};

TEST(InlinePipeline, AStageThatThrowsIsDisabledAndTheOthersGoOn) {
  Collect out;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  Thrower bad;
  Probe good;
  ASSERT_TRUE(pipeline.add(bad, 0));
  ASSERT_TRUE(pipeline.add(good, 0));
  for (std::uint64_t m = 1; m <= 4; ++m) pipeline(event(m, 0, true));
  EXPECT_EQ(bad.calls, 2);
  EXPECT_EQ(good.messages.size(), 4u);
  EXPECT_FALSE(pipeline.slots()[0].enabled);
  EXPECT_EQ(pipeline.slots()[0].failures, 1u);
  EXPECT_EQ(pipeline.slots()[0].exceptions, 1u);
}

TEST(InlinePipeline, ASwapTakesEffectAtItsSequenceAndRevivesAFailedSlot) {
  Collect out;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  Probe first, second;
  first.fail_on_call = 2;
  ASSERT_TRUE(pipeline.add(first, 0));
  for (std::uint64_t m = 1; m <= 3; ++m) pipeline(event(m, 0, true));
  EXPECT_FALSE(pipeline.slots()[0].enabled);
  ASSERT_TRUE(pipeline.install(0, {&second, 5, 1}));
  EXPECT_TRUE(pipeline.slots()[0].enabled);
  for (std::uint64_t m = 4; m <= 6; ++m) pipeline(event(m, 0, true));
  // Message 4 is before the swap's sequence, so it still belongs to the old instance (the
  // slot is enabled again: messages after a failure are not silently skipped on a swap).
  ASSERT_EQ(first.messages.size(), 3u);
  EXPECT_EQ(first.messages[2], std::vector<std::uint64_t>{400});
  EXPECT_EQ(second.messages, (std::vector<std::vector<std::uint64_t>>{{500}, {600}}));
  std::vector<std::uint32_t> handed_back;
  pipeline.retire(5, [&](const StageVersion& v) {
    handed_back.push_back(v.id);
    return true;
  });
  EXPECT_EQ(handed_back, std::vector<std::uint32_t>{0});
  EXPECT_EQ(pipeline.swaps(), 1u);
}

TEST(InlinePipeline, BudgetOverrunsAreCounted) {
  Collect out;
  // A clock of 1 tick per ns would be exact; this one calls every tick a second, so every
  // call is over a 1 ns budget and none is over a budget of an hour.
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1));
  Probe tight, loose;
  ASSERT_TRUE(pipeline.add(tight, 1));
  ASSERT_TRUE(pipeline.add(loose, 3'600'000'000'000ull * 1000));
  for (std::uint64_t m = 1; m <= 3; ++m) pipeline(event(m, 0, true));
  EXPECT_EQ(pipeline.slots()[0].overruns, 3u);
  EXPECT_EQ(pipeline.slots()[1].overruns, 0u);
}

// A stage that is slow when told to: it spins for far longer than its budget (margins of
// tens of milliseconds, so a preempted fast call on a busy machine does not look slow).
struct Slow final : Stage {
  static constexpr std::uint64_t kBudget = 20'000'000;  // ticks: the tests' clock runs at 1 tick = 1 ns
  std::vector<bool> slow_calls;                         // by call number
  std::vector<bool> degraded_during;                    // the mode each call ran in
  std::vector<std::uint64_t> seen;
  bool degraded = false;
  std::string_view name() const noexcept override { return "slow"; }
  bool process(std::span<const events::Event> batch, SignalSink&) noexcept override {
    const std::size_t call = seen.size();
    seen.push_back(batch.front().sequence);
    degraded_during.push_back(degraded);
    if (call < slow_calls.size() && slow_calls[call]) {
      const std::uint64_t until = metrics::TscClock::now() + 3 * kBudget;
      while (metrics::TscClock::now() < until) {
      }
    }
    return true;
  }
  void set_degraded(bool d) noexcept override { degraded = d; }
};

struct Notices final : StageNoticeSink {
  std::vector<std::pair<std::uint64_t, StageNoticeKind>> seen;
  void notice(const StageNotice& n) noexcept override { seen.emplace_back(n.sequence, n.kind); }
};

TEST(InlinePipeline, OverBudgetASkipLowStageLetsLowMessagesBypassItUntilCallsFitAgain) {
  Collect out;
  Notices notices;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  pipeline.set_notice_sink(&notices);
  Slow stage;
  // Calls: 1 slow, 2 fits, 3 slow (the run of fitting calls starts again), 4 and 5 fit.
  stage.slow_calls = {true, false, true, false, false, false};
  ASSERT_TRUE(pipeline.add(stage, Slow::kBudget, OverrunPolicy::kSkipLow, /*calls_to_recover=*/2));
  std::vector<events::Event> m;
  for (std::uint64_t seq = 1; seq <= 9; ++seq) m.push_back(event(seq, 0, true));
  const bool low[] = {false, true, false, false, true, false, false, true, false};
  for (std::size_t i = 0; i < m.size(); ++i) pipeline.run_message({&m[i], 1}, low[i]);
  // 1 slow: in force. 2 low: skipped. 3 fits (1 of 2). 4 slow: in force still, run reset.
  // 5 low: skipped. 6, 7 fit: lifted at 7. 8 low: runs. 9 runs.
  EXPECT_EQ(stage.seen, (std::vector<std::uint64_t>{1, 3, 4, 6, 7, 8, 9}));
  EXPECT_EQ(pipeline.slots()[0].skipped, 2u);
  EXPECT_EQ(pipeline.slots()[0].overruns, 2u);
  using K = StageNoticeKind;
  EXPECT_EQ(notices.seen, (std::vector<std::pair<std::uint64_t, K>>{
                              {1, K::kOverBudget}, {2, K::kSkipped}, {5, K::kSkipped}, {7, K::kWithinBudget}}));
}

// A worker times a message's end to end from the TSC run_message hands back: it must be
// read after the last stage, not before it or at some later point.
TEST(InlinePipeline, RunMessageReturnsTheTimeItsLastStageFinished) {
  Collect out;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  Probe first;
  Slow last;
  last.slow_calls = {true};
  ASSERT_TRUE(pipeline.add(first, 0));
  ASSERT_TRUE(pipeline.add(last, 0));
  const events::Event m = event(1, 0, true);
  const std::uint64_t before = metrics::TscClock::now();
  const std::uint64_t done = pipeline.run_message({&m, 1});
  const std::uint64_t after = metrics::TscClock::now();
  EXPECT_GE(done, before + 3 * Slow::kBudget);  // after the slow stage's spin
  EXPECT_LE(done, after);
}

TEST(InlinePipeline, OverBudgetADegradeStageRunsInItsCheaperModeUntilACallFits) {
  Collect out;
  Notices notices;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  pipeline.set_notice_sink(&notices);
  Slow stage;
  stage.slow_calls = {true, false, false};
  ASSERT_TRUE(pipeline.add(stage, Slow::kBudget, OverrunPolicy::kDegrade, /*calls_to_recover=*/1));
  for (std::uint64_t seq = 1; seq <= 3; ++seq) pipeline(event(seq, 0, true));
  EXPECT_EQ(stage.degraded_during, (std::vector<bool>{false, true, false}));
  EXPECT_EQ(pipeline.slots()[0].degraded_calls, 1u);
  using K = StageNoticeKind;
  EXPECT_EQ(notices.seen, (std::vector<std::pair<std::uint64_t, K>>{{1, K::kOverBudget}, {2, K::kWithinBudget}}));
}

TEST(InlinePipeline, TheCountPolicyChangesNothingAndAFailureIsNoticed) {
  Collect out;
  Notices notices;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  pipeline.set_notice_sink(&notices);
  Slow stage;
  stage.slow_calls = {true};
  Probe failing;
  failing.fail_on_call = 2;
  ASSERT_TRUE(pipeline.add(stage, Slow::kBudget));
  ASSERT_TRUE(pipeline.add(failing, 0));
  const events::Event m[] = {event(1, 0, true), event(2, 0, true)};
  pipeline.run_message({&m[0], 1}, true);
  pipeline.run_message({&m[1], 1}, true);
  EXPECT_EQ(stage.seen, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(pipeline.slots()[0].overruns, 1u);
  EXPECT_EQ(stage.degraded_during, (std::vector<bool>{false, false}));
  EXPECT_EQ(notices.seen, (std::vector<std::pair<std::uint64_t, StageNoticeKind>>{{2, StageNoticeKind::kDisabled}}));
}

TEST(InlinePipeline, AMessageWithMoreEventsThanItHoldsIsCountedNotOverrun) {
  Collect out;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  Probe p;
  ASSERT_TRUE(pipeline.add(p, 0));
  for (std::uint16_t i = 0; i < InlinePipeline::kMaxEventsPerMessage + 3; ++i) pipeline(event(1, i, false));
  pipeline(event(1, 99, true));  // the last one is dropped too: the buffer is full
  EXPECT_EQ(pipeline.events_over_capacity(), 4u);
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].size(), InlinePipeline::kMaxEventsPerMessage);
}

TEST(InlinePipeline, HasAFixedNumberOfSlots) {
  Collect out;
  InlinePipeline pipeline(out, metrics::TscClock::from_hz(1'000'000'000));
  std::vector<Probe> probes(InlinePipeline::kMaxStages + 1);
  for (std::size_t i = 0; i < InlinePipeline::kMaxStages; ++i) EXPECT_TRUE(pipeline.add(probes[i], 0));
  EXPECT_FALSE(pipeline.add(probes.back(), 0));
}

TEST(TscClock, CalibratesToAPlausibleFrequency) {
  const metrics::TscClock clock = metrics::TscClock::calibrate(20);
  EXPECT_GT(clock.hz(), 100'000'000u);     // 100 MHz
  EXPECT_LT(clock.hz(), 10'000'000'000u);  // 10 GHz
  EXPECT_EQ(metrics::TscClock::from_hz(2'000'000'000).to_ns(2'000), 1000u);
}

}  // namespace
}  // namespace tickwire::stages
