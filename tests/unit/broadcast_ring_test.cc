// The broadcast ring: every reader sees every record in order; the writer learns when the
// slowest reader leaves no room (and never overwrites what a reader has not read); across
// threads nothing is lost, duplicated or reordered.
#include "dataplane/patterns/broadcast_ring.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "dataplane/core/cpu_relax.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

struct Record {
  std::uint64_t value;
  std::uint64_t check;
};

TEST(BroadcastRing, EveryReaderSeesEveryRecordInOrder) {
  patterns::BroadcastRing<Record> ring(8, 2);
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring.capacity(), 8u);
  for (std::uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(ring.try_write({i, ~i}));
  EXPECT_EQ(ring.readable(0), 0u) << "nothing is visible before publish()";
  ring.publish();
  for (std::size_t r = 0; r < 2; ++r) {
    ASSERT_EQ(ring.readable(r), 5u);
    for (std::uint64_t i = 0; i < 5; ++i) EXPECT_EQ(ring.at(ring.position(r) + i).value, i);
  }
  ring.consume(0, 5);
  EXPECT_EQ(ring.readable(0), 0u);
  EXPECT_EQ(ring.readable(1), 5u) << "readers move on their own";
}

TEST(BroadcastRing, TheSlowestReaderDecidesTheRoom) {
  patterns::BroadcastRing<Record> ring(4, 2);
  for (std::uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(ring.try_write({i, 0}));
  ring.publish();
  EXPECT_FALSE(ring.try_write({4, 0})) << "full";
  ring.consume(0, 4);
  EXPECT_FALSE(ring.try_write({4, 0})) << "reader 1 has read nothing yet";
  ring.consume(1, 1);
  EXPECT_TRUE(ring.try_write({4, 0}));
  EXPECT_FALSE(ring.try_write({5, 0}));
  EXPECT_EQ(ring.room(), 0u);
  ring.publish();
  EXPECT_EQ(ring.at(ring.position(1) + 3).value, 4u) << "the new record is where the old one was read";
}

TEST(BroadcastRing, AClosedRingIsDrainedOnceEachReaderHasReadAll) {
  patterns::BroadcastRing<Record> ring(4, 1);
  ASSERT_TRUE(ring.try_write({1, 0}));
  ring.close();
  EXPECT_FALSE(ring.drained(0));
  ring.consume(0, ring.readable(0));
  EXPECT_TRUE(ring.drained(0));
}

TEST(BroadcastRing, AcrossThreadsNothingIsLostDuplicatedOrReordered) {
  const std::uint64_t kRecords = test::scaled(2'000'000, 100'000);
  patterns::BroadcastRing<Record> ring(1024, 3);
  std::vector<std::uint64_t> sums(3, 0);
  std::vector<bool> ordered(3, true);
  std::vector<std::thread> readers;
  for (std::size_t r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      std::uint64_t expected = 0;
      while (!ring.drained(r)) {
        const std::uint64_t n = ring.readable(r);
        for (std::uint64_t i = 0; i < n; ++i) {
          const Record& rec = ring.at(ring.position(r) + i);
          if (rec.value != expected || rec.check != ~rec.value) ordered[r] = false;
          ++expected;
          sums[r] += rec.value;
        }
        ring.consume(r, n);
        if (n == 0) cpu_relax();
      }
    });
  }
  std::uint64_t full_waits = 0;
  for (std::uint64_t i = 0; i < kRecords; ++i) {
    while (!ring.try_write({i, ~i})) {
      ring.publish();
      ++full_waits;
      cpu_relax();
    }
    if (i % 16 == 15) ring.publish();
  }
  ring.close();
  for (std::thread& t : readers) t.join();
  for (std::size_t r = 0; r < 3; ++r) {
    EXPECT_TRUE(ordered[r]) << "reader " << r;
    EXPECT_EQ(sums[r], kRecords * (kRecords - 1) / 2) << "reader " << r;
  }
  EXPECT_GT(full_waits, 0u) << "the writer never outran its readers: nothing was tested";
}

}  // namespace
}  // namespace tickwire::test
