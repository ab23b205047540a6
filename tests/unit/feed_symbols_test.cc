// The securities file's per-feed symbols through the engine: a feed that names a security
// otherwise (symbols = { bx = "AAPL.X" }) lands its updates on that security; the same text
// on another feed stays a security of its own; a reload (ReferenceSwap) takes a new table at
// one merge key, for the instruments named from then on, on one thread or on several.
#include "dataplane/patterns/feed_symbols.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "dataplane/patterns/reference_swap.h"
#include "dataplane/patterns/templates/cross_venue.h"
#include "tests/support/pattern_harness.h"

namespace tickwire::test {
namespace {

using patterns::make_symbol;
using patterns::PatternSignal;
using patterns::PatternSignalKind;

patterns::ReferenceData aapl_on_bx() {
  patterns::ReferenceData r;
  patterns::SecurityReference aapl;
  aapl.symbol = "AAPL";
  aapl.on = {{"bx", "AAPL.X"}, {"elsewhere", "APL"}};
  r.securities.push_back(aapl);
  return r;
}

std::unique_ptr<patterns::PatternInstance> cross_venue_on(std::string_view symbol) {
  return std::make_unique<patterns::CrossVenue>(0, 1, patterns::CrossVenueParams{{make_symbol(symbol)}, false}, 64);
}

TEST(FeedSymbols, KeyedByFeedAndOnlyForThisProcesssFeeds) {
  const patterns::FeedSymbols table(aapl_on_bx(), {"bx", "nasdaq"});
  EXPECT_EQ(table.size(), 1u) << "the entry for a feed this process does not run is left out";
  EXPECT_EQ(patterns::symbol_text(table.security(0, make_symbol("AAPL.X"))), "AAPL");
  EXPECT_EQ(patterns::symbol_text(table.security(1, make_symbol("AAPL.X"))), "AAPL.X");
  EXPECT_EQ(patterns::symbol_text(table.security(1, make_symbol("MSFT"))), "MSFT");
  // One unnamed feed is "feed", as its journal lines call it.
  patterns::ReferenceData r = aapl_on_bx();
  r.securities[0].on = {{"feed", "AAPL.X"}};
  EXPECT_EQ(patterns::symbol_text(patterns::FeedSymbols(r, {""}).security(0, make_symbol("AAPL.X"))), "AAPL");
}

TEST(FeedSymbols, AFeedsOwnSymbolLandsOnTheSecurityAndAnotherFeedsSameTextDoesNotCollide) {
  PatternHarness h(2);  // rank 0: bx, rank 1: nasdaq
  const patterns::FeedSymbols table(aapl_on_bx(), {"bx", "nasdaq"});
  h.config.feed_symbols = &table;
  UpdateMaker& bx = h.makers[0];
  UpdateMaker& nasdaq = h.makers[1];
  h.write(bx.named(1, 5, "AAPL.X"));
  h.write(nasdaq.named(1, 9, "AAPL"));
  h.write(nasdaq.named(1, 4, "AAPL.X"));  // nasdaq's AAPL.X is not bx's
  h.write(bx.top(10, 5, 1002, 100, 1003, 100));
  h.write(nasdaq.top(10, 9, 1000, 100, 1001, 100));  // bx's bid above nasdaq's ask: AAPL crossed
  h.write(nasdaq.top(10, 4, 500, 100, 501, 100));
  const std::vector<PatternSignal> s = h.run([] {
    std::vector<std::unique_ptr<patterns::PatternInstance>> v;
    v.push_back(cross_venue_on("AAPL"));
    return v;
  }());
  const patterns::SecurityDirectory& d = h.engine->directory();
  const std::uint32_t aapl = d.find(make_symbol("AAPL"));
  ASSERT_NE(aapl, patterns::kNoSecurity);
  EXPECT_EQ(d.security_of(0, 5), aapl);
  EXPECT_EQ(d.security_of(1, 9), aapl);
  const std::uint32_t other = d.security_of(1, 4);
  EXPECT_NE(other, aapl);
  EXPECT_EQ(patterns::symbol_text(d.name(other)), "AAPL.X");
  EXPECT_EQ(d.count(), 2u);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].kind, PatternSignalKind::kCrossed);
  EXPECT_EQ(s[0].securities[0], aapl);
  EXPECT_EQ(s[0].bid_feed, 0);
  EXPECT_EQ(s[0].ask_feed, 1);
  EXPECT_EQ(h.engine->counters().unnamed_updates, 0u);
}

// A directory full refuses the alias's security like any other name (counted, never grown).
TEST(FeedSymbols, AFullDirectoryRefusesAndCounts) {
  PatternHarness h(2);
  h.config.max_securities = 1;
  const patterns::FeedSymbols table(aapl_on_bx(), {"bx", "nasdaq"});
  h.config.feed_symbols = &table;
  h.write(h.makers[0].named(1, 5, "AAPL.X"));
  h.write(h.makers[1].named(1, 9, "AAPL"));
  h.write(h.makers[1].named(1, 4, "MSFT"));
  (void)h.run({});
  EXPECT_EQ(h.engine->directory().count(), 1u);
  EXPECT_EQ(h.engine->directory().refused(), 1u);
  EXPECT_EQ(h.engine->directory().security_of(0, 5), h.engine->directory().security_of(1, 9));
}

// One thread: a reload sent before it runs is taken at the first batch; bx's instruments named
// from then on use the new table and the journal notice says where and which version.
TEST(FeedSymbols, AReloadTakesTheNewTableAtOneKeyAndJournalsIt) {
  PatternHarness h(2);
  const patterns::FeedSymbols before{};
  const patterns::FeedSymbols after(aapl_on_bx(), {"bx", "nasdaq"});
  h.config.feed_symbols = &before;
  h.write(h.makers[0].named(5, 5, "AAPL.X"));
  h.write(h.makers[1].named(5, 9, "AAPL"));
  std::vector<patterns::MergeSource> sources;
  for (auto& r : h.rings) {
    r->close();
    sources.push_back({r.get(), 0, nullptr});
  }
  patterns::PatternEngine engine(h.config, std::move(sources), patterns::FeedMerge::Mode::kExact);
  patterns::ReferenceSwap swap;
  swap.version = 2;
  swap.symbols = &after;
  swap.journal = true;
  ASSERT_TRUE(engine.request(&swap));
  while (!engine.finished()) engine.poll(0);
  EXPECT_EQ(engine.reloads_done(), 1u);
  EXPECT_EQ(engine.directory().security_of(0, 5), engine.directory().security_of(1, 9));
  const PatternSignal* s = engine.output().front();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind, PatternSignalKind::kSecuritiesReloaded);
  EXPECT_EQ(s->version, 2u);
  EXPECT_EQ(s->time_ns, 5u);
  EXPECT_EQ(s->feed, 0);
}

// Two threads: each stops at its next batch's start; told the later of the two places, the
// one behind runs on to it, and both take the reload there.
TEST(FeedSymbols, SeveralThreadsTakeACoordinatedReloadAtTheSameKey) {
  PatternHarness h(2);
  const patterns::FeedSymbols after(aapl_on_bx(), {"bx", "nasdaq"});
  h.rings[0] = std::make_unique<patterns::BroadcastRing<patterns::MarketUpdate>>(1 << 10, 2);
  h.rings[1] = std::make_unique<patterns::BroadcastRing<patterns::MarketUpdate>>(1 << 10, 2);
  for (std::uint64_t t = 1; t <= 6; ++t) {
    ASSERT_TRUE(h.write(h.makers[0].named(t * 10, static_cast<std::uint32_t>(t), "AAPL.X")));
    ASSERT_TRUE(h.write(h.makers[1].named(t * 10, static_cast<std::uint32_t>(t), "AAPL")));
  }
  std::vector<std::unique_ptr<patterns::PatternEngine>> engines;
  for (std::size_t t = 0; t < 2; ++t) {
    std::vector<patterns::MergeSource> sources;
    for (auto& r : h.rings) sources.push_back({r.get(), t, nullptr});
    engines.push_back(std::make_unique<patterns::PatternEngine>(h.config, std::move(sources),
                                                                patterns::FeedMerge::Mode::kExact));
  }
  for (auto& r : h.rings) r->close();
  engines[0]->poll(0, 4);  // thread 0 is ahead: past t=20
  patterns::ReferenceSwap swaps[2];
  for (std::size_t t = 0; t < 2; ++t) {
    swaps[t].version = 2;
    swaps[t].symbols = &after;
    swaps[t].coordinated = true;
    swaps[t].journal = t == 0;
    ASSERT_TRUE(engines[t]->request(&swaps[t]));
  }
  for (int i = 0; i < 100 && !(swaps[0].parked && swaps[1].parked); ++i) {
    for (auto& e : engines) e->poll(0, 1);
  }
  ASSERT_TRUE(swaps[0].parked && swaps[1].parked);
  EXPECT_EQ(swaps[0].parked_at.time_ns, 30u);
  EXPECT_EQ(swaps[1].parked_at.time_ns, 10u);
  for (auto& s : swaps) {
    s.at = swaps[0].parked_at;
    s.go = true;
  }
  for (auto& e : engines) {
    while (!e->finished()) e->poll(0);
  }
  for (auto& e : engines) {
    EXPECT_EQ(e->reloads_done(), 1u);
    const patterns::SecurityDirectory& d = e->directory();
    // Named before t=30 by the old table (bx's AAPL.X its own), from t=30 on by the new one.
    EXPECT_NE(d.security_of(0, 2), d.security_of(1, 2));
    EXPECT_EQ(d.security_of(0, 3), d.security_of(1, 3));
    EXPECT_EQ(d.security_of(0, 6), d.security_of(1, 6));
  }
  const PatternSignal* s = engines[0]->output().front();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind, PatternSignalKind::kSecuritiesReloaded);
  EXPECT_EQ(s->time_ns, 30u);
  EXPECT_EQ(engines[1]->output().front(), nullptr) << "one thread journals the reload";
}

}  // namespace
}  // namespace tickwire::test
