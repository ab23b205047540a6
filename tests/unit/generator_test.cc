// The scenario generator's message stream, replayed through a model written here from the
// ITCH 5.0 rules (not from the generator's own book): references, FIFO executions, books
// that never cross, halts, the day's schedule, the mix and the Zipf shape.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "dataplane/itch/decoder.h"
#include "pcap_samples/generator/scenario_runner.h"
#include "tests/support/alloc_counter.h"

namespace tickwire::generator {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Calls fn(message, length, seq) for each message of a BinaryFILE.
template <class Fn>
void for_each_message(const Bytes& file, Fn&& fn) {
  std::size_t off = 0;
  std::uint64_t seq = 0;
  while (off + 2 <= file.size()) {
    const std::size_t n = (std::size_t{file[off]} << 8) | file[off + 1];
    ASSERT_LE(off + 2 + n, file.size()) << "message " << seq + 1 << " runs past the end";
    fn(file.data() + off + 2, n, ++seq);
    off += 2 + n;
  }
  ASSERT_EQ(off, file.size());
}

Bytes generate(const ScenarioConfig& c, RunResult* result = nullptr) {
  Bytes out;
  const std::string error = generate_binary_file(c, out, result);
  EXPECT_EQ(error, "");
  return out;
}

ScenarioConfig small_config(std::uint64_t messages = 60'000) {
  ScenarioConfig c;
  c.messages = messages;
  c.symbols = 40;
  c.live_orders_target = 2'000;
  return c;
}

// An independent order-book model: orders by reference, per stock locate price levels with
// FIFO queues per side.
class ReplayModel {
 public:
  struct Live {
    std::uint16_t locate;
    char side;
    std::uint32_t price;
    std::uint32_t shares;
  };
  struct Book {
    std::map<std::uint32_t, std::deque<std::uint64_t>> bids, asks;
    bool halted = false;
  };

  std::vector<std::string> violations;
  std::map<char, std::uint64_t> counts;
  std::map<std::uint16_t, std::uint64_t> adds_by_locate;
  std::map<std::uint16_t, std::string> directory;
  std::vector<std::pair<char, std::uint64_t>> system_events;  // code, timestamp
  std::set<std::uint64_t> matches;
  bool market_open = false;
  std::uint64_t crossed_checks = 0;

  void on(const std::uint8_t* p, std::size_t n, std::uint64_t seq) {
    seq_ = seq;
    const auto status = itch::decode_message(p, n, [&](const auto& m) { handle(m); });
    if (status != itch::DecodeStatus::kOk) fail("does not decode");
    ++counts[static_cast<char>(p[0])];
  }

  [[nodiscard]] std::size_t live_orders() const { return orders_.size(); }

 private:
  void fail(const std::string& what) {
    if (violations.size() < 20) violations.push_back("seq " + std::to_string(seq_) + ": " + what);
  }
  std::optional<std::uint32_t> best(const std::map<std::uint32_t, std::deque<std::uint64_t>>& side, bool bid) const {
    if (side.empty()) return std::nullopt;
    return bid ? side.rbegin()->first : side.begin()->first;
  }
  void check_uncrossed(std::uint16_t locate) {
    const Book& b = books_[locate];
    if (!market_open || b.halted) return;
    const auto bb = best(b.bids, true), ba = best(b.asks, false);
    if (bb && ba) {
      ++crossed_checks;
      if (!(*bb < *ba)) fail("book of locate " + std::to_string(locate) + " crossed or locked");
    }
  }
  void add(std::uint64_t ref, std::uint16_t locate, char side, std::uint32_t shares, std::uint32_t price) {
    if (!refs_seen_.insert(ref).second) fail("reference " + std::to_string(ref) + " used twice");
    if (!directory.count(locate)) fail("add for a locate not in the directory");
    if (books_[locate].halted) fail("add while halted");
    if (shares == 0 || price == 0) fail("add of zero shares or price");
    if (side != 'B' && side != 'S') fail("bad side");
    Book& b = books_[locate];
    if (market_open) {
      if (side == 'B' && !b.asks.empty() && price >= b.asks.begin()->first) fail("bid at or above the best ask");
      if (side == 'S' && !b.bids.empty() && price <= b.bids.rbegin()->first) fail("ask at or below the best bid");
    }
    orders_[ref] = {locate, side, price, shares};
    (side == 'B' ? b.bids : b.asks)[price].push_back(ref);
    ++adds_by_locate[locate];
  }
  void remove(std::uint64_t ref) {
    const Live o = orders_[ref];
    Book& b = books_[o.locate];
    auto& side = o.side == 'B' ? b.bids : b.asks;
    auto& q = side[o.price];
    q.erase(std::find(q.begin(), q.end(), ref));
    if (q.empty()) side.erase(o.price);
    orders_.erase(ref);
  }
  Live* find(std::uint64_t ref, std::uint16_t locate) {
    auto it = orders_.find(ref);
    if (it == orders_.end()) {
      fail("reference " + std::to_string(ref) + " is not live");
      return nullptr;
    }
    if (it->second.locate != locate) fail("reference used with another stock locate");
    return &it->second;
  }
  void execute(std::uint64_t ref, std::uint16_t locate, std::uint32_t shares, std::uint64_t match) {
    if (!matches.insert(match).second) fail("match number reused");
    Live* o = find(ref, locate);
    if (o == nullptr) return;
    Book& b = books_[locate];
    if (b.halted) fail("execution while halted");
    if (!market_open) fail("execution outside market hours");
    // The oldest order at the best price of its side, and nothing else.
    const auto& side = o->side == 'B' ? b.bids : b.asks;
    const std::uint32_t top = o->side == 'B' ? side.rbegin()->first : side.begin()->first;
    if (o->price != top) fail("execution away from the best price");
    else if (side.at(top).front() != ref) fail("execution out of FIFO order");
    if (shares == 0 || shares > o->shares) fail("executes more than remains");
    if (shares >= o->shares) remove(ref);
    else o->shares -= shares;
  }

  void handle(const itch::SystemEvent& m) {
    const char code = m.event_code.value();
    system_events.emplace_back(code, m.header.timestamp.value());
    if (code == 'Q') market_open = true;
    if (code == 'M') market_open = false;
  }
  void handle(const itch::StockDirectory& m) {
    const std::uint16_t l = m.header.stock_locate.value();
    if (directory.count(l)) fail("locate listed twice");
    directory[l] = std::string(m.stock.trimmed());
    if (m.round_lot_size.value() == 0) fail("round lot 0");
  }
  void handle(const itch::StockTradingAction& m) {
    const char state = m.trading_state.value();
    books_[m.header.stock_locate.value()].halted = state == 'H' || state == 'P';
  }
  void handle(const itch::AddOrder& m) {
    add(m.order_reference_number.value(), m.header.stock_locate.value(), m.buy_sell_indicator.value(),
        m.shares.value(), m.price.value());
    if (m.stock.trimmed() != directory[m.header.stock_locate.value()]) fail("stock does not match the locate");
    check_uncrossed(m.header.stock_locate.value());
  }
  void handle(const itch::AddOrderMpid& m) {
    add(m.order_reference_number.value(), m.header.stock_locate.value(), m.buy_sell_indicator.value(),
        m.shares.value(), m.price.value());
    check_uncrossed(m.header.stock_locate.value());
  }
  void handle(const itch::OrderExecuted& m) {
    execute(m.order_reference_number.value(), m.header.stock_locate.value(), m.executed_shares.value(),
            m.match_number.value());
    check_uncrossed(m.header.stock_locate.value());
  }
  void handle(const itch::OrderExecutedWithPrice& m) {
    const char printable = m.printable.value();
    if (printable != 'Y' && printable != 'N') fail("printable is not Y or N");
    execute(m.order_reference_number.value(), m.header.stock_locate.value(), m.executed_shares.value(),
            m.match_number.value());
  }
  void handle(const itch::OrderCancel& m) {
    Live* o = find(m.order_reference_number.value(), m.header.stock_locate.value());
    if (o == nullptr) return;
    const std::uint32_t c = m.cancelled_shares.value();
    if (c == 0 || c >= o->shares) fail("cancel of all or more than remains (that is a D)");
    else o->shares -= c;
  }
  void handle(const itch::OrderDelete& m) {
    if (find(m.order_reference_number.value(), m.header.stock_locate.value()) != nullptr) {
      remove(m.order_reference_number.value());
    }
  }
  void handle(const itch::OrderReplace& m) {
    const std::uint16_t locate = m.header.stock_locate.value();
    Live* o = find(m.original_order_reference_number.value(), locate);
    if (o == nullptr) return;
    if (books_[locate].halted) fail("replace while halted");
    const Live old = *o;
    remove(m.original_order_reference_number.value());
    const std::uint64_t fresh = m.new_order_reference_number.value();
    adds_by_locate[locate];  // a replace is not an add for the popularity count
    const auto before = adds_by_locate[locate];
    add(fresh, locate, old.side, m.shares.value(), m.price.value());
    adds_by_locate[locate] = before;
    check_uncrossed(locate);
  }
  void handle(const itch::Trade& m) {
    const std::uint16_t locate = m.header.stock_locate.value();
    const Book& b = books_[locate];
    if (b.halted) fail("hidden trade while halted");
    if (!matches.insert(m.match_number.value()).second) fail("match number reused");
    const auto bb = best(b.bids, true), ba = best(b.asks, false);
    const std::uint32_t price = m.price.value();
    if ((bb && price < *bb) || (ba && price > *ba)) fail("hidden trade outside the spread");
  }
  void handle(const itch::CrossTrade& m) {
    if (!matches.insert(m.match_number.value()).second) fail("match number reused");
    const char t = m.cross_type.value();
    if (t != 'O' && t != 'C' && t != 'H') fail("bad cross type");
  }
  template <class M>
  void handle(const M&) {}

  std::map<std::uint64_t, Live> orders_;
  std::set<std::uint64_t> refs_seen_;
  std::map<std::uint16_t, Book> books_;
  std::uint64_t seq_ = 0;
};

ReplayModel replay(const Bytes& file) {
  ReplayModel model;
  for_each_message(file, [&](const std::uint8_t* p, std::size_t n, std::uint64_t seq) { model.on(p, n, seq); });
  return model;
}

TEST(ScenarioGenerator, SameSeedSameBytesOtherSeedOtherBytes) {
  const ScenarioConfig c = small_config(30'000);
  const Bytes a = generate(c);
  const Bytes b = generate(c);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  ScenarioConfig other = c;
  other.seed = 2;
  EXPECT_NE(a, generate(other));
}

TEST(ScenarioGenerator, ProducesExactlyTheMessagesAsked) {
  for (std::uint64_t n : {3'000ull, 30'001ull}) {
    RunResult r;
    const Bytes file = generate(small_config(n), &r);
    std::uint64_t count = 0;
    for_each_message(file, [&](const std::uint8_t*, std::size_t, std::uint64_t) { ++count; });
    EXPECT_EQ(count, n);
    EXPECT_EQ(r.report.messages, n);
  }
}

TEST(ScenarioGenerator, TooFewMessagesForTheDayIsAnError) {
  ScenarioConfig c = small_config(100);
  Bytes out;
  const std::string error = generate_binary_file(c, out);
  EXPECT_NE(error.find("messages"), std::string::npos) << error;
}

TEST(ScenarioGenerator, EveryReferenceValidFifoExecutionsBooksNeverCross) {
  ScenarioConfig c = small_config(150'000);
  c.halts = 3;
  const Bytes file = generate(c);
  const ReplayModel m = replay(file);
  EXPECT_TRUE(m.violations.empty()) << m.violations.front();
  EXPECT_GT(m.crossed_checks, 50'000u);  // the check ran while both sides were quoted
  EXPECT_GT(m.counts.at('E'), 1'000u);
  EXPECT_GT(m.counts.at('U'), 5'000u);
  EXPECT_GT(m.counts.at('X'), 500u);
}

TEST(ScenarioGenerator, DayScheduleAndDirectory) {
  ScenarioConfig c = small_config(20'000);
  RunResult r;
  const Bytes file = generate(c, &r);
  const ReplayModel m = replay(file);
  ASSERT_TRUE(m.violations.empty()) << m.violations.front();
  const std::vector<char> expected = {'O', 'S', 'Q', 'M', 'E', 'C'};
  ASSERT_EQ(m.system_events.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(m.system_events[i].first, expected[i]);
  constexpr std::uint64_t kHour = 3'600'000'000'000ull;
  EXPECT_EQ(m.system_events[1].second, 4 * kHour);                    // S 04:00
  EXPECT_EQ(m.system_events[2].second, 9 * kHour + kHour / 2);        // Q 09:30
  EXPECT_EQ(m.system_events[3].second, 16 * kHour);                   // M 16:00
  EXPECT_EQ(m.system_events[4].second, 20 * kHour);                   // E 20:00
  EXPECT_EQ(m.directory.size(), c.symbols);
  std::set<std::string> names;
  for (const auto& [locate, name] : m.directory) {
    EXPECT_GE(locate, 1);
    EXPECT_LE(locate, c.symbols);
    names.insert(name);
  }
  EXPECT_EQ(names.size(), c.symbols);
  EXPECT_EQ(m.counts.at('Q'), 2u * c.symbols);  // an opening and a closing cross each
  EXPECT_GT(m.counts.at('I'), 0u);

  // Timestamps never go back (no anomalies were asked for).
  std::uint64_t last = 0;
  for_each_message(file, [&](const std::uint8_t* p, std::size_t, std::uint64_t seq) {
    const std::uint64_t ts = wire::view_as<itch::MessageHeader>(p).timestamp.value();
    EXPECT_GE(ts, last) << "seq " << seq;
    last = ts;
  });
}

TEST(ScenarioGenerator, MixFollowsTheConfiguredWeights) {
  ScenarioConfig c = small_config(400'000);
  c.symbols = 100;
  RunResult r;
  generate(c, &r);
  const auto& by_type = r.report.by_type;
  const double total = static_cast<double>(r.report.messages);
  const MessageMix& mix = c.mix;
  // Relative tolerance per type: wider for rare types (fewer draws) and for adds and deletes,
  // which the live-order growth (target / messages) shifts.
  struct Expect {
    char type;
    double percent;
    double tolerance;
  };
  const Expect expected[] = {{'A', mix.add, 0.04},          {'D', mix.delete_order, 0.04}, {'U', mix.replace, 0.05},
                             {'E', mix.execute, 0.10},      {'X', mix.cancel, 0.10},       {'P', mix.hidden_trade, 0.15},
                             {'F', mix.add_attributed, 0.15}, {'C', mix.execute_with_price, 0.35},
                             {'I', mix.noii, 0.02}};
  for (const Expect& e : expected) {
    const double got = 100.0 * static_cast<double>(by_type[static_cast<unsigned char>(e.type)]) / total;
    EXPECT_NEAR(got, e.percent, e.percent * e.tolerance) << "type " << e.type;
  }
}

TEST(ScenarioGenerator, SymbolPopularityIsZipf) {
  ScenarioConfig c = small_config(300'000);
  c.symbols = 200;
  c.zipf_exponent = 1.1;
  const ReplayModel m = replay(generate(c));
  std::vector<double> adds;
  for (const auto& [locate, n] : m.adds_by_locate) adds.push_back(static_cast<double>(n));
  std::sort(adds.rbegin(), adds.rend());
  ASSERT_GE(adds.size(), 30u);
  // Least-squares slope of log(adds) on log(rank) over the 30 busiest names.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const int k = 30;
  for (int i = 0; i < k; ++i) {
    const double x = std::log(i + 1.0), y = std::log(adds[i]);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
  EXPECT_NEAR(slope, -c.zipf_exponent, 0.2);
}

TEST(ScenarioGenerator, HaltedSymbolsStopTradingUntilResumed) {
  ScenarioConfig c = small_config(80'000);
  c.halts = 4;
  RunResult r;
  const Bytes file = generate(c, &r);
  const ReplayModel m = replay(file);  // no add/execution/replace/trade while halted
  EXPECT_TRUE(m.violations.empty()) << m.violations.front();
  ASSERT_EQ(r.injections.halts.size(), 4u);
  std::map<std::uint64_t, std::pair<std::uint16_t, char>> trading_actions;  // seq -> locate, state
  for_each_message(file, [&](const std::uint8_t* p, std::size_t n, std::uint64_t seq) {
    (void)itch::decode_message(p, n, [&](const auto& msg) {
      if constexpr (std::is_same_v<std::decay_t<decltype(msg)>, itch::StockTradingAction>) {
        trading_actions[seq] = {msg.header.stock_locate.value(), msg.trading_state.value()};
      }
    });
  });
  for (const HaltRecord& h : r.injections.halts) {
    ASSERT_TRUE(trading_actions.count(h.start_seq)) << h.start_seq;
    ASSERT_TRUE(trading_actions.count(h.end_seq)) << h.end_seq;
    EXPECT_EQ(trading_actions[h.start_seq].first, h.locate);
    EXPECT_EQ(trading_actions[h.start_seq].second, 'H');
    EXPECT_EQ(trading_actions[h.end_seq], std::make_pair(h.locate, 'T'));
    EXPECT_LT(h.start_seq, h.end_seq);
  }
}

TEST(ScenarioGenerator, TimestampAnomaliesAreExactlyWhereDeclared) {
  ScenarioConfig c = small_config(40'000);
  c.timestamp_anomalies = 6;
  RunResult r;
  const Bytes file = generate(c, &r);
  ASSERT_EQ(r.injections.anomalies.size(), 6u);
  std::map<std::uint64_t, TimestampAnomalyRecord> declared;
  for (const auto& a : r.injections.anomalies) declared[a.seq] = a;
  std::uint64_t last_normal = 0;
  std::uint64_t found = 0;
  for_each_message(file, [&](const std::uint8_t* p, std::size_t, std::uint64_t seq) {
    const std::uint64_t ts = wire::view_as<itch::MessageHeader>(p).timestamp.value();
    auto it = declared.find(seq);
    if (it != declared.end()) {
      ++found;
      EXPECT_EQ(ts, it->second.written_timestamp);
      EXPECT_GE(it->second.expected_timestamp, last_normal);
      if (it->second.forward) EXPECT_GT(ts, it->second.expected_timestamp);
      else EXPECT_LT(ts, last_normal);
      return;
    }
    EXPECT_GE(ts, last_normal) << "undeclared backward timestamp at seq " << seq;
    last_normal = ts;
  });
  EXPECT_EQ(found, 6u);
}

TEST(ScenarioGenerator, BurstRunsFasterByItsMultiplier) {
  ScenarioConfig c = small_config(120'000);
  c.rate = 100'000;
  c.bursts.push_back({0.3, 0.2, 5.0});
  RunResult r;
  const Bytes file = generate(c, &r);
  ASSERT_EQ(r.injections.bursts.size(), 1u);
  const BurstRecord& b = r.injections.bursts[0];
  ASSERT_GT(b.first_seq, 0u);
  const double in_burst = static_cast<double>(b.last_seq - b.first_seq + 1) /
                          (static_cast<double>(b.end_timestamp - b.start_timestamp) / 1e9);
  EXPECT_NEAR(in_burst / c.rate, 5.0, 1.0);
  // Every message inside the burst's time window is inside its sequence range.
  for_each_message(file, [&](const std::uint8_t* p, std::size_t, std::uint64_t seq) {
    const std::uint64_t ts = wire::view_as<itch::MessageHeader>(p).timestamp.value();
    const bool flow = p[0] == 'A' || p[0] == 'D' || p[0] == 'U' || p[0] == 'E' || p[0] == 'X';
    if (flow && ts >= b.start_timestamp && ts < b.end_timestamp) {
      EXPECT_GE(seq, b.first_seq);
      EXPECT_LE(seq, b.last_seq);
    }
  });
}

TEST(ScenarioGenerator, LiveOrdersReachTheTargetAndStayBounded) {
  ScenarioConfig c = small_config(400'000);
  c.symbols = 100;
  c.live_orders_target = 20'000;
  RunResult r;
  const Bytes file = generate(c, &r);
  // Lifetimes are fitted to the target beforehand (Little's law), so it is met roughly;
  // above 110% deletes stop waiting for lifetimes.
  EXPECT_GE(r.report.live_orders_peak, 15'000u);
  EXPECT_LE(r.report.live_orders_peak, 22'001u);
  const ReplayModel m = replay(file);
  EXPECT_EQ(m.live_orders(), r.report.live_orders_at_end);
}

TEST(ScenarioGenerator, LifetimesFollowTheProfileShape) {
  // Unscaled lifetimes over a 10-minute flow, with room enough that no delete is forced:
  // orders then die when their drawn lifetime ends (at the next delete after it).
  ScenarioConfig c = small_config(300'000);
  c.symbols = 100;
  c.rate = 500;
  c.lifetime_scale = 1.0;
  c.live_orders_target = 150'000;
  RunResult r;
  generate(c, &r);
  EXPECT_EQ(r.report.deaths_forced, 0u);
  const auto& l = r.report.lifetimes;
  double ended = 0;
  for (auto n : l) ended += static_cast<double>(n);
  ASSERT_GT(ended, 50'000);
  // Orders living longer than the run cannot end in it, so compare shapes below 60 s: the
  // profile puts 24%, 45% and 80% of orders below 50 ms, 2 s and 60 s.
  const double by_50ms = static_cast<double>(l[0] + l[1]);
  const double by_2s = by_50ms + static_cast<double>(l[2] + l[3]);
  const double by_60s = by_2s + static_cast<double>(l[4] + l[5]);
  EXPECT_NEAR(by_50ms / by_60s, 0.24 / 0.80, 0.05);
  EXPECT_NEAR(by_2s / by_60s, 0.45 / 0.80, 0.05);
}

TEST(ScenarioGenerator, NoHeapAllocationWhileGenerating) {
  if (!test::allocation_counting_available()) GTEST_SKIP() << "allocation counting unavailable";
  ScenarioConfig c = small_config(200'000);
  c.halts = 2;
  c.timestamp_anomalies = 3;
  std::string error;
  auto g = ScenarioGenerator::create(c, error);
  ASSERT_TRUE(g) << error;
  struct Counting final : MessageSink {
    std::uint64_t n = 0;
    void on_message(const std::uint8_t*, std::size_t, std::uint64_t) override { ++n; }
  } sink;
  std::uint64_t allocations = 0;
  {
    test::AllocationScope scope;
    g->run(sink);
    allocations = scope.count();
  }
  EXPECT_EQ(sink.n, c.messages);
  EXPECT_EQ(allocations, 0u);
}

}  // namespace
}  // namespace tickwire::generator
