// The core-to-core line latency: measured between CPUs it may run on, refused (not measured
// elsewhere and reported as asked) for one it may not, and never a hang.
#include "controlplane/bench/core_to_core.h"

#include <gtest/gtest.h>

#include <thread>

namespace tickwire::bench {
namespace {

TEST(CoreToCore, MeasuresAPositiveOneWayLatencyBetweenTwoCpus) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "one CPU";
  const auto ns = measure_core_to_core_ns(0, 1, 20'000);
  ASSERT_TRUE(ns.has_value());
  EXPECT_GT(*ns, 0.0);
  EXPECT_LT(*ns, 1e6);  // a median batch of a millisecond per hop is no measurement
}

TEST(CoreToCore, BothThreadsOnOneCpuStillFinish) {
  const auto ns = measure_core_to_core_ns(0, 0, 2'000);
  ASSERT_TRUE(ns.has_value());
  EXPECT_GT(*ns, 0.0);
}

TEST(CoreToCore, ACpuItMayNotRunOnIsRefused) {
  EXPECT_FALSE(measure_core_to_core_ns(0, 1023, 2'000).has_value());
  EXPECT_FALSE(measure_core_to_core_ns(1023, 0, 2'000).has_value());
}

}  // namespace
}  // namespace tickwire::bench
