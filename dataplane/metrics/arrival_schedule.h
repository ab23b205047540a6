// When each message was meant to arrive: where its latency starts. Live, that is when the
// NIC handed it over. In a paced replay it is the time the schedule gives it, not when the RX
// core got round to it: a core running behind would otherwise hide its own backlog from the
// figures (coordinated omission).
//
// The schedule is a pure function of (day, sequence, capture time), set up by the RX core
// before it hands on the first message (and each later day's first); the workers read it
// after taking those messages from a ring, so they see it complete.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace tickwire::metrics {

class ArrivalSchedule {
 public:
  // Live: the receive time the RX core stamped (ns of the TSC clock the workers use).
  static ArrivalSchedule as_received() noexcept { return ArrivalSchedule(Mode::kAsReceived, 0, 0, 1); }
  // Capture time replayed `speed` times as fast (2: twice as fast).
  static ArrivalSchedule at_speed(double speed) noexcept { return ArrivalSchedule(Mode::kSpeed, speed, 0, 1); }
  // `per_second` messages a second on average. `burst` > 1 releases each millisecond's share of
  // messages `burst` times as fast, then nothing until the next millisecond: same mean rate,
  // peaks `burst` times higher.
  static ArrivalSchedule at_rate(std::uint64_t per_second, double burst) noexcept {
    return ArrivalSchedule(Mode::kRate, 0, per_second, std::max(burst, 1.0));
  }

  [[nodiscard]] bool paced() const noexcept { return mode_ != Mode::kAsReceived; }
  [[nodiscard]] bool started() const noexcept { return started_; }

  // The RX core, at the first message: the schedule starts now.
  void start(std::uint64_t now_ns, std::uint64_t first_sequence, std::uint64_t first_receive_ns) noexcept {
    base_ns_ = now_ns;
    day_first_sequence_[0] = first_sequence;
    day_first_index_[0] = 0;
    first_receive_ns_ = first_receive_ns;
    started_ = true;
  }
  // The RX core, at the first message of a later trading day (a MoldUDP64 session after
  // another: its sequences start over), before handing it on: at a rate, the day's messages
  // take their places after those of the days before, `next_index` being the first place not
  // taken. Days past kMaxDays share the last one's places (the figures go wrong, nothing else).
  void begin_day(std::uint64_t day, std::uint64_t first_sequence, std::uint64_t next_index) noexcept {
    if (day == 0 || day >= kMaxDays) return;
    day_first_sequence_[day] = first_sequence;
    day_first_index_[day] = next_index;
  }
  // The place of a message in the rate schedule, the run's messages numbered from 0.
  [[nodiscard]] std::uint64_t index(std::uint64_t day, std::uint64_t sequence) const noexcept {
    const std::size_t d = static_cast<std::size_t>(std::min<std::uint64_t>(day, kMaxDays - 1));
    const std::uint64_t first = day_first_sequence_[d];
    return day_first_index_[d] + (sequence > first ? sequence - first : 0);
  }

  // `day`: how many sessions came before the message's (0 for the first).
  [[nodiscard]] std::uint64_t intended_ns(std::uint64_t day, std::uint64_t sequence,
                                          std::uint64_t receive_ns) const noexcept {
    switch (mode_) {
      case Mode::kAsReceived: return receive_ns;
      case Mode::kSpeed: {
        const std::uint64_t since = receive_ns > first_receive_ns_ ? receive_ns - first_receive_ns_ : 0;
        return base_ns_ + static_cast<std::uint64_t>(static_cast<double>(since) / speed_);
      }
      case Mode::kRate: break;
    }
    const std::uint64_t at = index(day, sequence);
    const std::uint64_t period = at / per_period_;
    const std::uint64_t within = at % per_period_;
    return base_ns_ + static_cast<std::uint64_t>(static_cast<double>(period) * period_ns_ +
                                                 static_cast<double>(within) * burst_gap_ns_);
  }

  static constexpr std::size_t kMaxDays = 64;

 private:
  enum class Mode : std::uint8_t { kAsReceived, kSpeed, kRate };
  static constexpr double kBurstPeriodNs = 1e6;

  ArrivalSchedule(Mode mode, double speed, std::uint64_t per_second, double burst) noexcept
      : mode_(mode), speed_(speed > 0 ? speed : 1.0) {
    if (mode != Mode::kRate || per_second == 0) return;
    const double gap_ns = 1e9 / static_cast<double>(per_second);
    // Under 1000 messages a second a period is one message: bursts need several.
    per_period_ = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(kBurstPeriodNs / gap_ns));
    period_ns_ = static_cast<double>(per_period_) * gap_ns;
    burst_gap_ns_ = gap_ns / burst;
  }

  Mode mode_;
  double speed_ = 1.0;
  std::uint64_t per_period_ = 1;
  double period_ns_ = 0;
  double burst_gap_ns_ = 0;
  std::uint64_t base_ns_ = 0;
  // Per day: its first sequence and that message's place in the rate schedule. Written by
  // the RX core before it hands on the day's first message; read (workers) only for that
  // day's messages, which the rings hand over after the write.
  std::array<std::uint64_t, kMaxDays> day_first_sequence_{};
  std::array<std::uint64_t, kMaxDays> day_first_index_{};
  std::uint64_t first_receive_ns_ = 0;
  bool started_ = false;
};

}  // namespace tickwire::metrics
