// `tickwire generate --venues nasdaq --volatility`: a volatility day with its ground truth.
// Same options, same bytes; episodes.jsonl lists the four episodes in order with consistent
// times; the capture, read back with tickwire's own frame, MoldUDP64 and ITCH parsing, holds
// what the sidecar says at the times it says: LULD pauses (H P, J, H T) on exactly the crashed
// sector's tier-1 securities with nothing quoted while paused, V before the open and W with
// every security halted for the decline, the shocked security's mid moving by the stated size
// while no other moves, the open burst's rate the stated multiple of the usual; a calm day has
// none of it; scenario.toml holds the breaker tables; the command refuses what it cannot do.
//
// Under the sanitizers (test::scaled) the episodes are shortened (a 9-s day instead of 110 s,
// a 3-s calm day instead of 60 s): the generator's arithmetic costs a hundred times more there.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dataplane/feed/moldudp64.h"
#include "dataplane/itch/decoder.h"
#include "dataplane/net/udp_frame.h"
#include "pcap_samples/generator/generate_command.h"
#include "pcap_samples/generator/market_calendar.h"
#include "pcap_samples/generator/venues/venues_scenario.h"
#include "tests/support/json_line.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::generator::venues {
namespace {

constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint64_t kS = 1'000'000'000;
constexpr const char* kKinds[] = {"open_burst", "single_stock_shock", "sector_flash_crash", "market_decline"};

bool sanitized() { return test::scaled(4, 1) < 4; }

VenuesScenario day_scenario(bool calm) {
  VenuesScenario s;
  s.transport.seed = 7;
  s.transport.symbols = 30;
  s.churn_rate = sanitized() ? 300 : 1'000;
  s.episodes_per_kind = calm ? 0 : 1;
  VolatilitySettings v;
  if (sanitized()) {
    v.burst_after_open_ns = 200 * kMs;
    v.burst_ns = 300 * kMs;
    v.calm_gap_ns = 1 * kS;
    v.pause_ns = 300 * kMs;
    v.halt_ns = 600 * kMs;
    v.crash_ns = 200 * kMs;
    v.decline_ns = 1 * kS;
    v.recovery_ns = 300 * kMs;
  }
  s.volatility = v;
  // The shortest flows that hold the episodes; a calm day needs less.
  s.seconds = calm ? (sanitized() ? 3 : 60) : (sanitized() ? 9 : 110);
  EXPECT_EQ(parse_venues("nasdaq", s.venues, 1), "");
  return s;
}

std::string text_of(const std::string& path) {
  const test::Bytes b = test::read_file(path);
  return {b.begin(), b.end()};
}

// episodes.jsonl, by type.
struct Truth {
  test::JsonObject scenario;
  std::vector<test::JsonObject> episodes;
  std::vector<test::JsonObject> halts;
  std::vector<test::JsonObject> others;
};

Truth read_truth(const std::string& dir) {
  Truth t;
  for (const std::string& line : test::split_lines(text_of(dir + "/episodes.jsonl"))) {
    const auto o = test::parse_json_line(line);
    EXPECT_TRUE(o.has_value()) << line;
    if (!o) continue;
    const std::string type = std::get<std::string>(o->at("type"));
    if (type == "scenario") {
      t.scenario = *o;
    } else if (type == "episode") {
      t.episodes.push_back(*o);
    } else if (type == "halt") {
      t.halts.push_back(*o);
    } else {
      t.others.push_back(*o);
    }
  }
  return t;
}

std::int64_t num(const test::JsonObject& o, const char* key) { return std::get<std::int64_t>(o.at(key)); }
std::uint64_t ns(const test::JsonObject& o, const char* key) { return static_cast<std::uint64_t>(num(o, key)); }
std::string str(const test::JsonObject& o, const char* key) { return std::get<std::string>(o.at(key)); }
double real(const test::JsonObject& o, const char* key) { return std::stod(str(o, key)); }
std::vector<std::string> list(const test::JsonObject& o, const char* key) {
  return std::get<std::vector<std::string>>(o.at(key));
}
// "252.1600" as Price(4).
std::uint32_t price4(const std::string& text) {
  return static_cast<std::uint32_t>(std::llround(std::stod(text) * 10'000));
}
const test::JsonObject& episode(const Truth& t, const char* kind) {
  for (const auto& e : t.episodes) {
    if (str(e, "kind") == kind) return e;
  }
  ADD_FAILURE() << "no " << kind;
  return t.episodes.front();
}

// securities.toml's LULD tier of each symbol.
std::map<std::string, int> tiers(const std::string& dir) {
  std::map<std::string, int> out;
  std::string current;
  for (const std::string& line : test::split_lines(text_of(dir + "/securities.toml"))) {
    if (line.rfind("[security.", 0) == 0) current = line.substr(10, line.size() - 11);
    if (line.rfind("luld_tier = ", 0) == 0) out[current] = std::stoi(line.substr(12));
  }
  return out;
}

struct StateChange {
  std::uint64_t ts;
  std::string stock;
  char state;
  std::string reason;
};
struct Collar {
  std::uint64_t ts;
  std::string stock;
  std::uint32_t reference, upper, lower, extension;
};

// The capture read back: halts, collars, V and W, messages per millisecond of the flow, each
// security's mid at the probe times (the last before each) and its widest move from its
// first mid; order messages for a security while an H stops it are counted.
struct Day {
  std::vector<StateChange> changes;
  std::vector<Collar> collars;
  std::vector<std::pair<std::uint64_t, std::array<std::uint64_t, 3>>> levels;  // V
  std::vector<std::pair<std::uint64_t, char>> breaches;                       // W
  std::vector<std::uint32_t> per_ms;
  std::map<std::string, std::vector<double>> mids_at;  // by symbol, one per probe
  std::map<std::string, double> widest_move;           // |mid / first mid - 1|
  std::uint64_t quoted_while_stopped = 0;
  std::uint64_t last_ts = 0;
};

Day read_day(const std::string& path, std::uint64_t flow_start, const std::vector<std::uint64_t>& probes) {
  Day day;
  struct Order {
    std::uint16_t locate;
    bool buy;
    std::uint32_t price;
    std::uint32_t shares;
  };
  std::map<std::uint64_t, Order> orders;
  std::map<std::uint16_t, std::multiset<std::uint32_t>> bids, asks;
  std::map<std::uint16_t, std::string> symbols;
  std::map<std::uint16_t, double> first_mid;
  std::map<std::uint16_t, double> mid_now;
  std::set<std::uint16_t> stopped;
  std::size_t next_probe = 0;
  std::uint64_t next_seq = 1;
  auto take = [&](const Order& o, bool add) {
    auto& side = o.buy ? bids[o.locate] : asks[o.locate];
    if (add) {
      side.insert(o.price);
    } else {
      side.erase(side.find(o.price));
    }
  };
  auto on_top = [&](std::uint16_t locate) {
    const auto& b = bids[locate];
    const auto& a = asks[locate];
    if (b.empty() || a.empty()) return;
    const double mid = (static_cast<double>(*b.rbegin()) + static_cast<double>(*a.begin())) / 2;
    mid_now[locate] = mid;
    const double first = first_mid.emplace(locate, mid).first->second;
    double& widest = day.widest_move[symbols[locate]];
    widest = std::max(widest, std::fabs(mid / first - 1));
  };
  const test::Bytes file = test::read_file(path);
  test::for_each_pcap_record(file, [&](const std::uint8_t* frame, std::uint32_t length, std::uint64_t) {
    const net::FrameResult r = net::parse_udp_frame(frame, length, net::LinkType::kEthernet);
    ASSERT_FALSE(r.drop.has_value());
    const auto& h = wire::view_as<feed::MoldUdp64Header>(r.datagram.payload);
    const std::uint16_t count = h.message_count.value();
    if (count == 0 || count == feed::MoldUdp64Header::kEndOfSession) return;
    ASSERT_EQ(h.sequence_number.value(), next_seq);
    feed::MoldBlockCursor cursor{r.datagram.payload + sizeof(feed::MoldUdp64Header),
                                 r.datagram.payload + r.datagram.payload_length};
    const std::uint8_t* m = nullptr;
    std::size_t n = 0;
    for (std::uint16_t k = 0; k < count; ++k) {
      ASSERT_TRUE(cursor.advance(m, n));
      ++next_seq;
      const auto& header = wire::view_as<itch::MessageHeader>(m);
      const std::uint64_t ts = header.timestamp.value();
      ASSERT_GE(ts, day.last_ts);
      day.last_ts = ts;
      for (; next_probe < probes.size() && probes[next_probe] <= ts; ++next_probe) {
        for (const auto& [locate, mid] : mid_now) day.mids_at[symbols[locate]].push_back(mid);
      }
      if (ts >= flow_start) {
        const std::uint64_t ms = (ts - flow_start) / kMs;
        if (day.per_ms.size() <= ms) day.per_ms.resize(ms + 1, 0);
        ++day.per_ms[ms];
      }
      const std::uint16_t locate = header.stock_locate.value();
      const auto status = itch::decode_message(m, n, [&](const auto& msg) {
        using M = std::decay_t<decltype(msg)>;
        constexpr bool kOrder = std::is_same_v<M, itch::AddOrder> || std::is_same_v<M, itch::OrderDelete> ||
                                std::is_same_v<M, itch::OrderReplace> || std::is_same_v<M, itch::OrderExecuted>;
        if constexpr (kOrder) {
          if (stopped.count(locate) != 0) ++day.quoted_while_stopped;
        }
        if constexpr (std::is_same_v<M, itch::StockDirectory>) {
          symbols[locate] = std::string(msg.stock.trimmed());
        } else if constexpr (std::is_same_v<M, itch::StockTradingAction>) {
          const char state = msg.trading_state.value();
          day.changes.push_back({ts, std::string(msg.stock.trimmed()), state, std::string(msg.reason.trimmed())});
          if (state == 'T') {
            stopped.erase(locate);
          } else {
            stopped.insert(locate);
          }
        } else if constexpr (std::is_same_v<M, itch::LuldAuctionCollar>) {
          day.collars.push_back({ts, std::string(msg.stock.trimmed()), msg.auction_collar_reference_price.value(),
                                 msg.upper_auction_collar_price.value(), msg.lower_auction_collar_price.value(),
                                 msg.auction_collar_extension.value()});
        } else if constexpr (std::is_same_v<M, itch::MwcbDeclineLevel>) {
          day.levels.push_back({ts, {msg.level1.value(), msg.level2.value(), msg.level3.value()}});
        } else if constexpr (std::is_same_v<M, itch::MwcbStatus>) {
          day.breaches.emplace_back(ts, msg.breached_level.value());
        } else if constexpr (std::is_same_v<M, itch::AddOrder>) {
          const Order o{locate, msg.buy_sell_indicator.value() == 'B', msg.price.value(), msg.shares.value()};
          orders.emplace(msg.order_reference_number.value(), o);
          take(o, true);
          on_top(locate);
        } else if constexpr (std::is_same_v<M, itch::OrderDelete>) {
          const auto it = orders.find(msg.order_reference_number.value());
          ASSERT_NE(it, orders.end());
          take(it->second, false);
          orders.erase(it);
          on_top(locate);
        } else if constexpr (std::is_same_v<M, itch::OrderReplace>) {
          const auto it = orders.find(msg.original_order_reference_number.value());
          ASSERT_NE(it, orders.end());
          Order o = it->second;
          take(o, false);
          orders.erase(it);
          o.price = msg.price.value();
          o.shares = msg.shares.value();
          orders.emplace(msg.new_order_reference_number.value(), o);
          take(o, true);
          on_top(locate);
        } else if constexpr (std::is_same_v<M, itch::OrderExecuted>) {
          const auto it = orders.find(msg.order_reference_number.value());
          ASSERT_NE(it, orders.end());
          it->second.shares -= msg.executed_shares.value();
          if (it->second.shares == 0) {
            take(it->second, false);
            orders.erase(it);
            on_top(locate);
          }
        }
      });
      ASSERT_EQ(status, itch::DecodeStatus::kOk);
    }
  });
  for (; next_probe < probes.size(); ++next_probe) {
    for (const auto& [locate, mid] : mid_now) day.mids_at[symbols[locate]].push_back(mid);
  }
  return day;
}

// One volatility day and one calm day per process: every test reads them.
struct Generated {
  std::string dir;
  VenuesResult result;
  Truth truth;
};
const Generated& volatile_day() {
  static const Generated g = [] {
    Generated out{test::temp_dir() + "/volatile", {}, {}};
    EXPECT_EQ(generate_venues(day_scenario(false), out.dir, out.result), "");
    out.truth = read_truth(out.dir);
    return out;
  }();
  return g;
}
const Generated& calm_day() {
  static const Generated g = [] {
    Generated out{test::temp_dir() + "/calm", {}, {}};
    EXPECT_EQ(generate_venues(day_scenario(true), out.dir, out.result), "");
    out.truth = read_truth(out.dir);
    return out;
  }();
  return g;
}

std::uint64_t flow_start() { return DaySchedule::kFlowStart; }

// Mids are probed just before the shock and once it has settled.
constexpr std::uint64_t kSettledNs = 100 * kMs;
std::vector<std::uint64_t> shock_probes(const Truth& t) {
  const test::JsonObject& shock = episode(t, "single_stock_shock");
  return {ns(shock, "start_ns"), ns(shock, "start_ns") + kMs, ns(shock, "end_ns") + kSettledNs};
}

const Day& volatile_capture() {
  static const Day d = read_day(volatile_day().dir + "/nasdaq.pcap", flow_start(), shock_probes(volatile_day().truth));
  return d;
}
const Day& calm_capture() {
  static const Day d = read_day(calm_day().dir + "/nasdaq.pcap", flow_start(), {});
  return d;
}

// Under the sanitizers on the calm day, the cheaper: the volatility day's paths run under them
// in the other tests, and its bytes are compared in the release build.
TEST(GeneratorVolatility, SameOptionsSameBytes) {
  const bool calm = sanitized();
  const Generated& a = calm ? calm_day() : volatile_day();
  const std::string b = test::temp_dir() + "/again";
  VenuesResult rb;
  ASSERT_EQ(generate_venues(day_scenario(calm), b, rb), "");
  for (const char* f : {"nasdaq.pcap", "episodes.jsonl", "securities.toml"}) {
    EXPECT_EQ(test::read_file(a.dir + "/" + f), test::read_file(b + "/" + f)) << f;
  }
  // scenario.toml names its directory; otherwise the same.
  std::string again = text_of(b + "/scenario.toml");
  for (std::size_t at = 0; (at = again.find(b, at)) != std::string::npos; at += a.dir.size()) {
    again.replace(at, b.size(), a.dir);
  }
  EXPECT_EQ(again, text_of(a.dir + "/scenario.toml"));
}

TEST(GeneratorVolatility, TheSidecarListsEachEpisodeInOrderWithConsistentTimes) {
  const Generated& g = volatile_day();
  const Truth& t = g.truth;
  ASSERT_EQ(t.episodes.size(), 4u);
  EXPECT_EQ(g.result.episodes, 4u);
  EXPECT_EQ(g.result.halts, t.halts.size());
  const std::uint64_t gap = ns(t.scenario, "calm_gap_ns");
  const std::uint64_t flow_end = ns(t.scenario, "flow_end_ns");
  EXPECT_EQ(ns(t.scenario, "flow_start_ns"), flow_start());
  const std::vector<std::string> all = list(episode(t, "open_burst"), "stocks");
  EXPECT_EQ(all.size(), 30u);
  for (std::size_t e = 0; e < t.episodes.size(); ++e) {
    const test::JsonObject& ep = t.episodes[e];
    SCOPED_TRACE(kKinds[e]);
    EXPECT_EQ(str(ep, "kind"), kKinds[e]);
    EXPECT_EQ(num(ep, "id"), static_cast<std::int64_t>(e));
    EXPECT_GT(ns(ep, "start_ns"), flow_start());
    EXPECT_LT(ns(ep, "start_ns"), ns(ep, "end_ns"));
    EXPECT_LE(ns(ep, "end_ns"), ns(ep, "calm_ns"));
    EXPECT_LE(ns(ep, "calm_ns") + gap, e + 1 < t.episodes.size() ? ns(t.episodes[e + 1], "start_ns") : flow_end);
    EXPECT_FALSE(list(ep, "stocks").empty());
  }
  EXPECT_EQ(list(episode(t, "market_decline"), "stocks"), all);
  EXPECT_EQ(list(episode(t, "single_stock_shock"), "stocks").size(), 1u);
  EXPECT_EQ(std::fabs(real(episode(t, "single_stock_shock"), "size")), 8.0);
  EXPECT_EQ(real(episode(t, "sector_flash_crash"), "size"), -8.0);
  EXPECT_EQ(real(episode(t, "market_decline"), "size"), -8.0);
  EXPECT_EQ(real(episode(t, "open_burst"), "rate_factor"), 5.0);
  EXPECT_TRUE(list(episode(t, "single_stock_shock"), "halted").empty());  // 8% is inside a 10% band
  // Each halt: inside its episode's stretch, on one of its stocks, listed as halted there.
  for (const test::JsonObject& h : t.halts) {
    const test::JsonObject& ep = t.episodes[static_cast<std::size_t>(num(h, "episode"))];
    const std::string stock = str(h, "stock");
    EXPECT_LE(ns(ep, "start_ns"), ns(h, "paused_ns"));
    EXPECT_LT(ns(h, "paused_ns"), ns(h, "resumed_ns"));
    EXPECT_LE(ns(h, "resumed_ns"), ns(ep, "end_ns") + kMs);
    const auto stocks = list(ep, "stocks"), derived = list(ep, "derived"), halted = list(ep, "halted");
    EXPECT_TRUE(std::count(stocks.begin(), stocks.end(), stock) + std::count(derived.begin(), derived.end(), stock))
        << stock;
    EXPECT_EQ(std::count(halted.begin(), halted.end(), stock), 1) << stock;
  }
}

TEST(GeneratorVolatility, TheCrashedSectorsTierOneSecuritiesPauseAsTheCaptureShows) {
  const Generated& g = volatile_day();
  const Truth& t = g.truth;
  const test::JsonObject& crash = episode(t, "sector_flash_crash");
  const std::map<std::string, int> tier = tiers(g.dir);
  std::set<std::string> tier1, paused;
  for (const std::string& s : list(crash, "stocks")) {
    if (tier.at(s) == 1) tier1.insert(s);
  }
  ASSERT_FALSE(tier1.empty());
  ASSERT_LT(tier1.size(), list(crash, "stocks").size());  // a sector of both tiers
  const Day& day = volatile_capture();
  if (testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(day.quoted_while_stopped, 0u);
  for (const test::JsonObject& h : t.halts) {
    if (num(h, "episode") != num(crash, "id")) continue;
    const std::string stock = str(h, "stock");
    SCOPED_TRACE(stock);
    paused.insert(stock);
    EXPECT_EQ(str(h, "state"), "P");
    EXPECT_EQ(str(h, "reason"), "LUDP");
    const std::uint64_t from = ns(h, "paused_ns"), to = ns(h, "resumed_ns");
    EXPECT_EQ(to - from, ns(t.scenario, "pause_ns"));
    // The capture: H P at the pause's time, its J inside the pause, H T at the resumption.
    int p = 0, resumed = 0, collars = 0;
    for (const StateChange& c : day.changes) {
      if (c.stock != stock) continue;
      if (c.state == 'P' && c.ts == from && c.reason == "LUDP") ++p;
      if (c.state == 'T' && c.ts == to) ++resumed;
    }
    for (const Collar& c : day.collars) {
      if (c.stock != stock) continue;
      ++collars;
      EXPECT_GE(c.ts, from);
      EXPECT_LT(c.ts, to);
      EXPECT_EQ(c.extension, 0u);
      EXPECT_EQ(c.reference, price4(str(h, "collar_reference")));
      EXPECT_EQ(c.upper, price4(str(h, "collar_upper")));
      EXPECT_EQ(c.lower, price4(str(h, "collar_lower")));
      EXPECT_LT(c.lower, c.reference);
      EXPECT_GT(c.upper, c.reference);
    }
    EXPECT_EQ(p, 1);
    EXPECT_EQ(resumed, 1);
    EXPECT_EQ(collars, 1);
  }
  // At the default size (8%) exactly the tier-1 members (5% bands) pause; the tier-2 (10%) fall.
  EXPECT_EQ(paused, tier1);
}

TEST(GeneratorVolatility, TheDeclineBreachesLevelOneWithVBeforeTheOpenAndWHaltingEverySecurity) {
  const Generated& g = volatile_day();
  const Truth& t = g.truth;
  const test::JsonObject& decline = episode(t, "market_decline");
  const Day& day = volatile_capture();
  if (testing::Test::HasFatalFailure()) return;
  ASSERT_EQ(day.levels.size(), 1u);
  EXPECT_LT(day.levels[0].first, DaySchedule::kStartOfMarketHours);
  // 7%, 13% and 20% below the index's base of 1000, Price(8).
  EXPECT_EQ(day.levels[0].second, (std::array<std::uint64_t, 3>{93'000'000'000, 87'000'000'000, 80'000'000'000}));
  ASSERT_EQ(day.breaches.size(), 1u);
  EXPECT_EQ(day.breaches[0].second, '1');
  EXPECT_EQ(str(decline, "mwcb_level"), "1");
  const std::uint64_t at = ns(decline, "mwcb_ns"), resumed = ns(decline, "mwcb_resumed_ns");
  EXPECT_EQ(day.breaches[0].first, at);
  EXPECT_GT(at, ns(decline, "start_ns"));
  EXPECT_EQ(resumed - at, ns(t.scenario, "halt_ns"));
  // Every security: H H (MWC1) in the W's step, H T in the resumption's, and listed as halted.
  std::map<std::string, int> halted, resumed_then;
  for (const StateChange& c : day.changes) {
    if (c.state == 'H' && c.reason == "MWC1" && c.ts >= at && c.ts < at + kMs) ++halted[c.stock];
    if (c.state == 'T' && c.ts >= resumed && c.ts < resumed + kMs) ++resumed_then[c.stock];
  }
  const std::vector<std::string> all = list(decline, "stocks");
  EXPECT_EQ(halted.size(), all.size());
  EXPECT_EQ(resumed_then.size(), all.size());
  EXPECT_EQ(list(decline, "halted"), all);
  for (const test::JsonObject& h : t.halts) {
    if (num(h, "episode") != num(decline, "id") || str(h, "state") != "H") continue;
    EXPECT_EQ(str(h, "reason"), "MWC1");
    EXPECT_EQ(halted.count(str(h, "stock")), 1u);
  }
}

TEST(GeneratorVolatility, TheShockedSecuritysMidMovesByTheStatedSizeAndNoOtherDoes) {
  const Generated& g = volatile_day();
  const test::JsonObject& shock = episode(g.truth, "single_stock_shock");
  const Day& day = volatile_capture();
  if (testing::Test::HasFatalFailure()) return;
  const std::string shocked = list(shock, "stocks").front();
  const double size = real(shock, "size");
  ASSERT_EQ(day.mids_at.at(shocked).size(), 3u);
  for (const auto& [symbol, mids] : day.mids_at) {
    ASSERT_EQ(mids.size(), 3u) << symbol;
    const double move = (mids[2] / mids[0] - 1) * 100;
    if (symbol == shocked) {
      // The fair value moves by `size` of its reference; a quote is a tick off it at most.
      EXPECT_NEAR(move, size, 0.5) << symbol;
    } else {
      EXPECT_LT(std::fabs(move), 0.5) << symbol;
    }
  }
  // The onset: within a millisecond of start_ns the mid has taken a share of the move, and the
  // whole of it within a few.
  const auto& mids = day.mids_at.at(shocked);
  EXPECT_GT(std::fabs(mids[1] / mids[0] - 1) * 100, std::fabs(size) / 10);
  EXPECT_LT(ns(shock, "end_ns") - ns(shock, "start_ns"), 10 * kMs);
}

TEST(GeneratorVolatility, TheOpenBurstMultipliesTheMessageRateByItsFactor) {
  const Generated& g = volatile_day();
  const Truth& t = g.truth;
  const test::JsonObject& burst = episode(t, "open_burst");
  const Day& day = volatile_capture();
  if (testing::Test::HasFatalFailure()) return;
  auto messages = [&](std::uint64_t from, std::uint64_t to) {
    std::uint64_t n = 0;
    for (std::uint64_t ms = (from - flow_start()) / kMs; ms < (to - flow_start()) / kMs; ++ms) n += day.per_ms.at(ms);
    return static_cast<double>(n) * static_cast<double>(kS) / static_cast<double>(to - from);
  };
  const double during = messages(ns(burst, "start_ns"), ns(burst, "end_ns"));
  // The usual rate, as the sidecar has it over every quiet step, and as the capture has it from
  // the burst's end to the shock.
  const double usual = real(t.scenario, "normal_rate");
  const double after = messages(ns(burst, "calm_ns"), ns(episode(t, "single_stock_shock"), "start_ns"));
  EXPECT_NEAR(after, usual, 0.1 * usual);
  EXPECT_NEAR(during / usual, real(burst, "rate_factor"), 0.5) << during << " against " << usual;
  // The onset: its first 10 ms already run well above the usual rate.
  EXPECT_GT(messages(ns(burst, "start_ns"), ns(burst, "start_ns") + 10 * kMs), 2.5 * usual);
  // The storm breaker of scenario.toml sits between the quiet market's busiest 50 ms and the
  // burst's; the sidecar's peaks say where it opens.
  const std::string toml = text_of(g.dir + "/scenario.toml");
  const std::size_t storm = toml.find("[breaker.storm]");
  ASSERT_NE(storm, std::string::npos);
  const double trip = std::stod(toml.substr(toml.find("trip = ", storm) + 7));
  const double clear = std::stod(toml.substr(toml.find("clear = ", storm) + 8));
  EXPECT_EQ(clear, trip / 2);
  EXPECT_GT(trip, real(t.scenario, "quiet_peak_rate"));
  EXPECT_GT(clear, real(t.scenario, "normal_rate"));
  EXPECT_LT(trip, real(burst, "peak_rate"));
  EXPECT_LT(trip, real(t.scenario, "normal_rate") * real(burst, "rate_factor"));
  EXPECT_LT(real(episode(t, "single_stock_shock"), "peak_rate"), trip);
}

TEST(GeneratorVolatility, ACalmDayHasNoEpisodeNoHaltNoBreachAndNoBigMove) {
  const Generated& g = calm_day();
  EXPECT_TRUE(g.truth.episodes.empty());
  EXPECT_TRUE(g.truth.halts.empty());
  EXPECT_EQ(g.result.halts, 0u);
  for (const test::JsonObject& o : g.truth.others) {
    EXPECT_TRUE(str(o, "type") == "venue" || str(o, "type") == "mwcb_levels") << str(o, "type");
  }
  const Day& day = calm_capture();
  if (testing::Test::HasFatalFailure()) return;
  // Only the start of day's H T, one a security, before the open.
  EXPECT_EQ(day.changes.size(), 30u);
  for (const StateChange& c : day.changes) {
    EXPECT_EQ(c.state, 'T');
    EXPECT_LT(c.ts, DaySchedule::kStartOfMarketHours);
  }
  EXPECT_TRUE(day.collars.empty());
  EXPECT_TRUE(day.breaches.empty());
  EXPECT_EQ(day.levels.size(), 1u);
  EXPECT_EQ(day.quoted_while_stopped, 0u);
  ASSERT_EQ(day.widest_move.size(), 30u);
  for (const auto& [symbol, widest] : day.widest_move) EXPECT_LT(widest, 0.02) << symbol;
  // No 50 ms of the calm day reaches its storm breaker's trip.
  const std::string toml = text_of(g.dir + "/scenario.toml");
  const double trip = std::stod(toml.substr(toml.find("trip = ", toml.find("[breaker.storm]")) + 7));
  std::uint64_t window = 0, busiest = 0;
  for (std::size_t ms = 0; ms < day.per_ms.size(); ++ms) {
    window += day.per_ms[ms];
    if (ms >= 50) window -= day.per_ms[ms - 50];
    busiest = std::max(busiest, window);
  }
  EXPECT_LT(static_cast<double>(busiest) * 20, trip);
}

// The file a user starts from: TOML tables with the keys the breakers take, and nothing else.
TEST(GeneratorVolatility, ScenarioTomlHoldsTheFeedsAndTheBreakerTables) {
  const Generated& g = volatile_day();
  std::map<std::string, std::map<std::string, std::string>> tables;
  std::string table;
  for (const std::string& line : test::split_lines(text_of(g.dir + "/scenario.toml"))) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      ASSERT_EQ(line.back(), ']') << line;
      table = line.substr(1, line.size() - 2);
      ASSERT_EQ(tables.count(table), 0u) << line;
      tables[table];
      continue;
    }
    const std::size_t eq = line.find(" = ");
    ASSERT_NE(eq, std::string::npos) << line;
    ASSERT_FALSE(table.empty()) << line;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 3);
    ASSERT_EQ(tables[table].count(key), 0u) << line;
    // A number, a string or an array of strings.
    const bool number = value.find_first_not_of("0123456789.") == std::string::npos;
    const bool string = value.size() >= 2 && value.front() == '"' && value.back() == '"';
    const bool strings = value.size() >= 4 && value.front() == '[' && value.back() == ']' && value[1] == '"';
    EXPECT_TRUE(number || string || strings) << line;
    tables[table][key] = value;
  }
  EXPECT_EQ(tables.at("feed.nasdaq").at("input.files"), "[\"" + g.dir + "/nasdaq.pcap\"]");
  using Keys = std::map<std::string, std::string>;
  EXPECT_EQ(tables.at("breaker.vol"), (Keys{{"scope", "\"security\""}, {"trigger", "\"volatility\""}, {"trip", "12"},
                                            {"clear", "4"}, {"window_ms", "1000"}}));
  EXPECT_EQ(tables.at("breaker.band"), (Keys{{"scope", "\"security\""}, {"trigger", "\"band\""}, {"trip", "5"},
                                             {"clear", "2.5"}, {"reference_ms", "10000"}}));
  EXPECT_EQ(tables.at("breaker.halt"), (Keys{{"scope", "\"security\""}, {"trigger", "\"halt\""}}));
  const Keys& storm = tables.at("breaker.storm");
  EXPECT_EQ(storm.at("scope"), "\"system\"");
  EXPECT_EQ(storm.at("trigger"), "\"message_rate\"");
  EXPECT_EQ(storm.at("window_ms"), "50");
  EXPECT_EQ(std::stoull(storm.at("clear")) * 2, std::stoull(storm.at("trip")));
  EXPECT_EQ(tables.size(), 5u);
}

struct Outcome {
  int code;
  std::string err;
  std::string out;
};

Outcome run(std::vector<std::string> args) {
  args.insert(args.begin(), "generate");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  const int code = cli::run_generate_command(static_cast<int>(args.size()), argv.data());
  return {code, testing::internal::GetCapturedStderr(), testing::internal::GetCapturedStdout()};
}

TEST(GeneratorVolatility, TheCommandWritesACalmDayAndRefusesWhatItCannotDo) {
  const std::string dir = test::temp_dir();
  const Outcome help = run({"--help"});
  for (const char* opt : {"--volatility", "--burst-factor", "--pause-seconds", "--halt-seconds"}) {
    EXPECT_NE(help.out.find(opt), std::string::npos) << opt;
  }
  const Outcome calm = run({"--venues", "nasdaq", "--volatility", "--episodes", "0", "--seconds", "2", "--symbols", "29",
                            "--out", dir + "/calm"});
  EXPECT_EQ(calm.code, 0) << calm.err;
  EXPECT_NE(calm.out.find("0 episodes, 0 halts"), std::string::npos) << calm.out;
  for (const char* f : {"nasdaq.pcap", "episodes.jsonl", "securities.toml", "scenario.toml"}) {
    EXPECT_FALSE(test::read_file(dir + "/calm/" + f).empty()) << f;
  }
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string mentions;
  };
  const Case cases[] = {
      {{"--venues", "nasdaq", "--out", dir + "/x"}, 2, "--volatility"},
      {{"--volatility", "--out", dir + "/x"}, 2, "--venues"},
      {{"--venues", "nasdaq,bx", "--burst-factor", "5", "--out", dir + "/x"}, 2, "--volatility"},
      {{"--venues", "nasdaq", "--volatility", "--pause-seconds", "0", "--out", dir + "/x"}, 2, "--pause-seconds"},
      {{"--venues", "nasdaq", "--volatility", "--burst-factor", "2", "--out", dir + "/x"}, 1, "--burst-factor"},
      {{"--venues", "nasdaq", "--volatility", "--episodes", "2", "--out", dir + "/x"}, 1, "--episodes"},
      {{"--venues", "nasdaq", "--volatility", "--seconds", "60", "--out", dir + "/x"}, 1, "109 s"},
  };
  for (const Case& c : cases) {
    const Outcome o = run(c.args);
    EXPECT_EQ(o.code, c.code) << c.mentions << ": " << o.err;
    EXPECT_NE(o.err.find(c.mentions), std::string::npos) << o.err;
  }
}

}  // namespace
}  // namespace tickwire::generator::venues
