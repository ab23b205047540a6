// Mean, variance and co-moments over a sliding window of event time, numerically stable over
// a whole day: no running sum is ever decreased by what leaves the window (subtracting old
// samples from a sum drifts, and cancels catastrophically when values are large and close).
//
// The window is cut into kBuckets buckets of equal span. Each bucket keeps its own count,
// means and sums of squared deviations (Welford's update); a bucket that leaves the window is
// dropped whole; the window's figures merge the buckets' (the pairwise combination of Chan,
// Golub and LeVeque). The merge of the closed buckets is kept until the window next moves on
// (recomputed from the buckets then, never adjusted), so a sample costs O(1), a read one
// merge (O(kBuckets) once per bucket span), memory is fixed, and the window covers between
// (1 - 1/kBuckets) and 1 times its span of the most recent time.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace tickwire::patterns {

// Count, means and co-moments of pairs (x, y); a single series uses x only.
struct Moments {
  std::uint64_t count = 0;
  double mean_x = 0;
  double mean_y = 0;
  double m2_x = 0;  // sum of squared deviations from the mean
  double m2_y = 0;
  double c_xy = 0;  // sum of products of deviations

  void add(double x, double y = 0) noexcept {
    ++count;
    const double n = static_cast<double>(count);
    const double dx = x - mean_x;
    mean_x += dx / n;
    const double dy = y - mean_y;
    mean_y += dy / n;
    m2_x += dx * (x - mean_x);
    m2_y += dy * (y - mean_y);
    c_xy += dx * (y - mean_y);
  }
  void merge(const Moments& o) noexcept {
    if (o.count == 0) return;
    if (count == 0) {
      *this = o;
      return;
    }
    const double na = static_cast<double>(count);
    const double nb = static_cast<double>(o.count);
    const double n = na + nb;
    const double dx = o.mean_x - mean_x;
    const double dy = o.mean_y - mean_y;
    m2_x += o.m2_x + dx * dx * na * nb / n;
    m2_y += o.m2_y + dy * dy * na * nb / n;
    c_xy += o.c_xy + dx * dy * na * nb / n;
    mean_x += dx * nb / n;
    mean_y += dy * nb / n;
    count += o.count;
  }
  // Population figures (0 below two samples).
  [[nodiscard]] double variance_x() const noexcept { return count < 2 ? 0.0 : m2_x / static_cast<double>(count); }
  [[nodiscard]] double variance_y() const noexcept { return count < 2 ? 0.0 : m2_y / static_cast<double>(count); }
  [[nodiscard]] double covariance() const noexcept { return count < 2 ? 0.0 : c_xy / static_cast<double>(count); }
  // Pearson's correlation; 0 when either series is flat (no variation to correlate).
  [[nodiscard]] double correlation() const noexcept {
    const double denominator = std::sqrt(m2_x * m2_y);
    return count < 2 || !(denominator > 0) ? 0.0 : c_xy / denominator;
  }
};

template <std::size_t kBuckets = 32>
class WindowMoments {
 public:
  explicit WindowMoments(std::uint64_t window_ns = 1'000'000'000) noexcept { set_window(window_ns); }

  void set_window(std::uint64_t window_ns) noexcept {
    span_ns_ = window_ns / kBuckets == 0 ? 1 : window_ns / kBuckets;
    clear();
  }
  void clear() noexcept {
    buckets_ = {};
    newest_ = 0;
    newest_moments_ = Moments{};
    any_ = false;
    closed_valid_ = false;
  }

  void add(std::uint64_t t_ns, double x, double y = 0) noexcept {
    advance(t_ns);
    newest_moments_.add(x, y);
  }
  // Moves the window's end to `t_ns` (event time never goes back: an older `t_ns` is taken
  // as the newest bucket's).
  void advance(std::uint64_t t_ns) noexcept {
    const std::uint64_t number = t_ns / span_ns_;
    if (!any_) {
      any_ = true;
      newest_ = number;
      newest_moments_ = Moments{};
      closed_valid_ = false;
      return;
    }
    if (number <= newest_) return;
    closed_valid_ = false;
    // The newest bucket closes into the ring; buckets between it and the new one start
    // empty; past a whole window, all do.
    buckets_[newest_ % kBuckets] = Bucket{newest_, newest_moments_};
    newest_moments_ = Moments{};
    const std::uint64_t steps = number - newest_ < kBuckets ? number - newest_ : kBuckets;
    for (std::uint64_t k = 1; k < steps; ++k) buckets_[(number - steps + k) % kBuckets] = Bucket{number - steps + k, {}};
    newest_ = number;
  }

  // The window's figures as of its end: the closed buckets oldest first, then the newest.
  [[nodiscard]] Moments summary() const noexcept {
    if (!any_) return Moments{};
    if (!closed_valid_) {
      closed_ = Moments{};
      const std::uint64_t oldest = newest_ >= kBuckets - 1 ? newest_ - (kBuckets - 1) : 0;
      for (std::uint64_t n = oldest; n < newest_; ++n) {
        const Bucket& b = buckets_[n % kBuckets];
        if (b.number == n) closed_.merge(b.moments);
      }
      closed_valid_ = true;
    }
    Moments all = closed_;
    all.merge(newest_moments_);
    return all;
  }

 private:
  struct Bucket {
    std::uint64_t number = 0;  // t / span of its samples
    Moments moments;
  };
  // What every sample reads and writes, ahead of the ring of closed buckets: the newest
  // bucket's moments and the merge of the closed ones. With thousands of instances their
  // windows are cold, and a sample then costs a miss per line it touches; the ring is read
  // only when the window moves on.
  std::uint64_t span_ns_ = 1;
  std::uint64_t newest_ = 0;
  bool any_ = false;
  mutable bool closed_valid_ = false;
  Moments newest_moments_;
  // The merge of every bucket but the newest, valid until the window moves on.
  mutable Moments closed_;
  std::array<Bucket, kBuckets> buckets_{};
};

}  // namespace tickwire::patterns
