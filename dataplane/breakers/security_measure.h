// What a security breaker measures of one instrument, updated on its own events in exchange
// time: plain data whose all-zero bytes are "nothing seen yet", so a breaker keeps one per
// instrument in a lazily mapped array. Each trigger reads the fields it needs:
//
//   volatility  z = |mid move| / sqrt(variance rate x max(dt, window)): the move since the
//               previous top in sigmas of the time the move took (never less than the window).
//               The variance rate is an event-time EWMA of squared relative moves per ns of
//               time they took (time constant norm_ms); 0 until kWarmupQuotes quotes.
//   band        |mid - reference| / reference, percent. The reference is the first mid, then
//               a trailing event-time average (time constant reference_ms) that it follows only
//               once the average is ratchet_percent away (as LULD's reference price moves in
//               1% steps), so a slide of any speed is measured from where it began.
//   spread      spread / norm, the norm a time-weighted EWMA of the spread (norm_ms); 0 until
//               kWarmupQuotes quotes, and for a locked or crossed book.
//   quote_rate  top-of-book changes per second: the count of the current window plus the
//               previous window's, weighted by the share of it still inside (the sliding
//               window counter: no buckets; windows aligned on multiples of window_ms).
//   halt        1 while the exchange halts or pauses it (H: H, P or Q; h: H) or a LULD auction
//               collar (J) stands, until H says T again; else 0.
//
// EWMA weights are tau / (tau + dt), a rational decay: no exp() per quote, deterministic, and
// equal to exp(-dt/tau) to first order where it matters (dt much shorter than tau).
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "dataplane/breakers/breaker_spec.h"
#include "dataplane/events/event.h"

namespace tickwire::breakers {

// Quotes a norm needs before it is trusted (volatility and spread read 0 before).
inline constexpr std::uint32_t kWarmupQuotes = 50;

struct SecurityMeasure {
  double a = 0;              // volatility: last mid; band: reference; spread: norm
  double b = 0;              // volatility: sum of weighted squared moves; band: the average; spread: last spread
  double c = 0;              // volatility: sum of weighted time (ns)
  std::uint64_t last_ns = 0; // the previous quote's time; quote_rate: the current window's start
  std::uint32_t count = 0;   // quotes seen; quote_rate: the current window's count
  std::uint32_t previous = 0;  // quote_rate: the previous window's count
  std::uint8_t halted = 0;   // halt: bit 0 H, bit 1 h, bit 2 J
};
static_assert(std::is_trivially_copyable_v<SecurityMeasure> && sizeof(SecurityMeasure) == 48);

namespace measure {

// Times are far below 2^63 ns: through a signed integer, one conversion instruction instead
// of the several an unsigned 64-bit one takes.
[[nodiscard]] inline double as_double(std::uint64_t ns) noexcept {
  return static_cast<double>(static_cast<std::int64_t>(ns));
}

[[nodiscard]] inline double decay(std::uint64_t dt_ns, std::uint64_t tau_ns) noexcept {
  const double tau = as_double(tau_ns);
  return tau / (tau + as_double(dt_ns));
}

// A trigger's value as num / den (den 0: the value is 0), so a closed breaker can judge it
// against its trip without a division: volatility's is the square of its value (no sqrt).
struct Ratio {
  double num = 0;
  double den = 0;
  [[nodiscard]] double value(bool squared) const noexcept {
    if (!(den > 0)) return 0;
    return squared ? std::sqrt(num / den) : num / den;
  }
};

// The top of book `e` (kTopOfBook) at event time t. Tops without both sides say nothing of a
// mid or a spread (value 0, state kept).
[[nodiscard]] inline Ratio volatility(SecurityMeasure& m, const BreakerSpec& s, const events::Event& e,
                                      std::uint64_t t) noexcept {
  if (e.quantity == 0 || e.other_quantity == 0) return {};
  const double mid = (static_cast<double>(e.price) + static_cast<double>(e.other_price)) * 0.5;
  if (m.count == 0 || m.a <= 0) {
    m = SecurityMeasure{.a = mid, .last_ns = t, .count = 1};
    return {};
  }
  const double move = mid - m.a;
  const std::uint64_t dt = t > m.last_ns ? t - m.last_ns : 0;
  Ratio z2;
  if (m.count >= kWarmupQuotes && m.c > 0 && m.b > 0) {
    // z^2 = (move / a)^2 / (b / c * horizon)
    const double horizon = as_double(dt > s.window_ns ? dt : s.window_ns);
    z2 = {move * move * m.c, m.a * m.a * m.b * horizon};
  }
  const double r = move / m.a;
  const double w = decay(dt, s.norm_ns);
  m.b = m.b * w + r * r;
  m.c = m.c * w + as_double(dt);
  m.a = mid;
  m.last_ns = t;
  if (m.count < kWarmupQuotes) ++m.count;
  return z2;
}

[[nodiscard]] inline Ratio band(SecurityMeasure& m, const BreakerSpec& s, const events::Event& e,
                                std::uint64_t t) noexcept {
  if (e.quantity == 0 || e.other_quantity == 0) return {};
  const double mid = (static_cast<double>(e.price) + static_cast<double>(e.other_price)) * 0.5;
  if (m.count == 0 || m.a <= 0) {
    m = SecurityMeasure{.a = mid, .b = mid, .last_ns = t, .count = 1};
    return {};
  }
  const std::uint64_t dt = t > m.last_ns ? t - m.last_ns : 0;
  const double w = decay(dt, s.reference_ns);
  m.b = m.b * w + mid * (1 - w);
  m.last_ns = t;
  if (std::fabs(m.b - m.a) * 100 >= s.ratchet_percent * m.a) m.a = m.b;
  return {std::fabs(mid - m.a) * 100, m.a};
}

[[nodiscard]] inline Ratio spread(SecurityMeasure& m, const BreakerSpec& s, const events::Event& e,
                                  std::uint64_t t) noexcept {
  if (e.quantity == 0 || e.other_quantity == 0 || e.other_price <= e.price) return {};
  const auto now = static_cast<double>(e.other_price - e.price);
  if (m.count == 0) {
    m = SecurityMeasure{.a = now, .b = now, .last_ns = t, .count = 1};
    return {};
  }
  const std::uint64_t dt = t > m.last_ns ? t - m.last_ns : 0;
  const double w = decay(dt, s.norm_ns);
  m.a = m.a * w + m.b * (1 - w);  // the spread that stood during dt
  m.b = now;
  m.last_ns = t;
  if (m.count < kWarmupQuotes) {
    ++m.count;
    return {};
  }
  return {now, m.a};
}

// quote_rate keeps the current window's start in last_ns; a window rolls over by comparison,
// dividing only when more than one window passed.
inline void roll_window(SecurityMeasure& m, const BreakerSpec& s, std::uint64_t t) noexcept {
  if (t < m.last_ns + s.window_ns && m.count + m.previous != 0) return;
  if (t < m.last_ns + 2 * s.window_ns && m.count + m.previous != 0) {
    m.previous = m.count;
    m.last_ns += s.window_ns;
  } else {
    m.previous = 0;
    m.last_ns = t - t % s.window_ns;
  }
  m.count = 0;
}

// Per second: the previous window's count weighted by its share still inside, plus the
// current window's.
[[nodiscard]] inline Ratio quote_rate_of(const SecurityMeasure& m, const BreakerSpec& s, std::uint64_t t) noexcept {
  const double window = as_double(s.window_ns);
  const double into = as_double(t - m.last_ns);
  // (previous x (window - into) / window + count) / window x 1e9, with no division
  return {(static_cast<double>(m.previous) * (window - into) + static_cast<double>(m.count) * window) * 1e9,
          window * window};
}

[[nodiscard]] inline Ratio quote_rate(SecurityMeasure& m, const BreakerSpec& s, std::uint64_t t) noexcept {
  roll_window(m, s, t);
  ++m.count;
  return quote_rate_of(m, s, t);
}

// What a timer reads: the rate at t without a quote.
[[nodiscard]] inline double quote_rate_at(SecurityMeasure m, const BreakerSpec& s, std::uint64_t t) noexcept {
  roll_window(m, s, t);
  return quote_rate_of(m, s, t).value(false);
}

// A trading-state event (kTradingState): H, h and J move it; others leave it.
[[nodiscard]] inline Ratio halt(SecurityMeasure& m, const events::Event& e) noexcept {
  constexpr std::uint8_t kByH = 1, kByOperational = 2, kByCollar = 4;
  switch (e.source_type) {
    case 'H':
      if (e.code == 'T') {
        m.halted = 0;  // trading again: the pause and its collar are over
      } else if (e.code == 'H' || e.code == 'P' || e.code == 'Q') {
        m.halted |= kByH;
      }
      break;
    case 'h':
      if (e.code == 'H') m.halted |= kByOperational;
      if (e.code == 'T') m.halted &= static_cast<std::uint8_t>(~kByOperational);
      break;
    case 'J': m.halted |= kByCollar; break;
    default: break;
  }
  return {m.halted != 0 ? 1.0 : 0.0, 1.0};
}

}  // namespace measure
}  // namespace tickwire::breakers
