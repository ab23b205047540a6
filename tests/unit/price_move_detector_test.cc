#include "dataplane/stages/price_move_detector.h"

#include <gtest/gtest.h>

#include <vector>

namespace tickwire::stages {
namespace {

struct Collect final : SignalSink {
  std::vector<Signal> signals;
  void emit(const Signal& s) noexcept override { signals.push_back(s); }
};

events::Event top(std::uint32_t instrument, std::uint64_t t_ns, std::uint32_t bid, std::uint64_t bid_size,
                  std::uint32_t ask, std::uint64_t ask_size, std::uint64_t seq = 1) {
  events::Event e{};
  e.kind = events::EventKind::kTopOfBook;
  e.instrument = instrument;
  e.exchange_time_ns = t_ns;
  e.sequence = seq;
  e.price = bid;
  e.quantity = bid_size;
  e.other_price = ask;
  e.other_quantity = ask_size;
  e.flags = events::kLastInMessage;
  return e;
}

class PriceMoveDetectorTest : public ::testing::Test {
 protected:
  PriceMoveConfig config{1'000'000'000, 50, 80, 500, 64, 3};
  PriceMoveDetector detector{config};
  Collect out;
  void feed(const events::Event& e) {
    const events::Event batch[] = {e};
    ASSERT_TRUE(detector.process(batch, out));
  }
};

TEST_F(PriceMoveDetectorTest, AJumpWithinTheWindowSignalsOnceWithItsSize) {
  feed(top(1, 0, 1000000, 1000, 1000200, 1000));           // mid 100.01
  feed(top(1, 100'000'000, 1002000, 1000, 1002200, 1000));  // +20 bps: nothing
  EXPECT_TRUE(out.signals.empty());
  feed(top(1, 200'000'000, 1005500, 1000, 1005700, 1000, 42));  // +55 bps
  ASSERT_EQ(out.signals.size(), 1u);
  const Signal& s = out.signals[0];
  EXPECT_EQ(s.kind, SignalKind::kPriceJump);
  EXPECT_EQ(s.sequence, 42u);
  EXPECT_EQ(s.instrument, 1u);
  EXPECT_EQ(s.basis_points, 54);  // (2011200 - 2000200) * 10000 / 2000200
  EXPECT_EQ(s.price_before, 2000200u);
  EXPECT_EQ(s.stage, 3u);
  feed(top(1, 300'000'000, 1005600, 1000, 1005800, 1000));  // the window restarted at the signal
  EXPECT_EQ(out.signals.size(), 1u);
}

TEST_F(PriceMoveDetectorTest, AMoveSpreadOverMoreThanTheWindowIsNotAJump) {
  feed(top(1, 0, 1000000, 1000, 1000200, 1000));
  feed(top(1, 1'500'000'000, 1010000, 1000, 1010200, 1000));  // new window
  feed(top(1, 1'600'000'000, 1010100, 1000, 1010300, 1000));
  EXPECT_TRUE(out.signals.empty());
}

TEST_F(PriceMoveDetectorTest, DownwardJumpsAndOneSidedBooks) {
  feed(top(2, 0, 1000000, 1000, 0, 0));  // no ask: no mid
  feed(top(2, 10, 900000, 1000, 0, 0));
  EXPECT_TRUE(out.signals.empty());
  feed(top(2, 2'000'000'000, 1000000, 1000, 1000200, 1000));
  feed(top(2, 2'000'000'010, 990000, 1000, 990200, 1000));
  ASSERT_EQ(out.signals.size(), 1u);
  EXPECT_LT(out.signals[0].basis_points, -50);
}

TEST_F(PriceMoveDetectorTest, ALiquidityDropNamesTheSide) {
  feed(top(3, 0, 1000000, 5000, 1000200, 4000));
  feed(top(3, 10, 1000000, 1500, 1000200, 4000));  // bid -70%: under the threshold
  EXPECT_TRUE(out.signals.empty());
  feed(top(3, 20, 1000000, 900, 1000200, 4000));   // bid -82%
  ASSERT_EQ(out.signals.size(), 1u);
  EXPECT_EQ(out.signals[0].kind, SignalKind::kLiquidityDrop);
  EXPECT_EQ(out.signals[0].side, events::Side::kBid);
  EXPECT_EQ(out.signals[0].size_before, 5000u);
  EXPECT_EQ(out.signals[0].size_after, 900u);
  EXPECT_EQ(out.signals[0].basis_points, 8200);
}

TEST_F(PriceMoveDetectorTest, DegradedItJudgesPriceJumpsOnly) {
  detector.set_degraded(true);
  feed(top(3, 0, 1000000, 5000, 1000200, 4000));
  feed(top(3, 20, 1000000, 900, 1000200, 4000));  // bid -82%: not judged
  EXPECT_TRUE(out.signals.empty());
  feed(top(3, 30, 1010000, 900, 1010200, 4000));  // mid +100 bps: still a jump
  ASSERT_EQ(out.signals.size(), 1u);
  EXPECT_EQ(out.signals[0].kind, SignalKind::kPriceJump);
  detector.set_degraded(false);
  feed(top(3, 40, 1010000, 100, 1010200, 4000));  // bid -89% of the new window's 900: judged again
  ASSERT_EQ(out.signals.size(), 2u);
  EXPECT_EQ(out.signals[1].kind, SignalKind::kLiquidityDrop);
}

TEST_F(PriceMoveDetectorTest, ThinTouchesAndOtherEventsAreIgnored) {
  feed(top(4, 0, 1000000, 300, 1000200, 300));  // below min_touch_size
  feed(top(4, 10, 1000000, 1, 1000200, 1));
  events::Event level{};
  level.kind = events::EventKind::kLevelChange;
  level.instrument = 4;
  feed(level);
  feed(top(0, 10, 1, 1, 2, 1));    // market-wide event: no instrument
  feed(top(99, 10, 1, 1, 2, 1));   // past the configured instruments
  EXPECT_TRUE(out.signals.empty());
}

TEST_F(PriceMoveDetectorTest, AnomalousTimestampsDoNotMoveItsClock) {
  feed(top(5, 1'000'000'000, 1000000, 1000, 1000200, 1000));
  events::Event jumped = top(5, 9'000'000'000, 1000000, 1000, 1000200, 1000);
  jumped.flags |= events::kTimestampAnomaly;
  feed(jumped);  // would end the window if believed
  feed(top(5, 1'100'000'000, 1010000, 1000, 1010200, 1000));
  EXPECT_EQ(out.signals.size(), 1u);
}

// A new trading day (the instrument is mapped again, flagged kStartsAfresh): the day before
// says nothing. Its clock had reached the evening; kept, today's morning times would never
// move it, the window would never end and today's tops would be judged against yesterday's.
TEST_F(PriceMoveDetectorTest, AnInstrumentStartingAfreshForgetsItsWindowAndClock) {
  feed(top(1, 57'000'000'000'000, 1000000, 1000, 1000200, 1000));  // 15:50, day one
  events::Event again{};
  again.kind = events::EventKind::kInstrumentAdded;
  again.instrument = 1;
  again.flags = events::kLastInMessage | events::kStartsAfresh;
  feed(again);
  feed(top(1, 34'300'000'000'000, 1100000, 1000, 1100200, 1000));  // 09:31, day two, +10%
  EXPECT_TRUE(out.signals.empty()) << "day two's first top was judged against day one's";
  feed(top(1, 34'300'500'000'000, 1107000, 1000, 1107200, 1000));  // +64 bps within today's window
  ASSERT_EQ(out.signals.size(), 1u);
  EXPECT_EQ(out.signals[0].kind, SignalKind::kPriceJump);
  EXPECT_EQ(out.signals[0].price_before, 2200200u);
}

}  // namespace
}  // namespace tickwire::stages
