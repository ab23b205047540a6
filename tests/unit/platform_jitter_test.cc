// The platform-jitter tally: which gaps between two clock reads count as the core being
// taken away, and how they add up.
#include "controlplane/bench/platform_jitter.h"

#include <gtest/gtest.h>

namespace tickwire::bench {
namespace {

TEST(JitterTally, LoopIterationsAreNotInterruptions) {
  JitterTally t;
  for (int i = 0; i < 1000; ++i) t.observe(25);
  t.observe(JitterTally::kInterruptionNs);
  EXPECT_EQ(t.interruptions, 0u);
  EXPECT_EQ(t.lost_ns, 0u);
  EXPECT_EQ(t.spun_ns, 25'000u + JitterTally::kInterruptionNs);
}

TEST(JitterTally, EachInterruptionIsCountedInItsBandsAndItsTimeLost) {
  JitterTally t;
  t.observe(2'000);      // over 1 us only
  t.observe(10'001);     // over 10 us
  t.observe(250'000);    // over 100 us
  t.observe(3'000'000);  // over 1 ms
  EXPECT_EQ(t.interruptions, 4u);
  EXPECT_EQ(t.over_10us, 3u);
  EXPECT_EQ(t.over_100us, 2u);
  EXPECT_EQ(t.over_1ms, 1u);
  EXPECT_EQ(t.lost_ns, 2'000u + 10'001u + 250'000u + 3'000'000u);
  EXPECT_EQ(t.longest_ns, 3'000'000u);
}

TEST(JitterTally, RatesArePerSecondSpun) {
  JitterTally t;
  for (int i = 0; i < 4; ++i) t.observe(250'000'000);  // one second, all of it lost
  EXPECT_DOUBLE_EQ(t.per_second(t.interruptions), 4.0);
  EXPECT_DOUBLE_EQ(t.per_second(t.lost_ns), 1e9);
  EXPECT_DOUBLE_EQ(JitterTally{}.per_second(5), 0.0);
}

TEST(JitterTally, AShortMeasurementSpinsForAboutItsDuration) {
  const auto clock = metrics::TscClock::calibrate(10);
  const JitterTally t = measure_platform_jitter(clock, 20'000'000);
  EXPECT_GE(t.spun_ns, 20'000'000u);
  EXPECT_LE(t.lost_ns, t.spun_ns);
  EXPECT_GE(t.cpu, 0);
}

}  // namespace
}  // namespace tickwire::bench
