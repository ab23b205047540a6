// The feed's exchange clock, kept monotonic. A message whose ITCH timestamp goes backwards is
// an anomaly; so is one that jumps forward by more than the receive clock moved plus a bound
// (captures, live). Without receive times (a BinaryFILE) a jump cannot be told from a quiet
// spell; a bound for continuous trading can be set, off by default. An anomaly is
// flagged, counted, and not allowed to move the clock, so that windows and timers built on
// exchange time stay monotonic. A jump that persists (several messages in a row) is a real
// clock change and the clock follows it.
#pragma once

#include <cstdint>

namespace tickwire::book {

struct ExchangeClockConfig {
  std::uint64_t lead_over_receive_ns = 10'000'000;   // exchange time may outrun receive time by
  std::uint64_t forward_jump_ns = 0;                 // without receive times, in continuous trading (0: off)
  unsigned resync_after = 3;                         // consecutive jumped messages
};

enum class ClockVerdict : std::uint8_t { kOk, kBackwards, kForwardJump };

class ExchangeClock {
 public:
  explicit ExchangeClock(ExchangeClockConfig config = {}) noexcept : config_(config) {}

  // `receive_ns` 0: not known (a BinaryFILE).
  ClockVerdict observe(std::uint64_t timestamp_ns, std::uint64_t receive_ns, bool continuous_trading) noexcept {
    if (!started_) {
      started_ = true;
      now_ns_ = timestamp_ns;
      received_ns_ = receive_ns;
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
    return ClockVerdict::kOk;
  }

  // Exchange time as event-time logic should see it: never decreasing.
  [[nodiscard]] std::uint64_t now_ns() const noexcept { return now_ns_; }
  [[nodiscard]] std::uint64_t resyncs() const noexcept { return resyncs_; }

 private:
  ExchangeClockConfig config_;
  bool started_ = false;
  std::uint64_t now_ns_ = 0;
  std::uint64_t received_ns_ = 0;  // the receive time of the message that set now_ns_
  unsigned jumped_in_a_row_ = 0;
  std::uint64_t resyncs_ = 0;
};

}  // namespace tickwire::book
