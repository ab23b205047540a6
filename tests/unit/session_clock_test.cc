// Midnight US Eastern on the UTC clock, across the daylight-time switches.
#include "dataplane/patterns/session_clock.h"

#include <gtest/gtest.h>

namespace tickwire::test {
namespace {

using patterns::days_from_civil;
using patterns::eastern_midnight_ns;
using patterns::kNsPerDay;
using patterns::kNsPerHour;

TEST(SessionClock, CivilDatesRoundTrip) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2026, 11, 24), 20'781);
  for (std::int64_t d = -1000; d < 30'000; d += 37) {
    const patterns::CivilDate c = patterns::civil_from_days(d);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
}

TEST(SessionClock, MidnightEasternIsFiveHoursAfterUtcInWinterAndFourInSummer) {
  const std::int64_t winter = days_from_civil(2026, 11, 24);
  EXPECT_EQ(eastern_midnight_ns(winter), winter * kNsPerDay + 5 * kNsPerHour);
  const std::int64_t summer = days_from_civil(2023, 8, 22);  // the genuine NASDAQ captures' day
  EXPECT_EQ(eastern_midnight_ns(summer), summer * kNsPerDay + 4 * kNsPerHour);
}

TEST(SessionClock, TheSwitchDaysKeepTheOldOffsetAtMidnight) {
  // 2026: daylight time from Sunday 8 March to Sunday 1 November, at 02:00 local.
  EXPECT_EQ(patterns::nth_sunday(2026, 3, 2), days_from_civil(2026, 3, 8));
  EXPECT_EQ(patterns::nth_sunday(2026, 11, 1), days_from_civil(2026, 11, 1));
  EXPECT_FALSE(patterns::eastern_daylight_at_midnight(days_from_civil(2026, 3, 8)));
  EXPECT_TRUE(patterns::eastern_daylight_at_midnight(days_from_civil(2026, 3, 9)));
  EXPECT_TRUE(patterns::eastern_daylight_at_midnight(days_from_civil(2026, 11, 1)));
  EXPECT_FALSE(patterns::eastern_daylight_at_midnight(days_from_civil(2026, 11, 2)));
}

TEST(SessionClock, AnInstantBelongsToItsEasternDay) {
  const std::int64_t day = days_from_civil(2026, 11, 24);
  // 09:30 Eastern (14:30 UTC) and 23:59 Eastern (04:59 UTC the next day) are the 24th.
  EXPECT_EQ(patterns::eastern_day_of(day * kNsPerDay + 14 * kNsPerHour + 30 * 60'000'000'000), day);
  EXPECT_EQ(patterns::eastern_day_of((day + 1) * kNsPerDay + 4 * kNsPerHour + 59 * 60'000'000'000), day);
  EXPECT_EQ(patterns::eastern_day_of((day + 1) * kNsPerDay + 5 * kNsPerHour), day + 1);
}

}  // namespace
}  // namespace tickwire::test
