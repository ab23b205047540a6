// The order table against a std::map: under rising references (the feed's pattern), with
// long-lived orders that outlive their direct slot and move, under references far apart
// (most of them collide), and at the edge of the overflow region's room.
#include "dataplane/book/order_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <vector>

namespace tickwire::book {
namespace {

class OrderTableTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kMax = 4096;
  OrderTable table{kMax, false, false};
  std::map<std::uint64_t, std::uint32_t> model;  // reference -> shares
  std::set<std::uint64_t> gone;                   // released, not placed again
  std::uint64_t arrivals = 0;
  std::map<std::uint64_t, std::uint64_t> ref_arrival;  // of the live orders

  void add(std::uint64_t ref) {
    ASSERT_EQ(table.find(ref), kNone);
    ASSERT_TRUE(table.can_place(ref));
    Order& o = table[table.place(ref)];
    const auto shares = static_cast<std::uint32_t>(ref % 1000 + 1);
    o = Order{ref, ++arrivals, shares, /*level=*/1, /*instrument=*/2, 0};
    ref_arrival[ref] = arrivals;
    model[ref] = shares;
    gone.erase(ref);
  }
  void remove(std::uint64_t ref) {
    const Handle h = table.find(ref);
    ASSERT_NE(h, kNone) << ref;
    table.release(h);
    model.erase(ref);
    gone.insert(ref);
  }
  // Every live order is found with what was stored for it (a move keeps all of it), no
  // released one is, nor any other, and a scan visits exactly the live ones.
  void check(std::mt19937_64& rng) {
    for (const auto& [ref, shares] : model) {
      const Handle h = table.find(ref);
      ASSERT_NE(h, kNone) << ref;
      ASSERT_EQ(table[h].reference, ref);
      ASSERT_EQ(table[h].shares, shares);
      ASSERT_EQ(table[h].arrival, ref_arrival.at(ref));
      ASSERT_EQ(table[h].level, 1u);
      ASSERT_EQ(table[h].instrument, 2u);
    }
    for (const std::uint64_t ref : gone) ASSERT_EQ(table.find(ref), kNone) << ref;
    for (int i = 0; i < 100; ++i) {
      const std::uint64_t probe = rng();
      if (!model.count(probe)) {
        ASSERT_EQ(table.find(probe), kNone);
      }
    }
    std::size_t visited = 0;
    table.for_each_live([&](Handle h, const Order& o) {
      ++visited;
      EXPECT_EQ(table.find(o.reference), h);
    });
    EXPECT_EQ(visited, model.size());
  }
};

TEST_F(OrderTableTest, RisingReferencesWithSomeLongLivedOrders) {
  std::mt19937_64 rng(1);
  std::vector<std::uint64_t> live;
  for (std::uint64_t ref = 1; ref < 200'000; ++ref) {
    add(ref);
    live.push_back(ref);
    // Most orders die young; one in fifty lives for ever (and moves out of its slot).
    while (live.size() > 1000 || (!live.empty() && rng() % 3 == 0)) {
      const std::size_t i = live.size() - 1 - rng() % std::min<std::size_t>(live.size(), 64);
      if (live[i] % 50 == 0 && live.size() < 3000) break;
      remove(live[i]);
      live.erase(live.begin() + static_cast<long>(i));
    }
    if (ref % 20'000 == 0) check(rng);
  }
  check(rng);
  EXPECT_GT(table.long_lived(), 0u) << "some orders outlived their slot";
  EXPECT_FALSE(table.may_contain(200'000));
  EXPECT_TRUE(table.may_contain(5));
}

TEST_F(OrderTableTest, ScatteredReferencesStillFindEverything) {
  std::mt19937_64 rng(2);
  std::vector<std::uint64_t> live;
  for (int step = 0; step < 20'000; ++step) {
    if (live.size() < 2000 && (live.empty() || rng() % 2)) {
      std::uint64_t ref;
      do {
        ref = rng() >> (rng() % 40);
      } while (model.count(ref));
      add(ref);
      live.push_back(ref);
    } else {
      const std::size_t i = rng() % live.size();
      remove(live[i]);
      live[i] = live.back();
      live.pop_back();
    }
  }
  check(rng);
}

TEST_F(OrderTableTest, CollidingReferencesFillTheOverflowRegionThenAreRefused) {
  // Every reference a multiple of the direct slot count: all share one slot, and each new
  // one moves the last to the overflow region, which holds max_orders.
  constexpr std::uint64_t kStride = kMax;  // kMax is a power of two: the direct slot count
  std::mt19937_64 rng(3);
  for (std::uint64_t i = 1; i <= kMax + 1; ++i) add(i * kStride);
  EXPECT_EQ(table.long_lived(), kMax);
  EXPECT_FALSE(table.can_place((kMax + 2) * kStride)) << "slot taken and no overflow room";
  EXPECT_TRUE(table.can_place(1)) << "a free slot needs no overflow room";
  check(rng);
  // Releasing an overflow record makes room again, and it is reused (no fresh record is
  // left: the region is full again after).
  remove(5 * kStride);
  EXPECT_TRUE(table.can_place((kMax + 2) * kStride));
  add((kMax + 2) * kStride);
  EXPECT_EQ(table.long_lived(), kMax);
  EXPECT_FALSE(table.can_place((kMax + 3) * kStride));
  check(rng);
}

TEST_F(OrderTableTest, ReleaseWhereFreesExactlyTheChosenOrders) {
  std::mt19937_64 rng(4);
  for (std::uint64_t ref = 1; ref <= 3 * kMax; ++ref) {
    add(ref);
    if (ref % 3 != 0) remove(ref);  // a third live, and the early ones moved out
  }
  ASSERT_GT(table.long_lived(), 0u);
  const std::size_t released = table.release_where([](const Order& o) { return o.reference % 2 == 0; });
  std::size_t expected = 0;
  for (auto it = model.begin(); it != model.end();) {
    if (it->first % 2 == 0) {
      gone.insert(it->first);
      it = model.erase(it);
      ++expected;
    } else {
      ++it;
    }
  }
  EXPECT_EQ(released, expected);
  check(rng);
}

TEST_F(OrderTableTest, ReleasingLeavesOtherReferencesOfTheSlotAlone) {
  std::mt19937_64 rng(5);
  add(10);
  add(10 + 8192);  // same direct slot: 10 moves out
  EXPECT_EQ(table.long_lived(), 1u);
  remove(10 + 8192);
  check(rng);
  EXPECT_EQ(table.find(10 + 8192), kNone);
  add(10 + 2 * 8192);
  remove(10);
  EXPECT_EQ(table.long_lived(), 0u);
  check(rng);
  EXPECT_EQ(table.find(10), kNone);
}

}  // namespace
}  // namespace tickwire::book
