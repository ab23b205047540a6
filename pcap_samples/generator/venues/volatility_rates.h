// The first venue's message rates on a volatility day, gathered step by step: its usual rate
// (over the steps outside every episode), the busiest window of the quiet market, and each
// episode's busiest window. A message-rate breaker's trip belongs between the first and the
// open burst's; the ground truth says which other episodes outrun it too.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "pcap_samples/generator/venues/market_model.h"
#include "pcap_samples/generator/venues/rate_window.h"

namespace tickwire::generator::venues {

// The window of scenario.toml's message-rate breaker, in steps (ms).
inline constexpr std::uint64_t kStormWindowSteps = 50;

class VolatilityRates {
 public:
  explicit VolatilityRates(std::size_t episodes) : window_(kStormWindowSteps), peaks_(episodes, 0) {}

  // One step's messages; `episode`: the episode whose stretch holds the step, -1 for none.
  void on_step(int episode, std::uint64_t messages) {
    window_.add(messages);
    if (episode < 0) {
      ++quiet_steps_;
      quiet_messages_ += messages;
      ++quiet_run_;
    } else {
      quiet_run_ = 0;
    }
    if (!window_.full()) return;
    const double rate = window_.rate(kStepNs);
    if (episode >= 0) {
      auto& peak = peaks_[static_cast<std::size_t>(episode)];
      peak = std::max(peak, rate);
    } else if (quiet_run_ >= kStormWindowSteps) {
      quiet_peak_ = std::max(quiet_peak_, rate);  // a window wholly outside the episodes
    }
  }

  [[nodiscard]] double normal_rate() const noexcept {
    return quiet_steps_ == 0 ? 0 : static_cast<double>(quiet_messages_) * 1e9 / static_cast<double>(quiet_steps_ * kStepNs);
  }
  [[nodiscard]] double quiet_peak() const noexcept { return quiet_peak_; }
  [[nodiscard]] const std::vector<double>& peaks() const noexcept { return peaks_; }

 private:
  RateWindow window_;
  std::vector<double> peaks_;
  double quiet_peak_ = 0;
  std::uint64_t quiet_steps_ = 0;
  std::uint64_t quiet_messages_ = 0;
  std::uint64_t quiet_run_ = 0;
};

}  // namespace tickwire::generator::venues
