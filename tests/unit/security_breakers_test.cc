// Security-scope breakers: each trigger's measure against a direct computation on scripted
// quotes, and SecurityBreakers on scripted messages: one instrument trips alone and its events
// are marked, timers close a breaker whose instrument went quiet, promotions are bounded,
// shadow breakers mark nothing, suspect books are not judged, a new day forgets the old
// measure, and the machine's timers (BreakerCore::deadline) say when it would move.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <deque>
#include <vector>

#include "dataplane/breakers/security_breakers.h"
#include "dataplane/breakers/stream_breakers.h"
#include "dataplane/breakers/security_measure.h"

namespace tickwire::breakers {
namespace {

constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint64_t kOpen = 34'200'000'000'000;  // 09:30

events::Event top(std::uint32_t instrument, std::uint32_t bid, std::uint32_t ask, std::uint64_t bid_size = 100,
                  std::uint64_t ask_size = 100) {
  events::Event e{};
  e.kind = events::EventKind::kTopOfBook;
  e.instrument = instrument;
  e.price = bid;
  e.other_price = ask;
  e.quantity = bid_size;
  e.other_quantity = ask_size;
  e.flags = events::kLastInMessage;
  return e;
}

events::Event state(std::uint32_t instrument, char type, char code) {
  events::Event e{};
  e.kind = events::EventKind::kTradingState;
  e.instrument = instrument;
  e.source_type = static_cast<std::uint8_t>(type);
  e.code = static_cast<std::uint8_t>(code);
  e.flags = events::kLastInMessage;
  return e;
}

events::Event named(std::uint32_t instrument, const char* symbol, bool afresh = false) {
  events::Event e{};
  e.kind = events::EventKind::kInstrumentAdded;
  e.instrument = instrument;
  std::memset(e.symbol, ' ', sizeof e.symbol);
  std::memcpy(e.symbol, symbol, std::strlen(symbol));
  e.flags = static_cast<std::uint16_t>(events::kLastInMessage | (afresh ? events::kStartsAfresh : 0));
  return e;
}

BreakerSpec security(const char* name, Trigger trigger, double trip, double clear) {
  BreakerSpec s;
  s.name = name;
  s.scope = Scope::kSecurity;
  s.trigger = trigger;
  s.trip = trip;
  s.clear = clear;
  s.window_ns = 100 * kMs;
  s.min_open_ns = 20 * kMs;
  s.clear_hold_ns = 10 * kMs;
  s.probe_ns = 10 * kMs;
  return s;
}

// ---- measures ----

TEST(SecurityMeasure, VolatilityIsTheMoveInSigmasOfItsEwmaVariance) {
  BreakerSpec s = security("vol", Trigger::kVolatility, 10, 3);
  s.norm_ns = 10'000 * kMs;
  SecurityMeasure m{};
  // A direct computation alongside: the variance rate as the weighted sums, z against it.
  double mid_before = 0, sum_sq = 0, sum_t = 0;
  std::uint64_t t_before = 0;
  std::uint32_t quotes = 0;
  std::uint64_t t = kOpen;
  for (int i = 0; i < 400; ++i) {
    t += (i % 7 + 1) * kMs;
    const std::uint32_t mid = 100'000 + static_cast<std::uint32_t>((i * 37) % 11) * 10;
    const double z = measure::volatility(m, s, top(1, mid - 100, mid + 100), t).value(true);
    if (quotes == 0) {
      EXPECT_EQ(z, 0);
    } else {
      const double r = (mid - mid_before) / mid_before;
      const auto dt = static_cast<double>(t - t_before);
      double expected = 0;
      if (quotes >= kWarmupQuotes && r != 0) {
        expected = std::fabs(r) / std::sqrt(sum_sq / sum_t * std::max(dt, static_cast<double>(s.window_ns)));
      }
      EXPECT_NEAR(z, expected, 1e-9 * std::max(1.0, expected)) << i;
      const double w = static_cast<double>(s.norm_ns) / (static_cast<double>(s.norm_ns) + dt);
      sum_sq = sum_sq * w + r * r;
      sum_t = sum_t * w + dt;
    }
    mid_before = mid;
    t_before = t;
    quotes = std::min(quotes + 1, kWarmupQuotes);
  }
  // A jump ten times the usual size reads far above the usual z.
  t += 5 * kMs;
  EXPECT_GT(measure::volatility(m, s, top(1, 120'000 - 100, 120'000 + 100), t).value(true), 10);
}

TEST(SecurityMeasure, AOneSidedTopSaysNothingAndKeepsTheState) {
  const BreakerSpec s = security("vol", Trigger::kVolatility, 10, 3);
  SecurityMeasure m{};
  (void)measure::volatility(m, s, top(1, 9'900, 10'100), kOpen);
  const SecurityMeasure before = m;
  EXPECT_EQ(measure::volatility(m, s, top(1, 9'900, 0, 100, 0), kOpen + kMs).value(true), 0);
  EXPECT_EQ(std::memcmp(&before, &m, sizeof m), 0);
}

TEST(SecurityMeasure, BandMeasuresFromAReferenceThatRatchets) {
  BreakerSpec s = security("band", Trigger::kBand, 5, 2.5);
  s.reference_ns = 1'000 * kMs;
  s.ratchet_percent = 1;
  SecurityMeasure m{};
  std::uint64_t t = kOpen;
  EXPECT_EQ(measure::band(m, s, top(1, 99'900, 100'100), t).value(false), 0);  // reference 100,000
  // A sudden 4% fall reads 4% from the reference (the average has barely moved).
  t += kMs;
  EXPECT_NEAR(measure::band(m, s, top(1, 95'900, 96'100), t).value(false), 4.0, 0.01);
  // Held there, the average follows and the reference ratchets down in steps: the value falls.
  double last = 4;
  for (int i = 0; i < 100; ++i) {
    t += 100 * kMs;
    last = measure::band(m, s, top(1, 95'900, 96'100), t).value(false);
  }
  EXPECT_LT(last, 1.0);
  EXPECT_LT(m.a, 97'000);
  EXPECT_GE(m.a, 96'000) << "the reference never passes the average";
}

TEST(SecurityMeasure, SpreadIsAMultipleOfItsTimeWeightedNorm) {
  BreakerSpec s = security("spread", Trigger::kSpread, 5, 2);
  s.norm_ns = 1'000 * kMs;
  SecurityMeasure m{};
  std::uint64_t t = kOpen;
  for (std::uint32_t i = 0; i < kWarmupQuotes; ++i) {
    t += 10 * kMs;
    EXPECT_EQ(measure::spread(m, s, top(1, 10'000, 10'200), t).value(false), 0) << "warming up";
  }
  t += 10 * kMs;
  EXPECT_NEAR(measure::spread(m, s, top(1, 10'000, 10'200), t).value(false), 1.0, 1e-9);
  t += 10 * kMs;
  EXPECT_NEAR(measure::spread(m, s, top(1, 9'000, 11'000), t).value(false), 10.0, 1e-6);
  EXPECT_EQ(measure::spread(m, s, top(1, 10'000, 10'000), t + kMs).value(false), 0) << "locked";
}

TEST(SecurityMeasure, QuoteRateAgreesWithASlidingWindowCounter) {
  const BreakerSpec s = security("quotes", Trigger::kQuoteRate, 100, 50);
  SecurityMeasure m{};
  std::deque<std::uint64_t> times;
  std::uint64_t t = kOpen;
  for (int i = 0; i < 3000; ++i) {
    t += (i / 500 % 2 == 0 ? 1 : 7) * kMs + static_cast<std::uint64_t>(i % 13) * 10'000;
    const double rate = measure::quote_rate(m, s, t).value(false);
    times.push_back(t);
    // The estimate: this window's count plus the previous one's share still inside.
    const std::uint64_t start = t / s.window_ns * s.window_ns;
    double current = 0, previous = 0;
    for (const std::uint64_t q : times) {
      if (q >= start) ++current;
      if (q >= start - s.window_ns && q < start) ++previous;
    }
    const double into = static_cast<double>(t - start) / static_cast<double>(s.window_ns);
    EXPECT_NEAR(rate, (previous * (1 - into) + current) * 10, 1e-6) << i;
    while (times.front() + 2 * s.window_ns < t) times.pop_front();
  }
  // Read by a timer long after the last quote: nothing left.
  EXPECT_EQ(measure::quote_rate_at(m, s, t + 5 * s.window_ns), 0);
}

TEST(SecurityMeasure, HaltFollowsTheExchangesWord) {
  SecurityMeasure m{};
  EXPECT_EQ(measure::halt(m, state(1, 'H', 'T')).num, 0);
  EXPECT_EQ(measure::halt(m, state(1, 'H', 'P')).num, 1) << "a LULD pause";
  EXPECT_EQ(measure::halt(m, state(1, 'J', 0)).num, 1) << "its auction collar";
  EXPECT_EQ(measure::halt(m, state(1, 'H', 'T')).num, 0) << "resumed: pause and collar over";
  EXPECT_EQ(measure::halt(m, state(1, 'h', 'H')).num, 1) << "an operational halt";
  EXPECT_EQ(measure::halt(m, state(1, 'Y', 'Y')).num, 1) << "Reg SHO says nothing of it";
  EXPECT_EQ(measure::halt(m, state(1, 'h', 'T')).num, 0);
  EXPECT_EQ(measure::halt(m, state(1, 'H', 'Q')).num, 1) << "quotation only: no trading";
}

// ---- the breakers on messages ----

struct Feed {
  explicit Feed(std::vector<BreakerSpec> specs, std::uint32_t max_promoted = 64)
      : breakers(specs, 100, max_promoted) {}
  // One message of one event at time t (sequence numbers follow).
  events::Event send(events::Event e, std::uint64_t t) {
    e.sequence = ++sequence;
    e.exchange_time_ns = t;
    std::vector<events::Event> m{e};
    breakers.message(std::span<events::Event>(m), t, sequence * 2, [&](const feed::FeedAlert& a) { alerts.push_back(a); });
    return m.front();
  }
  SecurityBreakers breakers;
  std::vector<feed::FeedAlert> alerts;
  std::uint64_t sequence = 0;
};

std::string stock_of(const feed::FeedAlert& a) {
  std::string s(a.stock, sizeof a.stock);
  return s.substr(0, s.find(' '));
}

TEST(SecurityBreakers, AHaltTripsItsInstrumentAloneMarksItsEventsAndNamesIt) {
  Feed run({security("halt", Trigger::kHalt, 0.5, 0)});
  ASSERT_TRUE(run.breakers.ok());
  std::uint64_t t = kOpen;
  run.send(named(3, "KRZ"), t);
  run.send(named(4, "ABC"), t);
  EXPECT_EQ(run.send(top(3, 100, 200), t += kMs).flags & events::kVolatile, 0);
  const events::Event paused = run.send(state(3, 'H', 'P'), t += kMs);
  ASSERT_EQ(run.alerts.size(), 1u);
  const feed::FeedAlert& a = run.alerts[0];
  EXPECT_EQ(a.kind, feed::FeedAlertKind::kBreaker);
  EXPECT_EQ(a.instrument, 3u);
  EXPECT_EQ(stock_of(a), "KRZ");
  EXPECT_EQ(a.to_state, static_cast<std::uint8_t>(State::kOpen));
  EXPECT_EQ(a.sequence, run.sequence);
  EXPECT_EQ(a.stream_key, run.sequence * 2 + 1) << "just after its message";
  EXPECT_EQ(a.exchange_ns, t);
  EXPECT_NE(paused.flags & events::kVolatile, 0) << "the message that trips it is marked";
  EXPECT_NE(run.send(top(3, 100, 200), t += kMs).flags & events::kPromoted, 0);
  EXPECT_EQ(run.send(top(4, 100, 200), t).flags & (events::kVolatile | events::kPromoted), 0) << "another instrument";
  EXPECT_EQ(run.breakers.state(0, 3), State::kOpen);
  EXPECT_EQ(run.breakers.state(0, 4), State::kClosed);
}

TEST(SecurityBreakers, TimersMoveAQuietInstrumentsBreakerAtTheFeedsNextMessage) {
  Feed run({security("halt", Trigger::kHalt, 0.5, 0)});
  std::uint64_t t = kOpen;
  run.send(state(3, 'H', 'H'), t);
  run.send(state(3, 'H', 'T'), t += kMs);  // resumed; then instrument 3 says nothing more
  ASSERT_EQ(run.alerts.size(), 1u);
  // Other instruments' messages move the clock: the dwell (20 ms from the open) ends, the clear
  // hold (10 ms) runs from there, then the probe (10 ms).
  std::vector<std::uint64_t> moved_at;
  for (int i = 0; i < 60; ++i) {
    const std::size_t before = run.alerts.size();
    run.send(top(5, 100, 200), t += kMs);
    if (run.alerts.size() != before) moved_at.push_back(t - kOpen);
  }
  ASSERT_EQ(run.alerts.size(), 3u);
  EXPECT_EQ(run.alerts[1].to_state, static_cast<std::uint8_t>(State::kHalfOpen));
  EXPECT_EQ(run.alerts[1].instrument, 3u);
  EXPECT_EQ(run.alerts[2].to_state, static_cast<std::uint8_t>(State::kClosed));
  EXPECT_EQ(moved_at, (std::vector<std::uint64_t>{30 * kMs, 40 * kMs}))
      << "each at the first message at or past its deadline";
  EXPECT_EQ(run.alerts[1].exchange_ns, kOpen + 30 * kMs);
}

TEST(SecurityBreakers, AQuoteRateBreakerClosesAsItsRateDecaysWithNoQuote) {
  Feed run({security("quotes", Trigger::kQuoteRate, 250, 100)});
  std::uint64_t t = kOpen;
  for (int i = 0; i < 40; ++i) run.send(top(2, 100, 200), t += kMs / 2);  // 2,000 a second
  ASSERT_EQ(run.alerts.size(), 1u);
  // Quiet: the rate decays below clear within about a window; the breaker then goes half-open
  // and closes, with no quote of instrument 2 (instrument 7's Reg SHO messages move the clock).
  for (int i = 0; i < 400; ++i) run.send(state(7, 'Y', 'N'), t += kMs);  // moves the clock, not a quote
  ASSERT_EQ(run.alerts.size(), 3u);
  EXPECT_EQ(run.alerts[2].to_state, static_cast<std::uint8_t>(State::kClosed));
  EXPECT_LE(run.alerts[2].value, 100);
}

TEST(SecurityBreakers, PromotionsAreBoundedAndReleased) {
  Feed run({security("halt", Trigger::kHalt, 0.5, 0)}, /*max_promoted=*/2);
  std::uint64_t t = kOpen;
  for (std::uint32_t i = 1; i <= 3; ++i) run.send(state(i, 'H', 'H'), t += kMs);
  EXPECT_NE(run.send(top(1, 1, 2), t).flags & events::kPromoted, 0);
  EXPECT_NE(run.send(top(2, 1, 2), t).flags & events::kPromoted, 0);
  const events::Event third = run.send(top(3, 1, 2), t);
  EXPECT_EQ(third.flags & events::kPromoted, 0) << "past max_promoted";
  EXPECT_NE(third.flags & events::kVolatile, 0) << "still flagged";
  EXPECT_EQ(run.breakers.figures().promotions_refused, 1u);
  EXPECT_EQ(run.breakers.figures().promoted_now, 2u);
  // Instrument 1 resumes and closes: its place is free again.
  run.send(state(1, 'H', 'T'), t += kMs);
  for (int i = 0; i < 60; ++i) run.send(top(9, 1, 2), t += kMs);
  EXPECT_EQ(run.breakers.state(0, 1), State::kClosed);
  EXPECT_EQ(run.send(top(1, 1, 2), t).flags & (events::kPromoted | events::kVolatile), 0);
  EXPECT_EQ(run.breakers.figures().promoted_now, 1u);
  EXPECT_EQ(run.breakers.figures().promoted_most, 2u);
}

TEST(SecurityBreakers, AShadowBreakerReportsFlaggedAndMarksNothing) {
  BreakerSpec s = security("halt", Trigger::kHalt, 0.5, 0);
  s.mode = Mode::kShadow;
  Feed run({s});
  const events::Event e = run.send(state(1, 'H', 'H'), kOpen);
  ASSERT_EQ(run.alerts.size(), 1u);
  EXPECT_TRUE(run.alerts[0].shadow);
  EXPECT_EQ(e.flags & (events::kVolatile | events::kPromoted), 0);
  EXPECT_EQ(run.breakers.figures().promoted_now, 0u);
}

TEST(SecurityBreakers, ASuspectBookIsNotJudgedAndANewDayForgetsTheMeasure) {
  Feed run({security("spread", Trigger::kSpread, 5, 2)});
  std::uint64_t t = kOpen;
  for (std::uint32_t i = 0; i <= kWarmupQuotes + 1; ++i) run.send(top(1, 10'000, 10'010), t += kMs);
  events::Event wide = top(1, 9'000, 11'000);
  wide.flags |= events::kBookSuspect;
  run.send(wide, t += kMs);
  EXPECT_TRUE(run.alerts.empty());
  EXPECT_EQ(run.breakers.figures().suspect_skipped, 1u);
  // Another day's instrument 1: warming up again, so the same wide spread says nothing yet.
  run.send(named(1, "NEW", /*afresh=*/true), t += kMs);
  run.send(top(1, 10'000, 10'010), t += kMs);
  run.send(top(1, 9'000, 11'000), t += kMs);
  EXPECT_TRUE(run.alerts.empty());
}

TEST(SecurityBreakers, MarketWideEventsAndUnknownInstrumentsAreLeftAlone) {
  Feed run({security("halt", Trigger::kHalt, 0.5, 0)});
  events::Event market = state(0, 'H', 'H');
  market.kind = events::EventKind::kMarketState;
  run.send(market, kOpen);
  run.send(state(101, 'H', 'H'), kOpen);  // past max_instruments (100)
  EXPECT_TRUE(run.alerts.empty());
}

// `ctl breaker set` may change a running breaker's mode or promote while some instrument's is
// open: the counts it gave are taken back, never more.
TEST(SecurityBreakers, AModeChangedWhileOpenNeitherLeaksNorStealsAPromotion) {
  for (const Mode now : {Mode::kShadow, Mode::kEnforce}) {
    BreakerSpec spec = security("halt", Trigger::kHalt, 0.5, 0);
    spec.mode = now == Mode::kShadow ? Mode::kEnforce : Mode::kShadow;  // what it starts with
    Feed run({spec, security("halt2", Trigger::kHalt, 0.5, 0)});
    std::uint64_t t = kOpen;
    run.send(state(1, 'H', 'H'), t);  // both open for instrument 1
    BreakerRequest r;
    r.index = 0;
    spec.mode = now;
    r.settings = settings_of(spec);
    run.breakers.serve(r, t, run.sequence, run.sequence * 2, [&](const feed::FeedAlert& a) { run.alerts.push_back(a); });
    run.send(state(1, 'H', 'T'), t += kMs);
    for (int i = 0; i < 60; ++i) run.send(state(9, 'Y', 'N'), t += kMs);  // both close on their timers
    EXPECT_EQ(run.breakers.state(0, 1), State::kClosed);
    EXPECT_EQ(run.breakers.state(1, 1), State::kClosed);
    EXPECT_EQ(run.send(top(1, 1, 2), t += kMs).flags & (events::kVolatile | events::kPromoted), 0);
    EXPECT_EQ(run.breakers.figures().promoted_now, 0u);
  }
}

TEST(SecurityBreakers, AOneSidedTopDoesNotCloseAnOpenBreaker) {
  BreakerSpec band = security("band", Trigger::kBand, 5, 2.5);
  band.reference_ns = 3'600'000 * kMs;
  Feed run({band});
  std::uint64_t t = kOpen;
  run.send(top(1, 99'990, 100'010), t);
  run.send(top(1, 89'990, 90'010), t += kMs);  // 10% off its reference
  ASSERT_EQ(run.breakers.state(0, 1), State::kOpen);
  for (int i = 0; i < 200; ++i) run.send(top(1, 89'990, 0, 100, 0), t += kMs);  // the ask side empty
  EXPECT_EQ(run.breakers.state(0, 1), State::kOpen) << "a top without both sides says nothing";
}

TEST(SecurityBreakers, ANewDaysInstrumentClosesOnItsTimers) {
  Feed run({security("halt", Trigger::kHalt, 0.5, 0)});
  std::uint64_t t = kOpen;
  run.send(state(1, 'H', 'H'), t);  // halted when the day ends
  run.send(named(1, "NEXT", /*afresh=*/true), t += kMs);
  for (int i = 0; i < 60; ++i) run.send(state(9, 'Y', 'N'), t += kMs);
  EXPECT_EQ(run.breakers.state(0, 1), State::kClosed) << "yesterday's halt is not today's";
}

TEST(BreakerSpecCheck, ValuesAreNeverNegativeAndLaddersAreTheSystems) {
  BreakerSpec s = security("x", Trigger::kBand, 5, 2);
  EXPECT_EQ(check(s), "");
  s.clear = -1;
  EXPECT_NE(check(s).find("breaker.x.clear"), std::string::npos);
  s.clear = 0;
  s.trip = 0;
  EXPECT_NE(check(s).find("breaker.x.clear"), std::string::npos) << "clear not below trip";
  s.trip = 5;
  s.steps[0] = Step::kShedLow;
  s.step_count = 1;
  EXPECT_NE(check(s).find("breaker.x.actions"), std::string::npos);
  BreakerSpec ring;
  ring.name = "r";
  ring.trigger = Trigger::kRingFill;
  ring.trip = 150;
  ring.clear = 10;
  EXPECT_NE(check(ring).find("breaker.r.trip"), std::string::npos);
  ring.trip = 0;
  ring.clear = -1;
  EXPECT_NE(check(ring).find("breaker.r.trip: must be above 0"), std::string::npos);
  ring.trip = 50;
  EXPECT_NE(check(ring).find("breaker.r.clear: must be 0 or more"), std::string::npos);
}

// ---- the market scope, run with the security breakers by StreamBreakers ----

events::Event market(char code, char code2 = 0) {
  events::Event e{};
  e.kind = events::EventKind::kMarketState;
  e.code = static_cast<std::uint8_t>(code);
  e.code2 = static_cast<std::uint8_t>(code2);
  e.flags = events::kLastInMessage;
  return e;
}

struct Stream {
  explicit Stream(std::vector<BreakerSpec> specs) : breakers(specs, 100, 64) {}
  void send(events::Event e, std::uint64_t t) {
    e.sequence = ++sequence;
    e.exchange_time_ns = t;
    std::vector<events::Event> m{e};
    breakers.message(std::span<events::Event>(m), [&](const feed::FeedAlert& a) { alerts.push_back(a); });
  }
  StreamBreakers breakers;
  std::vector<feed::FeedAlert> alerts;
  std::uint64_t sequence = 0;
};

BreakerSpec market_spec(const char* name, Trigger trigger, double trip, double clear) {
  BreakerSpec s = security(name, trigger, trip, clear);
  s.scope = Scope::kMarket;
  return s;
}

TEST(MarketBreakers, MwcbOpensAtTheWAndClosesOnceTradingResumes) {
  Stream run({market_spec("mwcb", Trigger::kMwcb, 0.5, 0)});
  std::uint64_t t = kOpen;
  run.send(market('V'), t);  // the levels: no breach
  run.send(state(1, 'H', 'T'), t += kMs);
  EXPECT_TRUE(run.alerts.empty());
  run.send(market('W', '1'), t += kMs);
  ASSERT_EQ(run.alerts.size(), 1u);
  EXPECT_EQ(run.alerts[0].to_state, static_cast<std::uint8_t>(State::kOpen));
  EXPECT_EQ(run.alerts[0].value, 1);
  EXPECT_EQ(run.alerts[0].exchange_ns, t);
  run.send(state(1, 'H', 'H'), t += kMs);  // every stock halted
  for (int i = 0; i < 50; ++i) run.send(state(2, 'Y', 'N'), t += kMs);
  EXPECT_EQ(run.alerts.size(), 1u) << "open while the halt lasts";
  run.send(state(1, 'H', 'T'), t += kMs);  // trading resumes
  for (int i = 0; i < 50; ++i) run.send(state(2, 'Y', 'N'), t += kMs);
  ASSERT_EQ(run.alerts.size(), 3u);
  EXPECT_EQ(run.alerts[2].to_state, static_cast<std::uint8_t>(State::kClosed));
}

TEST(MarketBreakers, OpenShareIsTheShareOfNamedInstrumentsWithASecurityBreakerOpen) {
  Stream run({security("halt", Trigger::kHalt, 0.5, 0), market_spec("turmoil", Trigger::kOpenShare, 30, 10)});
  std::uint64_t t = kOpen;
  for (std::uint32_t i = 1; i <= 10; ++i) run.send(named(i, "S"), t);
  run.send(state(1, 'H', 'H'), t += kMs);
  run.send(state(2, 'H', 'H'), t += kMs);
  run.send(state(3, 'H', 'H'), t += kMs);  // 30%: not above
  ASSERT_EQ(run.alerts.size(), 3u);
  run.send(state(4, 'H', 'H'), t += kMs);  // 40%
  ASSERT_EQ(run.alerts.size(), 5u);
  const feed::FeedAlert& opened = run.alerts[4];
  EXPECT_EQ(opened.breaker, 1u);
  EXPECT_EQ(opened.to_state, static_cast<std::uint8_t>(State::kOpen));
  EXPECT_DOUBLE_EQ(opened.value, 40);
  EXPECT_DOUBLE_EQ(run.breakers.securities().open_share(), 40);
}

TEST(BreakerCore, DeadlineSaysWhenATimerWouldMoveIt) {
  BreakerSpec s = security("x", Trigger::kHalt, 0.5, 0);
  BreakerCore core{};
  EXPECT_EQ(core.deadline(s), BreakerCore::kNoDeadline) << "closed";
  ASSERT_TRUE(core.observe(s, 100 * kMs, 1));
  EXPECT_EQ(core.deadline(s), 120 * kMs) << "the dwell's end";
  EXPECT_FALSE(core.observe(s, 105 * kMs, 0)) << "within the dwell nothing counts";
  EXPECT_FALSE(core.observe(s, 120 * kMs, 0));
  EXPECT_EQ(core.deadline(s), 130 * kMs) << "the clear hold's end";
  const auto half = core.observe(s, 130 * kMs, 0);
  ASSERT_TRUE(half);
  EXPECT_EQ(half->to, State::kHalfOpen);
  EXPECT_EQ(core.deadline(s), 140 * kMs) << "the probe's end";
}

}  // namespace
}  // namespace tickwire::breakers
