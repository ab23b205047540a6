// A log-linear latency histogram (HdrHistogram-like): 1 ns to about 68 s with relative error
// under 1%: values below 256 are exact, above that each power of two is cut into 128 equal
// buckets (a bucket is at most 1/128 of its values wide). Recording is an index computation
// and an increment: no allocation. One writer; readers take a copy.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace tickwire::metrics {

class LatencyHistogram {
 public:
  static constexpr unsigned kSubBucketBits = 8;
  static constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBucketBits;
  static constexpr unsigned kMaxBits = 36;  // values up to 2^36 - 1 ns, about 68.7 s
  static constexpr std::size_t kBuckets = kSubBuckets + (kMaxBits - kSubBucketBits) * (kSubBuckets / 2);
  static constexpr std::uint64_t kMaxValue = (std::uint64_t{1} << kMaxBits) - 1;

  void record(std::uint64_t ns) noexcept {
    if (ns > kMaxValue) {
      ++overflow_;
      ns = kMaxValue;
    }
    ++counts_[index_of(ns)];
    ++total_;
    sum_ += ns;
    if (ns > max_) max_ = ns;
    if (ns < min_) min_ = ns;
  }

  [[nodiscard]] std::uint64_t count() const noexcept { return total_; }
  [[nodiscard]] std::uint64_t max() const noexcept { return total_ == 0 ? 0 : max_; }
  [[nodiscard]] std::uint64_t min() const noexcept { return total_ == 0 ? 0 : min_; }
  [[nodiscard]] std::uint64_t overflow() const noexcept { return overflow_; }
  [[nodiscard]] double mean() const noexcept { return total_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(total_); }

  // The value at or below which `percentile` (0..100) of the recorded values lie, as the
  // highest value of its bucket (so never below the true percentile).
  [[nodiscard]] std::uint64_t percentile(double percentile) const noexcept {
    if (total_ == 0) return 0;
    const double wanted = percentile / 100.0 * static_cast<double>(total_);
    std::uint64_t target = static_cast<std::uint64_t>(wanted);
    if (static_cast<double>(target) < wanted || target == 0) ++target;
    if (target > total_) target = total_;
    // The bucket where the count reaches the target (it does: the counts sum to total_).
    std::size_t i = 0;
    for (std::uint64_t seen = counts_[0]; seen < target;) seen += counts_[++i];
    return std::min(highest_in(i), max_);
  }

  void merge(const LatencyHistogram& o) noexcept {
    for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    sum_ += o.sum_;
    overflow_ += o.overflow_;
    if (o.total_ != 0) {
      if (o.max_ > max_) max_ = o.max_;
      if (o.min_ < min_) min_ = o.min_;
    }
  }

  // What was recorded after `earlier`, a copy of this histogram taken before (counts only
  // grow, so the difference is exact bucket by bucket; min and max become their buckets'
  // bounds).
  [[nodiscard]] LatencyHistogram since(const LatencyHistogram& earlier) const noexcept {
    LatencyHistogram d;
    std::size_t first = kBuckets;
    std::size_t last = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      d.counts_[i] = counts_[i] - earlier.counts_[i];
      if (d.counts_[i] == 0) continue;
      if (first == kBuckets) first = i;
      last = i;
    }
    d.total_ = total_ - earlier.total_;
    d.sum_ = sum_ - earlier.sum_;
    d.overflow_ = overflow_ - earlier.overflow_;
    if (d.total_ != 0) {
      d.min_ = lowest_in(first);
      d.max_ = highest_in(last) < max_ ? highest_in(last) : max_;
    }
    return d;
  }

  // The percentile distribution in HdrHistogram's text format (values in microseconds),
  // which HdrHistogram's plotters read.
  void write_percentile_distribution(std::FILE* out) const;

  // Index of the bucket holding `v`, and the range of values a bucket holds.
  [[nodiscard]] static std::size_t index_of(std::uint64_t v) noexcept {
    if (v < kSubBuckets) return static_cast<std::size_t>(v);
    const unsigned octave = static_cast<unsigned>(std::bit_width(v)) - kSubBucketBits;  // >= 1
    const std::uint64_t sub = v >> octave;  // in [kSubBuckets / 2, kSubBuckets)
    return kSubBuckets + (octave - 1) * (kSubBuckets / 2) + static_cast<std::size_t>(sub - kSubBuckets / 2);
  }
  [[nodiscard]] static std::uint64_t lowest_in(std::size_t i) noexcept {
    if (i < kSubBuckets) return i;
    const std::size_t j = i - kSubBuckets;
    const unsigned octave = static_cast<unsigned>(j / (kSubBuckets / 2)) + 1;
    const std::uint64_t sub = j % (kSubBuckets / 2) + kSubBuckets / 2;
    return sub << octave;
  }
  [[nodiscard]] static std::uint64_t highest_in(std::size_t i) noexcept {
    return i + 1 < kBuckets ? lowest_in(i + 1) - 1 : kMaxValue;
  }

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t overflow_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = ~std::uint64_t{0};
};

}  // namespace tickwire::metrics
