// The receive path from frames: lines told apart by destination, messages through the
// sequencer to the sink, overruns counted, and lines that fall silent reported stale and
// then recovered, on receive time.
#include "dataplane/feed/sequenced_feed.h"

#include <gtest/gtest.h>

#include <memory>

#include "tests/support/test_support.h"

namespace tickwire::feed {
namespace {

using test::Bytes;

struct Sink {
  std::vector<std::uint64_t> sequences;
  std::vector<std::tuple<unsigned, bool, std::uint64_t>> line_events;
  std::vector<SequenceRange> gaps;
  template <class Message>
  void operator()(const MessageContext& ctx, const Message&) {
    sequences.push_back(ctx.sequence);
  }
  void on_gap(const SessionId&, SequenceRange lost, GapCause) { gaps.push_back(lost); }
  void on_line_state(unsigned line, bool stale, std::uint64_t t) { line_events.emplace_back(line, stale, t); }
};

class SequencedFeedTest : public ::testing::Test {
 protected:
  Sink sink;
  net::UdpFilter filter;
  metrics::FeedCounters counters;
  SequencerConfig config{1'000'000, 64, 2048, 3'000'000'000};
  std::unique_ptr<SequencedFeed<Sink>> feed = std::make_unique<SequencedFeed<Sink>>(sink, filter, counters, config);

  void send(unsigned line, std::uint64_t first, unsigned count, std::uint64_t t) {
    test::FrameSpec spec;
    spec.destination_ip = line == 0 ? 0xE9360C6F : 0xE9360D6F;
    std::vector<Bytes> messages(count, test::itch_message('S'));
    const test::ExactBuffer b(test::udp_frame(test::mold_packet("SESSION001", first, messages), spec));
    feed->on_frame(b.data(), b.size(), net::LinkType::kEthernet, t);
  }
};

TEST_F(SequencedFeedTest, TwoLinesMakeOneOrderedStream) {
  send(0, 1, 2, 100);
  send(1, 1, 2, 150);
  send(1, 3, 2, 200);  // B is ahead for once
  send(0, 3, 2, 250);
  send(0, 5, 1, 300);
  EXPECT_EQ(sink.sequences, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(feed->stats().lines[0].packets, 3u);
  EXPECT_EQ(feed->stats().lines[1].packets, 2u);
  EXPECT_EQ(feed->stats().lines[1].messages_first, 2u);
  EXPECT_EQ(counters.mold_packets, 5u);
}

TEST_F(SequencedFeedTest, AStaleLineIsReportedOnceAndRecovers) {
  const std::uint64_t s = 1'000'000'000;
  send(0, 1, 1, 0);
  send(1, 1, 1, 0);
  for (std::uint64_t i = 1; i <= 5; ++i) send(0, 1 + i, 1, i * s);  // B silent from 0
  ASSERT_EQ(sink.line_events.size(), 1u);
  EXPECT_EQ(sink.line_events[0], std::make_tuple(1u, true, 3 * s));
  EXPECT_TRUE(feed->line_health(1).stale);
  EXPECT_FALSE(feed->line_health(0).stale);
  send(1, 6, 1, 5 * s + 10);
  ASSERT_EQ(sink.line_events.size(), 2u);
  EXPECT_EQ(sink.line_events[1], std::make_tuple(1u, false, 5 * s + 10));
  EXPECT_EQ(feed->line_health(1).stale_episodes, 1u);
  feed->poll(20 * s);  // now both are silent
  EXPECT_TRUE(feed->line_health(0).stale);
  EXPECT_TRUE(feed->line_health(1).stale);
}

TEST_F(SequencedFeedTest, InReplayASilenceBothLinesShareMakesBothStale) {
  const std::uint64_t s = 1'000'000'000;
  send(0, 1, 1, 0);
  send(1, 1, 1, 10);
  send(0, 2, 1, 300 * s);  // five minutes without a packet, then A first
  send(1, 2, 1, 300 * s + 10);
  ASSERT_EQ(sink.line_events.size(), 4u);
  EXPECT_EQ(sink.line_events[0], std::make_tuple(0u, true, 3 * s));
  EXPECT_EQ(sink.line_events[1], std::make_tuple(1u, true, 3 * s + 10));
  EXPECT_EQ(sink.line_events[2], std::make_tuple(0u, false, 300 * s));
  EXPECT_EQ(sink.line_events[3], std::make_tuple(1u, false, 300 * s + 10));
}

TEST_F(SequencedFeedTest, OverrunsAreCountedAndTheOtherLineFillsThem) {
  test::FrameSpec spec;
  Bytes payload = test::mold_packet("SESSION001", 1, {test::itch_message('S'), test::itch_message('S')});
  payload.resize(payload.size() - 3);
  const test::ExactBuffer cut(test::udp_frame(payload, spec));
  feed->on_frame(cut.data(), cut.size(), net::LinkType::kEthernet, 10);
  EXPECT_EQ(counters.dropped(metrics::DropReason::kMoldBlockOverrun), 1u);
  EXPECT_EQ(counters.dropped(metrics::DropReason::kMessageLostInOverrun), 1u);
  send(1, 1, 2, 20);
  EXPECT_EQ(sink.sequences, (std::vector<std::uint64_t>{1, 2}));
  feed->finish(30);
  EXPECT_TRUE(sink.gaps.empty());
}

TEST_F(SequencedFeedTest, RecoveredPacketsFillHolesAndShortOnesAreCounted) {
  send(0, 1, 1, 10);
  send(0, 4, 1, 20);  // 2..3 missing
  SequenceRange hole;
  ASSERT_TRUE(feed->first_hole(hole));
  EXPECT_EQ(hole, (SequenceRange{2, 3}));
  const Bytes answer = test::mold_packet("SESSION001", 2, {test::itch_message('S'), test::itch_message('S')});
  const test::ExactBuffer b(answer);
  feed->on_recovered_packet(b.data(), b.size(), 30);
  EXPECT_EQ(sink.sequences, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(feed->stats().lines[kRecoveryLine].messages_first, 2u);
  EXPECT_FALSE(feed->first_hole(hole));
  const test::ExactBuffer runt(Bytes(10, 0));
  feed->on_recovered_packet(runt.data(), runt.size(), 40);
  EXPECT_EQ(counters.dropped(metrics::DropReason::kMoldTruncated), 1u);
}

TEST_F(SequencedFeedTest, NonMoldDatagramsAreCountedNotSequenced) {
  test::FrameSpec spec;
  const test::ExactBuffer small(test::udp_frame(Bytes(10, 0), spec));
  feed->on_frame(small.data(), small.size(), net::LinkType::kEthernet, 1);
  EXPECT_EQ(counters.dropped(metrics::DropReason::kMoldTruncated), 1u);
  ASSERT_TRUE(filter.add({0, 1}));
  send(0, 1, 1, 2);
  EXPECT_EQ(counters.packets_filtered, 1u);
  EXPECT_TRUE(sink.sequences.empty());
}

// The look-ahead over a burst lists the messages the sequencer will deliver, in order, once:
// not the other line's copies, not heartbeats; and the sink drops the list at the burst's end,
// before the frames are freed.
struct LookingSink : Sink {
  std::vector<std::uint64_t> listed;  // each listed message's timestamp, which is its sequence here
  std::size_t resets = 0;
  void look_ahead(const std::uint8_t* message, std::size_t length) {
    ASSERT_GE(length, 11u);
    std::uint64_t t = 0;
    for (int i = 5; i < 11; ++i) t = t << 8 | message[i];
    listed.push_back(t);
  }
  void reset_look_ahead() { ++resets; }
};

TEST(SequencedFeedLookAhead, ListsWhatWillBeDeliveredOnceInOrder) {
  LookingSink sink;
  net::UdpFilter filter;
  metrics::FeedCounters counters;
  auto feed = std::make_unique<SequencedFeed<LookingSink>>(sink, filter, counters, SequencerConfig{});
  auto frame = [](unsigned line, std::uint64_t first, unsigned count) {
    test::FrameSpec spec;
    spec.destination_ip = line == 0 ? 0xE9360C6F : 0xE9360D6F;
    std::vector<Bytes> messages;
    for (unsigned k = 0; k < count; ++k) messages.push_back(test::itch_message('S', 1, first + k));
    return test::udp_frame(count == 0 ? test::mold_packet_with_count("SESSION001", first, 0, {})
                                      : test::mold_packet("SESSION001", first, messages),
                           spec);
  };
  const std::vector<Bytes> first_burst = {frame(0, 1, 3), frame(1, 1, 3), frame(0, 4, 2), frame(0, 6, 0)};
  const std::vector<Bytes> second_burst = {frame(1, 4, 3), frame(0, 6, 2)};  // 4, 5 already delivered
  std::uint64_t t = 100;
  for (const auto* burst : {&first_burst, &second_burst}) {
    sink.listed.clear();
    feed->begin_look_ahead();
    std::vector<test::ExactBuffer> frames;
    for (const Bytes& f : *burst) frames.emplace_back(f);
    for (const auto& b : frames) feed->look_ahead(b.data(), b.size(), net::LinkType::kEthernet);
    const std::vector<std::uint64_t> listed = sink.listed;
    const std::size_t delivered_before = sink.sequences.size();
    for (const auto& b : frames) feed->on_frame(b.data(), b.size(), net::LinkType::kEthernet, t++);
    feed->end_look_ahead();
    const std::vector<std::uint64_t> delivered(sink.sequences.begin() + static_cast<long>(delivered_before),
                                               sink.sequences.end());
    EXPECT_EQ(listed, delivered) << "the listing must match what the burst delivers";
  }
  EXPECT_EQ(sink.sequences, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(sink.resets, 4u);  // begin and end of each burst
  EXPECT_EQ(counters.packets, 6u) << "the look-ahead counts nothing";
}

}  // namespace
}  // namespace tickwire::feed
