#include "dataplane/metrics/latency_histogram.h"

#include <cinttypes>
#include <cmath>

namespace tickwire::metrics {

void LatencyHistogram::write_percentile_distribution(std::FILE* out) const {
  std::fprintf(out, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");
  if (total_ == 0) return;
  // Rows at the percentiles HdrHistogram prints: halving the remaining distance to 100%.
  std::uint64_t seen = 0;
  std::size_t bucket = 0;
  for (double fraction = 0.0;; fraction += (1.0 - fraction) / 2.0) {
    const double target = fraction * static_cast<double>(total_);
    while (bucket < kBuckets && static_cast<double>(seen + counts_[bucket]) < target) seen += counts_[bucket++];
    const std::uint64_t value = bucket < kBuckets ? std::min(highest_in(bucket), max_) : max_;
    const double inverse = fraction < 1.0 ? 1.0 / (1.0 - fraction) : INFINITY;
    std::fprintf(out, "%12.3f %14.12f %10" PRIu64 " %14.2f\n", static_cast<double>(value) / 1000.0, fraction,
                 std::max<std::uint64_t>(seen, static_cast<std::uint64_t>(target)), inverse);
    if (static_cast<double>(total_) * (1.0 - fraction) < 1.0) break;
  }
  std::fprintf(out, "%12.3f %14.12f %10" PRIu64 "\n", static_cast<double>(max_) / 1000.0, 1.0, total_);
  double variance = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    if (counts_[i] == 0) continue;
    const double mid = (static_cast<double>(lowest_in(i)) + static_cast<double>(highest_in(i))) / 2.0;
    variance += static_cast<double>(counts_[i]) * (mid - mean()) * (mid - mean());
  }
  std::fprintf(out, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", mean() / 1000.0,
               std::sqrt(variance / static_cast<double>(total_)) / 1000.0);
  std::fprintf(out, "#[Max     = %12.3f, Total count    = %12" PRIu64 "]\n", static_cast<double>(max_) / 1000.0,
               total_);
  std::fprintf(out, "#[Buckets = %12zu, SubBuckets     = %12" PRIu64 "]\n", kBuckets, kSubBuckets);
}

}  // namespace tickwire::metrics
