// The market tap: which events become which market updates (and which are skipped), the
// last update of a message flagged, stream keys and times on the feed's clamped clock; in
// replay a full ring waits and loses nothing; live, tops conflate, other losses are counted
// and marked stale, and the watermark follows the feed's clock and the wall clock.
#include "dataplane/patterns/market_tap.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/book/book_store.h"
#include "dataplane/events/event.h"
#include "dataplane/events/stream_key.h"
#include "dataplane/patterns/broadcast_ring.h"
#include "dataplane/patterns/feed_merge.h"
#include "dataplane/patterns/market_update.h"
#include "tests/support/watchdog.h"

namespace tickwire::test {
namespace {

using events::Event;
using events::EventKind;
using patterns::MarketUpdate;
using patterns::UpdateKind;
using Ring = patterns::BroadcastRing<MarketUpdate>;

Event event(EventKind kind, std::uint32_t instrument = 1) {
  Event e{};
  e.kind = kind;
  e.instrument = instrument;
  return e;
}
Event top(std::uint32_t instrument, std::uint32_t bid, std::uint64_t bid_size, std::uint32_t ask,
          std::uint64_t ask_size) {
  Event e = event(EventKind::kTopOfBook, instrument);
  e.source_type = 'A';
  e.price = bid;
  e.quantity = bid_size;
  e.other_price = ask;
  e.other_quantity = ask_size;
  return e;
}
Event trade(std::uint32_t instrument, std::uint32_t price, std::uint64_t shares, std::uint16_t flags = 0,
            events::Side side = events::Side::kBid) {
  Event e = event(EventKind::kTrade, instrument);
  e.source_type = 'E';
  e.price = price;
  e.quantity = shares;
  e.flags = flags;
  e.side = side;
  return e;
}
Event state(char source, char code, char code2 = ' ') {
  Event e = event(EventKind::kTradingState);
  e.source_type = static_cast<std::uint8_t>(source);
  e.code = static_cast<std::uint8_t>(code);
  e.code2 = static_cast<std::uint8_t>(code2);
  return e;
}
Event level(events::Side side, std::uint32_t price, std::uint64_t shares, std::uint64_t orders, bool removed = false) {
  Event e = event(EventKind::kLevelChange);
  e.side = side;
  e.price = price;
  e.quantity = shares;
  e.order_count = orders;
  if (removed) e.flags = events::kLevelRemoved;
  return e;
}

// One message: every event stamped with its sequence and exchange time, indexes in order.
std::vector<Event> message(std::uint64_t sequence, std::uint64_t exchange_ns, std::vector<Event> m) {
  for (std::size_t i = 0; i < m.size(); ++i) {
    m[i].sequence = sequence;
    m[i].exchange_time_ns = exchange_ns;
    m[i].event_index = static_cast<std::uint16_t>(i);
  }
  if (!m.empty()) m.back().flags |= events::kLastInMessage;
  return m;
}

// What reader 0 can read now, taken.
std::vector<MarketUpdate> drain(Ring& ring) {
  std::vector<MarketUpdate> out;
  const std::uint64_t n = ring.readable(0);
  for (std::uint64_t i = 0; i < n; ++i) out.push_back(ring.at(ring.position(0) + i));
  ring.consume(0, n);
  return out;
}

class MarketTapTest : public testing::Test {
 protected:
  void SetUp() override {
    book::BookConfig c;
    c.max_orders = 256;
    c.max_levels = 64;
    c.max_instruments = 8;
    c.max_feeds = 1;
    std::string error;
    ASSERT_TRUE(books.init(c, error)) << error;
  }
  book::BookStore books;
};

TEST_F(MarketTapTest, TranslatesNamesTopsTradesAndTradingStates) {
  Ring ring(256, 1);
  patterns::MarketTapConfig config;
  config.feed_rank = 3;
  patterns::MarketTap tap(config, ring, books);
  ASSERT_TRUE(tap.ok());

  Event named = event(EventKind::kInstrumentAdded, 7);
  named.source_type = 'R';
  named.quantity = 100;
  std::memcpy(named.symbol, "AAPL    ", 8);
  tap.message(message(10, 1000, {named}));
  tap.message(message(11, 2000, {top(7, 1500000, 200, 1500100, 300)}));
  tap.message(message(12, 3000,
                      {trade(7, 1500100, 50, 0, events::Side::kAsk), trade(7, 1500050, 60, events::kHiddenTrade),
                       trade(7, 1500000, 70, events::kCrossTrade, events::Side::kNone),
                       trade(7, 1499900, 80, events::kNonPrintable)}));
  tap.message(message(13, 4000,
                      {state('H', 'H', 'T'), state('H', 'T'), state('H', 'P'), state('H', 'Q'), state('H', 'X'),
                       state('h', 'H'), state('h', 'T'), state('Y', 'Y'), state('J', 'A'), state('K', 'A'),
                       state('N', 'A'), state('O', 'A')}));
  // Kinds the pattern layer does not read, and level changes with levels = 0.
  tap.message(message(14, 5000,
                      {event(EventKind::kTradeBreak), event(EventKind::kMarketState), event(EventKind::kImbalance),
                       event(EventKind::kBookCrossed), level(events::Side::kBid, 1500000, 100, 1)}));
  tap.publish();
  const std::vector<MarketUpdate> got = drain(ring);
  ASSERT_EQ(got.size(), 1u + 1u + 3u + 7u);
  for (const MarketUpdate& u : got) {
    EXPECT_EQ(u.feed, 3);
    EXPECT_NE(u.kind, UpdateKind::kLevel);
  }

  const MarketUpdate& n = got[0];
  EXPECT_EQ(n.kind, UpdateKind::kInstrument);
  EXPECT_EQ(n.instrument, 7u);
  EXPECT_EQ(n.symbol(), "AAPL");
  EXPECT_EQ(std::string(n.named.symbol, sizeof n.named.symbol), "AAPL" + std::string(20, ' ')) << "space padded";
  EXPECT_EQ(n.named.round_lot, 100u);

  const MarketUpdate& t = got[1];
  EXPECT_EQ(t.kind, UpdateKind::kTopOfBook);
  EXPECT_EQ(t.top.bid, 1500000 * patterns::kPrice8PerItch);
  EXPECT_EQ(t.top.bid_size, 200u);
  EXPECT_EQ(t.top.ask, 1500100 * patterns::kPrice8PerItch);
  EXPECT_EQ(t.top.ask_size, 300u);

  EXPECT_EQ(got[2].kind, UpdateKind::kTrade);
  EXPECT_EQ(got[2].trade.price, 1500100 * patterns::kPrice8PerItch);
  EXPECT_EQ(got[2].trade.shares, 50u);
  EXPECT_EQ(got[2].side, 2) << "the resting side taken: ask";
  EXPECT_EQ(got[2].extra, static_cast<std::uint8_t>(patterns::TradeKind::kDisplayed));
  EXPECT_EQ(got[3].trade.shares, 60u);
  EXPECT_EQ(got[3].side, 1);
  EXPECT_EQ(got[3].extra, static_cast<std::uint8_t>(patterns::TradeKind::kHidden));
  EXPECT_EQ(got[4].trade.shares, 70u);
  EXPECT_EQ(got[4].side, 0);
  EXPECT_EQ(got[4].extra, static_cast<std::uint8_t>(patterns::TradeKind::kCross));
  EXPECT_TRUE(got[4].flags & patterns::kLastOfMessage) << "the non-printable after it was skipped";

  using TS = patterns::TradingState;
  const std::vector<std::pair<TS, std::string>> states = {
      {TS::kHalted, "HHT"},        {TS::kTrading, "HT "}, {TS::kPaused, "HP "}, {TS::kQuotationOnly, "HQ "},
      {TS::kUnknown, "HX "},       {TS::kHalted, "hH "},  {TS::kTrading, "hT "}};
  for (std::size_t i = 0; i < states.size(); ++i) {
    const MarketUpdate& s = got[5 + i];
    EXPECT_EQ(s.kind, UpdateKind::kTradingState) << i;
    EXPECT_EQ(s.extra, static_cast<std::uint8_t>(states[i].first)) << i;
    EXPECT_EQ(std::string(s.state.code, 3), states[i].second) << i;
  }
  EXPECT_EQ(tap.counters().updates, got.size());
}

TEST_F(MarketTapTest, LevelChangesOnlyWithinTheTopLevelsOfTheirSide) {
  const char symbol[8] = {'D', 'E', 'E', 'P', ' ', ' ', ' ', ' '};
  const std::uint32_t id = books.add_instrument(0, 1, symbol);
  ASSERT_NE(id, book::kNone);
  book::LevelState ls;
  std::uint64_t reference = 0;
  for (const std::uint32_t price : {1000000u, 999900u, 999800u}) {
    ASSERT_EQ(books.add_order(id, ++reference, book::kBidSide, price, 100, ls), book::AddStatus::kAdded);
  }
  for (const std::uint32_t price : {1000100u, 1000200u, 1000300u}) {
    ASSERT_EQ(books.add_order(id, ++reference, book::kAskSide, price, 100, ls), book::AddStatus::kAdded);
  }

  Ring ring(64, 1);
  patterns::MarketTapConfig config;
  config.levels = 2;
  patterns::MarketTap tap(config, ring, books);
  using events::Side;
  std::vector<Event> m = {level(Side::kBid, 1000000, 100, 1),          level(Side::kBid, 999900, 300, 2),
                          level(Side::kBid, 999800, 100, 1),           level(Side::kBid, 999950, 0, 0, true),
                          level(Side::kAsk, 1000100, 100, 1),          level(Side::kAsk, 1000200, 100, 1),
                          level(Side::kAsk, 1000300, 100, 1),          level(Side::kAsk, 1000050, 0, 0, true),
                          level(Side::kAsk, 1000250, 0, 0, true)};
  for (Event& e : m) e.instrument = id;
  tap.message(message(1, 1000, m));
  tap.publish();
  const std::vector<MarketUpdate> got = drain(ring);
  struct Want {
    std::uint16_t index;
    std::uint8_t side;
    std::uint8_t depth;
    std::uint32_t price;
    std::uint64_t shares;
    std::uint64_t orders;
  };
  const std::vector<Want> want = {{0, 1, 0, 1000000, 100, 1}, {1, 1, 1, 999900, 300, 2}, {3, 1, 1, 999950, 0, 0},
                                  {4, 2, 0, 1000100, 100, 1}, {5, 2, 1, 1000200, 100, 1}, {7, 2, 0, 1000050, 0, 0}};
  ASSERT_EQ(got.size(), want.size()) << "depth 2 and beyond are not within the top 2";
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].kind, UpdateKind::kLevel) << i;
    EXPECT_EQ(got[i].event_index, want[i].index) << i;
    EXPECT_EQ(got[i].instrument, id) << i;
    EXPECT_EQ(got[i].side, want[i].side) << i;
    EXPECT_EQ(got[i].extra, want[i].depth) << i;
    EXPECT_EQ(got[i].level.price, patterns::Price8{want[i].price} * patterns::kPrice8PerItch) << i;
    EXPECT_EQ(got[i].level.shares, want[i].shares) << i;
    EXPECT_EQ(got[i].level.orders, want[i].orders) << i;
  }
}

TEST_F(MarketTapTest, TheLastUpdateOfAMessageIsFlaggedAndKeysAreStreamKeys) {
  Ring ring(64, 1);
  patterns::MarketTap tap({}, ring, books);
  Event suspect = top(1, 100, 1, 101, 1);
  suspect.flags = events::kBookSuspect;
  Event volatile_top = top(1, 100, 1, 101, 1);
  volatile_top.flags = events::kVolatile;  // a security breaker of instrument 1 is open
  const std::vector<std::uint64_t> sequences = {5, 6, 9, 10, 2, 3, events::kMaxKeyedSequence + 7};
  tap.message(message(sequences[0], 10, {top(1, 100, 1, 101, 1), trade(1, 100, 5),
                                         trade(1, 100, 5, events::kNonPrintable)}));
  tap.message(message(sequences[1], 20, {trade(1, 100, 5, events::kNonPrintable)}));  // nothing
  tap.message(message(sequences[2], 30, {state('Y', 'Y'), trade(1, 100, 5), state('H', 'T'), top(1, 1, 1, 2, 2)}));
  tap.message(message(sequences[3], 40, {suspect}));
  tap.message(message(sequences[4], 50, {top(1, 100, 1, 101, 1)}));  // a new session
  tap.message(message(sequences[5], 60, {volatile_top}));
  tap.message(message(sequences[6], 70, {top(1, 100, 1, 101, 1)}));
  tap.publish();
  const std::vector<MarketUpdate> got = drain(ring);

  events::StreamKeys keys;
  std::vector<std::uint64_t> want_keys;
  for (const std::uint64_t s : sequences) want_keys.push_back(keys.message(s & events::kMaxKeyedSequence));
  struct Want {
    std::size_t message;
    std::uint16_t index;
    bool last;
  };
  const std::vector<Want> want = {{0, 0, false}, {0, 1, true}, {2, 1, false}, {2, 2, false}, {2, 3, true},
                                  {3, 0, true},  {4, 0, true}, {5, 0, true},  {6, 0, true}};
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].sequence, want_keys[want[i].message]) << i;
    EXPECT_EQ(got[i].event_index, want[i].index) << i;
    EXPECT_EQ((got[i].flags & patterns::kLastOfMessage) != 0, want[i].last) << i;
    EXPECT_EQ((got[i].flags & patterns::kBookSuspect) != 0, i == 5) << i;
    EXPECT_EQ((got[i].flags & patterns::kVolatileUpdate) != 0, i == 7) << i;
  }
  EXPECT_GT(got[6].sequence, got[5].sequence) << "a new session keys above the last";
}

TEST_F(MarketTapTest, TimesAreTheClampedExchangeClockOnTheSessionDate) {
  Ring ring(64, 1);
  patterns::MarketTapConfig config;
  config.day_start_ns = 1'700'000'000'000'000'000ull;
  config.clock_offset_ns = -250;
  patterns::MarketTap tap(config, ring, books);
  const std::uint64_t day = config.day_start_ns;
  Event anomalous = top(1, 1, 1, 2, 2);
  anomalous.flags = events::kTimestampAnomaly;
  tap.message(message(1, 5000, {top(1, 1, 1, 2, 2)}));
  EXPECT_EQ(tap.now_time(), day + 5000 - 250);
  tap.message(message(2, 4000, {top(1, 1, 1, 2, 2)}));  // behind: the clock does not go back
  tap.message(message(3, 9000, {anomalous}));          // an anomaly never moves it
  tap.message(message(4, 6000, {top(1, 1, 1, 2, 2)}));
  tap.publish();
  const std::vector<MarketUpdate> got = drain(ring);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].time_ns, day + 4750);
  EXPECT_EQ(got[1].time_ns, day + 4750);
  EXPECT_EQ(got[2].time_ns, day + 4750);
  EXPECT_EQ(got[3].time_ns, day + 5750);
  EXPECT_EQ(tap.now_time(), day + 5750);
}

TEST_F(MarketTapTest, ReplayWaitsForTheSlowestReaderAndLosesNothing) {
  const Watchdog watchdog(std::chrono::seconds(60), "market tap replay through a ring of 4");
  Ring ring(4, 1);
  patterns::MarketTap tap({}, ring, books);
  constexpr std::uint64_t kMessages = 250;
  std::vector<MarketUpdate> read;
  std::thread reader([&] {
    while (!ring.drained(0)) {
      const std::vector<MarketUpdate> some = drain(ring);
      if (some.empty()) std::this_thread::yield();
      read.insert(read.end(), some.begin(), some.end());
    }
  });
  for (std::uint64_t m = 1; m <= kMessages; ++m) {
    tap.message(message(m, m * 10, {top(1, static_cast<std::uint32_t>(m), 1, 100000, 1),
                                    trade(1, static_cast<std::uint32_t>(m), m)}));
  }
  tap.finish();
  reader.join();
  ASSERT_EQ(read.size(), 2 * kMessages);
  for (std::uint64_t m = 1; m <= kMessages; ++m) {
    const MarketUpdate& t = read[2 * (m - 1)];
    const MarketUpdate& p = read[2 * (m - 1) + 1];
    ASSERT_EQ(t.kind, UpdateKind::kTopOfBook) << m;
    ASSERT_EQ(t.top.bid, static_cast<patterns::Price8>(m) * patterns::kPrice8PerItch) << m;
    ASSERT_EQ(p.kind, UpdateKind::kTrade) << m;
    ASSERT_EQ(p.trade.shares, m) << m;
    ASSERT_EQ(p.sequence, m + 1) << m;
  }
  EXPECT_EQ(tap.counters().updates, 2 * kMessages);
  EXPECT_GT(tap.counters().full_waits, 0u) << "nothing is visible before the ring fills: it must have waited";
  EXPECT_EQ(tap.counters().lost, 0u);
  EXPECT_EQ(tap.counters().conflated, 0u);
}

// Live over a ring of 4 that nobody reads until the test says so.
class LiveTapTest : public MarketTapTest {
 protected:
  LiveTapTest() {
    config.live = true;
    config.max_instruments = 16;
    config.feed_rank = 2;
    config.day_start_ns = 1'000'000'000;
    config.watermark = &watermark;
  }
  patterns::FeedWatermark watermark;
  patterns::MarketTapConfig config;
  Ring ring{4, 1};
  // Fills the ring with four tops of instruments 1..4 (messages 1..4).
  void fill(patterns::MarketTap& tap) {
    for (std::uint32_t i = 1; i <= 4; ++i) tap.message(message(i, i * 100, {top(i, 10, 1, 11, 1)}));
    ASSERT_EQ(tap.counters().updates, 4u);
  }
};

TEST_F(LiveTapTest, TopsConflateAndALostUpdateIsMarkedStaleFirstWhenRoomReturns) {
  patterns::MarketTap tap(config, ring, books);
  ASSERT_TRUE(tap.ok());
  fill(tap);
  tap.publish(1000);
  tap.message(message(5, 500, {top(5, 20, 1, 21, 1)}));
  tap.message(message(6, 600, {top(5, 22, 1, 23, 1)}));  // replaces the first
  tap.message(message(7, 700, {top(6, 30, 1, 31, 1)}));
  tap.message(message(8, 800, {trade(5, 22, 100)}));     // no room: lost
  tap.message(message(9, 900, {top(5, 24, 2, 25, 2)}));  // replaces again
  tap.message(message(10, 950, {top(20, 1, 1, 2, 1)}));  // past max_instruments: nowhere to wait
  EXPECT_EQ(tap.counters().updates, 4u);
  EXPECT_EQ(tap.counters().conflated, 2u);
  EXPECT_EQ(tap.counters().lost, 2u);
  EXPECT_EQ(tap.counters().stale_marks, 0u);
  EXPECT_EQ(tap.counters().full_waits, 0u) << "live never waits";
  tap.publish(2000);
  EXPECT_EQ(tap.counters().stale_marks, 0u) << "still no room";

  const std::vector<MarketUpdate> first = drain(ring);
  ASSERT_EQ(first.size(), 4u);
  for (std::uint32_t i = 0; i < 4; ++i) EXPECT_EQ(first[i].instrument, i + 1);

  tap.publish(3000);  // room again: the stale mark, then the tops that waited, keyed as of now
  const std::vector<MarketUpdate> got = drain(ring);
  events::StreamKeys keys;
  std::uint64_t last_key = 0;
  for (std::uint64_t s = 1; s <= 10; ++s) last_key = keys.message(s);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].kind, UpdateKind::kFeedStale);
  EXPECT_EQ(got[0].feed, 2);
  EXPECT_EQ(got[0].time_ns, tap.now_time());
  EXPECT_EQ(got[0].sequence, last_key);
  EXPECT_TRUE(got[0].flags & patterns::kLastOfMessage);
  std::map<std::uint32_t, MarketUpdate> tops;
  for (std::size_t i = 1; i < got.size(); ++i) {
    EXPECT_EQ(got[i].kind, UpdateKind::kTopOfBook);
    EXPECT_EQ(got[i].time_ns, tap.now_time());
    EXPECT_EQ(got[i].sequence, last_key);
    EXPECT_EQ(got[i].event_index, 0);
    EXPECT_EQ(got[i].feed, 2);
    tops[got[i].instrument] = got[i];
  }
  ASSERT_EQ(tops.size(), 2u);
  ASSERT_TRUE(tops.count(5) && tops.count(6));
  EXPECT_EQ(tops[5].top.bid, 24 * patterns::kPrice8PerItch) << "the latest top of instrument 5";
  EXPECT_EQ(tops[5].top.bid_size, 2u);
  EXPECT_EQ(tops[6].top.bid, 30 * patterns::kPrice8PerItch);
  EXPECT_EQ(tap.counters().stale_marks, 1u);
  EXPECT_EQ(tap.counters().updates, 6u);
}

TEST_F(LiveTapTest, WhatWaitedGoesOutBeforeTheNextUpdateWithItsKey) {
  patterns::MarketTap tap(config, ring, books);
  fill(tap);
  tap.publish(1000);
  tap.message(message(5, 500, {state('H', 'H')}));  // lost
  tap.message(message(6, 600, {top(2, 40, 1, 41, 1)}));
  EXPECT_EQ(tap.counters().lost, 1u);
  ASSERT_EQ(drain(ring).size(), 4u);
  tap.message(message(7, 700, {top(3, 50, 1, 51, 1), trade(3, 50, 10)}));
  tap.publish(2000);
  const std::vector<MarketUpdate> got = drain(ring);
  const std::uint64_t key7 = 8;  // the stream key of sequence 7 (keys start at sequence + 1)
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].kind, UpdateKind::kFeedStale);
  EXPECT_EQ(got[1].kind, UpdateKind::kTopOfBook);
  EXPECT_EQ(got[1].instrument, 2u);
  EXPECT_EQ(got[2].kind, UpdateKind::kTopOfBook);
  EXPECT_EQ(got[2].instrument, 3u);
  EXPECT_EQ(got[3].kind, UpdateKind::kTrade);
  for (const MarketUpdate& u : got) {
    EXPECT_EQ(u.sequence, key7);
    EXPECT_EQ(u.time_ns, config.day_start_ns + 700);
  }
  for (std::size_t i = 1; i < got.size(); ++i) {
    EXPECT_FALSE(patterns::merge_before(got[i], got[i - 1])) << "the ring stays in key order at " << i;
  }
  EXPECT_TRUE(got[3].flags & patterns::kLastOfMessage);
  EXPECT_FALSE(got[2].flags & patterns::kLastOfMessage);
  EXPECT_EQ(tap.counters().stale_marks, 1u);
}

// Received at `receive_ns` on the process clock (what a live RX core stamps).
std::vector<Event> received(std::vector<Event> m, std::uint64_t receive_ns) {
  for (Event& e : m) e.receive_time_ns = receive_ns;
  return m;
}

TEST_F(LiveTapTest, TheWatermarkFollowsTheClockAndTheReceiveClockLessTheLeastDelay) {
  config.skew_ns = 100;
  Ring big(64, 1);
  patterns::MarketTap tap(config, big, books);
  const std::uint64_t day = config.day_start_ns;
  tap.idle(500);
  EXPECT_EQ(watermark.time_ns.load(), 0u) << "nothing received yet";
  // Stamped 5000 into the day, received at 10,000 on the process clock.
  tap.message(received(message(1, 5000, {top(1, 1, 1, 2, 1)}), 10'000));
  EXPECT_EQ(watermark.time_ns.load(), 0u) << "raised at publish, not per message";
  tap.publish(10'000);
  EXPECT_EQ(watermark.time_ns.load(), day + 5000);
  tap.idle(10'050);
  EXPECT_EQ(watermark.time_ns.load(), day + 5000) << "within the skew";
  tap.idle(10'400);
  EXPECT_EQ(watermark.time_ns.load(), day + 5300) << "receive clock now, less the least delay and the skew";
  tap.idle(20'000, /*hole_open=*/true);
  EXPECT_EQ(watermark.time_ns.load(), day + 5300) << "a hole open: the last time only";

  Event anomalous = top(1, 1, 1, 2, 1);
  anomalous.flags = events::kTimestampAnomaly;
  tap.message(received(message(2, 1'000'000, {anomalous}), 20'050));
  tap.publish(20'050, /*hole_open=*/true);
  EXPECT_EQ(watermark.time_ns.load(), day + 5300) << "an anomaly moves neither the clock nor the delay";

  // A slower message does not change the least delay; a faster one lowers it.
  tap.message(received(message(3, 5100, {top(1, 1, 1, 2, 1)}), 20'100));
  tap.publish(20'100, /*hole_open=*/true);
  EXPECT_EQ(watermark.time_ns.load(), day + 5300) << "never lowered";
  tap.idle(20'200);
  EXPECT_EQ(watermark.time_ns.load(), day + 15'100);
  tap.message(received(message(4, 20'000, {top(1, 1, 1, 2, 1)}), 20'300));
  tap.idle(20'400);
  EXPECT_EQ(watermark.time_ns.load(), day + 20'000) << "the clock; the delay is now 300 less";
  tap.idle(20'600);
  EXPECT_EQ(watermark.time_ns.load(), day + 20'200);
  EXPECT_EQ(drain(big).size(), 4u);

  // A new day measures its delay afresh, and starts its watermark at its midnight.
  tap.set_day_start(day + 86'400'000'000'000);
  tap.day_begins();
  tap.idle(1'000'000);
  EXPECT_EQ(watermark.time_ns.load(), day + 20'200) << "nothing received on the new day yet";
}

TEST_F(MarketTapTest, ReplayNeverTouchesTheWatermark) {
  patterns::FeedWatermark watermark;
  patterns::MarketTapConfig config;
  config.watermark = &watermark;
  config.skew_ns = 10;
  Ring ring(64, 1);
  patterns::MarketTap tap(config, ring, books);
  tap.message(message(1, 5000, {top(1, 1, 1, 2, 1)}));
  tap.publish(1000);
  tap.idle(1'000'000);
  EXPECT_EQ(watermark.time_ns.load(), 0u);
  EXPECT_EQ(drain(ring).size(), 1u);
}

}  // namespace
}  // namespace tickwire::test
