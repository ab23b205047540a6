// The feed's exchange clock, kept monotonic. A message whose ITCH timestamp goes backwards is
// an anomaly; so is one that jumps forward by more than the receive clock moved plus a bound
// (captures, live). Without receive times (a BinaryFILE) a jump cannot be told from a quiet
// spell; a bound for continuous trading can be set, off by default. An anomaly is
// flagged, counted, and not allowed to move the clock, so that windows and timers built on
// exchange time stay monotonic. A jump that persists (several messages in a row) is a real
// clock change and the clock follows it.
//
// Drift the other way is a late feed: exchange time falling behind the receive clock. The
// least delay seen (receive time minus exchange time, whatever the two clocks' origins) is
// the feed's own; a message delayed by more than a bound beyond it is late, flagged and
// counted, and still moves the clock (its timestamp is right, it just came late).
#pragma once

#include <algorithm>
#include <cstdint>

namespace tickwire::book {

struct ExchangeClockConfig {
  std::uint64_t lead_over_receive_ns = 10'000'000;   // exchange time may outrun receive time by
  std::uint64_t forward_jump_ns = 0;                 // without receive times, in continuous trading (0: off)
  unsigned resync_after = 3;                         // consecutive jumped messages
  std::uint64_t late_after_ns = 1'000'000'000;       // delay beyond the least seen that is late (0: off)
};

enum class ClockVerdict : std::uint8_t { kOk, kBackwards, kForwardJump, kLate };

class ExchangeClock {
 public:
  explicit ExchangeClock(ExchangeClockConfig config = {}) noexcept : config_(config) {}

  // `receive_ns` 0: not known (a BinaryFILE).
  ClockVerdict observe(std::uint64_t timestamp_ns, std::uint64_t receive_ns, bool continuous_trading) noexcept {
    if (!started_) {
      started_ = true;
      now_ns_ = timestamp_ns;
      received_ns_ = receive_ns;
      if (receive_ns != 0) (void)judge_delay(timestamp_ns, receive_ns);
      return ClockVerdict::kOk;
    }
    if (timestamp_ns < now_ns_) {
      jumped_in_a_row_ = 0;
      return ClockVerdict::kBackwards;
    }
    const std::uint64_t advance = timestamp_ns - now_ns_;
    bool jumped;
    if (receive_ns != 0 && received_ns_ != 0 && receive_ns >= received_ns_) {
      jumped = advance > receive_ns - received_ns_ + config_.lead_over_receive_ns;
    } else {
      jumped = continuous_trading && config_.forward_jump_ns != 0 && advance > config_.forward_jump_ns;
    }
    if (jumped) {
      if (++jumped_in_a_row_ < config_.resync_after) return ClockVerdict::kForwardJump;
      ++resyncs_;
    }
    jumped_in_a_row_ = 0;
    now_ns_ = timestamp_ns;
    received_ns_ = receive_ns;
    // Only a timestamp the clock accepted may teach the least delay: a wrong one ahead
    // would make every later message look late.
    return receive_ns != 0 && judge_delay(timestamp_ns, receive_ns) ? ClockVerdict::kLate : ClockVerdict::kOk;
  }

  // A new trading day: ITCH time counts from midnight again, and the feed's delay is learnt anew.
  void restart() noexcept {
    const std::uint64_t resyncs = resyncs_;  // a count over the whole run
    *this = ExchangeClock(config_);
    resyncs_ = resyncs;
  }

  // Exchange time as event-time logic should see it: never decreasing.
  [[nodiscard]] std::uint64_t now_ns() const noexcept { return now_ns_; }
  [[nodiscard]] std::uint64_t resyncs() const noexcept { return resyncs_; }

 private:
  // Whether the message is late; learns the least delay. The baseline is the least delay of
  // the current and the previous window of exchange time, so that slow drift between the two
  // clocks (tens of ppm add up to a second over a day) or a lasting change of route becomes
  // the new normal instead of flagging every message from then on.
  bool judge_delay(std::uint64_t timestamp_ns, std::uint64_t receive_ns) noexcept {
    if (config_.late_after_ns == 0) return false;
    // Receive times are epoch or boot based, ITCH times since midnight: the difference is
    // large, and only its changes matter.
    const auto delay = static_cast<std::int64_t>(receive_ns - timestamp_ns);
    if (!delay_seen_) {
      delay_seen_ = true;
      least_now_ = least_before_ = delay;
      window_start_ns_ = timestamp_ns;
      return false;
    }
    if (timestamp_ns - window_start_ns_ >= kDelayWindowNs) {
      least_before_ = least_now_;
      least_now_ = delay;
      window_start_ns_ = timestamp_ns;
    }
    const bool late = delay - std::min(least_now_, least_before_) > static_cast<std::int64_t>(config_.late_after_ns);
    least_now_ = std::min(least_now_, delay);
    return late;
  }
  static constexpr std::uint64_t kDelayWindowNs = 600'000'000'000;  // ten minutes of exchange time

  ExchangeClockConfig config_;
  bool started_ = false;
  std::uint64_t now_ns_ = 0;
  std::uint64_t received_ns_ = 0;  // the receive time of the message that set now_ns_
  unsigned jumped_in_a_row_ = 0;
  bool delay_seen_ = false;
  std::int64_t least_now_ = 0;     // least delay in the current window
  std::int64_t least_before_ = 0;  // ... and in the one before
  std::uint64_t window_start_ns_ = 0;
  std::uint64_t resyncs_ = 0;
};

}  // namespace tickwire::book
