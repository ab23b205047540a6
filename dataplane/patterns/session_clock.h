// Where a US trading day starts on the UTC clock: ITCH timestamps (and those of the other US
// venues' feeds) are nanoseconds since midnight US Eastern time, so comparing them with each
// other across days, or with a clock of another kind (a FIX feed's UTC times), takes the
// session's date and whether daylight saving time was in force. The rules are the United
// States' since 2007: daylight time from the second Sunday of March to the first Sunday of
// November, switching at 02:00 local; at midnight of either Sunday the old offset holds.
#pragma once

#include <cstdint>

namespace tickwire::patterns {

inline constexpr std::int64_t kNsPerDay = 86'400'000'000'000;
inline constexpr std::int64_t kNsPerHour = 3'600'000'000'000;

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
[[nodiscard]] constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

[[nodiscard]] constexpr CivilDate civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// The day of the n-th Sunday (n from 1) of a month, as days since the epoch.
[[nodiscard]] constexpr std::int64_t nth_sunday(std::int64_t year, unsigned month, unsigned n) noexcept {
  const std::int64_t first = days_from_civil(year, month, 1);
  const std::int64_t weekday = (first + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  return first + (7 - weekday) % 7 + 7 * (n - 1);
}

// Whether US daylight time is in force at midnight Eastern of the day `days` since the epoch.
[[nodiscard]] constexpr bool eastern_daylight_at_midnight(std::int64_t days) noexcept {
  const std::int64_t year = civil_from_days(days).year;
  return days > nth_sunday(year, 3, 2) && days <= nth_sunday(year, 11, 1);
}

// Midnight US Eastern of that day, as ns since the epoch (UTC).
[[nodiscard]] constexpr std::int64_t eastern_midnight_ns(std::int64_t days) noexcept {
  return days * kNsPerDay + (eastern_daylight_at_midnight(days) ? 4 : 5) * kNsPerHour;
}

// The Eastern day a UTC instant falls on, as days since the epoch (for a capture's
// timestamps: the trading day of a packet).
[[nodiscard]] constexpr std::int64_t eastern_day_of(std::int64_t utc_ns) noexcept {
  const std::int64_t daylight_day = (utc_ns - 4 * kNsPerHour) / kNsPerDay;
  if (eastern_daylight_at_midnight(daylight_day)) return daylight_day;
  return (utc_ns - 5 * kNsPerHour) / kNsPerDay;
}

}  // namespace tickwire::patterns
