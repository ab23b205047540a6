// basket_premium in exact integer arithmetic against an independent computation, its
// hysteresis, and its suppression while too much of the basket's value is halted or stale.
#include "dataplane/patterns/templates/basket_premium.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tests/support/pattern_harness.h"

namespace tickwire::test {
namespace {

using patterns::PatternSignalKind;

patterns::BasketPremiumParams three_stock_etf() {
  patterns::BasketPremiumParams p;
  p.etf = patterns::make_symbol("ETF");
  p.components = {{patterns::make_symbol("AAA"), 300}, {patterns::make_symbol("BBB"), 150},
                  {patterns::make_symbol("CCC"), 50}};
  p.cash = 1234 * patterns::kPrice8PerUnit + 56'000'000;  // $1,234.56
  p.unit_shares = 1000;
  p.threshold_bps = 20;
  p.max_stale_weight = 0.10;
  return p;
}

TEST(BasketPremium, ThePremiumIsExactToTheBasisPoint) {
  const patterns::BasketPremiumParams p = three_stock_etf();
  // Bid + ask in Price8: AAA $100.005 a side (x2 = 200.01), BBB $50, CCC $20. The basket of a
  // unit, doubled: 300 * 200.01 + 150 * 100 + 50 * 40 + 2 * 1234.56 = 79,472.12.
  const std::vector<patterns::Price8> mids = {20'001'000'000, 10'000'000'000, 4'000'000'000};
  std::int64_t bps = 0;
  // The ETF's bid + ask at $79.631 a unit share: 1,000 of them doubled are 79,631.00, which is
  // (79631 - 79472.12) / 79472.12 * 1e4 = 19.99 bps: truncated toward zero.
  ASSERT_TRUE(patterns::basket_premium_bps(p, 7'963'100'000, mids, bps));
  EXPECT_EQ(bps, 19);
  ASSERT_TRUE(patterns::basket_premium_bps(p, 7'968'000'000, mids, bps));
  EXPECT_EQ(bps, 26);  // (79680 - 79472.12) / 79472.12 * 1e4 = 26.157...
}

TEST(BasketPremium, SignalsPremiumAndDiscountWithHysteresisAgainstAnIndependentComputation) {
  PatternHarness h(1);
  UpdateMaker& m = h.makers[0];
  const patterns::BasketPremiumParams p = three_stock_etf();
  h.name_everywhere(0, "ETF");
  h.name_everywhere(1, "AAA");
  h.name_everywhere(2, "BBB");
  h.name_everywhere(3, "CCC");
  std::mt19937_64 rng(9);
  std::int64_t a = 1'000'050, b = 500'000, c = 200'000;  // ITCH units
  std::vector<PatternSignalKind> expected;
  int state = 0;
  std::uint64_t t = 100;
  for (int i = 0; i < 4000; ++i, t += 1000) {
    a += static_cast<std::int64_t>(rng() % 41) - 20;
    b += static_cast<std::int64_t>(rng() % 21) - 10;
    c += static_cast<std::int64_t>(rng() % 11) - 5;
    // The ETF's fair mid per share in ITCH units, then off by up to +-40 bps.
    const __int128 fair_x2 = (static_cast<__int128>(300) * (2 * a) + 150 * (2 * b) + 50 * (2 * c)) * 10'000 +
                             2 * p.cash;  // Price8
    const std::int64_t off_bps = static_cast<std::int64_t>(rng() % 81) - 40;
    const std::int64_t etf_mid = static_cast<std::int64_t>(fair_x2 / 2 / 1000 / 10'000) * (10'000 + off_bps) / 10'000;
    ASSERT_TRUE(h.write(m.top(t, 1, a - 1, 10, a + 1, 10)));
    ASSERT_TRUE(h.write(m.top(t, 2, b - 1, 10, b + 1, 10)));
    ASSERT_TRUE(h.write(m.top(t, 3, c - 1, 10, c + 1, 10)));
    ASSERT_TRUE(h.write(m.top(t, 0, etf_mid - 1, 10, etf_mid + 1, 10)));
    // Independently: every value x 2 in Price8, the premium truncated toward zero.
    const __int128 basket = static_cast<__int128>(300) * (2 * a * 10'000) + static_cast<__int128>(150) * (2 * b * 10'000) +
                            static_cast<__int128>(50) * (2 * c * 10'000) + 2 * static_cast<__int128>(p.cash);
    const __int128 etf = static_cast<__int128>(2 * etf_mid * 10'000) * 1000;
    const auto bps = static_cast<std::int64_t>((etf - basket) * 10'000 / basket);
    int next = state;
    if (bps >= p.threshold_bps) next = 1;
    else if (bps <= -p.threshold_bps) next = -1;
    else if (2 * std::abs(bps) < p.threshold_bps) next = 0;
    if (next != state && next != 0) expected.push_back(next > 0 ? PatternSignalKind::kPremium : PatternSignalKind::kDiscount);
    state = next;
  }
  std::vector<std::unique_ptr<patterns::PatternInstance>> instances;
  instances.push_back(std::make_unique<patterns::BasketPremium>(0, 1, p));
  const auto got = h.run(std::move(instances));
  ASSERT_EQ(got.size(), expected.size());
  ASSERT_GE(got.size(), 10u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].kind, expected[i]) << i;
}

TEST(BasketPremium, SuppressedWhileTooMuchOfTheBasketIsHalted) {
  PatternHarness h(1);
  UpdateMaker& m = h.makers[0];
  patterns::BasketPremiumParams p = three_stock_etf();
  for (const auto& [i, s] : std::vector<std::pair<int, const char*>>{{0, "ETF"}, {1, "AAA"}, {2, "BBB"}, {3, "CCC"}}) {
    h.name_everywhere(static_cast<std::uint32_t>(i), s);
  }
  ASSERT_TRUE(h.write(m.top(10, 1, 999'999, 1, 1'000'001, 1)));
  ASSERT_TRUE(h.write(m.top(10, 2, 499'999, 1, 500'001, 1)));
  ASSERT_TRUE(h.write(m.top(10, 3, 199'999, 1, 200'001, 1)));
  ASSERT_TRUE(h.write(m.state(20, 1, patterns::TradingState::kHalted)));  // AAA: most of the value
  ASSERT_TRUE(h.write(m.top(30, 0, 900'000, 1, 900'002, 1)));              // a huge premium, unjudged
  std::vector<std::unique_ptr<patterns::PatternInstance>> instances;
  auto basket = std::make_unique<patterns::BasketPremium>(0, 1, p);
  const patterns::BasketPremium* seen = basket.get();
  instances.push_back(std::move(basket));
  EXPECT_TRUE(h.run(std::move(instances)).empty());
  EXPECT_GT(seen->suppressed(), 0u);
}

}  // namespace
}  // namespace tickwire::test
