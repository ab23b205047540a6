// The lowest and highest value over a sliding window of event time: monotonic deques over a
// fixed ring, O(1) amortised per sample. Bounded: past `capacity` samples inside the window
// the oldest is let go (counted), so the window then covers less time than asked, never
// more memory.
#pragma once

#include <cstdint>
#include <vector>

namespace tickwire::patterns {

class WindowExtremes {
 public:
  WindowExtremes(std::uint64_t window_ns, std::size_t capacity)
      : window_ns_(window_ns), low_(capacity + 1), high_(capacity + 1) {}

  void clear() noexcept {
    low_head_ = low_tail_ = high_head_ = high_tail_ = 0;
  }
  void add(std::uint64_t t_ns, double value) noexcept {
    expire(t_ns);
    push(low_, low_head_, low_tail_, {t_ns, value}, [](double a, double b) { return a >= b; });
    push(high_, high_head_, high_tail_, {t_ns, value}, [](double a, double b) { return a <= b; });
  }
  // Drops what is older than the window ending at `t_ns`.
  void expire(std::uint64_t t_ns) noexcept {
    const std::uint64_t start = t_ns > window_ns_ ? t_ns - window_ns_ : 0;
    while (low_head_ != low_tail_ && low_[low_head_].t < start) low_head_ = next(low_, low_head_);
    while (high_head_ != high_tail_ && high_[high_head_].t < start) high_head_ = next(high_, high_head_);
  }
  [[nodiscard]] bool empty() const noexcept { return low_head_ == low_tail_; }
  [[nodiscard]] double low() const noexcept { return low_[low_head_].value; }
  [[nodiscard]] double high() const noexcept { return high_[high_head_].value; }
  [[nodiscard]] std::uint64_t evicted() const noexcept { return evicted_; }

 private:
  struct Sample {
    std::uint64_t t;
    double value;
  };
  static std::size_t next(const std::vector<Sample>& ring, std::size_t i) noexcept { return i + 1 == ring.size() ? 0 : i + 1; }
  static std::size_t prev(const std::vector<Sample>& ring, std::size_t i) noexcept { return i == 0 ? ring.size() - 1 : i - 1; }
  // Drops from the back what the new sample makes useless (dominated), then appends it; a
  // full ring lets its oldest go.
  template <class Dominated>
  void push(std::vector<Sample>& ring, std::size_t& head, std::size_t& tail, Sample s, Dominated dominated) noexcept {
    while (head != tail && dominated(ring[prev(ring, tail)].value, s.value)) tail = prev(ring, tail);
    if (next(ring, tail) == head) {
      head = next(ring, head);
      ++evicted_;
    }
    ring[tail] = s;
    tail = next(ring, tail);
  }

  std::uint64_t window_ns_;
  std::vector<Sample> low_;   // rising values: the front is the window's lowest
  std::vector<Sample> high_;  // falling values: the front is the window's highest
  std::size_t low_head_ = 0, low_tail_ = 0, high_head_ = 0, high_tail_ = 0;
  std::uint64_t evicted_ = 0;
};

}  // namespace tickwire::patterns
