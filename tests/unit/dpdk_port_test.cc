// The DPDK driver on an in-process net_ring port: frames put on the ring come out of
// DpdkPort + receive_burst into the decoder, read in place, with no heap allocation.
#include "drivers/dpdk_port.h"

#include <gtest/gtest.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <vector>

#include "dataplane/feed/mold_feed_decoder.h"
#include "drivers/dpdk_rx.h"
#include "tests/support/alloc_counter.h"
#include "tests/support/test_support.h"

namespace tickwire::drivers {
namespace {

struct CountingSink {
  std::vector<std::uint64_t> sequences;
  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message&) {
    sequences.push_back(ctx.sequence);
  }
};

class DpdkPortTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    ASSERT_TRUE(Eal::init("--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error "
                          "--file-prefix=tw_dpdk_port_test",
                          error))
        << error;
    ring_ = rte_ring_create("tw_test_ring", 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
    ASSERT_NE(ring_, nullptr);
    const int port = rte_eth_from_rings("tw_test", &ring_, 1, &ring_, 1, SOCKET_ID_ANY);
    ASSERT_GE(port, 0);
    port_id_ = static_cast<std::uint16_t>(port);
    source_pool_ = rte_pktmbuf_pool_create("tw_test_src", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
    ASSERT_NE(source_pool_, nullptr);
  }

  // Puts a frame on the ring the port receives from; `segments` > 1 splits it into a chain.
  static void inject(const test::Bytes& frame, int segments = 1) {
    rte_mbuf* head = nullptr;
    const std::size_t part = (frame.size() + segments - 1) / segments;
    for (int s = 0; s < segments; ++s) {
      rte_mbuf* m = rte_pktmbuf_alloc(source_pool_);
      ASSERT_NE(m, nullptr);
      const std::size_t begin = s * part;
      const std::size_t n = std::min(part, frame.size() - begin);
      char* dst = rte_pktmbuf_append(m, static_cast<std::uint16_t>(n));
      std::memcpy(dst, frame.data() + begin, n);
      if (head == nullptr) {
        head = m;
      } else {
        ASSERT_EQ(rte_pktmbuf_chain(head, m), 0);
      }
    }
    ASSERT_EQ(rte_ring_enqueue(ring_, head), 0);
  }

  static inline rte_ring* ring_ = nullptr;
  static inline rte_mempool* source_pool_ = nullptr;
  static inline std::uint16_t port_id_ = 0;
};

TEST_F(DpdkPortTest, FramesFromTheRingReachTheDecoderWithoutAllocating) {
  std::string error;
  auto port = DpdkPort::open(port_id_, PortConfig{}, error);
  ASSERT_TRUE(port) << error;
  EXPECT_EQ(port->name(), "net_ring_tw_test");
  EXPECT_EQ(Eal::ports(), std::vector<std::uint16_t>{port_id_});

  for (std::uint64_t p = 0; p < 100; ++p) {
    inject(test::udp_frame(test::mold_packet("RINGTEST01", 1 + 3 * p,
                                             {test::itch_message('A'), test::itch_message('E'), test::itch_message('D')})));
  }
  inject(test::udp_frame(test::mold_packet("RINGTEST01", 301, {test::itch_message('S')})), 2);

  CountingSink sink;
  sink.sequences.reserve(1000);
  net::UdpFilter filter;
  metrics::FeedCounters counters;
  auto audit = std::make_unique<feed::SequenceAudit>();
  feed::MoldFeedDecoder<CountingSink> decoder(sink, filter, counters, *audit);
  std::uint64_t received = 0;
  std::uint64_t allocations = 0;
  for (int polls = 0; polls < 100 && received < 101; ++polls) {
    test::AllocationScope scope;
    received += receive_burst(*port, decoder, counters, 0);
    allocations += scope.count();
  }
  EXPECT_EQ(received, 101u);
  EXPECT_EQ(allocations, 0u);
  ASSERT_EQ(sink.sequences.size(), 300u);
  for (std::size_t i = 0; i < sink.sequences.size(); ++i) EXPECT_EQ(sink.sequences[i], i + 1);
  EXPECT_EQ(counters.dropped(metrics::DropReason::kMultiSegmentFrame), 1u);
  EXPECT_EQ(counters.packets, 101u);
  EXPECT_EQ(port->counters().received, 101u);
  // Every mbuf went back to its pool.
  EXPECT_EQ(rte_mempool_in_use_count(source_pool_), 0u);
}

TEST_F(DpdkPortTest, APortThatCannotBeSetUpIsAnErrorNamingIt) {
  std::string error;
  EXPECT_FALSE(DpdkPort::open(RTE_MAX_ETHPORTS - 1, PortConfig{}, error));
  EXPECT_NE(error.find("port " + std::to_string(RTE_MAX_ETHPORTS - 1)), std::string::npos) << error;

  rte_ring* ring = rte_ring_create("tw_test_ring2", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  ASSERT_NE(ring, nullptr);
  const int port = rte_eth_from_rings("tw_test2", &ring, 1, &ring, 1, SOCKET_ID_ANY);
  ASSERT_GE(port, 0);
  PortConfig no_buffers;
  no_buffers.mbufs = 0;
  EXPECT_FALSE(DpdkPort::open(static_cast<std::uint16_t>(port), no_buffers, error));
  EXPECT_NE(error.find("mbuf pool"), std::string::npos) << error;
}

TEST(Eal, ReportsBadArgumentsWithThem) {
  // EAL is already up in this process: a second init is a no-op that succeeds.
  std::string error;
  EXPECT_TRUE(Eal::init("--definitely-not-an-eal-option", error));
  EXPECT_TRUE(Eal::initialized());
  EXPECT_GT(Eal::tsc_hz(), 0u);
}

}  // namespace
}  // namespace tickwire::drivers
