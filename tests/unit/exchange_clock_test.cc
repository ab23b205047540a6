// The feed's exchange clock: monotonic whatever the timestamps do; backwards and jumped
// timestamps flagged and kept out of it; a late feed (exchange time falling behind the
// receive clock beyond the least delay seen) flagged while the clock still follows it.
#include "dataplane/book/exchange_clock.h"

#include <gtest/gtest.h>

namespace tickwire::book {
namespace {

constexpr std::uint64_t kMs = 1'000'000;
// Receive times on another origin than ITCH's midnight: only differences matter.
constexpr std::uint64_t kEpoch = 1'700'000'000'000'000'000ull;

TEST(ExchangeClock, BackwardsAndJumpedTimestampsAreFlaggedAndLeaveTheClock) {
  ExchangeClock clock;
  EXPECT_EQ(clock.observe(10 * kMs, kEpoch + 10 * kMs, true), ClockVerdict::kOk);
  EXPECT_EQ(clock.observe(9 * kMs, kEpoch + 11 * kMs, true), ClockVerdict::kBackwards);
  EXPECT_EQ(clock.now_ns(), 10 * kMs);
  EXPECT_EQ(clock.observe(500 * kMs, kEpoch + 12 * kMs, true), ClockVerdict::kForwardJump);
  EXPECT_EQ(clock.now_ns(), 10 * kMs);
  EXPECT_EQ(clock.observe(13 * kMs, kEpoch + 13 * kMs, true), ClockVerdict::kOk);
  EXPECT_EQ(clock.now_ns(), 13 * kMs);
}

TEST(ExchangeClock, AFeedFallingBehindTheReceiveClockIsLateButStillMovesTheClock) {
  ExchangeClockConfig config;
  config.late_after_ns = 100 * kMs;
  ExchangeClock clock(config);
  // A steady 2 ms delay, then one message 50 ms late (jitter, within the bound), then the
  // feed falls 300 ms behind.
  EXPECT_EQ(clock.observe(1000 * kMs, kEpoch + 1002 * kMs, true), ClockVerdict::kOk);
  EXPECT_EQ(clock.observe(1001 * kMs, kEpoch + 1003 * kMs, true), ClockVerdict::kOk);
  EXPECT_EQ(clock.observe(1002 * kMs, kEpoch + 1052 * kMs, true), ClockVerdict::kOk);
  EXPECT_EQ(clock.observe(1003 * kMs, kEpoch + 1305 * kMs, true), ClockVerdict::kLate);
  EXPECT_EQ(clock.now_ns(), 1003 * kMs);
  EXPECT_EQ(clock.observe(1004 * kMs, kEpoch + 1306 * kMs, true), ClockVerdict::kLate);
  EXPECT_EQ(clock.now_ns(), 1004 * kMs);
}

TEST(ExchangeClock, AJumpedTimestampDoesNotTeachTheLeastDelay) {
  ExchangeClockConfig config;
  config.late_after_ns = 100 * kMs;
  ExchangeClock clock(config);
  EXPECT_EQ(clock.observe(1000 * kMs, kEpoch + 1002 * kMs, true), ClockVerdict::kOk);
  // An hour ahead: its delay would be an hour shorter than the feed's.
  EXPECT_EQ(clock.observe(3'601'000 * kMs, kEpoch + 1003 * kMs, true), ClockVerdict::kForwardJump);
  EXPECT_EQ(clock.observe(1002 * kMs, kEpoch + 1004 * kMs, true), ClockVerdict::kOk);
}

TEST(ExchangeClock, WithoutReceiveTimesOrWithTheBoundOffNothingIsLate) {
  ExchangeClock no_receive;
  EXPECT_EQ(no_receive.observe(1000 * kMs, 0, true), ClockVerdict::kOk);
  EXPECT_EQ(no_receive.observe(5000 * kMs, 0, true), ClockVerdict::kOk);  // a quiet spell, for all it knows
  ExchangeClockConfig off;
  off.late_after_ns = 0;
  ExchangeClock clock(off);
  EXPECT_EQ(clock.observe(1000 * kMs, kEpoch + 1000 * kMs, true), ClockVerdict::kOk);
  EXPECT_EQ(clock.observe(1001 * kMs, kEpoch + 9000 * kMs, true), ClockVerdict::kOk);
}

}  // namespace
}  // namespace tickwire::book
