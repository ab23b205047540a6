// correlation_break against a brute force that recomputes each pair's correlations from the
// returns at every grid point, on correlated legs one of which breaks away for a while.
#include "dataplane/patterns/templates/correlation_break.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tests/support/pattern_harness.h"

namespace tickwire::test {
namespace {

double correlation(const std::vector<std::pair<double, double>>& xy) {
  if (xy.size() < 2) return 0;
  double mx = 0, my = 0;
  for (const auto& [x, y] : xy) mx += x, my += y;
  mx /= static_cast<double>(xy.size());
  my /= static_cast<double>(xy.size());
  double sxx = 0, syy = 0, sxy = 0;
  for (const auto& [x, y] : xy) {
    sxx += (x - mx) * (x - mx);
    syy += (y - my) * (y - my);
    sxy += (x - mx) * (y - my);
  }
  const double d = std::sqrt(sxx * syy);
  return d > 0 ? sxy / d : 0;
}

TEST(CorrelationBreak, MatchesABruteForceRecomputationAtEveryGridPoint) {
  PatternHarness h(1);
  UpdateMaker& m = h.makers[0];
  const char* names[3] = {"AAA", "BBB", "CCC"};
  for (std::uint32_t s = 0; s < 3; ++s) h.name_everywhere(s, names[s]);
  patterns::CorrelationBreakParams p;
  for (const char* n : names) p.securities.push_back(patterns::make_symbol(n));
  p.grid_ns = 1'000'000;
  p.window_ns = 32'000'000;       // 32 grid points
  p.norm_window_ns = 320'000'000;
  p.threshold = 0.6;
  p.min_samples = 20;
  std::mt19937_64 rng(17);
  std::normal_distribution<double> noise(0.0, 1.0);
  double level[3] = {1'000'000, 2'000'000, 500'000};
  std::vector<std::uint64_t> times;
  std::vector<std::array<double, 3>> mids;
  for (int k = 1; k <= 3000; ++k) {
    const double common = noise(rng);
    const bool broken = k % 1000 > 700 && k % 1000 < 760;  // BBB goes its own way
    for (int s = 0; s < 3; ++s) {
      const double own = noise(rng);
      const double r = (s == 1 && broken) ? -common * 0.9 + own * 0.1 : common * 0.9 + own * 0.3;
      level[s] = std::round(level[s] * (1 + r * 0.0005));
    }
    const std::uint64_t t = static_cast<std::uint64_t>(k) * p.grid_ns;  // every batch on the grid
    times.push_back(t);
    mids.push_back({level[0], level[1], level[2]});
    for (std::uint32_t s = 0; s < 3; ++s) {
      const auto mid = static_cast<std::int64_t>(level[s]);
      ASSERT_TRUE(h.write(m.top(t, s, mid - 1, 10, mid + 1, 10)));
    }
  }
  // Brute force: returns between consecutive grid points; windows of 32 buckets as the template.
  std::vector<std::pair<std::pair<int, int>, double>> expected;
  bool broken[3][3] = {};
  for (std::size_t i = 1; i < times.size(); ++i) {
    for (int a = 0; a < 3; ++a) {
      for (int b = a + 1; b < 3; ++b) {
        auto collect = [&](std::uint64_t window) {
          std::vector<std::pair<double, double>> xy;
          const std::uint64_t span = window / 32;
          for (std::size_t j = 1; j <= i; ++j) {
            if (times[j] / span + 32 <= times[i] / span) continue;
            xy.push_back({std::log(mids[j][a] / mids[j - 1][a]), std::log(mids[j][b] / mids[j - 1][b])});
          }
          return xy;
        };
        const auto recent = collect(p.window_ns);
        const auto norm = collect(p.norm_window_ns);
        if (recent.size() < p.min_samples || norm.size() < p.min_samples) continue;
        const double departure = correlation(recent) - correlation(norm);
        if (!broken[a][b] && std::abs(departure) >= p.threshold) {
          broken[a][b] = true;
          expected.push_back({{a, b}, departure});
        } else if (broken[a][b] && 2 * std::abs(departure) < p.threshold) {
          broken[a][b] = false;
        }
      }
    }
  }
  std::vector<std::unique_ptr<patterns::PatternInstance>> instances;
  instances.push_back(std::make_unique<patterns::CorrelationBreak>(0, 1, p));
  const auto got = h.run(std::move(instances));
  ASSERT_EQ(got.size(), expected.size());
  ASSERT_GE(got.size(), 2u) << "the injected breaks must be found";
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].securities[0], static_cast<std::uint32_t>(expected[i].first.first)) << i;
    EXPECT_EQ(got[i].securities[1], static_cast<std::uint32_t>(expected[i].first.second)) << i;
    EXPECT_NEAR(got[i].score, expected[i].second, 1e-6) << i;
  }
}

}  // namespace
}  // namespace tickwire::test
