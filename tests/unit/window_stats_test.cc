// Windowed moments against a brute-force recomputation over the same samples, on random
// streams; stability where a running sum would cancel; a flat series has no correlation.
#include "dataplane/patterns/window_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace tickwire::test {
namespace {

struct Sample {
  std::uint64_t t;
  double x;
  double y;
};

// The figures of the samples whose bucket is within the window's kBuckets newest.
patterns::Moments brute_force(const std::vector<Sample>& all, std::uint64_t span, std::size_t buckets) {
  const std::uint64_t newest = all.back().t / span;
  std::vector<Sample> kept;
  for (const Sample& s : all) {
    if (s.t / span + buckets > newest) kept.push_back(s);
  }
  patterns::Moments m;
  m.count = kept.size();
  if (kept.empty()) return m;
  for (const Sample& s : kept) {
    m.mean_x += s.x;
    m.mean_y += s.y;
  }
  m.mean_x /= static_cast<double>(kept.size());
  m.mean_y /= static_cast<double>(kept.size());
  for (const Sample& s : kept) {
    m.m2_x += (s.x - m.mean_x) * (s.x - m.mean_x);
    m.m2_y += (s.y - m.mean_y) * (s.y - m.mean_y);
    m.c_xy += (s.x - m.mean_x) * (s.y - m.mean_y);
  }
  return m;
}

TEST(WindowMoments, MatchesABruteForceRecomputationOnRandomStreams) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::uint64_t> step(0, 40'000'000);  // up to 40 ms between samples
  std::normal_distribution<double> noise(0.0, 1.0);
  constexpr std::uint64_t kWindow = 1'000'000'000;
  patterns::WindowMoments<32> window(kWindow);
  std::vector<Sample> all;
  std::uint64_t t = 1'700'000'000'000'000'000ull;
  double level = 100.0;
  for (int i = 0; i < 20'000; ++i) {
    t += step(rng);
    level += noise(rng) * 0.01;
    const double x = level;
    const double y = 0.7 * level + noise(rng) * 0.05;
    window.add(t, x, y);
    all.push_back({t, x, y});
    if (i % 97 != 0) continue;
    const patterns::Moments got = window.summary();
    const patterns::Moments want = brute_force(all, kWindow / 32, 32);
    ASSERT_EQ(got.count, want.count) << i;
    EXPECT_NEAR(got.mean_x, want.mean_x, 1e-9 * std::abs(want.mean_x)) << i;
    EXPECT_NEAR(got.variance_x(), want.variance_x(), 1e-7 * want.variance_x() + 1e-12) << i;
    EXPECT_NEAR(got.covariance(), want.covariance(), 1e-7 * std::abs(want.covariance()) + 1e-12) << i;
    EXPECT_NEAR(got.correlation(), want.correlation(), 1e-7) << i;
  }
}

// A read keeps the merge of the closed buckets until the window moves on: reads after every
// sample, several samples to a bucket, still see each new sample and each bucket that leaves.
TEST(WindowMoments, ReadsBetweenSamplesOfOneBucketSeeEverySample) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::uint64_t> step(0, 8'000'000);  // about four samples a bucket
  std::normal_distribution<double> noise(0.0, 1.0);
  constexpr std::uint64_t kWindow = 1'000'000'000;
  patterns::WindowMoments<32> window(kWindow);
  std::vector<Sample> all;
  std::uint64_t t = 1'700'000'000'000'000'000ull;
  for (int i = 0; i < 3'000; ++i) {
    t += step(rng);
    const double x = 50.0 + noise(rng);
    const double y = 0.5 * x + noise(rng) * 0.1;
    window.add(t, x, y);
    all.push_back({t, x, y});
    const patterns::Moments got = window.summary();
    const patterns::Moments want = brute_force(all, kWindow / 32, 32);
    ASSERT_EQ(got.count, want.count) << i;
    EXPECT_NEAR(got.mean_x, want.mean_x, 1e-9 * std::abs(want.mean_x)) << i;
    EXPECT_NEAR(got.covariance(), want.covariance(), 1e-7 * std::abs(want.covariance()) + 1e-12) << i;
  }
}

TEST(WindowMoments, StaysExactWhereARunningSumOfSquaresWouldCancel) {
  // Prices near 1e9 moving by 1e-3: sum(x^2) - n*mean^2 loses every digit that matters.
  patterns::WindowMoments<16> window(16'000);
  for (std::uint64_t i = 0; i < 1'000'000; ++i) window.add(i, 1e9 + static_cast<double>(i % 2) * 1e-3);
  const patterns::Moments m = window.summary();
  EXPECT_NEAR(m.variance_x(), 0.25e-6, 1e-9);
}

TEST(WindowMoments, OldBucketsLeaveWholeAndAGapEmptiesTheWindow) {
  patterns::WindowMoments<4> window(400);  // buckets of 100 ns
  window.add(0, 1.0);
  window.add(150, 3.0);
  EXPECT_EQ(window.summary().count, 2u);
  window.add(420, 5.0);  // bucket 4: bucket 0 leaves
  EXPECT_EQ(window.summary().count, 2u);
  EXPECT_DOUBLE_EQ(window.summary().mean_x, 4.0);
  window.advance(10'000);
  EXPECT_EQ(window.summary().count, 0u);
}

TEST(WindowMoments, AFlatSeriesHasNoCorrelation) {
  patterns::WindowMoments<4> window(400);
  for (std::uint64_t t = 0; t < 100; ++t) window.add(t, 5.0, static_cast<double>(t));
  EXPECT_EQ(window.summary().correlation(), 0.0);
  EXPECT_FALSE(std::isnan(window.summary().correlation()));
}

}  // namespace
}  // namespace tickwire::test
