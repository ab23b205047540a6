// The degradation ladder of system breakers: a step when the breaker opens, one more each
// dwell it stays open above trip, one released when it clears to half_open, one back when the
// probe fails, none once closed; a shadow breaker engages nothing. Then the router: the steps
// stamped on a message (a stream breaker's) or engaged by a ring_fill breaker keep the units
// they name out of the workers' rings, counted, and never a critical one.
#include <gtest/gtest.h>

#include <vector>

#include "dataplane/breakers/ladder.h"
#include "dataplane/breakers/machine_breakers.h"
#include "dataplane/events/classification.h"
#include "dataplane/sched/event_router.h"

namespace tickwire::breakers {
namespace {

constexpr std::uint64_t kMs = 1'000'000;

BreakerSpec two_steps() {
  BreakerSpec s;
  s.name = "load";
  s.trigger = Trigger::kRingFill;
  s.trip = 10;
  s.clear = 2;
  s.min_open_ns = 10 * kMs;
  s.clear_hold_ns = 5 * kMs;
  s.probe_ns = 5 * kMs;
  s.steps = {Step::kShedLow, Step::kCriticalOnly};
  s.step_count = 2;
  return s;
}

TEST(Ladder, ClimbsAStepPerDwellAboveTripAndReleasesOneAtATime) {
  const BreakerSpec s = two_steps();
  Ladder ladder(&s);
  EXPECT_FALSE(ladder.observe(1 * kMs, 5));
  EXPECT_EQ(ladder.engaged(), 0);
  const auto opened = ladder.observe(2 * kMs, 50);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->cause, Cause::kTripped);
  EXPECT_EQ(ladder.engaged(), bit(Step::kShedLow));
  EXPECT_FALSE(ladder.observe(11 * kMs, 50)) << "within the dwell of the first step";
  const auto climbed = ladder.observe(12 * kMs, 50);
  ASSERT_TRUE(climbed);
  EXPECT_EQ(climbed->cause, Cause::kEscalated);
  EXPECT_EQ(climbed->to, State::kOpen);
  EXPECT_EQ(ladder.level(), 2);
  EXPECT_EQ(ladder.engaged(), bit(Step::kShedLow) | bit(Step::kCriticalOnly));
  EXPECT_FALSE(ladder.observe(40 * kMs, 50)) << "no step above the top";
  // Calm: held below clear, then half_open releases the top step.
  EXPECT_FALSE(ladder.observe(41 * kMs, 1));
  const auto cleared = ladder.observe(46 * kMs, 1);
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->to, State::kHalfOpen);
  EXPECT_EQ(ladder.engaged(), bit(Step::kShedLow));
  // The probe fails: the step comes back.
  const auto failed = ladder.observe(47 * kMs, 20);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->cause, Cause::kProbeFailed);
  EXPECT_EQ(ladder.level(), 2);
  // A calm long enough: half_open, then closed with nothing engaged.
  for (std::uint64_t t = 48; t < 200; ++t) (void)ladder.observe(t * kMs, 0);
  EXPECT_EQ(ladder.breaker().state(), State::kClosed);
  EXPECT_EQ(ladder.engaged(), 0);
  EXPECT_EQ(ladder.level(), 0);
}

TEST(Ladder, AValueBelowTripKeepsTheStepItHas) {
  const BreakerSpec s = two_steps();
  Ladder ladder(&s);
  ASSERT_TRUE(ladder.observe(0, 50));
  EXPECT_FALSE(ladder.observe(30 * kMs, 8)) << "between clear and trip: no climb, no hold";
  EXPECT_EQ(ladder.level(), 1);
}

TEST(Ladder, AShadowLadderClimbsOnPaperOnly) {
  BreakerSpec s = two_steps();
  s.mode = Mode::kShadow;
  Ladder ladder(&s);
  const auto opened = ladder.observe(0, 50);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->shadow);
  EXPECT_EQ(ladder.level(), 1);
  EXPECT_EQ(ladder.engaged(), 0);
}

TEST(Ladder, ABreakerWithoutStepsOnlyTells) {
  BreakerSpec s = two_steps();
  s.step_count = 0;
  Ladder ladder(&s);
  ASSERT_TRUE(ladder.observe(0, 50));
  EXPECT_FALSE(ladder.observe(30 * kMs, 50));
  EXPECT_EQ(ladder.engaged(), 0);
}

// ---- the router applies the steps ----

using events::Event;
using events::EventKind;

// Everything low but tops (normal) and trading states (critical).
events::ClassificationRules rules_for_the_rig() {
  events::ClassificationRules rules;
  rules.by_kind.fill(sched::PriorityClass::kLow);
  rules.by_kind[static_cast<std::size_t>(EventKind::kTradingState)] = sched::PriorityClass::kCritical;
  rules.by_kind[static_cast<std::size_t>(EventKind::kTopOfBook)] = sched::PriorityClass::kNormal;
  rules.jump_basis_points = 0;
  rules.withdrawal_percent = 0;
  return rules;
}

sched::WorkerConfig config_for_the_rig() {
  sched::WorkerConfig config;
  config.inbox.when_full.fill(sched::FullPolicy::kBackpressure);
  config.scheduler.max_instruments = 16;
  return config;
}

// One worker nobody drains, behind a router: what reaches its rings stays there.
struct RouterRig {
  sched::WorkerConfig config = config_for_the_rig();
  sched::RxProgress progress;
  sched::Worker worker{config, progress, metrics::TscClock::from_hz(1'000'000'000)};
  events::ClassificationRules rules = rules_for_the_rig();
  events::ClassificationTable table{rules, 16};
  std::atomic<const events::ClassificationTable*> published{&table};
  events::Classifier classifier{16};
  sched::Worker* workers[1] = {&worker};
  sched::EventRouter router{workers, classifier, published, progress};
  std::uint64_t sequence = 0;

  void send(EventKind kind, std::uint16_t flags = 0) {
    Event e{};
    e.sequence = ++sequence;
    e.instrument = 1;
    e.kind = kind;
    e.price = 100;
    e.other_price = 200;
    e.quantity = 10;
    e.other_quantity = 10;
    e.receive_time_ns = sequence * kMs;
    e.flags = static_cast<std::uint16_t>(events::kLastInMessage | flags);
    std::vector<Event> m{e};
    router.message(std::span<Event>(m));
  }
  std::size_t queued(sched::PriorityClass c) {
    router.publish();
    return worker.inbox().ring(sched::index_of(c)).size();
  }
};

TEST(RouterLadder, StampedStepsKeepTheUnitsTheyNameOutOfTheRingsAndNeverACriticalOne) {
  RouterRig rig;
  rig.send(EventKind::kLevelChange);  // low
  rig.send(EventKind::kLevelChange, events::kShedLowStep);
  rig.send(EventKind::kTopOfBook, events::kShedLowStep);   // normal: shed_low keeps it
  rig.send(EventKind::kTopOfBook, events::kCriticalOnlyStep);  // a top: critical_only keeps it
  rig.send(EventKind::kImbalance, events::kCriticalOnlyStep);  // low, and no top/trade/state
  rig.send(EventKind::kTradingState, events::kShedLowStep | events::kCriticalOnlyStep);
  EXPECT_EQ(rig.queued(sched::PriorityClass::kLow), 1u);
  EXPECT_EQ(rig.queued(sched::PriorityClass::kNormal), 2u);
  EXPECT_EQ(rig.queued(sched::PriorityClass::kCritical), 1u);
  EXPECT_EQ(rig.router.stats().breaker_shed[sched::index_of(sched::PriorityClass::kLow)], 2u);
  EXPECT_EQ(rig.router.stats().breaker_shed[sched::index_of(sched::PriorityClass::kCritical)], 0u);
}

TEST(RouterLadder, ARingFillBreakerOpensOnAFillingRingShedsLowAndSaysSo) {
  RouterRig rig;
  BreakerSpec ring = two_steps();
  ring.trip = 1;  // percent of the low ring (16,384 events)
  ring.clear = 0.5;
  ring.step_count = 1;
  MachineBreakers machine({ring});
  std::vector<feed::FeedAlert> alerts;
  rig.router.run_machine_breakers(
      machine, [](void* out, const feed::FeedAlert& a) { static_cast<std::vector<feed::FeedAlert>*>(out)->push_back(a); },
      &alerts);
  // No worker drains: the low ring fills until the breaker, looked at each publish (64
  // messages), opens; from then on low units are shed.
  for (int i = 0; i < 1000; ++i) rig.send(EventKind::kLevelChange);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].to_state, static_cast<std::uint8_t>(State::kOpen));
  EXPECT_EQ(alerts[0].step_level, 1);
  EXPECT_GT(alerts[0].value, 1.0);
  EXPECT_EQ(alerts[0].receive_ns % kMs, 0u) << "on the receive clock";
  const std::size_t low = rig.queued(sched::PriorityClass::kLow);
  EXPECT_LT(low, 16'384u / 100 + 64 + 1) << "shed from the publish that saw 1%";
  EXPECT_EQ(low + rig.router.stats().breaker_shed[sched::index_of(sched::PriorityClass::kLow)], 1000u)
      << "every unit queued or counted";
}

}  // namespace
}  // namespace tickwire::breakers
