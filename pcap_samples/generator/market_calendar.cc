#include "pcap_samples/generator/market_calendar.h"

namespace tickwire::generator {

namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;
constexpr std::int64_t kSecondsPerHour = 3'600;
constexpr int kEstOffsetHours = 5;
constexpr int kEdtOffsetHours = 4;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm).
constexpr std::int64_t days_from_civil(int y, int m, int d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = static_cast<int>(y - era * 400);
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr int weekday(std::int64_t days) noexcept {  // 0 = Sunday
  return static_cast<int>(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

// Day of month of the n-th Sunday of a month.
constexpr int nth_sunday(int year, int month, int n) noexcept {
  const int first = weekday(days_from_civil(year, month, 1));
  return 1 + (7 - first) % 7 + 7 * (n - 1);
}

constexpr bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(int y, int m) noexcept {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<CalendarDate> parse_date(std::string_view t) noexcept {
  constexpr std::size_t kLength = 10;
  if (t.size() != kLength || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t n) -> int {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  const CalendarDate d{digits(0, 4), digits(5, 2), digits(8, 2)};
  if (d.year < 1970 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) {
    return std::nullopt;
  }
  return d;
}

std::int64_t eastern_midnight_utc_ns(const CalendarDate& date) noexcept {
  // Daylight time runs from 02:00 on the second Sunday of March to 02:00 on the first
  // Sunday of November, so midnight is still standard time on the March change day and
  // still daylight time on the November one.
  const int dst_start = nth_sunday(date.year, 3, 2);
  const int dst_end = nth_sunday(date.year, 11, 1);
  const bool after_start = date.month > 3 || (date.month == 3 && date.day > dst_start);
  const bool before_end = date.month < 11 || (date.month == 11 && date.day <= dst_end);
  const int offset = after_start && before_end ? kEdtOffsetHours : kEstOffsetHours;
  const std::int64_t seconds =
      days_from_civil(date.year, date.month, date.day) * kSecondsPerDay + offset * kSecondsPerHour;
  return seconds * static_cast<std::int64_t>(kNanosPerSecond);
}

}  // namespace tickwire::generator
