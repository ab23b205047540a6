#include "dataplane/core/mapped_array.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace tickwire {
namespace {

std::uint64_t free_huge_pages() {
  std::ifstream in("/proc/meminfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("HugePages_Free:", 0) == 0) return std::stoull(line.substr(15));
  }
  return 0;
}

TEST(MappedArray, StartsZeroedAndAlignedToAHugePage) {
  MappedArray<std::uint64_t> a(100'000);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.capacity(), 100'000u);
  EXPECT_EQ(a.bytes() % (2u << 20), 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data()) % (2u << 20), 0u);
  EXPECT_FALSE(a.huge_pages());
  for (std::size_t i = 0; i < a.capacity(); i += 4099) EXPECT_EQ(a[i], 0u);
  a[99'999] = 7;
  EXPECT_EQ(a[99'999], 7u);
}

TEST(MappedArray, PrefaultedArraysAreReadyToWrite) {
  MappedArray<std::uint32_t> a(1 << 20, true);
  ASSERT_TRUE(a.ok());
  a[(1 << 20) - 1] = 1;
  EXPECT_EQ(a[0], 0u);
}

TEST(MappedArray, UsesReservedHugePagesOnlyWhenAskedAndAvailable) {
  MappedArray<std::uint8_t> small(4u << 20, true, false);
  EXPECT_FALSE(small.huge_pages());
  if (free_huge_pages() < 2) GTEST_SKIP() << "no free reserved huge pages (echo N > /proc/sys/vm/nr_hugepages)";
  MappedArray<std::uint8_t> huge(4u << 20, true, true);
  ASSERT_TRUE(huge.ok());
  EXPECT_TRUE(huge.huge_pages());
  huge[123] = 1;
  EXPECT_EQ(huge[123], 1u);
}

TEST(MappedArray, FallsBackWhenTheReservedPagesDoNotSuffice) {
  // Far more than any machine reserves: the request falls back to ordinary pages.
  MappedArray<std::uint8_t> a(std::size_t{64} << 30, false, true);
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a.huge_pages());
}

TEST(MappedArray, MovesOwnershipAndHandlesZeroCapacity) {
  MappedArray<int> empty(0);
  EXPECT_FALSE(empty.ok());
  EXPECT_EQ(empty.capacity(), 0u);
  MappedArray<int> a(1000);
  a[3] = 42;
  MappedArray<int> b(std::move(a));
  EXPECT_FALSE(a.ok());  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  EXPECT_EQ(b[3], 42);
  MappedArray<int> c;
  c = std::move(b);
  EXPECT_EQ(c[3], 42);
  EXPECT_EQ(c.capacity(), 1000u);
}

TEST(MappedArray, AnImpossibleSizeIsNotOk) {
  MappedArray<std::uint64_t> a(std::size_t{1} << 60);
  EXPECT_FALSE(a.ok());
  EXPECT_EQ(a.capacity(), 0u);
}

}  // namespace
}  // namespace tickwire
