// cross_venue as its contract states it, through the engine: every feed's updates merged in
// time order, evaluated at the end of each batch, a signal when a security's state becomes
// locked or crossed; and against a brute-force reference on random streams.
#include "dataplane/patterns/templates/cross_venue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "dataplane/patterns/broadcast_ring.h"
#include "dataplane/patterns/pattern_engine.h"
#include "tests/support/market_updates.h"

namespace tickwire::test {
namespace {

using patterns::MarketUpdate;
using patterns::PatternSignal;
using patterns::PatternSignalKind;

// Feeds' rings written up front (closed), one engine reading them, its signals collected.
struct Harness {
  std::vector<std::unique_ptr<patterns::BroadcastRing<MarketUpdate>>> rings;
  std::vector<UpdateMaker> makers;
  std::unique_ptr<patterns::PatternEngine> engine;

  explicit Harness(std::size_t feeds) {
    for (std::size_t f = 0; f < feeds; ++f) {
      rings.push_back(std::make_unique<patterns::BroadcastRing<MarketUpdate>>(1 << 16, 1));
      makers.push_back(UpdateMaker{static_cast<std::uint16_t>(f), 0});
    }
  }
  void write(const MarketUpdate& u) { ASSERT_TRUE(rings[u.feed]->try_write(u)); }
  std::vector<PatternSignal> run(patterns::CrossVenueParams params) {
    std::vector<patterns::MergeSource> sources;
    for (auto& r : rings) {
      r->close();
      sources.push_back({r.get(), 0, nullptr});
    }
    patterns::EngineConfig config;
    config.max_securities = 64;
    config.max_instruments = 64;
    config.feeds = rings.size();
    engine = std::make_unique<patterns::PatternEngine>(config, std::move(sources), patterns::FeedMerge::Mode::kExact);
    auto cv = std::make_unique<patterns::CrossVenue>(0, 1, std::move(params), config.max_securities);
    EXPECT_TRUE(cv->ok());
    engine->add(std::move(cv));
    std::vector<PatternSignal> out;
    while (!engine->finished()) {
      engine->poll(0);
      while (const PatternSignal* s = engine->output().front()) {
        out.push_back(*s);
        engine->output().pop();
      }
    }
    while (const PatternSignal* s = engine->output().front()) {
      out.push_back(*s);
      engine->output().pop();
    }
    return out;
  }
};

TEST(CrossVenue, SignalsWhenASecurityBecomesLockedOrCrossedAcrossFeeds) {
  Harness h(3);
  UpdateMaker& a = h.makers[0];
  UpdateMaker& b = h.makers[1];
  UpdateMaker& c = h.makers[2];
  h.write(a.named(1, 7, "AAPL"));
  h.write(b.named(1, 3, "AAPL"));
  h.write(c.named(1, 9, "AAPL"));
  h.write(a.top(10, 7, 1000, 100, 1002, 100));
  h.write(b.top(10, 3, 999, 100, 1003, 100));
  h.write(c.top(10, 9, 998, 100, 1004, 100));
  h.write(b.top(20, 3, 1002, 100, 1003, 100));  // b's bid meets a's ask: locked
  h.write(c.top(30, 9, 998, 100, 1001, 100));   // b's bid 1002 above c's ask 1001: crossed
  h.write(c.top(40, 9, 998, 100, 1000, 100));   // still crossed, wider: no new signal
  h.write(b.top(50, 3, 999, 100, 1003, 100));   // a 1000/1002, b 999, c ask 1000: a's bid locks c's ask
  h.write(a.top(60, 7, 999, 100, 1002, 100));   // none
  const std::vector<PatternSignal> s = h.run({});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].kind, PatternSignalKind::kLocked);
  EXPECT_EQ(s[0].bid_feed, 1);
  EXPECT_EQ(s[0].ask_feed, 0);
  EXPECT_EQ(s[0].bid, 1002 * patterns::kPrice8PerItch);
  EXPECT_EQ(s[0].feed, 1) << "keyed by the batch's last update touching the security";
  EXPECT_EQ(s[1].kind, PatternSignalKind::kCrossed);
  EXPECT_EQ(s[1].bid_feed, 1);
  EXPECT_EQ(s[1].ask_feed, 2);
  EXPECT_EQ(s[1].time_ns, 30u);
  EXPECT_GT(s[1].score, 0.0);
  EXPECT_EQ(s[2].kind, PatternSignalKind::kLocked) << "from crossed to locked is a change";
  EXPECT_EQ(s[2].bid_feed, 0);
  EXPECT_EQ(s[2].ask_feed, 2);
}

TEST(CrossVenue, ABatchIsJudgedWhenAllItsUpdatesAreIn) {
  Harness h(2);
  UpdateMaker& a = h.makers[0];
  UpdateMaker& b = h.makers[1];
  h.write(a.named(1, 1, "MSFT"));
  h.write(b.named(1, 1, "MSFT"));
  h.write(a.top(10, 1, 100, 1, 102, 1));
  h.write(b.top(10, 1, 100, 1, 102, 1));
  // At t=20 b crosses a, and a moves away in the same batch: nothing at its end.
  h.write(a.top(20, 1, 100, 1, 105, 1));
  h.write(b.top(20, 1, 103, 1, 106, 1));
  h.write(a.top(20, 1, 100, 1, 107, 1));
  const std::vector<PatternSignal> s = h.run({});
  EXPECT_TRUE(s.empty()) << s.size() << " signals";
}

TEST(CrossVenue, HaltedLegsCountUnlessSkippedAndOneFeedIsNoComparison) {
  for (const bool skip : {false, true}) {
    Harness h(2);
    UpdateMaker& a = h.makers[0];
    UpdateMaker& b = h.makers[1];
    h.write(a.named(1, 1, "IBM"));
    h.write(b.named(1, 1, "IBM"));
    h.write(a.named(1, 2, "ONLYA"));
    h.write(a.top(5, 2, 100, 1, 99, 1));  // its own book crossed, one feed: not cross-venue
    h.write(b.state(10, 1, patterns::TradingState::kHalted));
    h.write(a.top(20, 1, 100, 1, 101, 1));
    h.write(b.top(30, 1, 101, 1, 102, 1));
    patterns::CrossVenueParams p;
    p.skip_halted = skip;
    const std::vector<PatternSignal> s = h.run(p);
    ASSERT_EQ(s.size(), skip ? 0u : 1u) << "skip_halted " << skip;
    if (!skip) {
      EXPECT_EQ(s[0].kind, PatternSignalKind::kLocked);
      EXPECT_EQ(s[0].bid_state, static_cast<std::uint8_t>(patterns::TradingState::kHalted));
    }
  }
}

TEST(CrossVenue, AListWatchesOnlyItsSecuritiesAndANewDayStartsAfresh) {
  Harness h(2);
  UpdateMaker& a = h.makers[0];
  UpdateMaker& b = h.makers[1];
  for (auto* m : {&a, &b}) {
    h.write(m->named(1, 1, "AAA"));
    h.write(m->named(1, 2, "BBB"));
  }
  h.write(a.top(10, 1, 100, 1, 101, 1));
  h.write(b.top(10, 1, 101, 1, 102, 1));  // AAA locked
  h.write(a.top(10, 2, 100, 1, 101, 1));
  h.write(b.top(10, 2, 101, 1, 102, 1));  // BBB locked: not listed
  h.write(a.day(100));
  h.write(b.day(100));
  for (auto* m : {&a, &b}) h.write(m->named(101, 5, "AAA"));
  h.write(a.top(110, 5, 100, 1, 101, 1));
  h.write(b.top(110, 5, 101, 1, 102, 1));  // locked again on the new day: a new signal
  patterns::CrossVenueParams p;
  p.securities = {patterns::make_symbol("AAA")};
  const std::vector<PatternSignal> s = h.run(p);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].securities[0], s[1].securities[0]) << "the same security on both days";
  EXPECT_EQ(s[1].time_ns, 110u);
}

// The contract recomputed from scratch at each batch end, against the engine's signals.
TEST(CrossVenue, MatchesABruteForceReferenceOnRandomStreams) {
  std::mt19937_64 rng(11);
  constexpr std::size_t kFeeds = 3;
  constexpr std::uint32_t kSecurities = 4;
  Harness h(kFeeds);
  for (std::uint16_t f = 0; f < kFeeds; ++f) {
    for (std::uint32_t s = 0; s < kSecurities; ++s) h.write(h.makers[f].named(1, s, "S" + std::to_string(s)));
  }
  struct Top {
    std::int64_t bid = 0, ask = 0;
  };
  std::map<std::pair<std::uint32_t, std::uint16_t>, Top> tops;
  std::map<std::uint32_t, int> state;  // 0 none, 1 locked, 2 crossed
  std::vector<std::pair<std::uint32_t, int>> expected;  // (security, kind) in order
  std::uniform_int_distribution<int> pick_feed(0, kFeeds - 1), pick_sec(0, kSecurities - 1), price(95, 105);
  std::uint64_t t = 10;
  for (int batch = 0; batch < 3000; ++batch) {
    t += 1 + rng() % 3;
    const int updates = 1 + static_cast<int>(rng() % 3);
    std::vector<MarketUpdate> batch_updates;
    for (int k = 0; k < updates; ++k) {
      const auto f = static_cast<std::uint16_t>(pick_feed(rng));
      const auto sec = static_cast<std::uint32_t>(pick_sec(rng));
      std::int64_t bid = price(rng), ask = bid + 1 + static_cast<std::int64_t>(rng() % 3);
      if (rng() % 10 == 0) bid = 0;  // an empty side
      batch_updates.push_back(h.makers[f].top(t, sec, bid, bid == 0 ? 0 : 100, ask, 100));
      h.write(batch_updates.back());
    }
    // The merge takes one time's updates in feed order, each feed's in its own order (sorted by
    // index: a stable sort's scratch buffer ignores the records' 64-byte alignment).
    std::vector<std::size_t> order(batch_updates.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return batch_updates[x].feed < batch_updates[y].feed; });
    std::vector<std::uint32_t> touched;
    for (const std::size_t i : order) {
      const MarketUpdate& u = batch_updates[i];
      tops[{u.instrument, u.feed}] = {u.top.bid / patterns::kPrice8PerItch, u.top.ask / patterns::kPrice8PerItch};
      if (u.top.bid_size == 0) tops[{u.instrument, u.feed}].bid = 0;
      if (std::find(touched.begin(), touched.end(), u.instrument) == touched.end()) touched.push_back(u.instrument);
    }
    // Evaluated at the batch's end, securities in the order the batch first touched them.
    for (const std::uint32_t sec : touched) {
      int now = 0;
      for (std::uint16_t b = 0; b < kFeeds; ++b) {
        for (std::uint16_t a = 0; a < kFeeds; ++a) {
          if (a == b || !tops.count({sec, b}) || !tops.count({sec, a})) continue;
          const Top& tb = tops[{sec, b}];
          const Top& ta = tops[{sec, a}];
          if (tb.bid == 0 || ta.ask == 0) continue;
          if (tb.bid > ta.ask) now = 2;
          if (tb.bid == ta.ask && now == 0) now = 1;
        }
      }
      if (now != 0 && now != state[sec]) expected.push_back({sec, now});
      state[sec] = now;
    }
  }
  const std::vector<PatternSignal> got = h.run({});
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    // Securities are numbered in the order feed 0 named them: S0..S3 are 0..3.
    EXPECT_EQ(got[i].securities[0], expected[i].first) << i;
    EXPECT_EQ(got[i].kind, expected[i].second == 2 ? PatternSignalKind::kCrossed : PatternSignalKind::kLocked) << i;
  }
}

}  // namespace
}  // namespace tickwire::test
