// The sequence automaton: the example of its header (three levels removed at the touch on one
// side within the bound, then a trade on that side), expiry, the non-overlap rule, a full
// pool evicting its oldest, and a random stream against a simulation written apart.
#include "dataplane/patterns/templates/sequence.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "tests/support/pattern_harness.h"

namespace tickwire::test {
namespace {

using patterns::MarketUpdate;

MarketUpdate level(UpdateMaker& m, std::uint64_t t, std::uint32_t instrument, std::uint8_t side, std::uint8_t depth,
                   std::uint64_t shares) {
  MarketUpdate u = m.base(t, instrument, patterns::UpdateKind::kLevel);
  u.side = side;
  u.extra = depth;
  u.level.price = 1'000'000;
  u.level.shares = shares;
  return u;
}
MarketUpdate trade(UpdateMaker& m, std::uint64_t t, std::uint32_t instrument, std::uint8_t side) {
  MarketUpdate u = m.trade(t, instrument, 100, 100);
  u.side = side;
  return u;
}

patterns::SequenceParams sweep_then_trade() {
  patterns::SequenceParams p;
  p.securities = {patterns::make_symbol("AAA")};
  patterns::SequenceStep removed;
  removed.kind = patterns::StepKind::kLevelRemoved;
  removed.max_depth = 0;
  removed.count = 3;
  patterns::SequenceStep traded;
  traded.kind = patterns::StepKind::kTrade;
  p.steps = {removed, traded};
  p.within_ns = 500'000;
  p.same_side = true;
  return p;
}

std::vector<patterns::PatternSignal> run(PatternHarness& h, patterns::SequenceParams p) {
  std::vector<std::unique_ptr<patterns::PatternInstance>> instances;
  auto seq = std::make_unique<patterns::Sequence>(0, 1, std::move(p), h.config.max_securities);
  EXPECT_TRUE(seq->ok());
  instances.push_back(std::move(seq));
  return h.run(std::move(instances));
}

TEST(Sequence, ThreeLevelsGoneAtTheTouchThenATradeOnThatSide) {
  PatternHarness h(1);
  UpdateMaker& m = h.makers[0];
  h.name_everywhere(0, "AAA");
  // Bid side swept three times, an ask removal in between (other side: ignored), a trade on
  // the ask (other side: no), then on the bid: a match.
  for (const MarketUpdate& u : {level(m, 100, 0, 1, 0, 0), level(m, 200, 0, 2, 0, 0), level(m, 300, 0, 1, 0, 0),
                                level(m, 400, 0, 1, 1, 0),  // depth 1: not at the touch
                                level(m, 500, 0, 1, 0, 0), trade(m, 600, 0, 2), trade(m, 700, 0, 1)}) {
    ASSERT_TRUE(h.write(u));
  }
  const auto s = run(h, sweep_then_trade());
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].kind, patterns::PatternSignalKind::kSequence);
  EXPECT_EQ(s[0].time_ns, 700u);
}

TEST(Sequence, TooSlowIsNoMatch) {
  PatternHarness h(1);
  UpdateMaker& m = h.makers[0];
  h.name_everywhere(0, "AAA");
  for (const MarketUpdate& u : {level(m, 100, 0, 1, 0, 0), level(m, 200, 0, 1, 0, 0), level(m, 300, 0, 1, 0, 0),
                                trade(m, 600'101, 0, 1)}) {
    ASSERT_TRUE(h.write(u));
  }
  EXPECT_TRUE(run(h, sweep_then_trade()).empty());
}

TEST(Sequence, MatchesOfOneSecurityDoNotOverlapAndAFullPoolEvictsItsOldest) {
  PatternHarness h(1);
  UpdateMaker& m = h.makers[0];
  h.name_everywhere(0, "AAA");
  // Four removals start four partial matches; the trade completes the oldest, which ends the
  // others (they began before its last event): one signal, not four, and the second trade
  // starts nothing.
  for (const MarketUpdate& u : {level(m, 100, 0, 1, 0, 0), level(m, 200, 0, 1, 0, 0), level(m, 300, 0, 1, 0, 0),
                                level(m, 400, 0, 1, 0, 0), trade(m, 500, 0, 1), trade(m, 600, 0, 1)}) {
    ASSERT_TRUE(h.write(u));
  }
  EXPECT_EQ(run(h, sweep_then_trade()).size(), 1u);

  PatternHarness small(1);
  UpdateMaker& n = small.makers[0];
  small.name_everywhere(0, "AAA");
  for (std::uint64_t t = 100; t < 2000; t += 100) ASSERT_TRUE(small.write(level(n, t, 0, 1, 0, 0)));
  patterns::SequenceParams p = sweep_then_trade();
  p.max_partial = 4;
  std::vector<std::unique_ptr<patterns::PatternInstance>> instances;
  auto seq = std::make_unique<patterns::Sequence>(0, 1, p, small.config.max_securities);
  const patterns::Sequence* seen = seq.get();
  instances.push_back(std::move(seq));
  EXPECT_TRUE(small.run(std::move(instances)).empty());
  EXPECT_EQ(seen->counters().started, 19u);
  EXPECT_EQ(seen->counters().evicted, 15u);
}

// A simulation written apart from the template (each partial replays the events it saw from
// its start), on a random stream with an unbounded pool.
TEST(Sequence, MatchesASimulationWrittenApartOnRandomStreams) {
  PatternHarness h(1);
  UpdateMaker& m = h.makers[0];
  h.name_everywhere(0, "AAA");
  patterns::SequenceParams p = sweep_then_trade();
  p.steps[0].count = 2;
  p.within_ns = 3'000;
  p.max_partial = 4096;
  std::mt19937_64 rng(33);
  std::vector<MarketUpdate> events;
  for (std::uint64_t t = 100; t < 400'000; t += 100 + rng() % 400) {
    const std::uint8_t side = static_cast<std::uint8_t>(1 + rng() % 2);
    events.push_back(rng() % 3 == 0 ? trade(m, t, 0, side) : level(m, t, 0, side, static_cast<std::uint8_t>(rng() % 2), 0));
    ASSERT_TRUE(h.write(events.back()));
  }
  struct Sim {
    std::uint64_t start;
    std::uint8_t side;
    std::size_t step = 0;
    std::uint32_t count = 0;
  };
  std::vector<Sim> live;
  std::vector<std::uint64_t> expected;  // completion times
  auto fits = [&](const patterns::SequenceStep& s, const MarketUpdate& u, std::uint8_t side) {
    if (u.side != side && side != 0) return false;
    if (s.kind == patterns::StepKind::kTrade) return u.kind == patterns::UpdateKind::kTrade;
    return u.kind == patterns::UpdateKind::kLevel && u.extra <= s.max_depth && u.level.shares == 0;
  };
  for (const MarketUpdate& u : events) {
    bool used = false;
    std::vector<Sim> kept;
    for (std::size_t i = 0; i < live.size() && !used; ++i) {
      Sim s = live[i];
      if (u.time_ns - s.start > p.within_ns) continue;  // expired
      if (fits(p.steps[s.step], u, s.side) && ++s.count == p.steps[s.step].count) {
        s.count = 0;
        if (++s.step == p.steps.size()) {
          expected.push_back(u.time_ns);
          used = true;  // every partial match ends: matching starts again past this event
          kept.clear();
          continue;
        }
      }
      kept.push_back(s);
    }
    live = kept;
    if (!used && fits(p.steps[0], u, 0)) live.push_back({u.time_ns, u.side, 0, 1});
  }
  const auto got = run(h, p);
  ASSERT_EQ(got.size(), expected.size());
  ASSERT_GE(got.size(), 20u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].time_ns, expected[i]) << i;

  // The same through an output ring of two: closed batches wait for room (replay), keyed as
  // they were closed, and none is lost.
  PatternHarness small(1);
  small.config.output_records = 2;
  small.name_everywhere(0, "AAA");
  for (const MarketUpdate& u : events) ASSERT_TRUE(small.write(u));
  const auto through_small = run(small, p);
  ASSERT_EQ(through_small.size(), got.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(through_small[i].time_ns, got[i].time_ns) << i;
    EXPECT_EQ(through_small[i].sequence, got[i].sequence) << i;
  }
  EXPECT_EQ(small.engine->counters().signals_dropped, 0u);
}

}  // namespace
}  // namespace tickwire::test
