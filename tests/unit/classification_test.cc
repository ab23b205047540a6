#include "dataplane/events/classification.h"

#include <gtest/gtest.h>

#include <vector>

namespace tickwire::events {
namespace {

Event top(std::uint32_t instrument, std::uint32_t bid, std::uint64_t bid_size, std::uint32_t ask,
          std::uint64_t ask_size) {
  Event e{};
  e.kind = EventKind::kTopOfBook;
  e.instrument = instrument;
  e.price = bid;
  e.quantity = bid_size;
  e.other_price = ask;
  e.other_quantity = ask_size;
  e.flags = kLastInMessage;
  return e;
}

Event level(std::uint32_t instrument, Side side, std::uint32_t price) {
  Event e{};
  e.kind = EventKind::kLevelChange;
  e.instrument = instrument;
  e.side = side;
  e.price = price;
  e.quantity = 100;
  return e;
}

Event of_kind(EventKind kind, std::uint32_t instrument) {
  Event e{};
  e.kind = kind;
  e.instrument = instrument;
  e.flags = kLastInMessage;
  return e;
}

class ClassificationTest : public ::testing::Test {
 protected:
  ClassificationTable table{ClassificationRules{}, 100};
  Classifier classifier{100};
  PriorityClass classify(std::vector<Event> m) { return classifier.classify(m, table); }
};

TEST_F(ClassificationTest, HaltsAndMarketStateAreCritical) {
  EXPECT_EQ(classify({of_kind(EventKind::kTradingState, 5)}), PriorityClass::kCritical);
  EXPECT_EQ(classify({of_kind(EventKind::kMarketState, 0)}), PriorityClass::kCritical);
  EXPECT_EQ(classify({of_kind(EventKind::kTrade, 5)}), PriorityClass::kNormal);
  EXPECT_EQ(classify({of_kind(EventKind::kInstrumentAdded, 5)}), PriorityClass::kLow);
}

TEST_F(ClassificationTest, APriceJumpAtTheTouchIsCritical) {
  // Mid 100.00; 20 bps is 0.20.
  EXPECT_EQ(classify({top(1, 999'000, 1000, 1'001'000, 1000)}), PriorityClass::kHigh);
  EXPECT_EQ(classify({top(1, 999'500, 1000, 1'001'500, 1000)}), PriorityClass::kHigh);  // 5 bps
  EXPECT_EQ(classify({top(1, 1'002'000, 1000, 1'004'000, 1000)}), PriorityClass::kCritical);  // 25 bps
  // Another instrument is judged against its own previous top.
  EXPECT_EQ(classify({top(2, 1'001'500, 1000, 1'003'500, 1000)}), PriorityClass::kHigh);
}

TEST_F(ClassificationTest, ALiquidityWithdrawalIsCritical) {
  EXPECT_EQ(classify({top(3, 999'000, 1000, 1'001'000, 1000)}), PriorityClass::kHigh);
  EXPECT_EQ(classify({top(3, 999'000, 600, 1'001'000, 1000)}), PriorityClass::kHigh);      // lost 40%
  EXPECT_EQ(classify({top(3, 999'000, 600, 1'001'000, 500)}), PriorityClass::kCritical);   // ask lost 50%
  EXPECT_EQ(classify({top(3, 999'000, 600, 1'001'000, 500)}), PriorityClass::kHigh);
  EXPECT_EQ(classify({top(3, 999'000, 600, 1'001'100, 200)}), PriorityClass::kCritical);   // ask lost 60%
  EXPECT_EQ(classify({top(3, 999'000, 600, 1'001'100, 300)}), PriorityClass::kHigh);       // ask grew
  EXPECT_EQ(classify({top(3, 999'000, 600, 0, 0)}), PriorityClass::kHigh);                 // under min_touch
  EXPECT_EQ(classify({top(3, 999'000, 600, 1'001'000, 600)}), PriorityClass::kHigh);
  EXPECT_EQ(classify({top(3, 0, 0, 1'001'000, 600)}), PriorityClass::kCritical);           // bid side emptied
  // Thin touches are not judged.
  EXPECT_EQ(classify({top(3, 999'000, 100, 1'001'100, 500)}), PriorityClass::kHigh);
}

TEST_F(ClassificationTest, LevelsBehindTheTouchAreLow) {
  ASSERT_EQ(classify({top(4, 999'000, 1000, 1'001'000, 1000)}), PriorityClass::kHigh);
  EXPECT_EQ(classify({level(4, Side::kBid, 998'000)}), PriorityClass::kLow);
  EXPECT_EQ(classify({level(4, Side::kAsk, 1'002'000)}), PriorityClass::kLow);
  EXPECT_EQ(classify({level(4, Side::kBid, 999'000)}), PriorityClass::kNormal);
  // The message's most urgent event decides.
  EXPECT_EQ(classify({level(4, Side::kBid, 998'000), of_kind(EventKind::kTrade, 4)}), PriorityClass::kNormal);
}

TEST_F(ClassificationTest, APromotedInstrumentIsAtLeastItsFloor) {
  ClassificationTable promoted(ClassificationRules{}, 100);
  promoted.promote(9, PriorityClass::kCritical);
  EXPECT_EQ(classifier.classify(std::vector<Event>{of_kind(EventKind::kTrade, 9)}, promoted), PriorityClass::kCritical);
  EXPECT_EQ(classifier.classify(std::vector<Event>{of_kind(EventKind::kTrade, 8)}, promoted), PriorityClass::kNormal);
  // A table built with new rules keeps the promotions of the one it replaces.
  ClassificationRules rules;
  rules.by_kind[static_cast<std::size_t>(EventKind::kTrade)] = PriorityClass::kHigh;
  const ClassificationTable replaced(rules, promoted);
  EXPECT_EQ(classifier.classify(std::vector<Event>{of_kind(EventKind::kTrade, 9)}, replaced), PriorityClass::kCritical);
  EXPECT_EQ(classifier.classify(std::vector<Event>{of_kind(EventKind::kTrade, 8)}, replaced), PriorityClass::kHigh);
  // Out-of-range instruments are classified, never indexed out of bounds.
  EXPECT_EQ(classify({of_kind(EventKind::kTrade, 1'000'000)}), PriorityClass::kNormal);
  EXPECT_EQ(classify({top(1'000'000, 1, 1, 2, 2)}), PriorityClass::kHigh);
}

// The first event of an instrument on a new day is never shed (stages reset on it), and the
// day before's last top is no reference: today's first top is no jump.
TEST_F(ClassificationTest, AnInstrumentStartingAfreshIsCriticalAndForgetsItsLastTop) {
  EXPECT_EQ(classify({top(4, 1000000, 1000, 1000200, 1000)}), PriorityClass::kHigh);
  Event mapped = of_kind(EventKind::kInstrumentAdded, 4);
  EXPECT_EQ(classify({mapped}), PriorityClass::kLow);  // an R naming it again mid-day
  mapped.flags |= kStartsAfresh;
  EXPECT_EQ(classify({mapped}), PriorityClass::kCritical);
  EXPECT_EQ(classify({top(4, 1200000, 1000, 1200200, 1000)}), PriorityClass::kHigh);
}

}  // namespace
}  // namespace tickwire::events
