#include "drivers/gzip_stream.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace tickwire::drivers {
namespace {

test::Bytes sample(std::size_t n) {
  test::Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  return b;
}

test::Bytes read_all(ByteStream& s) {
  test::Bytes out;
  std::uint8_t buf[4096];
  for (std::size_t n; (n = s.read(buf, sizeof buf)) != 0;) out.insert(out.end(), buf, buf + n);
  return out;
}

TEST(ByteStream, ReadsPlainAndGzipAlike) {
  const std::string dir = test::temp_dir();
  const test::Bytes data = sample(300000);
  test::write_file(dir + "/plain.bin", data);
  test::write_file(dir + "/packed.bin", test::gzip(data));  // the name says nothing: magic decides
  std::string error;
  auto plain = ByteStream::open(dir + "/plain.bin", error);
  auto packed = ByteStream::open(dir + "/packed.bin", error);
  ASSERT_TRUE(plain && packed) << error;
  EXPECT_FALSE(plain->compressed());
  EXPECT_TRUE(packed->compressed());
  EXPECT_EQ(read_all(*plain), data);
  EXPECT_EQ(read_all(*packed), data);
  EXPECT_FALSE(plain->failed());
  EXPECT_FALSE(packed->failed());
}

TEST(ByteStream, ATruncatedGzipFailsAfterDeliveringWhatItHad) {
  const std::string dir = test::temp_dir();
  const test::Bytes data = sample(300000);
  test::Bytes gz = test::gzip(data);
  gz.resize(gz.size() / 2);
  test::write_file(dir + "/cut.gz", gz);
  std::string error;
  auto s = ByteStream::open(dir + "/cut.gz", error);
  ASSERT_TRUE(s) << error;
  const test::Bytes got = read_all(*s);
  EXPECT_TRUE(s->failed());
  EXPECT_FALSE(s->failure().empty());
  EXPECT_LT(got.size(), data.size());
  EXPECT_TRUE(std::equal(got.begin(), got.end(), data.begin()));
}

TEST(ByteStream, AReadErrorIsAFailureNotAnEnd) {
  std::string error;
  auto s = ByteStream::open(test::temp_dir(), error);  // a directory opens, but cannot be read
  ASSERT_TRUE(s) << error;
  std::uint8_t buf[16];
  EXPECT_EQ(s->read(buf, sizeof buf), 0u);
  EXPECT_TRUE(s->failed());
  EXPECT_FALSE(s->failure().empty());
}

TEST(ByteStream, AMissingFileIsAnErrorNamingIt) {
  std::string error;
  EXPECT_FALSE(ByteStream::open("/nonexistent/file.pcap", error));
  EXPECT_NE(error.find("/nonexistent/file.pcap"), std::string::npos);
}

}  // namespace
}  // namespace tickwire::drivers
