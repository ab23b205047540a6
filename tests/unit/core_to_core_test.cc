// The core-to-core line latency: measured between CPUs it may run on, refused (not measured
// elsewhere and reported as asked) for one it may not, never a hang, and the caller's CPUs
// given back.
#include "controlplane/bench/core_to_core.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

namespace tickwire::bench {
namespace {

cpu_set_t allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(pthread_getaffinity_np(pthread_self(), sizeof(set), &set), 0);
  return set;
}

TEST(CoreToCore, MeasuresAPositiveOneWayLatencyBetweenTwoCpus) {
  const cpu_set_t before = allowed_cpus();
  if (!CPU_ISSET(0, &before) || !CPU_ISSET(1, &before)) GTEST_SKIP() << "CPUs 0 and 1 are not both ours";
  const auto ns = measure_core_to_core_ns(0, 1, 20'000);
  ASSERT_TRUE(ns.has_value());
  EXPECT_GT(*ns, 0.0);
  const cpu_set_t after = allowed_cpus();
  EXPECT_TRUE(CPU_EQUAL(&before, &after)) << "the caller was left pinned";
}

TEST(CoreToCore, BothThreadsOnOneCpuStillFinish) {
  const cpu_set_t before = allowed_cpus();
  if (!CPU_ISSET(0, &before)) GTEST_SKIP() << "CPU 0 is not ours";
  const auto ns = measure_core_to_core_ns(0, 0, 2'000);
  ASSERT_TRUE(ns.has_value());
  EXPECT_GT(*ns, 0.0);
}

TEST(CoreToCore, ACpuItMayNotRunOnIsRefused) {
  const cpu_set_t before = allowed_cpus();
  if (CPU_ISSET(1023, &before)) GTEST_SKIP() << "CPU 1023 is ours";
  EXPECT_FALSE(measure_core_to_core_ns(0, 1023, 2'000).has_value());
  EXPECT_FALSE(measure_core_to_core_ns(1023, 0, 2'000).has_value());
  const cpu_set_t after = allowed_cpus();
  EXPECT_TRUE(CPU_EQUAL(&before, &after)) << "the caller was left pinned";
}

}  // namespace
}  // namespace tickwire::bench
