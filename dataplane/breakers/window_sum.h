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
    newest_end_ns_ = 0;
    newest_sum_ = 0;
    any_ = false;
  }

  void add(std::uint64_t t_ns, double amount) noexcept {
    advance(t_ns);
    newest_sum_ += amount;
    total_ += amount;
  }
  // add() then sum(): what a per-message trigger does, with one look at the clock.
  [[nodiscard]] double add_and_sum(std::uint64_t t_ns, double amount) noexcept {
    add(t_ns, amount);
    return total_;
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
    // Most calls fall in the newest bucket: no division for them.
    if (t_ns < newest_end_ns_ && any_) return;
    const std::uint64_t number = t_ns / span_ns_;
    if (!any_) {
      any_ = true;
      newest_ = number;
      newest_end_ns_ = (number + 1) * span_ns_;
      newest_sum_ = 0;
      return;
    }
    if (number <= newest_) return;
    // The newest bucket closes into the ring; those between it and the new one are empty;
    // past a whole window, all are.
    buckets_[newest_ % kWindowBuckets] = {newest_, newest_sum_};
    newest_sum_ = 0;
    const std::uint64_t steps = number - newest_ < kWindowBuckets ? number - newest_ : kWindowBuckets;
    for (std::uint64_t k = 1; k < steps; ++k) buckets_[(number - steps + k) % kWindowBuckets] = {number - steps + k, 0};
    newest_ = number;
    newest_end_ns_ = (number + 1) * span_ns_;
    // Summed afresh from the closed buckets still inside: no running subtraction to drift.
    total_ = 0;
    for (const Bucket& b : buckets_) {
      if (b.number < newest_ && b.number + kWindowBuckets > newest_) total_ += b.sum;
    }
  }

  struct Bucket {
    std::uint64_t number = 0;  // t / span of what it holds
    double sum = 0;
  };
  // What every message touches first, then the ring of closed buckets (read only when the
  // window moves on).
  std::uint64_t newest_end_ns_ = 0;  // where the newest bucket's span ends
  double newest_sum_ = 0;
  double total_ = 0;
  bool any_ = false;
  std::uint64_t window_ns_ = 0;
  std::uint64_t span_ns_ = 1;
  std::uint64_t newest_ = 0;
  std::array<Bucket, kWindowBuckets> buckets_{};
};

}  // namespace tickwire::breakers
