// The ring alone (order, full, empty, wrap) and between two threads (every record once, in
// order, under contention; run under TSan by scripts/sanitize.sh's thread build).
#include "dataplane/sched/spsc_ring.h"

#include <gtest/gtest.h>

#include <span>
#include <thread>

namespace tickwire::sched {
namespace {

struct Record {
  std::uint64_t sequence;
  std::uint64_t payload[3];
};

// Pops `count` records numbered 0, 1, ... in that order, and then finds the ring empty.
void expect_pops_in_order(SpscRing<Record>& ring, std::uint64_t count) {
  for (std::uint64_t i = 0; i < count; ++i) {
    const Record* r = ring.front();
    ASSERT_NE(r, nullptr) << "record " << i;
    EXPECT_EQ(r->sequence, i);
    ring.pop();
  }
  EXPECT_EQ(ring.front(), nullptr);
}

TEST(SpscRing, KeepsOrderAndRefusesWhenFull) {
  SpscRing<Record> ring(5);  // rounded to 8
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring.capacity(), 8u);
  EXPECT_EQ(ring.front(), nullptr);
  for (std::uint64_t i = 0; i < 8; ++i) EXPECT_TRUE(ring.try_push({i, {i, i, i}}));
  EXPECT_FALSE(ring.try_push({99, {}}));
  EXPECT_EQ(ring.size(), 8u);
  expect_pops_in_order(ring, 8);
}

TEST(SpscRing, WrapsAroundManyTimes) {
  SpscRing<Record> ring(4);
  std::uint64_t next_in = 0;
  std::uint64_t next_out = 0;
  for (int round = 0; round < 10'000; ++round) {
    const int burst = round % 5;
    for (int i = 0; i < burst; ++i) {
      if (ring.try_push({next_in, {}})) ++next_in;
    }
    while (const Record* r = ring.front()) {
      ASSERT_EQ(r->sequence, next_out++);
      ring.pop();
    }
  }
  EXPECT_EQ(next_in, next_out);
  EXPECT_GT(next_in, 15'000u);
}

// Staged records are the consumer's only once published; a whole group is refused when it
// does not fit, and a push after staged records publishes them all, in order.
TEST(SpscRing, StagedRecordsAreSeenOnlyOncePublished) {
  SpscRing<Record> ring(8);
  const Record three[] = {{0, {}}, {1, {}}, {2, {}}};
  ASSERT_TRUE(ring.try_stage_all(three));
  EXPECT_EQ(ring.front(), nullptr);
  EXPECT_EQ(ring.readable(), 0u);
  ring.publish();
  EXPECT_EQ(ring.readable(), 3u);
  const Record six[] = {{3, {}}, {4, {}}, {5, {}}, {6, {}}, {7, {}}, {8, {}}};
  EXPECT_FALSE(ring.try_stage_all(six));  // 3 + 6 > 8: none of it
  ASSERT_TRUE(ring.try_stage_all(std::span<const Record>(six, 4)));
  ASSERT_TRUE(ring.try_push({7, {}}));  // publishes the staged four with it
  EXPECT_FALSE(ring.try_push({8, {}}));
  EXPECT_EQ(ring.readable(), 8u);
  expect_pops_in_order(ring, 8);
  EXPECT_EQ(ring.read_position(), 8u);
}

TEST(SpscRing, TwoThreadsPassEveryRecordOnceInOrder) {
  SpscRing<Record> ring(64);
  constexpr std::uint64_t kRecords = 2'000'000;
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kRecords;) {
      if (ring.try_push({i, {i * 3, i * 5, i * 7}})) ++i;
    }
  });
  std::uint64_t expected = 0;
  bool intact = true;
  while (expected < kRecords) {
    const Record* r = ring.front();
    if (r == nullptr) continue;
    intact = intact && r->sequence == expected && r->payload[2] == expected * 7;
    ring.pop();
    ++expected;
  }
  producer.join();
  EXPECT_TRUE(intact);
  EXPECT_EQ(ring.size(), 0u);
}

}  // namespace
}  // namespace tickwire::sched
