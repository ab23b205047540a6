#include "dataplane/metrics/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

namespace tickwire::metrics {
namespace {

TEST(LatencyHistogram, BucketsTileTheRangeWithUnderOnePercentWidth) {
  for (std::size_t i = 0; i + 1 < LatencyHistogram::kBuckets; ++i) {
    const std::uint64_t lo = LatencyHistogram::lowest_in(i);
    const std::uint64_t hi = LatencyHistogram::highest_in(i);
    ASSERT_LE(lo, hi);
    ASSERT_EQ(LatencyHistogram::index_of(lo), i);
    ASSERT_EQ(LatencyHistogram::index_of(hi), i);
    ASSERT_EQ(LatencyHistogram::lowest_in(i + 1), hi + 1);
    if (lo > 0) {
      ASSERT_LT(static_cast<double>(hi - lo) / static_cast<double>(lo), 0.01) << i;
    }
  }
  EXPECT_EQ(LatencyHistogram::index_of(LatencyHistogram::kMaxValue), LatencyHistogram::kBuckets - 1);
  EXPECT_GE(LatencyHistogram::kMaxValue, 60'000'000'000ull);  // 60 s
}

TEST(LatencyHistogram, PercentilesAreWithinOnePercentOfTheTruth) {
  std::mt19937_64 rng(5);
  std::lognormal_distribution<double> dist(8.0, 1.5);  // ~3 us median, long tail
  std::vector<std::uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 200'000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng)) + 1;
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (const double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
    // The value at or below which p% of the values lie: rank ceil(p * n).
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    const std::uint64_t truth = values[rank - 1];
    const std::uint64_t got = h.percentile(p);
    EXPECT_GE(got, truth) << p;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(truth) * 1.01 + 1) << p;
  }
  EXPECT_EQ(h.percentile(100), values.back());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.count(), values.size());
}

TEST(LatencyHistogram, ExtremesAndMerging) {
  LatencyHistogram a;
  EXPECT_EQ(a.percentile(99), 0u);
  a.record(1);
  a.record(100'000'000'000ull);  // 100 s: past the range, counted and clamped
  EXPECT_EQ(a.overflow(), 1u);
  EXPECT_EQ(a.max(), LatencyHistogram::kMaxValue);
  LatencyHistogram b;
  b.record(500);
  a.merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.min(), 1u);
  EXPECT_EQ(a.percentile(50), 500u + 1u);  // highest value of 500's bucket
}

TEST(LatencyHistogram, WhatWasRecordedSinceACopyIsExactlyTheLaterValues) {
  metrics::LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v * 1000);  // 1 us .. 1 ms
  const metrics::LatencyHistogram before = h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);  // 1 .. 100 ns
  const metrics::LatencyHistogram interval = h.since(before);
  EXPECT_EQ(interval.count(), 100u);
  EXPECT_EQ(interval.percentile(50), 50u);
  EXPECT_EQ(interval.percentile(100), 100u);
  EXPECT_EQ(interval.max(), 100u);
  EXPECT_EQ(interval.min(), 1u);
  EXPECT_DOUBLE_EQ(interval.mean(), 50.5);
  EXPECT_EQ(h.since(h).count(), 0u);
}

TEST(LatencyHistogram, WritesHdrHistogramsPercentileDistribution) {
  LatencyHistogram h;
  for (std::uint64_t v = 1000; v <= 100'000; v += 7) h.record(v);
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&text, &size);
  h.write_percentile_distribution(f);
  std::fclose(f);
  const std::string out(text, size);
  std::free(text);
  EXPECT_EQ(out.rfind("       Value     Percentile TotalCount 1/(1-Percentile)", 0), 0u) << out;
  EXPECT_NE(out.find("#[Max     =       99.994"), std::string::npos) << out;  // the last value, in us
  EXPECT_NE(out.find("#[Mean    =       50.4"), std::string::npos) << out;
}

}  // namespace
}  // namespace tickwire::metrics
