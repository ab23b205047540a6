#include "dataplane/feed/mold_feed_decoder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "drivers/capture_file_reader.h"
#include "tests/support/test_support.h"

namespace tickwire::feed {
namespace {

using metrics::DropReason;
using test::Bytes;

// Records what the decoder delivers: every field of every message, as text.
struct RecordingSink {
  struct Seen {
    std::uint64_t sequence;
    bool sequenced;
    SequenceVerdict verdict;
    char type;
    std::map<std::string, std::string> fields;
  };
  std::vector<Seen> seen;

  template <class Message>
  void operator()(const MessageContext& ctx, const Message& m) {
    Seen s{ctx.sequence, ctx.sequenced, ctx.verdict, Message::kType, {}};
    m.for_each_field([&](std::string_view name, const auto& f) {
      if constexpr (wire::kIsAlpha<std::decay_t<decltype(f)>>) {
        s.fields[std::string(name)] = std::string(f.trimmed());
      } else {
        s.fields[std::string(name)] = std::to_string(f.value());
      }
    });
    seen.push_back(std::move(s));
  }
};

class MoldFeedDecoderTest : public ::testing::Test {
 protected:
  RecordingSink sink;
  net::UdpFilter filter;
  metrics::FeedCounters counters;
  std::unique_ptr<SequenceAudit> audit = std::make_unique<SequenceAudit>();
  MoldFeedDecoder<RecordingSink> decoder{sink, filter, counters, *audit};

  std::uint32_t feed_frame(const Bytes& frame) {
    const test::ExactBuffer b(frame);
    return decoder.on_frame(b.data(), b.size(), net::LinkType::kEthernet, 0);
  }
  std::uint32_t feed_payload(const Bytes& payload) { return feed_frame(test::udp_frame(payload)); }
};

TEST_F(MoldFeedDecoderTest, DeliversEveryMessageWithItsSequenceNumber) {
  const Bytes p = test::mold_packet("SESSION001", 1000,
                                    {test::itch_message('S'), test::itch_message('A', 5), test::itch_message('D', 5)});
  EXPECT_EQ(feed_payload(p), 3u);
  ASSERT_EQ(sink.seen.size(), 3u);
  EXPECT_EQ(sink.seen[0].type, 'S');
  EXPECT_EQ(sink.seen[1].type, 'A');
  EXPECT_EQ(sink.seen[2].type, 'D');
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sink.seen[i].sequence, 1000 + i);
    EXPECT_TRUE(sink.seen[i].sequenced);
  }
  EXPECT_EQ(sink.seen[1].fields["stock_locate"], "5");
  EXPECT_EQ(counters.messages, 3u);
  EXPECT_EQ(counters.by_type('A'), 1u);
  EXPECT_EQ(counters.mold_packets, 1u);
  EXPECT_EQ(counters.packets, 1u);
}

TEST_F(MoldFeedDecoderTest, HeartbeatAndEndOfSessionCarryNoMessagesButMoveTheSequence) {
  feed_payload(test::mold_packet("SESSION001", 1, {test::itch_message('S')}));
  EXPECT_EQ(feed_payload(test::mold_packet_with_count("SESSION001", 2, 0, {})), 0u);
  EXPECT_EQ(feed_payload(test::mold_packet_with_count("SESSION001", 5, 0xFFFF, {})), 0u);
  EXPECT_EQ(counters.heartbeats, 1u);
  EXPECT_EQ(counters.end_of_session, 1u);
  EXPECT_EQ(audit->missing_messages(), 3u);  // 2..4 never arrived
}

TEST_F(MoldFeedDecoderTest, ABlockPastTheEndLosesItAndTheRestOfThePacket) {
  Bytes p = test::mold_packet("SESSION001", 10,
                              {test::itch_message('A'), test::itch_message('E'), test::itch_message('X')});
  p.resize(p.size() - 5);  // the last block is cut
  EXPECT_EQ(feed_payload(p), 2u);
  EXPECT_EQ(counters.dropped(DropReason::kMoldBlockOverrun), 1u);
  EXPECT_EQ(counters.dropped(DropReason::kMessageLostInOverrun), 1u);

  // Count says 5, bytes hold 1: four messages are lost.
  const Bytes q = test::mold_packet_with_count("SESSION001", 20, 5, {test::itch_message('A')});
  EXPECT_EQ(feed_payload(q), 1u);
  EXPECT_EQ(counters.dropped(DropReason::kMessageLostInOverrun), 5u);
}

TEST_F(MoldFeedDecoderTest, BadMessagesAreCountedAndTheNextOneStillDecodes) {
  Bytes unknown = test::itch_message('A');
  unknown[0] = 'Z';
  Bytes short_add = test::itch_message('A');
  short_add.pop_back();
  const Bytes p = test::mold_packet("SESSION001", 1, {unknown, short_add, Bytes{}, test::itch_message('D')});
  EXPECT_EQ(feed_payload(p), 1u);
  ASSERT_EQ(sink.seen.size(), 1u);
  EXPECT_EQ(sink.seen[0].type, 'D');
  EXPECT_EQ(sink.seen[0].sequence, 4u);  // the bad blocks still consumed 1..3
  EXPECT_EQ(counters.dropped(DropReason::kUnknownMessageType), 1u);
  EXPECT_EQ(counters.dropped(DropReason::kMessageLengthMismatch), 1u);
  EXPECT_EQ(counters.dropped(DropReason::kEmptyMessageBlock), 1u);
}

TEST_F(MoldFeedDecoderTest, ShortPayloadsAndTrailingBytesAreCounted) {
  EXPECT_EQ(feed_payload(Bytes(19, '0')), 0u);
  EXPECT_EQ(counters.dropped(DropReason::kMoldTruncated), 1u);

  Bytes p = test::mold_packet("SESSION001", 1, {test::itch_message('S')});
  p.push_back(0);
  EXPECT_EQ(feed_payload(p), 1u);
  EXPECT_EQ(counters.packets_with_trailing_bytes, 1u);
}

TEST_F(MoldFeedDecoderTest, FilterKeepsOnlyConfiguredEndpoints) {
  ASSERT_TRUE(filter.add({0xE9360C6F, 26477}));
  test::FrameSpec other;
  other.destination_port = 26478;
  EXPECT_EQ(feed_frame(test::udp_frame(test::mold_packet("S", 1, {test::itch_message('S')}), other)), 0u);
  EXPECT_EQ(counters.packets_filtered, 1u);
  EXPECT_EQ(feed_payload(test::mold_packet("S", 1, {test::itch_message('S')})), 1u);
}

TEST_F(MoldFeedDecoderTest, DuplicatesAreDeliveredAndMarked) {
  const Bytes p = test::mold_packet("SESSION001", 7, {test::itch_message('S')});
  feed_payload(p);
  feed_payload(p);
  ASSERT_EQ(sink.seen.size(), 2u);
  EXPECT_EQ(sink.seen[0].verdict, SequenceVerdict::kNew);
  EXPECT_EQ(sink.seen[1].verdict, SequenceVerdict::kDuplicate);
}

TEST_F(MoldFeedDecoderTest, SessionsPastTheTableAreDeliveredButNotAudited) {
  for (std::size_t i = 0; i <= SequenceAudit::kMaxSessions; ++i) {
    char name[11];
    std::snprintf(name, sizeof name, "SESS%06zu", i);
    EXPECT_EQ(feed_payload(test::mold_packet(name, 1, {test::itch_message('S')})), 1u);
  }
  EXPECT_EQ(sink.seen.size(), SequenceAudit::kMaxSessions + 1);
  EXPECT_EQ(audit->totals().sessions_untracked, 1u);
  EXPECT_EQ(audit->session_count(), SequenceAudit::kMaxSessions);
}

TEST_F(MoldFeedDecoderTest, FrameDropsAreCountedByReason) {
  Bytes frame = test::udp_frame(test::mold_packet("S", 1, {test::itch_message('S')}));
  frame[14 + 8] ^= 1;
  EXPECT_EQ(feed_frame(frame), 0u);
  EXPECT_EQ(counters.dropped(DropReason::kIpv4BadChecksum), 1u);
  EXPECT_EQ(counters.packets, 1u);
  EXPECT_EQ(counters.bytes, frame.size());
}

// --- The real captures (../shared/data/itch50). Expected values were read off the bytes
// by hand and by an independent script, not produced by tickwire.

std::vector<RecordingSink::Seen> decode_capture(const std::string& relative, metrics::FeedCounters& counters) {
  const std::string path = test::shared_dir() + "/data/itch50/" + relative;
  std::string error;
  auto reader = drivers::CaptureFileReader::open(path, error);
  EXPECT_TRUE(reader) << error;
  RecordingSink sink;
  if (!reader) return {};
  net::UdpFilter filter;
  auto audit = std::make_unique<SequenceAudit>();
  MoldFeedDecoder<RecordingSink> decoder(sink, filter, counters, *audit);
  drivers::Frame f;
  while (reader->next(f) == drivers::ReadStatus::kFrame) {
    decoder.on_frame(f.data, f.captured_length, f.link, f.receive_time_ns);
  }
  return sink.seen;
}

class RealCaptures : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(test::shared_dir() + "/data/itch50")) {
      GTEST_SKIP() << "no real captures at " << test::shared_dir();
    }
  }
};

TEST_F(RealCaptures, MultiplePacketsDecodesAll39MessagesExactly) {
  metrics::FeedCounters c;
  const auto seen = decode_capture("nasdaq-totalview-genuine/Multiple.Packets.pcap", c);
  ASSERT_EQ(seen.size(), 39u);
  EXPECT_EQ(c.packets, 2u);
  EXPECT_EQ(c.by_type('A'), 36u);
  EXPECT_EQ(c.by_type('F'), 2u);
  EXPECT_EQ(c.by_type('D'), 1u);
  std::uint64_t drops = 0;
  for (auto d : c.drops) drops += d;
  EXPECT_EQ(drops, 0u);

  EXPECT_EQ(seen[0].sequence, 14764496u);
  EXPECT_EQ(seen[0].fields.at("type"), "D");
  EXPECT_EQ(seen[0].fields.at("stock_locate"), "2737");
  EXPECT_EQ(seen[0].fields.at("timestamp"), "34200007495351");
  EXPECT_EQ(seen[0].fields.at("order_reference_number"), "23485802");
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i].sequence, 19009116u + i);

  const auto& first_add = seen[1].fields;
  EXPECT_EQ(first_add.at("order_reference_number"), "7942047");
  EXPECT_EQ(first_add.at("buy_sell_indicator"), "B");
  EXPECT_EQ(first_add.at("shares"), "1");
  EXPECT_EQ(first_add.at("stock"), "META");
  EXPECT_EQ(first_add.at("price"), "805200");
  EXPECT_EQ(first_add.at("timestamp"), "34238952381153");

  const auto& mpid = seen[9].fields;
  EXPECT_EQ(seen[9].type, 'F');
  EXPECT_EQ(seen[9].sequence, 19009125u);
  EXPECT_EQ(mpid.at("order_reference_number"), "9752743");
  EXPECT_EQ(mpid.at("shares"), "5");
  EXPECT_EQ(mpid.at("price"), "801100");
  EXPECT_EQ(mpid.at("attribution"), "UBSS");

  const auto& last = seen[38].fields;
  EXPECT_EQ(seen[38].sequence, 19009154u);
  EXPECT_EQ(last.at("order_reference_number"), "5325319");
  EXPECT_EQ(last.at("buy_sell_indicator"), "S");
  EXPECT_EQ(last.at("price"), "3580000");
}

TEST_F(RealCaptures, GenuineSingleMessagesDecodeFieldByField) {
  metrics::FeedCounters c;
  auto u = decode_capture("nasdaq-totalview-genuine/OrderReplaceMessage.pcap", c);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].sequence, 14757701u);
  EXPECT_EQ(u[0].fields, (std::map<std::string, std::string>{{"type", "U"},
                                                             {"stock_locate", "7603"},
                                                             {"tracking_number", "0"},
                                                             {"timestamp", "34199999836649"},
                                                             {"original_order_reference_number", "15108479"},
                                                             {"new_order_reference_number", "21361351"},
                                                             {"shares", "100"},
                                                             {"price", "1062600"}}));
  auto e = decode_capture("nasdaq-totalview-genuine/OrderExecutedMessage.pcap", c);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].fields, (std::map<std::string, std::string>{{"type", "E"},
                                                             {"stock_locate", "2345"},
                                                             {"tracking_number", "2"},
                                                             {"timestamp", "34199999934561"},
                                                             {"order_reference_number", "23499418"},
                                                             {"executed_shares", "25"},
                                                             {"match_number", "255547"}}));
  auto i = decode_capture("nasdaq-totalview-genuine/NetOrderImbalanceIndicatorMessage.pcap", c);
  ASSERT_EQ(i.size(), 1u);
  EXPECT_EQ(i[0].fields, (std::map<std::string, std::string>{{"type", "I"},
                                                             {"stock_locate", "6462"},
                                                             {"tracking_number", "0"},
                                                             {"timestamp", "34200000268978"},
                                                             {"paired_shares", "1"},
                                                             {"imbalance_shares", "0"},
                                                             {"imbalance_direction", "N"},
                                                             {"stock", "MDC"},
                                                             {"far_price", "464400"},
                                                             {"near_price", "464400"},
                                                             {"current_reference_price", "464400"},
                                                             {"cross_type", "O"},
                                                             {"price_variation_indicator", "L"}}));
  auto h = decode_capture("nasdaq-totalview-genuine/StockTradingActionMessage.pcap", c);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].sequence, 34147961u);
  EXPECT_EQ(h[0].fields, (std::map<std::string, std::string>{{"type", "H"},
                                                             {"stock_locate", "464"},
                                                             {"tracking_number", "0"},
                                                             {"timestamp", "34763322465824"},
                                                             {"stock", "AMC"},
                                                             {"trading_state", "T"},
                                                             {"reserved", " "},
                                                             {"reason", ""}}));
  auto l = decode_capture("nasdaq-totalview-genuine/MarketParticipantPositionMessage.pcap", c);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].fields, (std::map<std::string, std::string>{{"type", "L"},
                                                             {"stock_locate", "3731"},
                                                             {"tracking_number", "0"},
                                                             {"timestamp", "34224494802989"},
                                                             {"mpid", "MAXM"},
                                                             {"stock", "FGMC"},
                                                             {"primary_market_maker", "Y"},
                                                             {"market_maker_mode", "N"},
                                                             {"market_participant_state", "A"}}));
}

TEST_F(RealCaptures, EveryRewrappedGoldenVectorDecodes) {
  const std::map<std::string, char> files = {
      {"AddOrderNoMPID", 'A'},   {"AddOrderWithMPID", 'F'},      {"CrossTrade", 'Q'},
      {"LULDAuctionCollar", 'J'}, {"MarketParticipantPosition", 'L'}, {"NetOrderImbalanceIndicator", 'I'},
      {"NonCrossTrade", 'P'},    {"OrderCancel", 'X'},           {"OrderDelete", 'D'},
      {"OrderExecuted", 'E'},    {"OrderExecutedWithPrice", 'C'}, {"OrderReplace", 'U'},
      {"RegSHORestriction", 'Y'}, {"StockTradingAction", 'H'},    {"SystemEvent", 'S'}};
  for (const auto& [name, type] : files) {
    metrics::FeedCounters c;
    const auto seen = decode_capture("nasdaq-totalview-rewrapped/" + name + ".pcap", c);
    ASSERT_FALSE(seen.empty()) << name;
    for (const auto& s : seen) EXPECT_EQ(s.type, type) << name;
    EXPECT_EQ(c.messages, c.packets) << name;  // one message per packet
    EXPECT_EQ(c.ipv4_checksum_absent, c.packets) << name;  // rewrapping left the checksum 0
  }
}

}  // namespace
}  // namespace tickwire::feed
