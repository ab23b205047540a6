#include "drivers/capture_file_reader.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/support/test_support.h"

namespace tickwire::drivers {
namespace {

std::vector<test::Bytes> frames(int n) {
  std::vector<test::Bytes> out;
  for (int i = 0; i < n; ++i) out.push_back(test::udp_frame(test::mold_packet("S", 1 + i, {test::itch_message('S')})));
  return out;
}

std::vector<Frame> read_all(CaptureFileReader& r, ReadStatus& last, std::vector<test::Bytes>* copies = nullptr) {
  std::vector<Frame> out;
  Frame f;
  while ((last = r.next(f)) == ReadStatus::kFrame) {
    out.push_back(f);
    if (copies != nullptr) copies->emplace_back(f.data, f.data + f.captured_length);
  }
  return out;
}

TEST(CaptureFileReader, ReadsNanosecondPcapWithExactTimestamps) {
  const std::string path = test::temp_dir() + "/a.pcap";
  const auto in = frames(3);
  test::write_file(path, test::pcap_file(in, 1'700'000'000'123'456'789ull));
  std::string error;
  auto r = CaptureFileReader::open(path, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->link_type(), net::LinkType::kEthernet);
  ReadStatus last;
  std::vector<test::Bytes> copies;
  const auto got = read_all(*r, last, &copies);
  EXPECT_EQ(last, ReadStatus::kEnd);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].receive_time_ns, 1'700'000'000'123'456'789ull);
  EXPECT_EQ(got[2].receive_time_ns, 1'700'000'000'123'458'789ull);
  EXPECT_EQ(copies, in);
}

TEST(CaptureFileReader, ReadsGzippedCaptures) {
  const std::string path = test::temp_dir() + "/a.pcap.gz";
  test::write_file(path, test::gzip(test::pcap_file(frames(4))));
  std::string error;
  auto r = CaptureFileReader::open(path, error);
  ASSERT_TRUE(r) << error;
  ReadStatus last;
  EXPECT_EQ(read_all(*r, last).size(), 4u);
  EXPECT_EQ(last, ReadStatus::kEnd);
}

TEST(CaptureFileReader, ReadsPcapngWithNanosecondResolution) {
  // Section header, one Ethernet interface with if_tsresol = 9, one enhanced packet block.
  test::Bytes f;
  auto le = [&f](std::uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) f.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  le(0x0A0D0D0A, 4); le(28, 4); le(0x1A2B3C4D, 4); le(1, 2); le(0, 2); le(~0ull, 8); le(28, 4);
  le(1, 4); le(32, 4); le(1, 2); le(0, 2); le(262144, 4);
  le(9, 2); le(1, 2); f.push_back(9); f.push_back(0); f.push_back(0); f.push_back(0);  // if_tsresol
  le(0, 4); le(32, 4);
  const test::Bytes frame = frames(1)[0];
  const std::size_t padded = (frame.size() + 3) / 4 * 4;
  const std::uint64_t ts = 1'700'000'000'987'654'321ull;
  le(6, 4); le(32 + padded, 4); le(0, 4); le(ts >> 32, 4); le(ts & 0xFFFFFFFF, 4);
  le(frame.size(), 4); le(frame.size(), 4);
  f.insert(f.end(), frame.begin(), frame.end());
  f.resize(f.size() + padded - frame.size(), 0);
  le(32 + padded, 4);

  const std::string path = test::temp_dir() + "/a.pcapng";
  test::write_file(path, f);
  std::string error;
  auto r = CaptureFileReader::open(path, error);
  ASSERT_TRUE(r) << error;
  ReadStatus last;
  std::vector<test::Bytes> copies;
  const auto got = read_all(*r, last, &copies);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].receive_time_ns, ts);
  EXPECT_EQ(copies[0], frame);
}

TEST(CaptureFileReader, ATruncatedLastRecordEndsTheFileAsTruncated) {
  test::Bytes file = test::pcap_file(frames(3));
  file.resize(file.size() - 10);
  const std::string path = test::temp_dir() + "/cut.pcap";
  test::write_file(path, file);
  std::string error;
  auto r = CaptureFileReader::open(path, error);
  ASSERT_TRUE(r) << error;
  ReadStatus last;
  EXPECT_EQ(read_all(*r, last).size(), 2u);
  EXPECT_EQ(last, ReadStatus::kTruncated);
  EXPECT_FALSE(r->error().empty());
}

TEST(CaptureFileReader, ATruncatedGzipIsReportedAsSuch) {
  std::vector<test::Bytes> many;
  for (int i = 0; i < 2000; ++i) many.push_back(frames(1)[0]);
  test::Bytes gz = test::gzip(test::pcap_file(many));
  gz.resize(gz.size() * 2 / 3);
  const std::string path = test::temp_dir() + "/cut.pcap.gz";
  test::write_file(path, gz);
  std::string error;
  auto r = CaptureFileReader::open(path, error);
  ASSERT_TRUE(r) << error;
  ReadStatus last;
  const auto got = read_all(*r, last);
  EXPECT_GT(got.size(), 0u);
  EXPECT_LT(got.size(), many.size());
  EXPECT_EQ(last, ReadStatus::kGzipError);
}

TEST(CaptureFileReader, KnowsLinuxCookedAndRawIpLinkTypes) {
  const std::vector<std::pair<std::uint32_t, net::LinkType>> kinds = {
      {113, net::LinkType::kLinuxSll}, {101, net::LinkType::kRawIpv4}, {228, net::LinkType::kRawIpv4}};
  for (const auto& [linktype, link] : kinds) {
    test::Bytes file = test::pcap_file(frames(1));
    test::put_be_at(file, 20, 0, 4);
    file[20] = static_cast<std::uint8_t>(linktype);  // little-endian header
    const std::string path = test::temp_dir() + "/link.pcap";
    test::write_file(path, file);
    std::string error;
    auto r = CaptureFileReader::open(path, error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->link_type(), link) << linktype;
  }
}

TEST(CaptureFileReader, RefusesABrokenHeaderWithAReason) {
  const std::string path = test::temp_dir() + "/broken.pcap";
  test::Bytes file = test::pcap_file(frames(1));
  file.resize(10);
  test::write_file(path, file);
  std::string error;
  EXPECT_FALSE(CaptureFileReader::open(path, error));
  EXPECT_NE(error.find("broken.pcap"), std::string::npos);
}

TEST(CaptureFileReader, RefusesUnsupportedLinkTypes) {
  test::Bytes file = test::pcap_file(frames(1));
  file[20] = 105;  // LINKTYPE_IEEE802_11
  const std::string path = test::temp_dir() + "/wifi.pcap";
  test::write_file(path, file);
  std::string error;
  EXPECT_FALSE(CaptureFileReader::open(path, error));
  EXPECT_NE(error.find("unsupported link type"), std::string::npos) << error;
}

TEST(LooksLikeCapture, KnowsEveryMagic) {
  for (std::uint32_t magic : {0xA1B2C3D4u, 0xD4C3B2A1u, 0xA1B23C4Du, 0x4D3CB2A1u, 0x0A0D0D0Au}) {
    unsigned char head[4];
    std::memcpy(head, &magic, 4);
    EXPECT_TRUE(looks_like_capture(head, 4)) << std::hex << magic;
  }
  const unsigned char not_one[4] = {0, 0x24, 'A', 0};
  EXPECT_FALSE(looks_like_capture(not_one, 4));
  EXPECT_FALSE(looks_like_capture(not_one, 3));
}

}  // namespace
}  // namespace tickwire::drivers
