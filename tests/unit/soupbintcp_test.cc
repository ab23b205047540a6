// SoupBinTCP 3.0 framing: packets round-trip through the encoder and the incremental
// decoder whatever chunks the stream arrives in (every split point, every pair of split
// points, byte by byte), a bad packet length is a counted error that stops the stream, and
// the login packets have the spec's layout (alpha left-justified, numbers right-justified,
// both space padded).
#include "controlplane/recovery/soupbintcp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace tickwire::recovery::soupbintcp {
namespace {

using test::Bytes;

struct Decoded {
  char type;
  Bytes payload;
  friend bool operator==(const Decoded&, const Decoded&) = default;
};

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

// The stream, and what decoding it must give.
struct Stream {
  Bytes bytes;
  std::vector<Decoded> packets;
  void add(PacketType type, const Bytes& payload) {
    ASSERT_TRUE(append_packet(bytes, type, payload));
    packets.push_back({static_cast<char>(type), payload});
  }
};

Stream sample_stream() {
  Stream s;
  s.add(PacketType::kLoginAccepted, bytes_of("TICKWIRE01                   1"));
  s.add(PacketType::kServerHeartbeat, {});
  s.add(PacketType::kSequencedData, test::itch_message('A', 7, 123));
  s.add(PacketType::kDebug, bytes_of("hello"));
  s.add(PacketType::kSequencedData, test::itch_message('D', 7, 124));
  s.add(PacketType::kEndOfSession, {});
  return s;
}

// Feeds `chunks` one append() each, draining complete packets after each.
std::vector<Decoded> decode_chunks(const Bytes& stream, const std::vector<std::size_t>& cuts) {
  PacketDecoder d;
  std::vector<Decoded> out;
  std::size_t from = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(stream.size());
  for (const std::size_t to : ends) {
    d.append(stream.data() + from, to - from);
    from = to;
    Packet p;
    while (d.next(p) == DecodeStatus::kPacket) out.push_back({p.type, Bytes(p.payload.begin(), p.payload.end())});
  }
  EXPECT_FALSE(d.failed()) << d.error();
  EXPECT_EQ(d.pending_bytes(), 0u);
  return out;
}

TEST(SoupBinTcpFraming, PacketsRoundTrip) {
  const Stream s = sample_stream();
  // Length counts the type byte and the payload, big-endian.
  EXPECT_EQ(s.bytes[0], 0);
  EXPECT_EQ(s.bytes[1], 31);
  EXPECT_EQ(s.bytes[2], 'A');
  EXPECT_EQ(decode_chunks(s.bytes, {}), s.packets);
}

TEST(SoupBinTcpFraming, TheLargestPacketFitsAndOneByteMoreIsRefused) {
  Bytes out;
  const Bytes largest(kMaxPacketLength - 1, 0x5A);
  ASSERT_TRUE(append_packet(out, PacketType::kUnsequencedData, largest));
  EXPECT_EQ(out.size(), 2 + kMaxPacketLength);
  EXPECT_EQ(out[0], 0xFF);
  EXPECT_EQ(out[1], 0xFF);
  const std::size_t before = out.size();
  EXPECT_FALSE(append_packet(out, PacketType::kUnsequencedData, Bytes(kMaxPacketLength, 0)));
  EXPECT_EQ(out.size(), before) << "nothing appended";
  const auto decoded = decode_chunks(out, {1, 3, 40'000});
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].payload, largest);
}

TEST(SoupBinTcpFraming, ASplitAtEveryPlaceGivesTheSamePackets) {
  const Stream s = sample_stream();
  for (std::size_t cut = 0; cut <= s.bytes.size(); ++cut) {
    ASSERT_EQ(decode_chunks(s.bytes, {cut}), s.packets) << "cut at " << cut;
  }
}

TEST(SoupBinTcpFraming, EveryPairOfSplitsAndByteByByte) {
  const Stream s = sample_stream();
  for (std::size_t a = 0; a <= s.bytes.size(); ++a) {
    for (std::size_t b = a; b <= s.bytes.size(); ++b) {
      ASSERT_EQ(decode_chunks(s.bytes, {a, b}), s.packets) << "cuts at " << a << " and " << b;
    }
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < s.bytes.size(); ++i) every.push_back(i);
  EXPECT_EQ(decode_chunks(s.bytes, every), s.packets);
}

TEST(SoupBinTcpFraming, NothingIsHandedOutBeforeThePacketIsComplete) {
  Bytes stream;
  ASSERT_TRUE(append_packet(stream, PacketType::kSequencedData, test::itch_message('A')));
  PacketDecoder d;
  Packet p;
  for (std::size_t i = 0; i + 1 < stream.size(); ++i) {
    d.append(&stream[i], 1);
    ASSERT_EQ(d.next(p), DecodeStatus::kNeedMore) << "after " << i + 1 << " bytes";
    EXPECT_EQ(d.pending_bytes(), i + 1);
  }
  d.append(&stream.back(), 1);
  ASSERT_EQ(d.next(p), DecodeStatus::kPacket);
  EXPECT_EQ(p.type, 'S');
  EXPECT_EQ(p.payload.size(), 36u);
  EXPECT_EQ(d.next(p), DecodeStatus::kNeedMore);
  EXPECT_EQ(d.packets(), 1u);
}

TEST(SoupBinTcpFraming, ALengthOfZeroIsAFramingErrorThatStopsTheStream) {
  Bytes stream;
  ASSERT_TRUE(append_packet(stream, PacketType::kServerHeartbeat));
  stream.push_back(0);
  stream.push_back(0);  // no room for even the type byte
  ASSERT_TRUE(append_packet(stream, PacketType::kServerHeartbeat));
  PacketDecoder d;
  d.append(stream.data(), stream.size());
  Packet p;
  ASSERT_EQ(d.next(p), DecodeStatus::kPacket);
  EXPECT_EQ(d.next(p), DecodeStatus::kBadLength);
  EXPECT_TRUE(d.failed());
  EXPECT_NE(d.error().find("length 0"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("after 1 packets"), std::string::npos) << d.error();
  EXPECT_EQ(d.bad_lengths(), 1u);
  // Framing is lost: nothing after it is trusted, and the error is counted once.
  d.append(stream.data(), stream.size());
  EXPECT_EQ(d.next(p), DecodeStatus::kBadLength);
  EXPECT_EQ(d.bad_lengths(), 1u);
}

TEST(SoupBinTcpFraming, ALengthOverTheLimitIsRefusedBeforeItsBytesArrive) {
  PacketDecoder d(64);
  const Bytes http = bytes_of("HTTP/1.1 400 Bad Request\r\n");  // "HT" reads as 18516
  d.append(http.data(), 2);
  Packet p;
  EXPECT_EQ(d.next(p), DecodeStatus::kBadLength);
  EXPECT_NE(d.error().find("18516"), std::string::npos) << d.error();
  EXPECT_NE(d.error().find("at most 64"), std::string::npos) << d.error();

  PacketDecoder exact(64);
  Bytes ok;
  ASSERT_TRUE(append_packet(ok, PacketType::kDebug, Bytes(63, 'x')));
  exact.append(ok.data(), ok.size());
  EXPECT_EQ(exact.next(p), DecodeStatus::kPacket);
}

TEST(SoupBinTcpLogin, RequestHasTheSpecLayoutAndParsesBack) {
  const LoginRequest r = make_login_request("trader", "secret", "", 1);
  const std::string_view raw(reinterpret_cast<const char*>(&r), sizeof r);
  EXPECT_EQ(raw, std::string("trader") + "secret    " + std::string(10, ' ') + std::string(19, ' ') + "1");
  Bytes stream;
  ASSERT_TRUE(append_packet(stream, PacketType::kLoginRequest, r));
  EXPECT_EQ(stream.size(), 2u + 1 + 46);
  EXPECT_EQ(stream[1], 47);
  EXPECT_EQ(stream[2], 'L');

  LoginRequestFields f;
  ASSERT_TRUE(parse_login_request({stream.data() + 3, 46}, f));
  EXPECT_EQ(f.username, "trader");
  EXPECT_EQ(f.password, "secret");
  EXPECT_EQ(f.requested_session, "");
  EXPECT_EQ(f.requested_sequence_number, 1u);

  const LoginRequest named = make_login_request("u", "p", "TICKWIRE01", 12345678901234567890ull);
  const auto* p = reinterpret_cast<const std::uint8_t*>(&named);
  ASSERT_TRUE(parse_login_request({p, sizeof named}, f));
  EXPECT_EQ(f.requested_session, "TICKWIRE01");
  EXPECT_EQ(f.requested_sequence_number, 12345678901234567890ull);

  EXPECT_FALSE(parse_login_request({p, sizeof named - 1}, f)) << "short";
  LoginRequest bad = named;
  bad.requested_sequence_number.set("");  // blank: not a number
  EXPECT_FALSE(parse_login_request({reinterpret_cast<const std::uint8_t*>(&bad), sizeof bad}, f));
}

TEST(SoupBinTcpLogin, AcceptedHasTheSpecLayoutAndParsesBack) {
  const LoginAccepted a = make_login_accepted("TICKWIRE01", 42);
  const std::string_view raw(reinterpret_cast<const char*>(&a), sizeof a);
  EXPECT_EQ(raw, "TICKWIRE01" + std::string(18, ' ') + "42");
  LoginAcceptedFields f;
  ASSERT_TRUE(parse_login_accepted({reinterpret_cast<const std::uint8_t*>(&a), sizeof a}, f));
  EXPECT_EQ(f.session, "TICKWIRE01");
  EXPECT_EQ(f.sequence_number, 42u);
  const LoginAccepted short_name = make_login_accepted("S1", 1);
  ASSERT_TRUE(parse_login_accepted({reinterpret_cast<const std::uint8_t*>(&short_name), sizeof short_name}, f));
  EXPECT_EQ(f.session, "S1        ") << "padded as the MoldUDP64 session name is";
  EXPECT_FALSE(parse_login_accepted({reinterpret_cast<const std::uint8_t*>(&a), 29}, f));
}

TEST(SoupBinTcpNumbers, RightJustifiedDigitsOnly) {
  EXPECT_EQ(parse_numeric("                   1"), 1u);
  EXPECT_EQ(parse_numeric("00000000000000000042"), 42u);
  EXPECT_EQ(parse_numeric("42                  "), 42u) << "padding on the right is understood";
  EXPECT_EQ(parse_numeric("18446744073709551615"), ~std::uint64_t{0});
  EXPECT_EQ(parse_numeric("18446744073709551616"), std::nullopt) << "past 2^64";
  EXPECT_EQ(parse_numeric("                    "), std::nullopt);
  EXPECT_EQ(parse_numeric(""), std::nullopt);
  EXPECT_EQ(parse_numeric("               -1"), std::nullopt);
  EXPECT_EQ(parse_numeric("  1 2"), std::nullopt);
  EXPECT_EQ(parse_numeric("12a"), std::nullopt);

  wire::Alpha<3> small;
  EXPECT_TRUE(set_numeric(small, 999));
  EXPECT_EQ(small.raw(), "999");
  EXPECT_TRUE(set_numeric(small, 0));
  EXPECT_EQ(small.raw(), "  0");
  EXPECT_FALSE(set_numeric(small, 1000)) << "does not fit";
  wire::Alpha<20> wide;
  EXPECT_TRUE(set_numeric(wide, ~std::uint64_t{0}));
  EXPECT_EQ(wide.raw(), "18446744073709551615");
}

}  // namespace
}  // namespace tickwire::recovery::soupbintcp
