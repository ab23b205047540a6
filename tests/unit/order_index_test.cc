// The order index against a std::map under rising references (the feed's pattern), under
// references far apart (everything goes through the long-lived table), and with long-lived
// orders that outlive their direct-mapped slot.
#include "dataplane/book/order_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

namespace tickwire::book {
namespace {

class OrderIndexTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kMax = 4096;
  std::vector<Order> orders = std::vector<Order>(kMax + 1);
  OrderIndex index{kMax, orders.data(), false, false};
  std::map<std::uint64_t, std::uint32_t> model;
  std::vector<std::uint32_t> free_handles;
  std::uint32_t next_handle = 1;

  void add(std::uint64_t ref) {
    ASSERT_EQ(index.find(ref), 0u);
    std::uint32_t h;
    if (!free_handles.empty()) {
      h = free_handles.back();
      free_handles.pop_back();
    } else {
      h = next_handle++;
    }
    orders[h].reference = ref;
    index.insert(ref, h);
    model[ref] = h;
  }
  void remove(std::uint64_t ref) {
    index.erase(ref);
    free_handles.push_back(model.at(ref));
    model.erase(ref);
  }
  void check(std::mt19937_64& rng) {
    for (const auto& [ref, h] : model) ASSERT_EQ(index.find(ref), h) << ref;
    for (int i = 0; i < 100; ++i) {
      const std::uint64_t probe = rng();
      if (!model.count(probe)) {
        ASSERT_EQ(index.find(probe), 0u);
      }
    }
  }
};

TEST_F(OrderIndexTest, RisingReferencesWithSomeLongLivedOrders) {
  std::mt19937_64 rng(1);
  std::vector<std::uint64_t> live;
  for (std::uint64_t ref = 1; ref < 200'000; ++ref) {
    add(ref);
    live.push_back(ref);
    // Most orders die young; one in fifty lives for ever (and loses its direct slot).
    while (live.size() > 1000 || (!live.empty() && rng() % 3 == 0)) {
      const std::size_t i = live.size() - 1 - rng() % std::min<std::size_t>(live.size(), 64);
      if (live[i] % 50 == 0 && live.size() < 3000) break;
      remove(live[i]);
      live.erase(live.begin() + static_cast<long>(i));
    }
    if (ref % 20'000 == 0) check(rng);
  }
  check(rng);
  EXPECT_GT(index.long_lived(), 0u) << "some orders outlived their slot";
  EXPECT_FALSE(index.may_contain(200'000));
  EXPECT_TRUE(index.may_contain(5));
}

TEST_F(OrderIndexTest, ScatteredReferencesStillFindEverything) {
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

TEST_F(OrderIndexTest, ErasingAnAbsentReferenceChangesNothing) {
  add(10);
  index.erase(11);
  index.erase(10 + 8192);  // same direct slot, different reference
  EXPECT_EQ(index.find(10), model[10]);
}

}  // namespace
}  // namespace tickwire::book
