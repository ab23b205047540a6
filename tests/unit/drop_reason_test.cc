#include "dataplane/metrics/drop_reason.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tickwire::metrics {
namespace {

TEST(DropReason, EveryReasonHasAUniqueSnakeCaseName) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    const std::string_view n = name(static_cast<DropReason>(i));
    ASSERT_FALSE(n.empty()) << i;
    EXPECT_TRUE(seen.insert(n).second) << n;
    for (char c : n) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << n;
  }
  EXPECT_EQ(name(DropReason::kIpv4Fragment), "ipv4_fragment");
  EXPECT_EQ(name(DropReason::kBinaryFileTruncated), "binaryfile_truncated");
}

}  // namespace
}  // namespace tickwire::metrics
