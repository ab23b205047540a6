// Where a message's latency starts in a paced replay: at a rate, each message has its place
// by sequence, and a later day's messages take the places after the day before's, whatever
// their sequences (which start over); at a speed, capture time scaled; live, the receive time.
#include "dataplane/metrics/arrival_schedule.h"

#include <gtest/gtest.h>

namespace tickwire::metrics {
namespace {

TEST(ArrivalSchedule, AtARateEachSequenceHasItsPlace) {
  ArrivalSchedule s = ArrivalSchedule::at_rate(1'000'000, 1.0);  // one a microsecond
  s.start(5'000, 100, 0);
  EXPECT_EQ(s.intended_ns(0, 100, 0), 5'000u);
  EXPECT_EQ(s.intended_ns(0, 101, 0), 6'000u);
  EXPECT_EQ(s.intended_ns(0, 1'100, 0), 1'005'000u);
  EXPECT_EQ(s.intended_ns(0, 50, 0), 5'000u) << "before the start is the start";
}

TEST(ArrivalSchedule, ALaterDayContinuesWhereTheDayBeforeStopped) {
  ArrivalSchedule s = ArrivalSchedule::at_rate(1'000'000, 1.0);
  s.start(0, 1, 0);
  // Day one ran sequences 1..10 (places 0..9); day two starts over at 1.
  s.begin_day(1, 1, 10);
  EXPECT_EQ(s.intended_ns(1, 1, 0), 10'000u);
  EXPECT_EQ(s.intended_ns(1, 5, 0), 14'000u);
  EXPECT_EQ(s.intended_ns(0, 5, 0), 4'000u) << "day one's places are unchanged";
  EXPECT_EQ(s.index(1, 5), 14u);
  // Past the days it has room for, the last one's places are shared: wrong figures, no harm.
  s.begin_day(ArrivalSchedule::kMaxDays + 3, 1, 99);
  EXPECT_EQ(s.index(ArrivalSchedule::kMaxDays + 3, 1), s.index(ArrivalSchedule::kMaxDays - 1, 1));
}

TEST(ArrivalSchedule, AtASpeedCaptureTimeIsScaledAndLiveItIsTheReceiveTime) {
  ArrivalSchedule fast = ArrivalSchedule::at_speed(2.0);
  fast.start(1'000, 1, 10'000);
  EXPECT_EQ(fast.intended_ns(0, 7, 14'000), 3'000u);
  EXPECT_EQ(fast.intended_ns(3, 1, 14'000), 3'000u) << "capture time runs on across days";
  const ArrivalSchedule live = ArrivalSchedule::as_received();
  EXPECT_FALSE(live.paced());
  EXPECT_EQ(live.intended_ns(0, 9, 123'456), 123'456u);
}

}  // namespace
}  // namespace tickwire::metrics
