// lead_lag against a brute force that scans the window's samples, on a random leader with a
// follower that follows after a lag and one that never does.
#include "dataplane/patterns/templates/lead_lag.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

#include "tests/support/pattern_harness.h"

namespace tickwire::test {
namespace {

TEST(LeadLag, MatchesABruteForceScanOfTheWindows) {
  PatternHarness h(1);
  UpdateMaker& m = h.makers[0];
  h.name_everywhere(0, "LEAD");
  h.name_everywhere(1, "FOLLOW");
  h.name_everywhere(2, "IDLE");
  patterns::LeadLagParams p;
  p.securities = {patterns::make_symbol("LEAD"), patterns::make_symbol("FOLLOW"), patterns::make_symbol("IDLE")};
  p.move_bps = 15;
  p.follower_bps = 5;
  p.within_ns = 50'000;
  p.expected_lag_ns = 20'000;
  std::mt19937_64 rng(21);
  std::normal_distribution<double> noise(0.0, 1.0);
  double lead = 1'000'000;  // ITCH units: $100
  std::deque<double> history;  // the leader's mids, a step apart: the follower copies one 3 steps old
  double idle = 500'000;
  struct Point {
    std::uint64_t t;
    double mids[3];
  };
  std::vector<Point> points;
  std::uint64_t t = 1000;
  for (int i = 0; i < 6000; ++i, t += 5000) {
    lead += noise(rng) * 300 + (i % 400 == 200 ? 4000 : 0);
    history.push_back(lead);
    if (history.size() > 4) history.pop_front();
    const double follow = history.front() / 2;
    idle += noise(rng) * 5;
    const Point point{t, {std::round(lead), std::round(follow), std::round(idle)}};
    points.push_back(point);
    for (std::uint32_t s = 0; s < 3; ++s) {
      const auto mid = static_cast<std::int64_t>(point.mids[s]);
      ASSERT_TRUE(h.write(m.top(t, s, mid - 1, 10, mid + 1, 10)));
    }
  }
  // The brute force: each point is a batch; windows hold the samples no older than within.
  std::vector<std::pair<std::uint32_t, int>> expected;  // (follower leg, direction)
  std::uint64_t last[3] = {0, 0, 0};
  bool signalled[3] = {false, false, false};
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::uint64_t now = points[i].t;
    auto extremes = [&](int leg, double& low, double& high) {
      low = 1e300;
      high = -1e300;
      for (std::size_t j = 0; j <= i; ++j) {
        if (points[j].t + p.within_ns < now) continue;
        low = std::min(low, points[j].mids[leg]);
        high = std::max(high, points[j].mids[leg]);
      }
    };
    double low, high;
    extremes(0, low, high);
    const double up = (points[i].mids[0] - low) / low * 1e4;
    const double down = (high - points[i].mids[0]) / high * 1e4;
    const int direction = up >= p.move_bps ? 1 : down >= p.move_bps ? -1 : 0;
    if (direction == 0) continue;
    for (int f = 1; f <= 2; ++f) {
      if (signalled[f] && now - last[f] < p.within_ns) continue;
      double flow, fhigh;
      extremes(f, flow, fhigh);
      const double moved = direction > 0 ? (points[i].mids[f] - flow) / flow * 1e4 : (fhigh - points[i].mids[f]) / fhigh * 1e4;
      if (moved >= p.follower_bps) continue;
      expected.push_back({static_cast<std::uint32_t>(f), direction});
      signalled[f] = true;
      last[f] = now;
    }
  }
  std::vector<std::unique_ptr<patterns::PatternInstance>> instances;
  instances.push_back(std::make_unique<patterns::LeadLag>(0, 1, p));
  const auto got = h.run(std::move(instances));
  ASSERT_EQ(got.size(), expected.size());
  ASSERT_GE(got.size(), 10u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].securities[1], expected[i].first) << i;
    EXPECT_EQ(got[i].direction, expected[i].second) << i;
    EXPECT_EQ(got[i].lag_ns, 20'000);
  }
}

}  // namespace
}  // namespace tickwire::test
