// The books against an independent reference (maps and lists) after every message of random
// streams that mix valid flow with every anomaly the builder must count; events against the
// reference's top of book; capacity limits; and no heap allocation while building.
#include "dataplane/book/book_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <list>
#include <set>
#include <span>
#include <map>
#include <random>
#include <vector>

#include "dataplane/feed/sequenced_feed.h"
#include "dataplane/itch/decoder.h"
#include "pcap_samples/generator/scenario_runner.h"
#include "tests/support/alloc_counter.h"
#include "tests/support/itch_builder.h"

namespace tickwire::book {
namespace {

using test::Bytes;

// --- the reference: what a book is, written as plainly as possible
struct Reference {
  struct RestingOrder {
    std::uint16_t locate;
    int side;  // 0 bid, 1 ask
    std::uint32_t price;
    std::uint32_t shares;
  };
  std::map<std::uint64_t, RestingOrder> orders;
  std::map<std::uint16_t, std::array<std::map<std::uint32_t, std::list<std::uint64_t>>, 2>> books;
  std::map<BookAnomaly, std::uint64_t> anomalies;
  std::map<std::uint16_t, bool> named;  // locate seen in R or an add

  void remove(std::uint64_t ref) {
    const RestingOrder o = orders.at(ref);
    auto& level = books[o.locate][o.side][o.price];
    level.remove(ref);
    if (level.empty()) books[o.locate][o.side].erase(o.price);
    orders.erase(ref);
  }
  void rest(std::uint64_t ref, std::uint16_t locate, int side, std::uint32_t price, std::uint32_t shares,
            BookAnomaly on_live) {
    if (orders.count(ref)) {
      ++anomalies[on_live];
      remove(ref);
    }
    orders[ref] = {locate, side, price, shares};
    books[locate][side][price].push_back(ref);
  }
  void reduce(std::uint64_t ref, std::uint32_t shares, BookAnomaly on_unknown, BookAnomaly on_over) {
    if (!orders.count(ref)) {
      ++anomalies[on_unknown];
      return;
    }
    auto& o = orders.at(ref);
    if (shares > o.shares) {
      ++anomalies[on_over];
      shares = o.shares;
    }
    o.shares -= shares;
    if (o.shares == 0) remove(ref);
  }
  void name(std::uint16_t locate, bool from_directory) {
    if (!named.count(locate) && !from_directory) ++anomalies[BookAnomaly::kLocateWithoutDirectory];
    named[locate] = true;
  }

  void apply(const Bytes& b) {
    itch::decode_message(b.data(), b.size(), [&](const auto& m) { on(m); });
  }
  template <class M>
  void on(const M&) {}
  template <class M>
  void on_add(const M& m) {
    const char s = m.buy_sell_indicator.value();
    if (s != 'B' && s != 'S') {
      ++anomalies[BookAnomaly::kInvalidSide];
      return;
    }
    name(m.header.stock_locate.value(), false);
    rest(m.order_reference_number.value(), m.header.stock_locate.value(), s == 'B' ? 0 : 1, m.price.value(),
         m.shares.value(), BookAnomaly::kAddLiveReference);
  }
  void on(const itch::AddOrder& m) { on_add(m); }
  void on(const itch::AddOrderMpid& m) { on_add(m); }
  void on(const itch::StockDirectory& m) { name(m.header.stock_locate.value(), true); }
  void on(const itch::OrderExecuted& m) {
    reduce(m.order_reference_number.value(), m.executed_shares.value(), BookAnomaly::kExecuteUnknownReference,
           BookAnomaly::kExecuteMoreThanRemains);
  }
  void on(const itch::OrderExecutedWithPrice& m) {
    reduce(m.order_reference_number.value(), m.executed_shares.value(), BookAnomaly::kExecuteUnknownReference,
           BookAnomaly::kExecuteMoreThanRemains);
  }
  void on(const itch::OrderCancel& m) {
    reduce(m.order_reference_number.value(), m.cancelled_shares.value(), BookAnomaly::kCancelUnknownReference,
           BookAnomaly::kCancelMoreThanRemains);
  }
  void on(const itch::OrderDelete& m) {
    if (!orders.count(m.order_reference_number.value())) {
      ++anomalies[BookAnomaly::kDeleteUnknownReference];
      return;
    }
    remove(m.order_reference_number.value());
  }
  void on(const itch::OrderReplace& m) {
    const std::uint64_t old_ref = m.original_order_reference_number.value();
    if (!orders.count(old_ref)) {
      ++anomalies[BookAnomaly::kReplaceUnknownReference];
      return;
    }
    const RestingOrder o = orders.at(old_ref);
    remove(old_ref);
    rest(m.new_order_reference_number.value(), o.locate, o.side, m.price.value(), m.shares.value(),
         BookAnomaly::kReplaceToLiveReference);
  }

  TopOfBook top(std::uint16_t locate) {
    TopOfBook t;
    auto& b = books[locate];
    if (!b[0].empty()) {
      const auto& [price, refs] = *b[0].rbegin();
      t.bid_price = price;
      for (auto r : refs) t.bid_shares += orders.at(r).shares;
    }
    if (!b[1].empty()) {
      const auto& [price, refs] = *b[1].begin();
      t.ask_price = price;
      for (auto r : refs) t.ask_shares += orders.at(r).shares;
    }
    return t;
  }
};

struct Recorder {
  std::vector<events::Event> events;
  void operator()(const events::Event& e) { events.push_back(e); }
};

class BookBuilderTest : public ::testing::Test {
 protected:
  void init(BookConfig config = small_config()) {
    std::string error;
    ASSERT_TRUE(store.init(config, error)) << error;
  }
  static BookConfig small_config() {
    BookConfig c;
    c.max_orders = 100'000;
    c.max_levels = 20'000;
    c.max_instruments = 64;
    return c;
  }
  void random_stream_matches_reference(std::uint32_t price_points, const BookConfig& config = small_config());
  void apply(const Bytes& b, std::uint64_t receive_ns = 0, bool filled_hole = false) {
    ++sequence;
    feed::MessageContext ctx;
    ctx.sequence = sequence;
    ctx.sequenced = true;
    ctx.receive_time_ns = receive_ns;
    ctx.filled_hole = filled_hole;
    ASSERT_EQ(itch::decode_message(b.data(), b.size(), [&](const auto& m) { builder(ctx, m); }),
              itch::DecodeStatus::kOk);
    reference.apply(b);
  }

  // The whole book of `locate` equals the reference's: levels in price priority with their
  // totals, and the orders of each level in time priority.
  void expect_same_book(std::uint16_t locate) { expect_same_book(locate, store.queues()); }
  // The same for a caller that checks several books after one message: one listing of the
  // queues serves them all.
  void expect_same_book(std::uint16_t locate, const LevelQueues& queues) {
    const std::uint32_t id = store.instrument_id(0, locate);
    auto& ref = reference.books[locate];
    for (int side = 0; side < 2; ++side) {
      std::vector<std::tuple<std::uint32_t, std::uint64_t, std::vector<std::uint64_t>>> expected, actual;
      auto collect = [&](auto begin, auto end) {
        for (auto it = begin; it != end; ++it) {
          std::uint64_t total = 0;
          std::vector<std::uint64_t> refs(it->second.begin(), it->second.end());
          for (auto r : refs) total += reference.orders.at(r).shares;
          expected.emplace_back(it->first, total, refs);
        }
      };
      if (side == 0) {
        collect(ref[0].rbegin(), ref[0].rend());
      } else {
        collect(ref[1].begin(), ref[1].end());
      }
      if (id != kNone) {
        store.for_each_level(store.instrument(id), static_cast<SideIndex>(side), [&](const PriceLevel& l) {
          std::vector<std::uint64_t> refs;
          std::uint64_t total = 0;
          for (const Order& o : queues.of(l)) {
            refs.push_back(o.reference);
            total += o.shares;
          }
          EXPECT_EQ(total, l.shares);
          EXPECT_EQ(refs.size(), l.orders);
          actual.emplace_back(l.price, l.shares, refs);
        });
      }
      ASSERT_EQ(actual, expected) << "locate " << locate << " side " << side << " after seq " << sequence;
      deepest_side = std::max(deepest_side, actual.size());
    }
    // The top the instrument keeps is the top its levels give.
    if (id != kNone) {
      EXPECT_EQ(BookStore::top_of_book(store.instrument(id)), reference.top(locate));
    }
  }

  BookStore store;
  Recorder recorder;
  BookCounters counters;
  BookBuilder<Recorder> builder{store, recorder, counters, 0};
  Reference reference;
  std::uint64_t sequence = 0;
  std::size_t deepest_side = 0;  // most levels seen on one side by expect_same_book
};

// Generated days (valid references, FIFO executions, halts, crosses): the books equal the
// reference after every message of a small day, and at the end of a larger one.
std::vector<Bytes> generated_day(std::uint64_t messages, std::uint32_t symbols, std::uint64_t seed) {
  return test::generated_day_messages(messages, symbols, seed, /*halts=*/2);
}

TEST_F(BookBuilderTest, AddExecuteCancelDeleteReplaceInFifoOrder) {
  init();
  apply(test::stock_directory(7, "AAPL"));
  apply(test::add_order(7, 1, 'B', 100, "AAPL", 1500000));
  apply(test::add_order(7, 2, 'B', 200, "AAPL", 1500000));
  apply(test::add_order(7, 3, 'S', 300, "AAPL", 1500100));
  apply(test::add_order(7, 4, 'B', 50, "AAPL", 1499900));
  expect_same_book(7);
  apply(test::order_executed(7, 1, 40, 9001));
  apply(test::order_cancel(7, 2, 50));
  apply(test::order_replace(7, 1, 5, 60, 1500000));  // back of the queue, behind order 2
  expect_same_book(7);
  const PriceLevel& best = store.level(store.instrument(store.instrument_id(0, 7)).sides[kBidSide].best);
  std::vector<std::uint64_t> fifo;
  const LevelQueues queues = store.queues();
  for (const Order& o : queues.of(best)) fifo.push_back(o.reference);
  EXPECT_EQ(fifo, (std::vector<std::uint64_t>{2, 5}));
  apply(test::order_delete(7, 2));
  apply(test::order_delete(7, 5));
  apply(test::order_delete(7, 4));
  expect_same_book(7);
  EXPECT_EQ(store.live_orders(), 1u);
  EXPECT_EQ(store.live_levels(), 1u);
}

TEST_F(BookBuilderTest, ExecutionWithPriceReducesAtTheRestingPrice) {
  init();
  apply(test::add_order(3, 10, 'S', 500, "MSFT", 3000000));
  recorder.events.clear();
  apply(test::order_executed_with_price(3, 10, 100, 77, 'N', 2999000));
  ASSERT_GE(recorder.events.size(), 2u);
  const events::Event& trade = recorder.events[0];
  EXPECT_EQ(trade.kind, events::EventKind::kTrade);
  EXPECT_EQ(trade.price, 2999000u);
  EXPECT_EQ(trade.quantity, 100u);
  EXPECT_EQ(trade.match_number, 77u);
  EXPECT_TRUE(trade.flags & events::kNonPrintable);
  const events::Event& level = recorder.events[1];
  EXPECT_EQ(level.kind, events::EventKind::kLevelChange);
  EXPECT_EQ(level.price, 3000000u);
  EXPECT_EQ(level.quantity, 400u);
  EXPECT_TRUE(recorder.events.back().flags & events::kLastInMessage);
  expect_same_book(3);
}

TEST_F(BookBuilderTest, EventsOfAMessageAreNumberedAndTheLastIsFlagged) {
  init();
  apply(test::add_order(1, 1, 'B', 100, "X", 100));
  recorder.events.clear();
  apply(test::order_replace(1, 1, 2, 100, 101));
  // delete half, add half, new top of book
  ASSERT_EQ(recorder.events.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(recorder.events[i].event_index, i);
    EXPECT_EQ(recorder.events[i].sequence, sequence);
    EXPECT_EQ(bool(recorder.events[i].flags & events::kLastInMessage), i == 2);
  }
  EXPECT_TRUE(recorder.events[0].flags & events::kLevelRemoved);
  EXPECT_EQ(recorder.events[2].kind, events::EventKind::kTopOfBook);
  EXPECT_EQ(recorder.events[2].price, 101u);
}

TEST_F(BookBuilderTest, CrossedBookIsReportedOnceInContinuousTradingOnly) {
  init();
  apply(test::system_event('Q', 34'200'000'000'000));
  apply(test::add_order(1, 1, 'B', 100, "X", 1000, 35'000'000'000'000));
  apply(test::add_order(1, 2, 'S', 100, "X", 1000, 35'000'000'000'000));
  apply(test::add_order(1, 3, 'S', 100, "X", 999, 35'000'000'000'000));
  EXPECT_EQ(counters[BookAnomaly::kBookCrossed], 1u);
  apply(test::trading_action(1, "X", 'H'));
  apply(test::order_delete(1, 3));
  apply(test::add_order(1, 4, 'S', 100, "X", 990, 35'000'000'000'000));
  EXPECT_EQ(counters[BookAnomaly::kBookCrossed], 1u);  // halted: crossing is normal
  apply(test::system_event('M', 57'600'000'000'000));
  apply(test::trading_action(1, "X", 'T'));
  apply(test::add_order(1, 5, 'S', 100, "X", 980, 58'000'000'000'000));
  EXPECT_EQ(counters[BookAnomaly::kBookCrossed], 1u);  // after hours
}

TEST_F(BookBuilderTest, StateTradeAndMarketMessagesBecomeEvents) {
  init();
  using events::EventKind;
  auto last = [&]() -> const events::Event& { return recorder.events.back(); };
  apply(test::stock_directory(5, "ZVZZT"));
  EXPECT_EQ(last().kind, EventKind::kInstrumentAdded);
  EXPECT_EQ(last().code, 1);
  EXPECT_EQ(last().quantity, 100u);
  const std::uint32_t id = store.instrument_id(0, 5);
  EXPECT_EQ(store.instrument(id).symbol_text(), "ZVZZT");

  apply(test::trading_action(5, "ZVZZT", 'H'));
  EXPECT_EQ(last().kind, EventKind::kTradingState);
  EXPECT_EQ(last().code, 'H');
  EXPECT_EQ(store.instrument(id).trading_state, 'H');

  auto y = test::blank<itch::RegShoRestriction>(5, 1);
  y.stock.set("ZVZZT");
  y.reg_sho_action.set("1");
  apply(test::encode(y));
  EXPECT_EQ(last().code, '1');
  EXPECT_EQ(store.instrument(id).reg_sho_action, '1');

  auto h = test::blank<itch::OperationalHalt>(5, 1);
  h.stock.set("ZVZZT");
  h.market_code.set("Q");
  h.operational_halt_action.set("H");
  apply(test::encode(h));
  EXPECT_EQ(last().code, 'H');
  EXPECT_EQ(last().code2, 'Q');

  auto j = test::blank<itch::LuldAuctionCollar>(5, 1);
  j.stock.set("ZVZZT");
  j.auction_collar_reference_price.set(100000);
  j.upper_auction_collar_price.set(110000);
  j.lower_auction_collar_price.set(90000);
  j.auction_collar_extension.set(2);
  apply(test::encode(j));
  EXPECT_EQ(last().price, 100000u);
  EXPECT_EQ(last().other_price, 110000u);
  EXPECT_EQ(last().quantity, 90000u);
  EXPECT_EQ(last().other_quantity, 2u);

  auto k = test::blank<itch::IpoQuotingPeriodUpdate>(5, 1);
  k.stock.set("ZVZZT");
  k.ipo_quotation_release_time.set(36000);
  k.ipo_quotation_release_qualifier.set("A");
  k.ipo_price.set(200000);
  apply(test::encode(k));
  EXPECT_EQ(last().code, 'A');
  EXPECT_EQ(last().price, 200000u);
  EXPECT_EQ(last().quantity, 36000u);

  auto n = test::blank<itch::RetailInterest>(5, 1);
  n.stock.set("ZVZZT");
  n.interest_flag.set("B");
  apply(test::encode(n));
  EXPECT_EQ(last().code, 'B');

  auto o = test::blank<itch::DirectListingPriceDiscovery>(5, 1);
  o.stock.set("ZVZZT");
  o.open_eligibility_status.set("Y");
  o.near_execution_price.set(123400);
  o.minimum_allowable_price.set(100000);
  o.maximum_allowable_price.set(0);
  o.near_execution_time.set(0);
  o.lower_price_range_collar.set(0);
  o.upper_price_range_collar.set(0);
  apply(test::encode(o));
  EXPECT_EQ(last().code, 'Y');
  EXPECT_EQ(last().price, 123400u);
  EXPECT_EQ(last().other_price, 100000u);

  auto i = test::blank<itch::NetOrderImbalance>(5, 1);
  i.stock.set("ZVZZT");
  i.paired_shares.set(5000);
  i.imbalance_shares.set(7'000'000'000ull);  // 64-bit share counts survive
  i.imbalance_direction.set("S");
  i.far_price.set(1);
  i.near_price.set(101000);
  i.current_reference_price.set(100500);
  i.cross_type.set("C");
  i.price_variation_indicator.set("1");
  apply(test::encode(i));
  EXPECT_EQ(last().kind, EventKind::kImbalance);
  EXPECT_EQ(last().quantity, 7'000'000'000ull);
  EXPECT_EQ(last().other_quantity, 5000u);
  EXPECT_EQ(last().price, 100500u);
  EXPECT_EQ(last().other_price, 101000u);
  EXPECT_EQ(last().code, 'S');
  EXPECT_EQ(last().code2, 'C');

  auto p = test::blank<itch::Trade>(5, 1);
  p.order_reference_number.set(0);
  p.buy_sell_indicator.set("B");
  p.shares.set(300);
  p.stock.set("ZVZZT");
  p.price.set(100400);
  p.match_number.set(55);
  apply(test::encode(p));
  EXPECT_EQ(last().kind, EventKind::kTrade);
  EXPECT_TRUE(last().flags & events::kHiddenTrade);
  EXPECT_EQ(last().side, events::Side::kBid);
  EXPECT_EQ(last().match_number, 55u);

  auto q = test::blank<itch::CrossTrade>(5, 1);
  q.shares.set(9'000'000'000ull);
  q.stock.set("ZVZZT");
  q.cross_price.set(100600);
  q.match_number.set(56);
  q.cross_type.set("O");
  apply(test::encode(q));
  EXPECT_TRUE(last().flags & events::kCrossTrade);
  EXPECT_EQ(last().quantity, 9'000'000'000ull);
  EXPECT_EQ(last().code, 'O');

  auto b = test::blank<itch::BrokenTrade>(5, 1);
  b.match_number.set(55);
  apply(test::encode(b));
  EXPECT_EQ(last().kind, EventKind::kTradeBreak);
  EXPECT_EQ(last().instrument, id);
  EXPECT_EQ(last().match_number, 55u);

  apply(test::system_event('Q', 34'200'000'000'000));
  EXPECT_EQ(last().kind, EventKind::kMarketState);
  EXPECT_EQ(last().code, 'Q');
  EXPECT_EQ(builder.session().last_event(), 'Q');

  auto v = test::blank<itch::MwcbDeclineLevel>(0, 1);
  v.level1.set(500000000000ull);
  v.level2.set(450000000000ull);
  v.level3.set(400000000000ull);
  apply(test::encode(v));
  EXPECT_EQ(last().code, 'V');
  EXPECT_EQ(last().quantity, 500000000000ull);

  auto w = test::blank<itch::MwcbStatus>(0, 1);
  w.breached_level.set("1");
  apply(test::encode(w));
  EXPECT_EQ(last().code, 'W');
  EXPECT_EQ(last().code2, '1');

  const std::size_t before = recorder.events.size();
  auto l = test::blank<itch::MarketParticipantPosition>(5, 1);
  l.mpid.set("MAXM");
  l.stock.set("ZVZZT");
  apply(test::encode(l));
  EXPECT_EQ(recorder.events.size(), before);  // nothing a stage uses

  // A state message for a locate no R named creates the instrument from its stock field.
  apply(test::trading_action(9, "NEWCO", 'T'));
  EXPECT_NE(store.instrument_id(0, 9), kNone);
  EXPECT_EQ(counters[BookAnomaly::kLocateWithoutDirectory], 1u);
  for (const auto& e : recorder.events) EXPECT_TRUE(e.flags & events::kLastInMessage || e.kind == EventKind::kInstrumentAdded);
}

TEST_F(BookBuilderTest, ADirectoryMessageRenamingALocateIsCounted) {
  init();
  apply(test::add_order(4, 1, 'B', 100, "OLD", 1000));
  apply(test::stock_directory(4, "NEW"));
  EXPECT_EQ(counters[BookAnomaly::kLocateSymbolChanged], 1u);
  EXPECT_EQ(store.instrument(store.instrument_id(0, 4)).symbol_text(), "NEW");
  apply(test::stock_directory(4, "NEW"));
  EXPECT_EQ(counters[BookAnomaly::kLocateSymbolChanged], 1u);
  // The control plane finds it by its new name (its symbol directory is append-only).
  const std::array<char, 8> new_name = {'N', 'E', 'W', ' ', ' ', ' ', ' ', ' '};
  EXPECT_EQ(store.find_instrument(new_name), store.instrument_id(0, 4));
  const std::array<char, 8> unknown = {'N', 'O', 'N', 'E', ' ', ' ', ' ', ' '};
  EXPECT_EQ(store.find_instrument(unknown), kNone);
}

// Through the whole receive path (frames, sequencer, books) of a generated capture whose
// stream has timestamps moved backwards and forwards: exactly those messages are flagged.
struct FlagRecorder {
  BookBuilder<Recorder>& builder;
  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    builder(ctx, m);
  }
  void on_gap(const feed::SessionId&, feed::SequenceRange, feed::GapCause) {}
};

TEST_F(BookBuilderTest, TimestampAnomaliesAreFlaggedWhereTheGeneratorPutThem) {
  init();
  generator::ScenarioConfig config;
  config.seed = 8;
  config.messages = 20'000;
  config.symbols = 12;
  config.rate = 50'000;
  config.timestamp_anomalies = 8;
  std::vector<std::uint8_t> pcap;
  generator::RunResult result;
  ASSERT_EQ(generator::generate_to_memory(config, generator::OutputFormat::kPcap, pcap, &result), "");
  std::set<std::uint64_t> injected;
  for (const auto& a : result.injections.anomalies) injected.insert(a.seq);
  ASSERT_EQ(injected.size(), 8u);

  FlagRecorder sink{builder};
  net::UdpFilter filter;
  metrics::FeedCounters feed_counters;
  auto feed = std::make_unique<feed::SequencedFeed<FlagRecorder>>(sink, filter, feed_counters, feed::SequencerConfig{});
  test::for_each_pcap_record(pcap, [&](const std::uint8_t* frame, std::uint32_t caplen, std::uint64_t t) {
    feed->on_frame(frame, caplen, net::LinkType::kEthernet, t);
  });
  feed->finish(~std::uint64_t{0} / 2);
  std::set<std::uint64_t> flagged;
  for (const auto& e : recorder.events) {
    if (e.flags & events::kTimestampAnomaly) flagged.insert(e.sequence);
  }
  EXPECT_EQ(flagged, injected);
  EXPECT_EQ(counters[BookAnomaly::kTimestampBackwards] + counters[BookAnomaly::kTimestampJump], 8u);
  EXPECT_EQ(builder.clock().resyncs(), 0u);
}

TEST(ExchangeClock, StaysMonotonicAndFollowsAPersistentJump) {
  ExchangeClock clock({10, 1000, 3});
  // Without receive times (BinaryFILE): quiet spells are normal outside continuous trading.
  EXPECT_EQ(clock.observe(100, 0, true), ClockVerdict::kOk);
  EXPECT_EQ(clock.observe(90, 0, true), ClockVerdict::kBackwards);
  EXPECT_EQ(clock.now_ns(), 100u);
  EXPECT_EQ(clock.observe(5000, 0, false), ClockVerdict::kOk);
  EXPECT_EQ(clock.observe(7000, 0, true), ClockVerdict::kForwardJump);
  EXPECT_EQ(clock.now_ns(), 5000u);
  EXPECT_EQ(clock.observe(5100, 0, true), ClockVerdict::kOk);
  EXPECT_EQ(clock.observe(9000, 0, true), ClockVerdict::kForwardJump);
  EXPECT_EQ(clock.observe(9001, 0, true), ClockVerdict::kForwardJump);
  EXPECT_EQ(clock.observe(9002, 0, true), ClockVerdict::kOk);  // third in a row: the clock moved
  EXPECT_EQ(clock.now_ns(), 9002u);
  EXPECT_EQ(clock.resyncs(), 1u);
}

TEST(ExchangeClock, WithReceiveTimesAJumpIsExchangeTimeOutrunningTheWire) {
  ExchangeClock clock({10, 1'000'000, 3});
  EXPECT_EQ(clock.observe(1000, 50'000, false), ClockVerdict::kOk);
  EXPECT_EQ(clock.observe(900'000, 950'000, false), ClockVerdict::kOk);    // a quiet spell, the wire too
  EXPECT_EQ(clock.observe(900'100, 950'010, false), ClockVerdict::kForwardJump);  // 100 ahead in 10
  EXPECT_EQ(clock.observe(900'015, 950'020, true), ClockVerdict::kOk);
}

// A hole filled late (by recovery) carries the time the fill came: the messages behind it,
// received earlier and waiting in the reorder buffer, must not look like exchange time
// outrunning the wire.
TEST_F(BookBuilderTest, ALateFillIsNoEvidenceForTheClock) {
  init();
  const std::uint64_t t0 = 34'000'000'000'000;  // exchange ns
  const std::uint64_t r0 = 1'000'000'000;        // receive ns
  apply(test::add_order(1, 1, 'B', 100, "X", 100, t0), r0);
  // Recovered 50 ms after it was sent, it carries the receive time of the packet that was
  // waiting behind the hole (r0 + 50 ms).
  apply(test::add_order(1, 2, 'B', 100, "X", 100, t0 + 10'000'000), r0 + 50'000'000, /*filled_hole=*/true);
  // That packet's own message: 50 ms of exchange time after the first, received at the same
  // time as the fill. Judged against the fill's receive time it would be a 50 ms jump.
  apply(test::add_order(1, 3, 'B', 100, "X", 100, t0 + 50'000'000), r0 + 50'000'000);
  for (const auto& e : recorder.events) EXPECT_FALSE(e.flags & events::kTimestampAnomaly) << e.sequence;
  EXPECT_EQ(counters[BookAnomaly::kTimestampJump], 0u);
  // The check itself still works: 30 ms of exchange time in 1 ns of wire time is a jump.
  recorder.events.clear();
  apply(test::add_order(1, 4, 'B', 100, "X", 100, t0 + 60'000'000), r0 + 50'000'000 + 1);
  apply(test::add_order(1, 5, 'B', 100, "X", 100, t0 + 90'000'000), r0 + 50'000'000 + 2);
  EXPECT_EQ(counters[BookAnomaly::kTimestampJump], 1u);
}

TEST_F(BookBuilderTest, SuspectBooksFlagEveryEvent) {
  init();
  builder.set_suspect(true);
  apply(test::add_order(1, 1, 'B', 100, "X", 100));
  for (const auto& e : recorder.events) EXPECT_TRUE(e.flags & events::kBookSuspect);
  builder.set_suspect(false);
  recorder.events.clear();
  apply(test::order_delete(1, 1));
  for (const auto& e : recorder.events) EXPECT_FALSE(e.flags & events::kBookSuspect);
}

// A sink with message() gets each message's events in one piece, only the last flagged
// kLastInMessage, and exactly the events a sink taking them one at a time gets.
struct MessageRecorder {
  std::vector<events::Event> events;
  std::vector<std::size_t> sizes;
  bool only_last_flagged = true;
  void message(std::span<events::Event> m) {
    for (std::size_t i = 0; i < m.size(); ++i) {
      only_last_flagged &= ((m[i].flags & events::kLastInMessage) != 0) == (i + 1 == m.size());
      events.push_back(m[i]);
    }
    sizes.push_back(m.size());
  }
};
static_assert(events::MessageSink<MessageRecorder>);
static_assert(!events::MessageSink<Recorder>);

TEST(BookBuilderSinks, AMessageSinkGetsWholeMessagesWithTheEventsAnEventSinkGets) {
  BookConfig config;
  config.max_orders = 100'000;
  config.max_levels = 20'000;
  config.max_instruments = 64;
  BookStore store_a, store_b;
  std::string error;
  ASSERT_TRUE(store_a.init(config, error) && store_b.init(config, error)) << error;
  Recorder one_at_a_time;
  MessageRecorder whole;
  BookCounters counters_a, counters_b;
  BookBuilder<Recorder> a{store_a, one_at_a_time, counters_a, 0};
  BookBuilder<MessageRecorder> b{store_b, whole, counters_b, 0};
  std::uint64_t sequence = 0;
  for (const Bytes& m : generated_day(5'000, 8, 4)) {
    feed::MessageContext ctx;
    ctx.sequence = ++sequence;
    itch::decode_message(m.data(), m.size(), [&](const auto& message) {
      a(ctx, message);
      b(ctx, message);
    });
  }
  EXPECT_TRUE(whole.only_last_flagged);
  EXPECT_TRUE(std::any_of(whole.sizes.begin(), whole.sizes.end(), [](std::size_t n) { return n > 1; }));
  ASSERT_EQ(whole.events.size(), one_at_a_time.events.size());
  std::size_t last_flags = 0;
  for (std::size_t i = 0; i < whole.events.size(); ++i) {
    ASSERT_EQ(0, std::memcmp(&whole.events[i], &one_at_a_time.events[i], sizeof(events::Event))) << i;
    last_flags += (whole.events[i].flags & events::kLastInMessage) != 0;
  }
  EXPECT_EQ(last_flags, whole.sizes.size());
}

TEST_F(BookBuilderTest, PrefetchHintsNeverChangeWhatTheBooksBecome) {
  // Few direct slots, so hints also meet orders moved to the overflow region.
  BookConfig config = small_config();
  config.max_orders = 2048;
  init(config);
  const auto day = generated_day(test::scaled(20'000, 2'000), 12, 9);
  std::mt19937_64 rng(3);
  std::array<MessageRef, 16> stale{};
  for (std::size_t i = 0; i < day.size(); ++i) {
    // Hints for messages ahead (some the books have not seen, some they never will).
    for (std::size_t ahead = 0; ahead < 4 && i + ahead < day.size(); ++ahead) {
      MessageRef m{day[i + ahead].data(), day[i + ahead].size()};
      for (unsigned stage = 0; stage < 3; ++stage) builder.prefetch_encoded(stage, m);
    }
    // Messages naming what no book has: a reference never given, an add at any price on
    // either side of a book that may or may not exist (its locate's instrument, if any).
    const Bytes bogus_delete = test::order_delete(1, rng());
    const Bytes bogus_add = test::add_order(static_cast<std::uint16_t>(rng() % 16), rng(), rng() % 2 ? 'B' : 'S',
                                            100, "X", static_cast<std::uint32_t>(rng()));
    for (const Bytes* bogus : {&bogus_delete, &bogus_add}) {
      MessageRef m{bogus->data(), bogus->size()};
      for (unsigned stage = 0; stage < 3; ++stage) builder.prefetch_encoded(stage, m);
    }
    // Stale tickets: the later stages of a message read a while ago, its books changed since.
    if (i >= 16) {
      for (unsigned stage = 1; stage < 3; ++stage) builder.prefetch_encoded(stage, stale[i % stale.size()]);
    }
    stale[i % stale.size()] = MessageRef{day[i].data(), day[i].size()};
    builder.prefetch_encoded(0, stale[i % stale.size()]);
    apply(day[i]);
  }
  const LevelQueues queues = store.queues();
  for (std::uint16_t l = 1; l <= 12; ++l) expect_same_book(l, queues);
  EXPECT_GT(store.long_lived_orders(), 0u);
}

// A random stream over `price_points` prices per book, checked after every message.
void BookBuilderTest::random_stream_matches_reference(std::uint32_t price_points, const BookConfig& config) {
  init(config);
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> live;
  std::uint64_t next_ref = 1;
  const std::vector<std::string> symbols = {"AAA", "BBB", "CCC", "DDD"};
  for (std::uint16_t l = 1; l <= 3; ++l) apply(test::stock_directory(l, symbols[l - 1]));
  auto pick = [&]() -> std::uint64_t {
    if (live.empty() || rng() % 20 == 0) return next_ref + 1000 + rng() % 50;  // unknown
    return live[rng() % live.size()];
  };
  const int steps = static_cast<int>(test::scaled(20000, 2000));
  for (int step = 0; step < steps; ++step) {
    const std::uint16_t locate = static_cast<std::uint16_t>(1 + rng() % 4);  // 4 has no R
    const std::uint32_t price = 10000 + static_cast<std::uint32_t>(rng() % price_points) * 100;
    const std::uint32_t shares = 1 + static_cast<std::uint32_t>(rng() % 500);
    const unsigned op = static_cast<unsigned>(rng() % 100);
    Bytes msg;
    if (op < 35) {
      const char side = rng() % 200 == 0 ? 'X' : (rng() % 2 ? 'B' : 'S');
      const std::uint64_t ref = (!live.empty() && rng() % 50 == 0) ? live[rng() % live.size()] : next_ref++;
      msg = rng() % 10 ? test::add_order(locate, ref, side, shares, symbols[locate - 1], price)
                       : test::add_order_mpid(locate, ref, side, shares, symbols[locate - 1], price, "MPID");
      live.push_back(ref);
    } else if (op < 55) {
      msg = test::order_delete(locate, pick());
    } else if (op < 67) {
      msg = test::order_cancel(locate, pick(), static_cast<std::uint32_t>(1 + rng() % 300));
    } else if (op < 80) {
      msg = rng() % 4 ? test::order_executed(locate, pick(), static_cast<std::uint32_t>(1 + rng() % 300), step)
                      : test::order_executed_with_price(locate, pick(), static_cast<std::uint32_t>(1 + rng() % 300),
                                                        step, 'Y', price);
    } else {
      const std::uint64_t new_ref = (!live.empty() && rng() % 50 == 0) ? live[rng() % live.size()] : next_ref++;
      msg = test::order_replace(locate, pick(), new_ref, shares, price);
      live.push_back(new_ref);
    }
    const std::size_t events_before = recorder.events.size();
    const std::array<TopOfBook, 5> tops_before = {TopOfBook{}, reference.top(1), reference.top(2), reference.top(3),
                                                  reference.top(4)};
    apply(msg);
    const LevelQueues queues = store.queues();
    for (std::uint16_t l = 1; l <= 4; ++l) expect_same_book(l, queues);
    // One top-of-book event exactly when the reference's top changed, with its values.
    for (std::uint16_t l = 1; l <= 4; ++l) {
      const TopOfBook now = reference.top(l);
      const std::uint32_t id = store.instrument_id(0, l);
      std::size_t tob_events = 0;
      for (std::size_t i = events_before; i < recorder.events.size(); ++i) {
        const events::Event& e = recorder.events[i];
        if (e.kind != events::EventKind::kTopOfBook || e.instrument != id) continue;
        ++tob_events;
        EXPECT_EQ(e.price, now.bid_price);
        EXPECT_EQ(e.quantity, now.bid_shares);
        EXPECT_EQ(e.other_price, now.ask_price);
        EXPECT_EQ(e.other_quantity, now.ask_shares);
      }
      EXPECT_EQ(tob_events, now == tops_before[l] ? 0u : 1u) << "locate " << l << " seq " << sequence;
    }
    // Every order the reference says is gone is gone from the index too.
    std::erase_if(live, [&](std::uint64_t r) { return !reference.orders.count(r); });
  }
  for (const auto& [anomaly, n] : reference.anomalies) {
    EXPECT_EQ(counters[anomaly], n) << kBookAnomalyNames[static_cast<std::size_t>(anomaly)];
    EXPECT_GT(n, 0u);
  }
  EXPECT_EQ(counters[BookAnomaly::kTimestampBackwards], 0u);
  EXPECT_EQ(reference.anomalies.size(), 10u) << "the stream should exercise every order anomaly";
  EXPECT_EQ(store.live_orders(), reference.orders.size());
  for (const std::uint64_t r : live) EXPECT_NE(store.find_order(r), kNone);
}

TEST_F(BookBuilderTest, RandomStreamsMatchTheReferenceAfterEveryMessage) { random_stream_matches_reference(12); }

// With room for few orders, the direct slots are few and references soon pass them: older
// orders move to the overflow region, and must keep their place in their level's queue and
// be found by every message that names them.
TEST_F(BookBuilderTest, OrdersMovedOutOfTheirSlotsKeepTheirPlaceAndAreFound) {
  BookConfig config = small_config();
  config.max_orders = test::scaled(2048, 512);  // fewer steps, fewer slots: references still pass them
  random_stream_matches_reference(12, config);
  EXPECT_LE(store.peak_orders(), config.max_orders) << "the stream must fit, or the comparison means nothing";
  EXPECT_GT(store.long_lived_orders(), 0u) << "some orders outlived their slot";
}

// A side enters the price index only when it grows past the levels walked from the touch,
// all of it at once; its levels stay indexed as it shrinks, and those opened while it is
// shallow again join when it next grows past.
TEST_F(BookBuilderTest, ASideIsIndexedOnlyOnceItIsDeeperThanTheWalk) {
  init();
  apply(test::stock_directory(1, "AAA"));
  std::uint64_t ref = 0;
  auto add_bid = [&](std::uint32_t cents) { apply(test::add_order(1, ++ref, 'B', 100, "AAA", cents * 100)); };
  for (std::uint32_t p = 101; p <= 108; ++p) add_bid(p);
  for (std::uint32_t p = 201; p <= 205; ++p) apply(test::add_order(1, ++ref, 'S', 100, "AAA", p * 100));
  EXPECT_EQ(store.live_levels(), 13u);
  EXPECT_EQ(store.indexed_levels(), 0u) << "sides of 8 and 5 levels are walked, never indexed";
  add_bid(100);  // the 9th bid level, the deepest
  EXPECT_EQ(store.indexed_levels(), 9u);
  add_bid(100);  // joins it: found through the index (it is 9 levels from the touch)
  expect_same_book(1);
  for (std::uint64_t r = 1; r <= 6; ++r) apply(test::order_delete(1, r));  // 101..106 go
  EXPECT_EQ(store.indexed_levels(), 3u) << "100, 107, 108 stay indexed";
  for (std::uint32_t p = 111; p <= 115; ++p) add_bid(p);  // 8 levels again
  EXPECT_EQ(store.indexed_levels(), 3u);
  add_bid(90);
  EXPECT_EQ(store.indexed_levels(), 9u);
  expect_same_book(1);
  EXPECT_EQ(BookStore::top_of_book(store.instrument(store.instrument_id(0, 1))),
            (TopOfBook{11500, 20100, 100, 100}));
}

// Sides deeper than the levels walked from the touch: levels are found through the price
// index, which takes in a side's levels when it grows past that depth and keeps them as it
// shrinks and grows again.
TEST_F(BookBuilderTest, DeepRandomStreamsMatchTheReferenceAfterEveryMessage) {
  random_stream_matches_reference(60);
  EXPECT_GT(deepest_side, 20u);
}

TEST_F(BookBuilderTest, AGeneratedDayMatchesTheReferenceAfterEveryMessage) {
  init();
  const auto day = generated_day(test::scaled(20'000, 2'000), 12, 3);
  for (const Bytes& m : day) {
    apply(m);
    if (m[0] == 'A' || m[0] == 'F' || m[0] == 'E' || m[0] == 'C' || m[0] == 'X' || m[0] == 'D' || m[0] == 'U') {
      // Only the touched book can have changed (the generator keeps references valid).
      expect_same_book(static_cast<std::uint16_t>((m[1] << 8) | m[2]));
    }
  }
  const LevelQueues queues = store.queues();
  for (std::uint16_t l = 1; l <= 12; ++l) expect_same_book(l, queues);
  std::uint64_t anomalies = 0;
  for (auto a : counters.anomalies) anomalies += a;
  EXPECT_EQ(anomalies, 0u) << "a generated day is clean";
  EXPECT_GT(store.peak_orders(), 100u);
}

TEST_F(BookBuilderTest, ALargerGeneratedDayMatchesTheReferenceAtTheEnd) {
  BookConfig config = small_config();
  config.max_instruments = 256;
  init(config);
  const auto day = generated_day(test::scaled(300'000, 30'000), 200, 4);
  for (const Bytes& m : day) apply(m);
  const LevelQueues queues = store.queues();
  for (std::uint16_t l = 1; l <= 200; ++l) expect_same_book(l, queues);
  EXPECT_EQ(store.live_orders(), reference.orders.size());
  std::uint64_t anomalies = 0;
  for (auto a : counters.anomalies) anomalies += a;
  EXPECT_EQ(anomalies, 0u);
}

TEST_F(BookBuilderTest, FullPoolsDropTheMessageCountItAndStayConsistent) {
  BookConfig tiny;
  tiny.max_orders = 4;
  tiny.max_levels = 3;
  tiny.max_instruments = 2;
  init(tiny);
  apply(test::add_order(1, 1, 'B', 10, "A", 100));
  apply(test::add_order(1, 2, 'B', 10, "A", 101));
  apply(test::add_order(1, 3, 'S', 10, "A", 102));
  apply(test::add_order(1, 4, 'S', 10, "A", 102));
  apply(test::add_order(1, 5, 'S', 10, "A", 102));  // a fifth order
  EXPECT_EQ(counters[BookAnomaly::kNoOrderRoom], 1u);
  EXPECT_EQ(store.find_order(5), kNone);
  EXPECT_EQ(store.live_orders(), 4u);

  apply(test::order_delete(1, 4));
  apply(test::add_order(1, 6, 'S', 10, "A", 103));  // a fourth level
  EXPECT_EQ(counters[BookAnomaly::kNoLevelRoom], 1u);
  EXPECT_EQ(store.find_order(6), kNone);
  EXPECT_EQ(store.live_levels(), 3u);
  EXPECT_EQ(store.live_orders(), 3u);

  apply(test::order_delete(1, 3));  // frees a level and an order: room again
  apply(test::add_order(1, 7, 'S', 10, "A", 103));
  EXPECT_NE(store.find_order(7), kNone);

  apply(test::stock_directory(2, "B"));
  apply(test::stock_directory(3, "C"));  // a third instrument
  EXPECT_EQ(counters[BookAnomaly::kNoInstrumentRoom], 1u);
  EXPECT_EQ(store.instrument_id(0, 3), kNone);
  apply(test::add_order(3, 8, 'B', 10, "C", 100));  // an add naming it: dropped too
  EXPECT_EQ(counters[BookAnomaly::kNoInstrumentRoom], 2u);
  EXPECT_EQ(store.find_order(8), kNone);
  // What was refused left no trace: the book is what the accepted messages built.
  reference = Reference{};
  for (const auto& msg : {test::add_order(1, 1, 'B', 10, "A", 100), test::add_order(1, 2, 'B', 10, "A", 101),
                          test::add_order(1, 7, 'S', 10, "A", 103)}) {
    reference.apply(msg);
  }
  expect_same_book(1);
}

TEST(BookStore, ReportsWhatItReservedAndRefusesWhatCannotBe) {
  BookStore store;
  std::string error;
  BookConfig config;
  config.max_orders = 1000;
  config.max_levels = 100;
  config.max_instruments = 10;
  ASSERT_TRUE(store.init(config, error)) << error;
  EXPECT_GT(store.reserved_bytes(), 1000u * sizeof(Order));
  // More orders than 32-bit handles can name: refused before anything is reserved.
  BookStore unnameable;
  config.max_orders = OrderTable::kMaxOrders + 1;
  EXPECT_FALSE(unnameable.init(config, error));
  EXPECT_NE(error.find("max_orders=" + std::to_string(config.max_orders) + " is above"), std::string::npos) << error;
  // Nameable, but more than the address space holds.
  BookStore impossible;
  config.max_orders = 1000;
  config.max_levels = std::size_t{1} << 50;
  EXPECT_FALSE(impossible.init(config, error));
  EXPECT_NE(error.find("cannot reserve"), std::string::npos) << error;
  EXPECT_NE(error.find("max_levels=" + std::to_string(config.max_levels)), std::string::npos) << error;
}

TEST_F(BookBuilderTest, BuildingBooksAllocatesNothing) {
  init();
  std::vector<Bytes> stream;
  std::mt19937_64 rng(11);
  for (std::uint64_t r = 1; r <= 30000; ++r) {
    stream.push_back(test::add_order(1 + r % 5, r, r % 2 ? 'B' : 'S', 100, "S", 1000 + static_cast<std::uint32_t>(rng() % 50)));
    if (r > 10) stream.push_back(test::order_delete(1 + (r - 10) % 5, r - 10));
  }
  recorder.events.reserve(200000);
  test::AllocationScope scope;
  for (const Bytes& b : stream) {
    feed::MessageContext ctx;
    itch::decode_message(b.data(), b.size(), [&](const auto& m) { builder(ctx, m); });
  }
  EXPECT_EQ(scope.count(), 0u);
  EXPECT_TRUE(test::allocation_counting_available());
}

}  // namespace
}  // namespace tickwire::book
