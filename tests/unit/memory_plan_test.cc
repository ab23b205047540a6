#include "controlplane/runtime/memory_plan.h"

#include <gtest/gtest.h>

#include "controlplane/runtime/meminfo.h"

namespace tickwire::runtime {
namespace {

TEST(MemoryPlan, CountsWorkerRingsPerWorkerAndStagesPerPipeline) {
  config::AppConfig c = config::default_config();
  const MemoryPlan inline_plan = plan_memory(c, 100u << 20);
  ASSERT_EQ(inline_plan.parts.size(), 2u);  // books, stages: no rings inline
  EXPECT_EQ(inline_plan.parts[0].second, 100u << 20);
  const std::uint64_t one_detector = inline_plan.parts[1].second;
  EXPECT_GT(one_detector, 0u);

  c.workers = 2;
  const MemoryPlan two = plan_memory(c, 100u << 20);
  ASSERT_EQ(two.parts.size(), 3u);
  EXPECT_EQ(two.parts[1].second, 2 * one_detector);  // one detector per worker
  c.workers = 4;
  EXPECT_EQ(plan_memory(c, 100u << 20).parts[2].second, 2 * two.parts[2].second);
  // Rings are rounded up to a power of two, as SpscRing builds them.
  c.worker.inbox.capacity[0] = 4097;
  EXPECT_GT(plan_memory(c, 0).parts[2].second, 2 * two.parts[2].second);
  EXPECT_NE(two.describe().find("worker rings (workers.*)"), std::string::npos) << two.describe();
  EXPECT_EQ(two.total(), two.parts[0].second + two.parts[1].second + two.parts[2].second);
}

TEST(Meminfo, ReadsFieldsInBytesOrCounts) {
  const std::uint64_t total = meminfo_field("MemTotal:");
  EXPECT_GT(total, 1u << 20);  // bytes, not kB
  EXPECT_LE(meminfo_field("MemAvailable:"), total);
  EXPECT_EQ(meminfo_field("NoSuchField:"), 0u);
}

}  // namespace
}  // namespace tickwire::runtime
