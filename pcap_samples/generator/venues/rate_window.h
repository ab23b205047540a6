// Messages over the last few steps of the market model, as a rate: what a message-rate
// breaker with a window of that many milliseconds measures. The volatility day keeps one for
// its first venue to write down each episode's busiest moment beside the quiet market's.
#pragma once

#include <cstdint>
#include <vector>

namespace tickwire::generator::venues {

class RateWindow {
 public:
  explicit RateWindow(std::uint64_t steps) : counts_(steps, 0) {}

  // One more step with `messages`.
  void add(std::uint64_t messages) noexcept {
    std::uint64_t& slot = counts_[next_];
    sum_ = sum_ - slot + messages;
    slot = messages;
    next_ = next_ + 1 == counts_.size() ? 0 : next_ + 1;
    if (filled_ < counts_.size()) ++filled_;
  }
  // True once the window holds as many steps as it spans.
  [[nodiscard]] bool full() const noexcept { return filled_ == counts_.size(); }
  // Messages per second over the window, for steps of `step_ns`.
  [[nodiscard]] double rate(std::uint64_t step_ns) const noexcept {
    return static_cast<double>(sum_) * 1e9 / static_cast<double>(counts_.size() * step_ns);
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::size_t next_ = 0;
  std::size_t filled_ = 0;
  std::uint64_t sum_ = 0;
};

}  // namespace tickwire::generator::venues
