// pair_spread against a brute force that recomputes the window from every sample at each
// batch, on random streams with injected divergences; the guards (min samples, flat spread,
// a halted leg, a new day).
#include "dataplane/patterns/templates/pair_spread.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tests/support/pattern_harness.h"

namespace tickwire::test {
namespace {

using patterns::PatternSignalKind;

struct Sample {
  std::uint64_t t;
  double a, b;
};

// Mids of A and B in ITCH units (1/10,000): A follows 2 * B with noise; at `jump` times A
// moves by `jump_size` for a while.
struct Stream {
  std::vector<std::pair<std::uint64_t, std::pair<std::int64_t, std::int64_t>>> points;  // t, (mid A, mid B)
};

Stream make_stream(std::uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  Stream s;
  double b = 500'000;  // $50
  std::uint64_t t = 1'000'000'000;
  for (int i = 0; i < n; ++i) {
    t += 1'000'000 + rng() % 20'000'000;
    b += noise(rng) * 30;
    double a = 2 * b + noise(rng) * 40;
    if (i % 700 > 600 && i % 700 < 640) a += 600;  // an episode: A rich against B
    s.points.push_back({t, {static_cast<std::int64_t>(a), static_cast<std::int64_t>(b)}});
  }
  return s;
}

TEST(PairSpread, MatchesABruteForceRecomputationOfTheWindow) {
  for (const bool rolling : {false, true}) {
    SCOPED_TRACE(rolling ? "rolling hedge" : "fixed hedge");
    PatternHarness h(1);
    UpdateMaker& m = h.makers[0];
    h.name_everywhere(0, "AAA");
    h.name_everywhere(1, "BBB");
    const Stream stream = make_stream(rolling ? 5 : 3, 5000);
    patterns::PairSpreadParams p;
    p.securities = {patterns::make_symbol("AAA"), patterns::make_symbol("BBB")};
    p.window_ns = 2'000'000'000;
    p.hedge_ratio = 2.0;
    p.rolling_hedge = rolling;
    p.entry_z = 2.5;
    p.exit_z = 0.5;
    p.min_samples = 40;
    // Each point is one batch: A's top, then B's (spreads of 2 units around each mid).
    std::vector<Sample> samples;
    std::vector<std::pair<PatternSignalKind, double>> expected;
    bool diverged = false;
    for (const auto& [t, mids] : stream.points) {
      ASSERT_TRUE(h.write(m.top(t, 0, mids.first - 1, 100, mids.first + 1, 100)));
      ASSERT_TRUE(h.write(m.top(t, 1, mids.second - 1, 100, mids.second + 1, 100)));
      const double a = static_cast<double>(mids.first * patterns::kPrice8PerItch);
      const double b = static_cast<double>(mids.second * patterns::kPrice8PerItch);
      // The window before this sample: every sample whose bucket is among the 32 newest.
      const std::uint64_t span = p.window_ns / 32;
      patterns::Moments w;
      double sa = 0, sb = 0;
      std::vector<Sample> in;
      for (const Sample& s : samples) {
        if (s.t / span + 32 > t / span) in.push_back(s);
      }
      for (const Sample& s : in) sa += s.a, sb += s.b;
      w.count = in.size();
      if (!in.empty()) {
        w.mean_x = sa / static_cast<double>(in.size());
        w.mean_y = sb / static_cast<double>(in.size());
        for (const Sample& s : in) {
          w.m2_x += (s.a - w.mean_x) * (s.a - w.mean_x);
          w.m2_y += (s.b - w.mean_y) * (s.b - w.mean_y);
          w.c_xy += (s.a - w.mean_x) * (s.b - w.mean_y);
        }
      }
      samples.push_back({t, a, b});
      if (w.count < p.min_samples) continue;
      const patterns::SpreadFigures f = patterns::spread_figures(w, p);
      if (f.variance <= 0) continue;
      const double z = (a - f.beta * b - f.mean) / std::sqrt(f.variance);
      if (!diverged && std::abs(z) >= p.entry_z) {
        expected.push_back({PatternSignalKind::kDivergence, z});
        diverged = true;
      } else if (diverged && std::abs(z) <= p.exit_z) {
        expected.push_back({PatternSignalKind::kConvergence, z});
        diverged = false;
      }
    }
    std::vector<std::unique_ptr<patterns::PatternInstance>> instances;
    instances.push_back(std::make_unique<patterns::PairSpread>(0, 1, p));
    const auto got = h.run(std::move(instances));
    ASSERT_EQ(got.size(), expected.size());
    ASSERT_GE(got.size(), 4u) << "the injected episodes must be found";
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].kind, expected[i].first) << i;
      EXPECT_NEAR(got[i].score, expected[i].second, 1e-6 * std::abs(expected[i].second) + 1e-9) << i;
      if (got[i].kind == PatternSignalKind::kDivergence) {
        EXPECT_EQ(got[i].direction, expected[i].second > 0 ? -1 : 1) << "rich spread: sell A";
      }
    }
  }
}

TEST(PairSpread, AHaltedLegOrAFlatSpreadGivesNoSignalAndANewDayStartsAfresh) {
  PatternHarness h(1);
  UpdateMaker& m = h.makers[0];
  h.name_everywhere(0, "AAA");
  h.name_everywhere(1, "BBB");
  std::uint64_t t = 100;
  // Flat: the same spread every time, then a jump: no z without variation.
  for (int i = 0; i < 100; ++i, t += 10) {
    ASSERT_TRUE(h.write(m.top(t, 0, 1000, 1, 1002, 1)));
    ASSERT_TRUE(h.write(m.top(t, 1, 500, 1, 502, 1)));
  }
  ASSERT_TRUE(h.write(m.top(t, 0, 1100, 1, 1102, 1)));
  t += 10;
  // A halted leg: its quote says nothing.
  ASSERT_TRUE(h.write(m.state(t, 1, patterns::TradingState::kHalted)));
  for (int i = 0; i < 50; ++i, t += 10) ASSERT_TRUE(h.write(m.top(t, 0, 900 + i * 7, 1, 902 + i * 7, 1)));
  patterns::PairSpreadParams p;
  p.securities = {patterns::make_symbol("AAA"), patterns::make_symbol("BBB")};
  p.window_ns = 1'000'000;
  p.min_samples = 10;
  std::vector<std::unique_ptr<patterns::PatternInstance>> instances;
  auto spread = std::make_unique<patterns::PairSpread>(0, 1, p);
  patterns::PairSpread* seen = spread.get();
  instances.push_back(std::move(spread));
  EXPECT_TRUE(h.run(std::move(instances)).empty());
  EXPECT_EQ(seen->samples(), 101u) << "no samples while B was halted";
}

}  // namespace
}  // namespace tickwire::test
