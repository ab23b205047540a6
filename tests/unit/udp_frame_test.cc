#include "dataplane/net/udp_frame.h"

#include <gtest/gtest.h>

#include <deque>

#include "tests/support/test_support.h"

namespace tickwire::net {
namespace {

using metrics::DropReason;
using test::Bytes;
using test::ExactBuffer;
using test::FrameSpec;

const Bytes kPayload = {'M', 'O', 'L', 'D', 1, 2, 3, 4, 5, 6, 7, 8, 9};

// The result points into the frame, so every frame parsed stays alive until the test ends.
FrameResult parse(const Bytes& frame, LinkType link = LinkType::kEthernet) {
  static std::deque<ExactBuffer> alive;
  const ExactBuffer& b = alive.emplace_back(frame);
  return parse_udp_frame(b.data(), b.size(), link);
}

void expect_payload(const FrameResult& r, const Bytes& payload) {
  ASSERT_FALSE(r.drop) << metrics::name(*r.drop);
  ASSERT_EQ(r.datagram.payload_length, payload.size());
  EXPECT_EQ(Bytes(r.datagram.payload, r.datagram.payload + r.datagram.payload_length), payload);
}

TEST(UdpFrame, ParsesPlainEthernet) {
  const FrameResult r = parse(test::udp_frame(kPayload));
  expect_payload(r, kPayload);
  EXPECT_EQ(r.datagram.destination_ip, 0xE9360C6Fu);
  EXPECT_EQ(r.datagram.source_ip, 0xC0A80001u);
  EXPECT_EQ(r.datagram.destination_port, 26477);
  EXPECT_EQ(r.datagram.source_port, 49653);
  EXPECT_FALSE(r.datagram.ip_checksum_absent);
}

TEST(UdpFrame, ParsesOneAndTwoVlanTags) {
  for (const auto& tags : std::vector<std::vector<std::uint16_t>>{{0x8100}, {0x88A8, 0x8100}, {0x8100, 0x8100}}) {
    FrameSpec spec;
    spec.vlan_tpids = tags;
    expect_payload(parse(test::udp_frame(kPayload, spec)), kPayload);
  }
}

TEST(UdpFrame, RefusesAThirdVlanTag) {
  FrameSpec spec;
  spec.vlan_tpids = {0x88A8, 0x8100, 0x8100};
  EXPECT_EQ(parse(test::udp_frame(kPayload, spec)).drop, DropReason::kTooManyVlanTags);
}

TEST(UdpFrame, HonoursIpOptions) {
  FrameSpec spec;
  spec.ip_options_words = 3;
  expect_payload(parse(test::udp_frame(kPayload, spec)), kPayload);
}

TEST(UdpFrame, DropsFragments) {
  for (const std::uint16_t frag : {0x2000, 0x0001, 0x20FF}) {
    FrameSpec spec;
    spec.flags_fragment = frag;
    EXPECT_EQ(parse(test::udp_frame(kPayload, spec)).drop, DropReason::kIpv4Fragment) << frag;
  }
}

TEST(UdpFrame, DropsOtherProtocolsAndEtherTypes) {
  FrameSpec tcp;
  tcp.protocol = 6;
  EXPECT_EQ(parse(test::udp_frame(kPayload, tcp)).drop, DropReason::kNotUdp);

  Bytes arp = test::udp_frame(kPayload);
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_EQ(parse(arp).drop, DropReason::kNotIpv4);
}

TEST(UdpFrame, VerifiesTheHeaderChecksum) {
  Bytes frame = test::udp_frame(kPayload);
  frame[14 + 8] ^= 0x01;  // TTL changes, checksum does not
  EXPECT_EQ(parse(frame).drop, DropReason::kIpv4BadChecksum);
}

TEST(UdpFrame, AcceptsAndFlagsAZeroChecksum) {
  FrameSpec spec;
  spec.zero_checksum = true;
  const FrameResult r = parse(test::udp_frame(kPayload, spec));
  expect_payload(r, kPayload);
  EXPECT_TRUE(r.datagram.ip_checksum_absent);
}

TEST(UdpFrame, RejectsInvalidIpHeaders) {
  Bytes v6 = test::udp_frame(kPayload);
  v6[14] = 0x65;
  EXPECT_EQ(parse(v6).drop, DropReason::kIpv4HeaderInvalid);
  Bytes short_ihl = test::udp_frame(kPayload);
  short_ihl[14] = 0x44;
  EXPECT_EQ(parse(short_ihl).drop, DropReason::kIpv4HeaderInvalid);
  Bytes short_total = test::udp_frame(kPayload);
  test::put_be_at(short_total, 14 + 2, 19, 2);
  EXPECT_EQ(parse(short_total).drop, DropReason::kIpv4HeaderInvalid);
}

TEST(UdpFrame, BoundsTheDatagramByTheUdpLength) {
  Bytes frame = test::udp_frame(kPayload);
  const std::size_t udp = 14 + 20;
  test::put_be_at(frame, udp + 4, 8 + 5, 2);  // UDP says 5 bytes of payload
  const FrameResult r = parse(frame);
  expect_payload(r, Bytes(kPayload.begin(), kPayload.begin() + 5));

  test::put_be_at(frame, udp + 4, 8 + kPayload.size() + 1, 2);  // past the IP payload
  EXPECT_EQ(parse(frame).drop, DropReason::kUdpLengthInvalid);
  test::put_be_at(frame, udp + 4, 7, 2);
  EXPECT_EQ(parse(frame).drop, DropReason::kUdpLengthInvalid);
}

TEST(UdpFrame, IgnoresEthernetPaddingAfterTheDatagram) {
  Bytes frame = test::udp_frame({1, 2});
  frame.resize(60, 0);
  expect_payload(parse(frame), Bytes{1, 2});
}

TEST(UdpFrame, EveryTruncationIsCountedNeverReadPast) {
  FrameSpec spec;
  spec.vlan_tpids = {0x8100, 0x8100};
  spec.ip_options_words = 1;
  const Bytes full = test::udp_frame(kPayload, spec);
  for (std::size_t n = 0; n < full.size(); ++n) {
    const FrameResult r = parse(Bytes(full.begin(), full.begin() + static_cast<long>(n)));
    ASSERT_TRUE(r.drop) << "prefix of " << n << " bytes accepted";
    EXPECT_EQ(*r.drop, DropReason::kFrameTruncated) << n;
  }
  expect_payload(parse(full, LinkType::kEthernet), kPayload);
}

TEST(UdpFrame, ParsesLinuxCookedAndRawIpCaptures) {
  const Bytes eth = test::udp_frame(kPayload);
  const Bytes raw(eth.begin() + 14, eth.end());
  expect_payload(parse(raw, LinkType::kRawIpv4), kPayload);

  Bytes sll(16 + raw.size(), 0);
  sll[14] = 0x08;  // protocol: IPv4
  std::copy(raw.begin(), raw.end(), sll.begin() + 16);
  expect_payload(parse(sll, LinkType::kLinuxSll), kPayload);
  EXPECT_EQ(parse(Bytes(sll.begin(), sll.begin() + 15), LinkType::kLinuxSll).drop, DropReason::kFrameTruncated);
}

TEST(Ipv4HeaderSum, VerifiesAKnownHeader) {
  // RFC 1071-style example: a header whose checksum field holds the right value sums to 0xFFFF.
  const Bytes header = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                        0xB8, 0x61, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7};
  EXPECT_EQ(ipv4_header_sum(header.data(), 20), 0xFFFF);
}

}  // namespace
}  // namespace tickwire::net
