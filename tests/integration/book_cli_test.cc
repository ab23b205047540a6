// `tickwire book` as a user runs it: the JSON lines, depth, --at, the digest, the stats, and
// the same books through the DPDK path.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "controlplane/cli/sha256.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

const std::string kMultiple = "/data/itch50/nasdaq-totalview-genuine/Multiple.Packets.pcap";

CommandResult book(std::vector<std::string> args) {
  args.insert(args.begin(), "book");
  return run_command(tickwire_binary(), args);
}

using Level = std::array<std::uint64_t, 3>;

// The [[price,shares,orders],...] array after `"key":`.
std::vector<Level> levels(const std::string& line, const std::string& key) {
  std::vector<Level> out;
  std::size_t at = line.find("\"" + key + "\":[");
  if (at == std::string::npos) return out;
  at += key.size() + 4;
  while (at < line.size() && line[at] == '[') {
    Level l{};
    std::istringstream in(line.substr(at + 1, line.find(']', at) - at - 1));
    char comma;
    in >> l[0] >> comma >> l[1] >> comma >> l[2];
    out.push_back(l);
    at = line.find(']', at) + 1;
    if (line[at] == ',') ++at;
  }
  return out;
}

class BookCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(shared_dir() + kMultiple)) GTEST_SKIP() << "no real captures";
  }
};

TEST_F(BookCli, PrintsEachLocateWithOrdersBidsDownAsksUp) {
  const CommandResult r = book({shared_dir() + kMultiple});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind(R"({"stock_locate":6514,"stock":"META","bids":[)", 0), 0u) << lines[0];
  const auto bids = levels(lines[0], "bids");
  const auto asks = levels(lines[0], "asks");
  ASSERT_FALSE(bids.empty());
  ASSERT_FALSE(asks.empty());
  for (std::size_t i = 1; i < bids.size(); ++i) EXPECT_GT(bids[i - 1][0], bids[i][0]);
  for (std::size_t i = 1; i < asks.size(); ++i) EXPECT_LT(asks[i - 1][0], asks[i][0]);
  std::uint64_t orders = 0;
  for (const auto& l : bids) orders += l[2];
  for (const auto& l : asks) orders += l[2];
  EXPECT_EQ(orders, 38u);  // 36 A + 2 F rest; the one D names an order from before the capture
  EXPECT_EQ(bids[0], (Level{805200, 1, 1}));
  EXPECT_EQ(asks[0], (Level{3573300, 100, 1}));
}

TEST_F(BookCli, DepthAtAndDigest) {
  const CommandResult shallow = book({"--depth", "2", shared_dir() + kMultiple});
  ASSERT_EQ(shallow.exit_code, 0);
  EXPECT_EQ(levels(shallow.out, "bids").size(), 2u);
  EXPECT_EQ(levels(shallow.out, "asks").size(), 2u);

  const CommandResult early = book({"--stats", "--at", "19009120", shared_dir() + kMultiple});
  ASSERT_EQ(early.exit_code, 0);
  EXPECT_EQ(stat(early.err, "book.live_orders"), 4);  // 19009117..19009120

  const CommandResult full = book({shared_dir() + kMultiple});
  const CommandResult digest = book({"--digest", shared_dir() + kMultiple});
  ASSERT_EQ(digest.exit_code, 0);
  EXPECT_EQ(digest.out, cli::sha256_hex(full.out) + "\n");
}

TEST_F(BookCli, StatsCountUnknownReferencesAndInstrumentsWithoutDirectory) {
  const CommandResult r = book({"--stats", "--digest", shared_dir() + kMultiple});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(stat(r.err, "book.anomalies.delete_unknown_reference"), 1);
  EXPECT_EQ(stat(r.err, "book.anomalies.locate_without_directory"), 1);
  EXPECT_EQ(stat(r.err, "book.live_orders"), 38);
  EXPECT_EQ(stat(r.err, "book.events.level_change"), 38);
}

TEST_F(BookCli, TheSampleDayGivesTheSameBooksThroughDpdk) {
  const std::string sample = source_dir() + "/pcap_samples/sample_day.pcap";
  const CommandResult file = book({"--digest", sample});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  const CommandResult dpdk = book({"--digest", "--idle-exit-ms", "300", "--eal",
                                   "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error "
                                   "--vdev=net_pcap0,rx_pcap=" + sample});
  ASSERT_EQ(dpdk.exit_code, 0) << dpdk.err;
  EXPECT_EQ(dpdk.out, file.out);
}

TEST_F(BookCli, DuplicatesInACaptureAreAppliedOnce) {
  const std::string path = shared_dir() + kMultiple;
  const CommandResult once = book({path});
  const CommandResult twice = book({"--stats", path, path});
  ASSERT_EQ(twice.exit_code, 0);
  EXPECT_EQ(twice.out, once.out);
  EXPECT_EQ(stat(twice.err, "book.duplicates_skipped"), 39);
}

TEST_F(BookCli, BadOptionsExitWith2) {
  EXPECT_EQ(book({"--depth", "x", shared_dir() + kMultiple}).exit_code, 2);
  EXPECT_EQ(book({}).exit_code, 2);
  EXPECT_EQ(book({"--max-orders", "-1", shared_dir() + kMultiple}).exit_code, 2);
}

}  // namespace
}  // namespace tickwire::test
