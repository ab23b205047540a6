#include "drivers/binary_file_reader.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace tickwire::drivers {
namespace {

test::Bytes binary_file(const std::vector<test::Bytes>& messages) {
  test::Bytes out;
  for (const auto& m : messages) {
    test::put_be(out, m.size(), 2);
    out.insert(out.end(), m.begin(), m.end());
  }
  return out;
}

std::vector<test::Bytes> many_messages(std::size_t n) {
  const char types[] = {'A', 'D', 'U', 'E', 'X', 'F', 'P', 'I'};
  std::vector<test::Bytes> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(test::itch_message(types[i % 8], static_cast<std::uint16_t>(i), i));
  return out;
}

std::vector<test::Bytes> read_all(BinaryFileReader& r, ReadStatus& last) {
  std::vector<test::Bytes> out;
  const std::uint8_t* m;
  std::size_t n;
  while ((last = r.next(m, n)) == ReadStatus::kFrame) out.emplace_back(m, m + n);
  return out;
}

TEST(BinaryFileReader, ReadsEveryMessageAcrossChunkBoundaries) {
  const auto messages = many_messages(20000);
  const std::string path = test::temp_dir() + "/day.itch";
  test::write_file(path, binary_file(messages));
  std::string error;
  // A small chunk makes many messages straddle two reads.
  auto r = BinaryFileReader::open(path, error, 1000);
  ASSERT_TRUE(r) << error;
  ReadStatus last;
  EXPECT_EQ(read_all(*r, last), messages);
  EXPECT_EQ(last, ReadStatus::kEnd);
  EXPECT_EQ(r->bytes_read(), binary_file(messages).size());
}

// Runs of messages (for prefetching ahead): every message once, in order, each run intact
// until the next call, across chunk boundaries and to the truncation at the end.
TEST(BinaryFileReader, RunsHoldEveryMessageAndStayInPlaceUntilTheNextCall) {
  const auto messages = many_messages(20000);
  test::Bytes file = binary_file(messages);
  file.resize(file.size() - 3);  // the last message is cut
  const std::string path = test::temp_dir() + "/runs.itch";
  test::write_file(path, file);
  std::string error;
  auto r = BinaryFileReader::open(path, error, 1000);
  ASSERT_TRUE(r) << error;
  std::vector<test::Bytes> read;
  book::MessageRef run[64];
  std::size_t count = 0;
  std::size_t runs = 0;
  ReadStatus status;
  while ((status = r->next_run(run, 64, count)) == ReadStatus::kFrame) {
    ASSERT_GE(count, 1u);
    ++runs;
    // Checked only now, after the whole run was handed out: no message moved meanwhile.
    for (std::size_t i = 0; i < count; ++i) read.emplace_back(run[i].data, run[i].data + run[i].length);
  }
  EXPECT_EQ(status, ReadStatus::kTruncated);
  EXPECT_EQ(read, std::vector<test::Bytes>(messages.begin(), messages.end() - 1));
  EXPECT_LT(runs, messages.size() / 8) << "runs of one message would prefetch nothing";
}

TEST(BinaryFileReader, ReadsGzip) {
  const auto messages = many_messages(5000);
  const std::string path = test::temp_dir() + "/day.itch.gz";
  test::write_file(path, test::gzip(binary_file(messages)));
  std::string error;
  auto r = BinaryFileReader::open(path, error);
  ASSERT_TRUE(r) << error;
  ReadStatus last;
  EXPECT_EQ(read_all(*r, last), messages);
  EXPECT_EQ(last, ReadStatus::kEnd);
}

TEST(BinaryFileReader, AFileCutInsideAMessageIsTruncated) {
  const auto messages = many_messages(10);
  test::Bytes file = binary_file(messages);
  file.resize(file.size() - 3);
  const std::string path = test::temp_dir() + "/cut.itch";
  test::write_file(path, file);
  std::string error;
  auto r = BinaryFileReader::open(path, error);
  ASSERT_TRUE(r) << error;
  ReadStatus last;
  EXPECT_EQ(read_all(*r, last).size(), 9u);
  EXPECT_EQ(last, ReadStatus::kTruncated);
  const std::uint8_t* m = nullptr;
  std::size_t n = 0;
  EXPECT_EQ(r->next(m, n), ReadStatus::kEnd);
}

TEST(BinaryFileReader, ATruncatedGzipIsAGzipError) {
  test::Bytes gz = test::gzip(binary_file(many_messages(50000)));
  gz.resize(gz.size() / 2);
  const std::string path = test::temp_dir() + "/cut.itch.gz";
  test::write_file(path, gz);
  std::string error;
  auto r = BinaryFileReader::open(path, error);
  ASSERT_TRUE(r) << error;
  ReadStatus last;
  EXPECT_GT(read_all(*r, last).size(), 0u);
  EXPECT_EQ(last, ReadStatus::kGzipError);
}

TEST(LooksLikeBinaryFile, NeedsALengthThatMatchesTheType) {
  const unsigned char add[] = {0, 36, 'A'};
  const unsigned char wrong[] = {0, 35, 'A'};
  const unsigned char unknown[] = {0, 36, 'Z'};
  EXPECT_TRUE(looks_like_binary_file(add, 3));
  EXPECT_FALSE(looks_like_binary_file(wrong, 3));
  EXPECT_FALSE(looks_like_binary_file(unknown, 3));
  EXPECT_FALSE(looks_like_binary_file(add, 2));
}

}  // namespace
}  // namespace tickwire::drivers
