// Live re-request recovery (AnswerWait::kPoll) against a UDP server the test plays: a hole
// line B has had its chance at is asked for, the RX loop never waits for the answer, the hole
// is held past the reorder window while the request is out, and the answer is spliced in
// order; a server that never answers costs exactly the policy's attempts, then the gap.
#include "controlplane/recovery/recovering_feed.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "tests/support/test_support.h"

namespace tickwire::recovery {
namespace {

using test::Bytes;

struct Sink {
  std::vector<std::uint64_t> sequences;
  std::vector<feed::SequenceRange> gaps;
  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message&) {
    sequences.push_back(ctx.sequence);
  }
  void on_gap(const feed::SessionId&, feed::SequenceRange lost, feed::GapCause) { gaps.push_back(lost); }
};

// The exchange's re-request server, played by hand on loopback.
class FakeServer {
 public:
  FakeServer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &n);
    port_ = ntohs(a.sin_port);
  }
  ~FakeServer() { ::close(fd_); }
  [[nodiscard]] std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  // The next request (session, first, count), waiting up to `wait_ms`; false if none came.
  bool next_request(std::string& session, std::uint64_t& first, std::uint16_t& count, int wait_ms = 2000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, wait_ms) <= 0) return false;
    std::uint8_t b[64];
    socklen_t n = sizeof client_;
    if (::recvfrom(fd_, b, sizeof b, 0, reinterpret_cast<sockaddr*>(&client_), &n) != 20) return false;
    const auto& h = wire::view_as<feed::MoldUdp64Header>(b);
    session.assign(h.session.chars, sizeof h.session.chars);
    first = h.sequence_number.value();
    count = h.message_count.value();
    return true;
  }
  void answer(const Bytes& packet) {
    ::sendto(fd_, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&client_), sizeof client_);
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  sockaddr_in client_{};
};

Bytes packet(std::uint64_t first, unsigned count) {
  return test::mold_packet("SESSION001", first, std::vector<Bytes>(count, test::itch_message('S')));
}

class RecoveringFeedTest : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kAskAfter = 100'000;
  Sink sink;
  net::UdpFilter filter;
  metrics::FeedCounters counters;
  feed::SequencerConfig sequencing{1'000'000, 64, 2048, 3'000'000'000};
  feed::SequencedFeed<Sink> sequenced{sink, filter, counters, sequencing};
  FakeServer server;
  std::unique_ptr<RerequestClient> client;
  std::unique_ptr<RecoveringFeed<Sink>> feed;

  void open(std::uint32_t attempts, std::uint64_t retry_ns) {
    std::string error;
    client = RerequestClient::open(*net::parse_endpoint(server.endpoint()), error);
    ASSERT_NE(client, nullptr) << error;
    RecoveryConfig policy;
    policy.request_after_ns = 0;
    policy.retry_after_ns = retry_ns;
    policy.max_attempts = attempts;
    policy.min_interval_ns = 0;
    feed = std::make_unique<RecoveringFeed<Sink>>(sequenced, *client, policy, kAskAfter, AnswerWait::kPoll);
  }
  void frame(const Bytes& payload, std::uint64_t t) {
    const test::ExactBuffer b(test::udp_frame(payload));
    feed->on_frame(b.data(), b.size(), net::LinkType::kEthernet, t);
  }
};

TEST_F(RecoveringFeedTest, LiveRecoveryNeverWaitsAndHoldsTheHoleUntilTheAnswerComes) {
  open(5, 50'000'000);
  frame(packet(1, 2), 0);
  frame(packet(5, 2), 10);  // 3..4 missing
  std::string session;
  std::uint64_t first = 0;
  std::uint16_t count = 0;
  feed->poll(50'000);  // younger than kAskAfter: line B's turn
  EXPECT_FALSE(server.next_request(session, first, count, 50));

  feed->poll(200'000);
  ASSERT_TRUE(server.next_request(session, first, count));
  EXPECT_EQ(session, "SESSION001");
  EXPECT_EQ(first, 3u);
  EXPECT_EQ(count, 2u);

  // Past the 1 ms reorder window, no answer yet: the poll returns and the hole stays open.
  feed->poll(5'000'000);
  EXPECT_EQ(sink.sequences, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(sink.gaps.empty());

  server.answer(packet(3, 2));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (std::uint64_t t = 6'000'000; sink.sequences.size() < 6 && std::chrono::steady_clock::now() < deadline; t += 1000) {
    feed->poll(t);
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  EXPECT_EQ(sink.sequences, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(sink.gaps.empty());
  feed->poll(7'000'000);  // the closed hole's record is kept
  EXPECT_EQ(feed->stats().requests, 1u);
  EXPECT_EQ(feed->stats().holes_recovered, 1u);
  EXPECT_EQ(feed->stats().latency.count(), 1u);
  EXPECT_EQ(sequenced.stats().recovered, 2u);
}

TEST_F(RecoveringFeedTest, AServerThatNeverAnswersCostsThePolicysAttemptsThenTheGap) {
  open(2, 1'000'000);
  frame(packet(1, 2), 0);
  frame(packet(5, 2), 10);
  std::string session;
  std::uint64_t first = 0;
  std::uint16_t count = 0;
  feed->poll(200'000);
  ASSERT_TRUE(server.next_request(session, first, count));
  feed->poll(900'000);  // retry not due yet
  EXPECT_FALSE(server.next_request(session, first, count, 50));
  feed->poll(1'300'000);  // the retry
  ASSERT_TRUE(server.next_request(session, first, count));
  EXPECT_EQ(first, 3u);
  EXPECT_TRUE(sink.gaps.empty());  // held, though the window passed at 1'000'010
  feed->poll(2'400'000);           // attempts spent: the window judges it, at once
  ASSERT_EQ(sink.gaps.size(), 1u);
  EXPECT_EQ(sink.gaps[0], (feed::SequenceRange{3, 4}));
  EXPECT_EQ(sink.sequences, (std::vector<std::uint64_t>{1, 2, 5, 6}));
  feed->poll(2'500'000);
  EXPECT_EQ(feed->stats().requests, 2u);
  EXPECT_EQ(feed->stats().holes_abandoned, 1u);
  EXPECT_FALSE(server.next_request(session, first, count, 50));
}

TEST_F(RecoveringFeedTest, AHoleLineBFillsIsNeverAskedFor) {
  open(5, 50'000'000);
  frame(packet(1, 2), 0);
  frame(packet(5, 2), 10);
  frame(packet(3, 2), 60'000);  // the other line's copy, within kAskAfter
  feed->poll(500'000);
  std::string session;
  std::uint64_t first = 0;
  std::uint16_t count = 0;
  EXPECT_FALSE(server.next_request(session, first, count, 50));
  EXPECT_EQ(sink.sequences, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(feed->stats().requests, 0u);
}

}  // namespace
}  // namespace tickwire::recovery
