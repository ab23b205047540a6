// The circuit breaker's state machine on scripted inputs (trip, hysteresis, dwell, clear
// hold, half-open success and failure, backoff, overrides, shadow mode, no flapping), the
// spec's checks, and the windowed sum its triggers read against a brute-force sum.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "dataplane/breakers/breaker.h"
#include "dataplane/breakers/window_sum.h"

namespace tickwire::breakers {
namespace {

constexpr std::uint64_t kMs = 1'000'000;

BreakerSpec spec() {
  BreakerSpec s;
  s.name = "storm";
  s.trip = 100;
  s.clear = 50;
  s.min_open_ns = 10 * kMs;
  s.clear_hold_ns = 5 * kMs;
  s.probe_ns = 5 * kMs;
  s.backoff = 2;
  s.max_open_ns = 35 * kMs;
  s.rearm_ns = 100 * kMs;
  return s;
}

// Feeds (t in ms, value) pairs; returns the transitions, in order.
std::vector<Transition> run(Breaker& b, const std::vector<std::pair<std::uint64_t, double>>& inputs) {
  std::vector<Transition> out;
  for (const auto& [ms, v] : inputs) {
    if (auto t = b.observe(ms * kMs, v)) out.push_back(*t);
  }
  return out;
}

TEST(Breaker, TripsAboveTripOnlyAndSaysWhatItCrossed) {
  const BreakerSpec s = spec();
  Breaker b(&s);
  EXPECT_TRUE(run(b, {{1, 10}, {2, 99}, {3, 100}}).empty()) << "at the threshold is not above it";
  const auto t = run(b, {{4, 100.5}});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, State::kClosed);
  EXPECT_EQ(t[0].to, State::kOpen);
  EXPECT_EQ(t[0].cause, Cause::kTripped);
  EXPECT_EQ(t[0].time_ns, 4 * kMs);
  EXPECT_EQ(t[0].value, 100.5);
  EXPECT_EQ(t[0].threshold, 100);
  EXPECT_FALSE(t[0].shadow);
  EXPECT_TRUE(b.engaged());
  EXPECT_EQ(b.figures().trips, 1u);
}

TEST(Breaker, NoFlappingAroundTheTripThreshold) {
  const BreakerSpec s = spec();
  Breaker b(&s);
  std::vector<std::pair<std::uint64_t, double>> inputs;
  for (std::uint64_t ms = 1; ms <= 1000; ++ms) inputs.emplace_back(ms, ms % 2 == 0 ? 101 : 99);
  const auto t = run(b, inputs);
  ASSERT_EQ(t.size(), 1u) << "opened once, and never cleared: 99 is above clear";
  EXPECT_EQ(b.state(), State::kOpen);
}

TEST(Breaker, DwellThenClearHoldThenAProbeThatPasses) {
  const BreakerSpec s = spec();
  Breaker b(&s);
  ASSERT_EQ(run(b, {{0, 200}}).size(), 1u);
  // Calm at once, but nothing counts during the 10 ms dwell.
  EXPECT_TRUE(run(b, {{1, 0}, {5, 0}, {9, 0}}).empty());
  // The hold starts at the first calm value past the dwell (10) and needs 5 ms: at 15.
  EXPECT_TRUE(run(b, {{10, 0}, {14, 0}}).empty());
  auto t = run(b, {{15, 0}});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, State::kHalfOpen);
  EXPECT_EQ(t[0].cause, Cause::kCleared);
  EXPECT_EQ(t[0].threshold, 50);
  // The probe: 5 ms within clear, judged at the first observation past its end.
  EXPECT_TRUE(run(b, {{16, 49}, {19, 50}}).empty());
  t = run(b, {{27, 20}});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, State::kHalfOpen);
  EXPECT_EQ(t[0].to, State::kClosed);
  EXPECT_EQ(t[0].cause, Cause::kProbePassed);
  EXPECT_EQ(t[0].time_ns, 27 * kMs) << "a timer fires at the first event past its deadline";
  EXPECT_EQ(b.figures().open_ns, 27 * kMs);
  EXPECT_EQ(b.figures().longest_open_ns, 27 * kMs);
  EXPECT_FALSE(b.engaged());
}

TEST(Breaker, AValueAboveClearRestartsTheHold) {
  const BreakerSpec s = spec();
  Breaker b(&s);
  ASSERT_EQ(run(b, {{0, 200}}).size(), 1u);
  EXPECT_TRUE(run(b, {{10, 10}, {13, 60}, {14, 10}, {18, 10}}).empty()) << "the hold began again at 14";
  const auto t = run(b, {{19, 10}});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, State::kHalfOpen);
}

TEST(Breaker, AFailedProbeReopensAndBacksOff) {
  const BreakerSpec s = spec();
  Breaker b(&s);
  ASSERT_EQ(run(b, {{0, 200}, {10, 0}, {15, 0}}).size(), 2u);  // open, half_open
  auto t = run(b, {{16, 150}});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, State::kOpen);
  EXPECT_EQ(t[0].cause, Cause::kProbeFailed);
  EXPECT_EQ(t[0].threshold, 100);
  EXPECT_EQ(b.min_open_ns(), 20 * kMs);
  EXPECT_EQ(b.figures().probes_failed, 1u);
  EXPECT_EQ(b.figures().trips, 1u) << "still one episode";
  // The longer dwell: calm from 17 counts only from 36.
  EXPECT_TRUE(run(b, {{17, 0}, {35, 0}, {36, 0}, {40, 0}}).empty());
  t = run(b, {{41, 0}});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, State::kHalfOpen);
  // A probe that ends above clear (but not above trip) fails too; the dwell is capped.
  t = run(b, {{46, 70}});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].cause, Cause::kProbeFailed);
  EXPECT_EQ(t[0].threshold, 50);
  EXPECT_EQ(b.min_open_ns(), 35 * kMs);
}

TEST(Breaker, TrippingAgainSoonAfterClosingBacksOffAndACalmResetsIt) {
  const BreakerSpec s = spec();
  Breaker b(&s);
  ASSERT_EQ(run(b, {{0, 200}, {10, 0}, {15, 0}, {20, 0}}).size(), 3u);  // closed again at 20
  ASSERT_EQ(run(b, {{50, 200}}).size(), 1u);  // 30 ms later: within rearm
  EXPECT_EQ(b.min_open_ns(), 20 * kMs);
  ASSERT_EQ(run(b, {{70, 0}, {75, 0}, {80, 0}}).size(), 2u);  // closed at 80
  ASSERT_EQ(run(b, {{500, 200}}).size(), 1u);  // after a calm longer than rearm
  EXPECT_EQ(b.min_open_ns(), 10 * kMs);
  EXPECT_EQ(b.figures().trips, 3u);
}

TEST(Breaker, OverridesAreAuthoritativeAndAutoHandsBack) {
  const BreakerSpec s = spec();
  Breaker b(&s);
  auto t = b.force(Override::kOpen, 1 * kMs, 0);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, State::kOpen);
  EXPECT_EQ(t->cause, Cause::kForced);
  EXPECT_TRUE(b.engaged());
  // Forced open: the automatic machine trips underneath, and nothing is reported.
  EXPECT_TRUE(run(b, {{2, 500}}).empty());
  t = b.force(Override::kClose, 3 * kMs, 500);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, State::kClosed);
  EXPECT_FALSE(b.engaged()) << "forced closed whatever the value";
  EXPECT_FALSE(b.force(Override::kClose, 4 * kMs, 500)) << "no change, no transition";
  // Auto: the automatic machine is open (it tripped at 2): handing back reopens.
  t = b.force(Override::kAuto, 5 * kMs, 500);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->from, State::kClosed);
  EXPECT_EQ(t->to, State::kOpen);
  EXPECT_EQ(t->cause, Cause::kReleased);
  EXPECT_FALSE(b.forced());
}

TEST(Breaker, ShadowModeReportsTheSameTransitionsAndNeverEngages) {
  BreakerSpec s = spec();
  BreakerSpec shadow = spec();
  shadow.mode = Mode::kShadow;
  Breaker enforce(&s), watch(&shadow);
  const std::vector<std::pair<std::uint64_t, double>> inputs = {{0, 200}, {10, 0}, {15, 0}, {16, 150}, {40, 0}};
  const auto a = run(enforce, inputs);
  const auto b = run(watch, inputs);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].to, b[i].to);
    EXPECT_EQ(a[i].time_ns, b[i].time_ns);
    EXPECT_TRUE(b[i].shadow);
  }
  EXPECT_EQ(watch.state(), State::kOpen);
  EXPECT_FALSE(watch.engaged());
  EXPECT_TRUE(enforce.engaged());
}

TEST(Breaker, NewThresholdsApplyFromTheNextObservation) {
  const BreakerSpec s = spec();
  BreakerSpec lower = spec();
  lower.trip = 20;
  lower.clear = 10;
  Breaker b(&s);
  EXPECT_TRUE(run(b, {{1, 30}}).empty());
  b.set_spec(&lower);
  const auto t = run(b, {{2, 30}});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].threshold, 20);
}

TEST(BreakerSpec, ASpecWithoutHysteresisOrWithAnImpossibleWindowIsRefusedWithItsKey) {
  BreakerSpec s = spec();
  EXPECT_EQ(check(s), "");
  s.clear = 100;
  EXPECT_NE(check(s).find("breaker.storm.clear"), std::string::npos) << check(s);
  s.clear = 150;
  EXPECT_NE(check(s).find("hysteresis"), std::string::npos);
  s = spec();
  s.window_ns = 0;
  EXPECT_NE(check(s).find("breaker.storm.window_ms"), std::string::npos);
  s.window_ns = kMaxWindowNs + 1;
  EXPECT_NE(check(s).find("window_ms"), std::string::npos);
  s = spec();
  s.backoff = 0.5;
  EXPECT_NE(check(s).find("breaker.storm.backoff"), std::string::npos);
  s = spec();
  s.max_open_ns = s.min_open_ns - 1;
  EXPECT_NE(check(s).find("max_open_ms"), std::string::npos);
}

TEST(WindowSum, SumsTheLastWindowWithinOneBucketOfGranularity) {
  const std::uint64_t window = 16 * kMs;  // buckets of 1 ms
  WindowSum w(window);
  std::mt19937_64 rng(7);
  std::deque<std::pair<std::uint64_t, double>> samples;
  std::uint64_t t = 1'000 * kMs;
  for (int i = 0; i < 20'000; ++i) {
    t += rng() % (3 * kMs / 2);
    const double x = static_cast<double>(rng() % 100);
    w.add(t, x);
    samples.emplace_back(t, x);
    // Brute force: what lies in the buckets (t / span) newer than t / span - 16.
    const std::uint64_t span = window / kWindowBuckets;
    double expected = 0;
    for (const auto& [when, v] : samples) {
      if (when / span + kWindowBuckets > t / span) expected += v;
    }
    while (!samples.empty() && samples.front().first + 2 * window < t) samples.pop_front();
    ASSERT_DOUBLE_EQ(w.sum(t), expected) << i;
  }
  EXPECT_EQ(w.sum(t + window + window / kWindowBuckets), 0.0) << "a whole window later, nothing";
}

}  // namespace
}  // namespace tickwire::breakers
