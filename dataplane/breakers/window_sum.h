// A sum over the last `window` of event time, in fixed buckets: what rate and "N in T"
// triggers read. O(1) per add and per read, fixed memory, no drift (each bucket is summed
// afresh, never adjusted by subtraction). The window is split in kWindowBuckets; a read
// covers the buckets whose span ends after t - window, so the oldest samples it counts may be
// up to one bucket older than the window (the granularity, documented with each trigger).
#pragma once

#include <array>
#include <cstdint>

namespace tickwire::breakers {

inline constexpr std::size_t kWindowBuckets = 16;

class WindowSum {
 public:
  explicit WindowSum(std::uint64_t window_ns = 1'000'000'000) noexcept { set_window(window_ns); }

  // A new window restarts the sum (a threshold change keeps it: only its window resets it).
  void set_window(std::uint64_t window_ns) noexcept {
    window_ns_ = window_ns;
    span_ns_ = window_ns / kWindowBuckets == 0 ? 1 : window_ns / kWindowBuckets;
    clear();
  }
  void clear() noexcept {
    buckets_ = {};
    total_ = 0;
    newest_ = 0;
    any_ = false;
  }

  void add(std::uint64_t t_ns, double amount) noexcept {
    advance(t_ns);
    buckets_[newest_ % kWindowBuckets].sum += amount;
    total_ += amount;
  }
  // The sum of the window ending at t_ns (event time never goes back: an older t reads the
  // newest bucket's window).
  [[nodiscard]] double sum(std::uint64_t t_ns) noexcept {
    advance(t_ns);
    return total_;
  }
  [[nodiscard]] std::uint64_t window_ns() const noexcept { return window_ns_; }

 private:
  void advance(std::uint64_t t_ns) noexcept {
    const std::uint64_t number = t_ns / span_ns_;
    if (!any_) {
      any_ = true;
      newest_ = number;
      buckets_[newest_ % kWindowBuckets] = {number, 0};
      return;
    }
    if (number <= newest_) return;
    const std::uint64_t steps = number - newest_ < kWindowBuckets ? number - newest_ : kWindowBuckets;
    for (std::uint64_t k = 1; k <= steps; ++k) buckets_[(number - steps + k) % kWindowBuckets] = {number - steps + k, 0};
    newest_ = number;
    // Summed afresh from the buckets still inside: no running subtraction to drift.
    total_ = 0;
    for (const Bucket& b : buckets_) {
      if (b.number + kWindowBuckets > newest_) total_ += b.sum;
    }
  }

  struct Bucket {
    std::uint64_t number = 0;  // t / span of what it holds
    double sum = 0;
  };
  std::uint64_t window_ns_ = 0;
  std::uint64_t span_ns_ = 1;
  std::uint64_t newest_ = 0;
  double total_ = 0;
  bool any_ = false;
  std::array<Bucket, kWindowBuckets> buckets_{};
};

}  // namespace tickwire::breakers
