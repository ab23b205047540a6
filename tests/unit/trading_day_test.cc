// A new MoldUDP64 session is the next trading day: the books start empty, locates and order
// references start over, each instrument's day state is cleared, and a symbol that trades
// again is mapped back to its instrument. Over many days the instrument table and the pools
// stay as full as one day makes them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dataplane/book/book_builder.h"
#include "dataplane/itch/decoder.h"
#include "tests/support/itch_builder.h"

namespace tickwire::book {
namespace {

using test::Bytes;

constexpr std::uint64_t kMorning = 14'400'000'000'000;    // 04:00
constexpr std::uint64_t kAfternoon = 54'000'000'000'000;  // 15:00

struct Recorder {
  std::vector<events::Event> events;
  void operator()(const events::Event& e) { events.push_back(e); }
};

class TradingDayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BookConfig c;
    c.max_orders = 1000;
    c.max_levels = 200;
    c.max_instruments = 8;
    std::string error;
    ASSERT_TRUE(store.init(c, error)) << error;
  }
  void apply(const Bytes& b) {
    feed::MessageContext ctx;
    ctx.sequence = ++sequence;
    ctx.sequenced = true;
    ASSERT_EQ(itch::decode_message(b.data(), b.size(), [&](const auto& m) { builder(ctx, m); }),
              itch::DecodeStatus::kOk);
  }
  std::vector<events::Event> events_of_last_message() {
    std::vector<events::Event> last;
    for (const events::Event& e : recorder.events) {
      if (e.sequence == sequence) last.push_back(e);
    }
    return last;
  }
  const Instrument& instrument_at(std::uint16_t locate) { return store.instrument(store.instrument_id(0, locate)); }
  std::uint64_t anomalies() const {
    std::uint64_t n = 0;
    for (const std::uint64_t a : counters.anomalies) n += a;
    return n;
  }

  BookStore store;
  Recorder recorder;
  BookCounters counters;
  BookBuilder<Recorder> builder{store, recorder, counters, 0};
  std::uint64_t sequence = 0;
};

TEST_F(TradingDayTest, ANewDayEmptiesTheBooksAndMapsASymbolBackToItsInstrument) {
  apply(test::stock_directory(7, "AAPL"));
  apply(test::stock_directory(8, "MSFT"));
  apply(test::trading_action(7, "AAPL", 'H'));
  apply(test::add_order(7, 1, 'B', 100, "AAPL", 1500000, kAfternoon));
  apply(test::add_order(7, 2, 'S', 100, "AAPL", 1500100, kAfternoon));
  apply(test::add_order(8, 3, 'B', 100, "MSFT", 3000000, kAfternoon));
  const std::uint32_t aapl = store.instrument_id(0, 7);
  const std::uint32_t msft = store.instrument_id(0, 8);
  builder.set_suspect(true);  // a gap late in the day

  builder.begin_day();
  EXPECT_EQ(counters.days_begun, 1u);
  EXPECT_EQ(counters.orders_dropped_at_day_end, 3u);
  EXPECT_EQ(store.live_orders(), 0u);
  EXPECT_EQ(store.live_levels(), 0u);
  EXPECT_EQ(store.instrument_id(0, 7), kNone) << "yesterday's locates mean nothing today";
  EXPECT_FALSE(store.in_session(store.instrument(aapl)));
  EXPECT_EQ(store.find_order(1), kNone);

  // Today AAPL has locate 3, and the references start at 1 again.
  recorder.events.clear();
  apply(test::stock_directory(3, "AAPL", kMorning));
  EXPECT_EQ(store.instrument_id(0, 3), aapl);
  EXPECT_TRUE(store.in_session(store.instrument(aapl)));
  EXPECT_FALSE(store.in_session(store.instrument(msft))) << "not named today";
  const Instrument& today = store.instrument(aapl);
  EXPECT_EQ(today.trading_state, 0) << "yesterday's halt is not today's state";
  EXPECT_EQ(today.locate, 3u);
  EXPECT_EQ(today.first_locate, 7u) << "what other threads read is never rewritten";
  ASSERT_EQ(recorder.events.size(), 1u);
  EXPECT_EQ(recorder.events[0].kind, events::EventKind::kInstrumentAdded);
  EXPECT_TRUE(recorder.events[0].flags & events::kStartsAfresh);
  EXPECT_EQ(recorder.events[0].stock_locate, 3u);
  EXPECT_FALSE(recorder.events[0].flags & events::kBookSuspect) << "an empty book is a complete one";

  apply(test::add_order(3, 1, 'B', 200, "AAPL", 1510000, kMorning + 1000));
  apply(test::add_order(3, 2, 'B', 300, "AAPL", 1510000, kMorning + 2000));
  EXPECT_EQ(anomalies(), 0u) << "neither a live reference nor a clock going backwards";
  const TopOfBook top = BookStore::top_of_book(today);
  EXPECT_EQ(top.bid_price, 1510000u);
  EXPECT_EQ(top.bid_shares, 500u);
  EXPECT_EQ(top.ask_shares, 0u) << "yesterday's ask is gone";
  for (const events::Event& e : events_of_last_message()) EXPECT_FALSE(e.flags & events::kTimestampAnomaly);

  // An R that names it again under the same locate is no fresh start.
  apply(test::stock_directory(3, "AAPL", kMorning + 3000));
  ASSERT_EQ(events_of_last_message().size(), 1u);
  EXPECT_FALSE(events_of_last_message()[0].flags & events::kStartsAfresh);
}

TEST_F(TradingDayTest, AnAddNamingAnInstrumentOnANewDayMapsItBackAndStartsItAfresh) {
  apply(test::add_order(5, 10, 'B', 100, "ZVZZT", 100000, kAfternoon));
  const std::uint32_t id = store.instrument_id(0, 5);
  ASSERT_TRUE(events_of_last_message()[0].flags & events::kStartsAfresh);
  builder.begin_day();
  apply(test::add_order(9, 10, 'S', 100, "ZVZZT", 100100, kMorning));
  EXPECT_EQ(store.instrument_id(0, 9), id);
  const std::vector<events::Event> events = events_of_last_message();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].kind, events::EventKind::kInstrumentAdded);
  EXPECT_TRUE(events[0].flags & events::kStartsAfresh);
  EXPECT_EQ(events[0].stock_locate, 9u);
  EXPECT_EQ(counters[BookAnomaly::kAddLiveReference], 0u);
}

// Two locates with one name on one day are two instruments; on the days after, both come
// back to theirs, so the table does not grow day after day.
TEST_F(TradingDayTest, ANameOnTwoLocatesIsTwoInstrumentsEveryDayWithoutGrowing) {
  for (int day = 0; day < 6; ++day) {
    apply(test::stock_directory(1, "DUP"));
    apply(test::stock_directory(2, "DUP"));
    EXPECT_NE(store.instrument_id(0, 1), store.instrument_id(0, 2));
    EXPECT_NE(store.instrument_id(0, 2), kNone);
    builder.begin_day();
  }
  EXPECT_EQ(store.instrument_count(), 2u);
  EXPECT_EQ(counters[BookAnomaly::kNoInstrumentRoom], 0u);
}

// Deep sides (in the price index) and long-lived orders (in the order table's overflow region:
// with 1000 orders the table has 1024 direct slots, so references 1024 apart share one) are
// cleared from the table and both indexes: the next day's same prices and references are new.
TEST_F(TradingDayTest, ANewDayClearsDeepSidesAndLongLivedOrdersFromTheIndexes) {
  for (int day = 0; day < 3; ++day) {
    apply(test::stock_directory(1, "DEEP", kMorning));
    for (std::uint64_t k = 0; k < 40; ++k) {
      for (std::uint64_t r : {1 + k, 1 + k + 1024, 1 + k + 2048}) {
        apply(test::add_order(1, r, k % 2 ? 'B' : 'S', 100, "DEEP",
                              static_cast<std::uint32_t>(k % 2 ? 1000 - k : 2000 + k), kAfternoon));
      }
    }
    apply(test::order_delete(1, 1 + 1024, kAfternoon));  // moved out of its slot by 1 + 2048
    EXPECT_EQ(store.find_order(1 + 1024), kNone);
    EXPECT_GT(store.indexed_levels(), 0u);
    EXPECT_EQ(store.live_orders(), 119u);
    builder.begin_day();
    EXPECT_EQ(store.indexed_levels(), 0u);
    EXPECT_EQ(store.live_levels(), 0u);
    EXPECT_EQ(store.long_lived_orders(), 0u);
    for (std::uint64_t r : {std::uint64_t{1}, std::uint64_t{1025}, std::uint64_t{2049}}) EXPECT_EQ(store.find_order(r), kNone);
  }
  EXPECT_EQ(anomalies(), 0u);
  EXPECT_EQ(counters.orders_dropped_at_day_end, 3u * 119u);
}

// Two feeds in one store: a new day of one empties its books and frees its orders, in their
// direct slots or moved out of them, and leaves the other feed's alone.
TEST_F(TradingDayTest, ANewDayOfOneFeedLeavesTheOtherFeedsOrders) {
  BookCounters other_counters;
  BookBuilder<Recorder> other{store, recorder, other_counters, 1};
  auto apply_other = [&](const Bytes& b) {
    feed::MessageContext ctx;
    ctx.sequence = ++sequence;
    ctx.sequenced = true;
    ASSERT_EQ(itch::decode_message(b.data(), b.size(), [&](const auto& m) { other(ctx, m); }), itch::DecodeStatus::kOk);
  };
  apply(test::stock_directory(1, "ZERO", kMorning));
  apply_other(test::stock_directory(1, "ONE", kMorning));
  // References 1024 apart share a direct slot: each feed has orders in both regions.
  for (std::uint64_t k = 0; k < 100; ++k) {
    apply(test::add_order(1, 1 + k + (k % 2) * 1024, 'B', 100, "ZERO", 1000, kAfternoon));
    apply_other(test::add_order(1, 1 + k + 2048 + (k % 3) * 1024, 'S', 100, "ONE", 2000, kAfternoon));
  }
  ASSERT_GT(store.long_lived_orders(), 0u);
  ASSERT_EQ(store.live_orders(), 200u);
  builder.begin_day();
  EXPECT_EQ(counters.orders_dropped_at_day_end, 100u);
  EXPECT_EQ(store.live_orders(), 100u);
  for (std::uint64_t k = 0; k < 100; ++k) {
    EXPECT_EQ(store.find_order(1 + k + (k % 2) * 1024), kNone);
    EXPECT_NE(store.find_order(1 + k + 2048 + (k % 3) * 1024), kNone) << k;
  }
  const Instrument& one = store.instrument(store.instrument_id(1, 1));
  EXPECT_EQ(one.orders, 100u);
  EXPECT_EQ(BookStore::top_of_book(one), (TopOfBook{0, 2000, 0, 100 * 100}));
  // The next day of feed 0 reuses references freely; feed 1's orders still execute.
  apply(test::stock_directory(1, "ZERO", kMorning));
  apply(test::add_order(1, 1, 'B', 100, "ZERO", 1000, kAfternoon));
  apply_other(test::order_delete(1, 2048 + 1, kAfternoon));
  EXPECT_EQ(store.live_orders(), 100u);
  EXPECT_EQ(anomalies() + [&] {
    std::uint64_t n = 0;
    for (const std::uint64_t a : other_counters.anomalies) n += a;
    return n;
  }(), 0u);
}

// A month of days over a table of 8 instruments and a pool of 1000 orders: the same six
// securities every day under shuffled locates, orders left resting every evening.
TEST_F(TradingDayTest, ManyDaysKeepTheInstrumentTableAndThePoolsAsFullAsOneDay) {
  const std::vector<std::string> symbols = {"AA", "BB", "CC", "DD", "EE", "FF"};
  for (std::uint16_t day = 0; day < 30; ++day) {
    std::uint64_t reference = 0;
    for (std::size_t s = 0; s < symbols.size(); ++s) {
      const auto locate = static_cast<std::uint16_t>(1 + (s + day) % symbols.size());
      apply(test::stock_directory(locate, symbols[s], kMorning));
      for (std::uint32_t k = 0; k < 50; ++k) {
        apply(test::add_order(locate, ++reference, k % 2 ? 'B' : 'S', 100, symbols[s],
                              1000 + (k % 2 ? 0 : 100) + k % 7, kAfternoon));
      }
      ASSERT_EQ(instrument_at(locate).symbol_text(), symbols[s]);
      ASSERT_EQ(instrument_at(locate).orders, 50u);
    }
    builder.begin_day();
  }
  EXPECT_EQ(store.instrument_count(), symbols.size());
  EXPECT_EQ(counters[BookAnomaly::kNoInstrumentRoom], 0u);
  EXPECT_EQ(counters[BookAnomaly::kNoOrderRoom], 0u);
  EXPECT_EQ(counters[BookAnomaly::kAddLiveReference], 0u);
  EXPECT_EQ(store.peak_orders(), 300u);
  EXPECT_EQ(counters.orders_dropped_at_day_end, 30u * 300u);
  EXPECT_EQ(counters.days_begun, 30u);
}

}  // namespace
}  // namespace tickwire::book
