// `tickwire generate --venues`: one market on several venues. Same options, same bytes; each
// venue's stream read back with tickwire's own frame, MoldUDP64 and ITCH parsing is a valid
// day (contiguous sequence numbers, time never going back, every order reference known, a
// book that never crosses); the venues list the same securities under locates of their own;
// the ground truth lists every episode inside the flow; bad venue lists are refused.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "dataplane/feed/moldudp64.h"
#include "dataplane/itch/decoder.h"
#include "dataplane/net/udp_frame.h"
#include "pcap_samples/generator/market_calendar.h"
#include "pcap_samples/generator/venues/venues_scenario.h"
#include "tests/support/json_line.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::generator::venues {
namespace {

// Under the sanitizers (test::scaled) a few seconds without episodes: the generator's
// arithmetic costs a hundred times more there.
VenuesScenario small_scenario() {
  const bool scaled_down = test::scaled(4, 1) < 4;
  VenuesScenario s;
  s.transport.seed = 5;
  s.transport.symbols = 30;
  s.seconds = scaled_down ? 6 : 40;
  s.episodes_per_kind = scaled_down ? 0 : 1;
  EXPECT_EQ(parse_venues("nasdaq,bx,psx", s.venues), "");
  return s;
}

struct VenueDay {
  std::map<std::uint16_t, std::string> symbols;  // by locate
  std::uint64_t messages = 0;
  std::uint64_t adds = 0, deletes = 0, replaces = 0, executions = 0;
  std::string session;
};

// Reads one venue's pcap and checks it as a day the books can take.
VenueDay read_venue(const std::string& path) {
  VenueDay day;
  struct Order {
    std::uint16_t locate;
    bool buy;
    std::uint32_t price;
    std::uint32_t shares;
  };
  std::map<std::uint64_t, Order> orders;
  std::map<std::uint16_t, std::multiset<std::uint32_t>> bids, asks;
  std::uint64_t next_seq = 1, last_ts = 0;
  auto take = [&](const Order& o, bool add) {
    auto& side = o.buy ? bids[o.locate] : asks[o.locate];
    if (add) {
      side.insert(o.price);
    } else {
      side.erase(side.find(o.price));
    }
  };
  auto uncrossed = [&](std::uint16_t locate) {
    const auto& b = bids[locate];
    const auto& a = asks[locate];
    return b.empty() || a.empty() || *b.rbegin() < *a.begin();
  };
  const test::Bytes file = test::read_file(path);
  test::for_each_pcap_record(file, [&](const std::uint8_t* frame, std::uint32_t length, std::uint64_t) {
    const net::FrameResult r = net::parse_udp_frame(frame, length, net::LinkType::kEthernet);
    ASSERT_FALSE(r.drop.has_value());
    const auto& h = wire::view_as<feed::MoldUdp64Header>(r.datagram.payload);
    day.session = std::string(h.session.trimmed());
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
      ++day.messages;
      const auto& header = wire::view_as<itch::MessageHeader>(m);
      ASSERT_GE(header.timestamp.value(), last_ts);
      last_ts = header.timestamp.value();
      const std::uint16_t locate = header.stock_locate.value();
      const auto status = itch::decode_message(m, n, [&](const auto& msg) {
        using M = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<M, itch::StockDirectory>) {
          day.symbols[locate] = std::string(msg.stock.trimmed());
        } else if constexpr (std::is_same_v<M, itch::AddOrder>) {
          ++day.adds;
          const Order o{locate, msg.buy_sell_indicator.chars[0] == 'B', msg.price.value(), msg.shares.value()};
          ASSERT_TRUE(orders.emplace(msg.order_reference_number.value(), o).second);
          take(o, true);
        } else if constexpr (std::is_same_v<M, itch::OrderDelete>) {
          ++day.deletes;
          const auto it = orders.find(msg.order_reference_number.value());
          ASSERT_NE(it, orders.end());
          take(it->second, false);
          orders.erase(it);
        } else if constexpr (std::is_same_v<M, itch::OrderReplace>) {
          ++day.replaces;
          const auto it = orders.find(msg.original_order_reference_number.value());
          ASSERT_NE(it, orders.end());
          Order o = it->second;
          take(o, false);
          orders.erase(it);
          o.price = msg.price.value();
          o.shares = msg.shares.value();
          ASSERT_TRUE(orders.emplace(msg.new_order_reference_number.value(), o).second);
          take(o, true);
        } else if constexpr (std::is_same_v<M, itch::OrderExecuted>) {
          ++day.executions;
          const auto it = orders.find(msg.order_reference_number.value());
          ASSERT_NE(it, orders.end());
          ASSERT_LE(msg.executed_shares.value(), it->second.shares);
          it->second.shares -= msg.executed_shares.value();
          if (it->second.shares == 0) {
            take(it->second, false);
            orders.erase(it);
          }
        }
      });
      ASSERT_EQ(status, itch::DecodeStatus::kOk);
      ASSERT_TRUE(uncrossed(locate)) << path << " seq " << next_seq - 1;
    }
  });
  return day;
}

TEST(GeneratorVenues, SameOptionsSameBytes) {
  const std::string a = test::temp_dir() + "/a", b = test::temp_dir() + "/b";
  VenuesResult ra, rb;
  ASSERT_EQ(generate_venues(small_scenario(), a, ra), "");
  ASSERT_EQ(generate_venues(small_scenario(), b, rb), "");
  for (const char* f : {"nasdaq.pcap", "bx.pcap", "psx.pcap", "episodes.jsonl", "securities.toml"}) {
    EXPECT_EQ(test::read_file(a + "/" + f), test::read_file(b + "/" + f)) << f;
  }
  VenuesScenario other = small_scenario();
  other.transport.seed = 6;
  ASSERT_EQ(generate_venues(other, b, rb), "");
  EXPECT_NE(test::read_file(a + "/nasdaq.pcap"), test::read_file(b + "/nasdaq.pcap"));
}

TEST(GeneratorVenues, EachVenueIsAValidDayOfTheSameSecuritiesUnderItsOwnLocates) {
  const std::string dir = test::temp_dir() + "/v";
  VenuesResult result;
  const VenuesScenario scenario = small_scenario();
  ASSERT_EQ(generate_venues(scenario, dir, result), "");
  std::vector<VenueDay> days;
  for (std::size_t v = 0; v < scenario.venues.size(); ++v) {
    days.push_back(read_venue(dir + "/" + scenario.venues[v].name + ".pcap"));
    if (testing::Test::HasFatalFailure()) return;
    const VenueDay& d = days.back();
    EXPECT_EQ(d.session, scenario.venues[v].session);
    EXPECT_EQ(d.messages, result.venues[v].messages);
    EXPECT_EQ(d.executions, result.venues[v].trades);
    EXPECT_EQ(d.symbols.size(), 30u);
    EXPECT_GT(d.adds, 0u);
    EXPECT_GT(d.deletes, 0u);
    EXPECT_GT(d.replaces, 0u);
  }
  std::set<std::string> first, second;
  for (const auto& [locate, s] : days[0].symbols) first.insert(s);
  for (const auto& [locate, s] : days[1].symbols) second.insert(s);
  EXPECT_EQ(first, second);
  EXPECT_NE(days[0].symbols, days[1].symbols);  // the same names, other locates
  EXPECT_NE(days[0].symbols, days[2].symbols);
}

TEST(GeneratorVenues, TheGroundTruthListsEveryEpisodeInsideTheFlow) {
  const std::string dir = test::temp_dir() + "/g";
  VenuesResult result;
  VenuesScenario scenario = small_scenario();
  const auto per_kind = static_cast<int>(test::scaled(2, 1));
  scenario.seconds = per_kind == 2 ? 60 : 30;  // the shortest flow for that many episodes
  scenario.episodes_per_kind = static_cast<std::uint32_t>(per_kind);
  ASSERT_EQ(generate_venues(scenario, dir, result), "");
  EXPECT_EQ(result.episodes, 5u * static_cast<std::size_t>(per_kind));
  const test::Bytes bytes = test::read_file(dir + "/episodes.jsonl");
  std::map<std::string, int> kinds;
  std::set<std::string> venue_names;
  std::int64_t last_start = 0;
  const auto flow_end = static_cast<std::int64_t>(DaySchedule::kFlowStart) +
                        static_cast<std::int64_t>(scenario.seconds * 1e9);
  for (const std::string& line : test::split_lines(std::string(bytes.begin(), bytes.end()))) {
    const auto o = test::parse_json_line(line);
    ASSERT_TRUE(o.has_value()) << line;
    const std::string type = std::get<std::string>(o->at("type"));
    if (type == "venue") venue_names.insert(std::get<std::string>(o->at("feed")));
    if (type != "episode") continue;
    ++kinds[std::get<std::string>(o->at("kind"))];
    const std::int64_t start = std::get<std::int64_t>(o->at("start_ns"));
    const std::int64_t end = std::get<std::int64_t>(o->at("end_ns"));
    EXPECT_GT(start, last_start);
    EXPECT_GT(start, static_cast<std::int64_t>(DaySchedule::kFlowStart));
    EXPECT_LT(start, end);
    EXPECT_LT(end, flow_end);
    last_start = start;
    EXPECT_FALSE(std::get<std::vector<std::string>>(o->at("stocks")).empty());
    if (std::get<std::string>(o->at("kind")) == "dislocation") {
      EXPECT_TRUE(o->count("venue")) << line;
    }
  }
  EXPECT_EQ(kinds, (std::map<std::string, int>{{"basket_premium", per_kind},
                                               {"correlation_break", per_kind},
                                               {"dislocation", per_kind},
                                               {"leader_jump", per_kind},
                                               {"pair_divergence", per_kind}}));
  EXPECT_EQ(venue_names, (std::set<std::string>{"nasdaq", "bx", "psx"}));
  const test::Bytes toml = test::read_file(dir + "/securities.toml");
  const std::string text(toml.begin(), toml.end());
  EXPECT_NE(text.find("basket = {"), std::string::npos);
  EXPECT_NE(text.find("creation_unit = 50000"), std::string::npos);
}

TEST(GeneratorVenues, BadVenueListsAndScenariosAreRefused) {
  std::vector<VenueSpec> v;
  EXPECT_NE(parse_venues("nasdaq", v), "");
  EXPECT_NE(parse_venues("nasdaq,nasdaq", v), "");
  EXPECT_NE(parse_venues("nasdaq,,bx", v), "");
  EXPECT_NE(parse_venues("nasdaq,BX", v), "");
  EXPECT_NE(parse_venues("nasdaq,averyverylongname", v), "");
  ASSERT_EQ(parse_venues("nasdaq,edgx", v), "");
  EXPECT_EQ(v[1].session.size(), 10u);
  VenuesResult r;
  VenuesScenario few = small_scenario();
  few.transport.symbols = 10;
  EXPECT_NE(generate_venues(few, test::temp_dir() + "/few", r).find("symbols"), std::string::npos);
  VenuesScenario short_flow = small_scenario();
  short_flow.seconds = 10;
  short_flow.episodes_per_kind = 3;
  EXPECT_NE(generate_venues(short_flow, test::temp_dir() + "/short", r).find("too short"), std::string::npos);
}

}  // namespace
}  // namespace tickwire::generator::venues
