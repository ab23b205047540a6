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

TEST(ExchangeClock, SlowDriftBetweenTheClocksIsNotLateness) {
  ExchangeClock clock;  // late after 1 s beyond the least delay
  // The receive clock runs 50 ppm fast: 1.17 s over six and a half hours.
  constexpr std::uint64_t kMinute = 60'000 * kMs;
  for (std::uint64_t i = 0; i <= 390; ++i) {
    const std::uint64_t ts = 34'200'000 * kMs + i * kMinute;
    const std::uint64_t receive = kEpoch + ts + 2 * kMs + i * kMinute / 20'000;
    ASSERT_EQ(clock.observe(ts, receive, true), ClockVerdict::kOk) << "minute " << i;
  }
}

TEST(ExchangeClock, ALastingDelayIsFlaggedUntilItIsTheNewNormal) {
  ExchangeClock clock;
  constexpr std::uint64_t kMinute = 60'000 * kMs;
  std::uint64_t late = 0;
  std::uint64_t last_late_minute = 0;
  for (std::uint64_t i = 0; i <= 60; ++i) {
    const std::uint64_t ts = 34'200'000 * kMs + i * kMinute;
    const std::uint64_t delay = i < 10 ? 2 * kMs : 2'000 * kMs;  // from minute 10 on, 2 s late
    if (clock.observe(ts, kEpoch + ts + delay, true) == ClockVerdict::kLate) {
      ++late;
      last_late_minute = i;
    }
  }
  EXPECT_GE(late, 10u);              // at least the rest of its window
  EXPECT_LE(last_late_minute, 30u);  // two windows at most
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
