// Whether the market is in continuous trading, from the system events (S) when the feed
// sends them, from the clock when it does not (captures often start mid-session).
#pragma once

#include <cstdint>

namespace tickwire::book {

inline constexpr std::uint64_t kRegularOpenNs = 34'200'000'000'000;   // 09:30 ET
inline constexpr std::uint64_t kRegularCloseNs = 57'600'000'000'000;  // 16:00 ET

class MarketSession {
 public:
  void on_system_event(char code) noexcept {
    last_event_ = code;
    if (code == 'Q') in_market_hours_ = true;   // start of market hours
    if (code == 'M') in_market_hours_ = false;  // end of market hours
    seen_ = seen_ || code == 'Q' || code == 'M' || code == 'O' || code == 'S';
  }
  [[nodiscard]] bool continuous(std::uint64_t exchange_time_ns) const noexcept {
    if (seen_) return in_market_hours_;
    return exchange_time_ns >= kRegularOpenNs && exchange_time_ns < kRegularCloseNs;
  }
  [[nodiscard]] char last_event() const noexcept { return last_event_; }

 private:
  bool seen_ = false;
  bool in_market_hours_ = false;
  char last_event_ = 0;
};

}  // namespace tickwire::book
