// `tickwire book` as a user runs it: the JSON lines, depth, --at, the digest, the stats, and
// the same books through the DPDK path.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "controlplane/format/sha256.h"
#include "tests/support/json_line.h"
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
  EXPECT_EQ(digest.out, format::sha256_hex(full.out) + "\n");
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
  EXPECT_EQ(stat(twice.err, "sequencer.duplicates"), 39);
}

// The same generated day, clean and through faulty lines (gaps, duplicates, reordering,
// truncated and corrupt packets): after sequencing, the books equal those of the clean day
// without the messages no line delivered.
TEST(BookCliOnFaultyLines, BooksEqualTheCleanDaysWithoutWhatBothLinesLost) {
  for (const bool two_lines : {false, true}) {
    const std::string dir = temp_dir();
    const std::vector<std::string> scenario = {"--seed", "31", "--messages", "20000", "--symbols", "30",
                                               "--rate", "1000000", "--quiet"};
    std::vector<std::string> clean = {"generate", "--out", dir + "/clean.itch"};
    clean.insert(clean.end(), scenario.begin(), scenario.end());
    std::vector<std::string> faulty = {"generate", "--out", dir + "/faulty.pcap", "--sidecar", dir + "/faulty.jsonl",
                                       "--gap-rate", "0.01", "--dup-rate", "0.02", "--reorder-rate", "0.02",
                                       "--truncate-rate", "0.01", "--corrupt-rate", "0.01"};
    faulty.insert(faulty.end(), scenario.begin(), scenario.end());
    if (two_lines) {
      faulty.push_back("--group-b");
      faulty.push_back("233.54.13.111:26477");
    }
    ASSERT_EQ(run_command(tickwire_binary(), clean).exit_code, 0);
    ASSERT_EQ(run_command(tickwire_binary(), faulty).exit_code, 0);

    // Sequence n is the n-th message of the day: drop from the clean file what both lines lost.
    std::map<std::string, std::set<std::int64_t>> lost;
    const Bytes sidecar = read_file(dir + "/faulty.jsonl");
    for (const std::string& line : split_lines(std::string(sidecar.begin(), sidecar.end()))) {
      const auto o = parse_json_line(line);
      if (!o || !o->count("lost_first")) continue;
      for (auto q = std::get<std::int64_t>(o->at("lost_first")); q <= std::get<std::int64_t>(o->at("lost_last")); ++q) {
        lost[std::get<std::string>(o->at("line"))].insert(q);
      }
    }
    std::set<std::int64_t> both;
    for (auto q : lost["A"]) {
      if (!two_lines || lost["B"].count(q)) both.insert(q);
    }
    ASSERT_FALSE(both.empty());
    const Bytes day = read_file(dir + "/clean.itch");
    Bytes kept;
    std::int64_t sequence = 0;
    for (std::size_t i = 0; i + 2 <= day.size();) {
      const std::size_t n = (std::size_t{day[i]} << 8) | day[i + 1];
      if (!both.count(++sequence)) kept.insert(kept.end(), day.begin() + static_cast<long>(i), day.begin() + static_cast<long>(i + 2 + n));
      i += 2 + n;
    }
    write_file(dir + "/expected.itch", kept);

    const CommandResult expected = run_command(tickwire_binary(), {"book", "--digest", dir + "/expected.itch"});
    // A window long enough for any reordering in the (sparse outside market hours) day.
    const CommandResult sequenced = run_command(
        tickwire_binary(), {"book", "--digest", "--stats", "--reorder-window-us", "3600000000", dir + "/faulty.pcap"});
    ASSERT_EQ(sequenced.exit_code, 0) << sequenced.err;
    EXPECT_EQ(sequenced.out, expected.out) << (two_lines ? "two lines" : "one line");
    EXPECT_EQ(stat(sequenced.err, "sequencer.gap_messages"), static_cast<std::int64_t>(both.size()));
  }
}

// Two days in one run (a capture over midnight, two BinaryFILEs): the books at the end are
// the second day's alone. Its locates and references start over; every order of the first
// day expired with it.
TEST(BookCliOverTwoDays, TheBooksAtTheEndAreTheLastDaysAlone) {
  const std::string dir = temp_dir();
  const std::vector<std::vector<std::string>> days = {{"--symbols", "40", "--session", "DAYONE0001"},
                                                      {"--symbols", "45", "--session", "DAYTWO0002", "--date",
                                                       "2026-11-25"}};
  for (const std::string format : {"pcap", "itch"}) {
    SCOPED_TRACE(format);
    std::vector<std::string> files;
    for (std::size_t d = 0; d < days.size(); ++d) {
      files.push_back(dir + "/d" + std::to_string(d) + "." + format);
      std::vector<std::string> args = {"generate", "--out", files.back(), "--quiet", "--seed", "5", "--messages",
                                       "30000"};
      args.insert(args.end(), days[d].begin(), days[d].end());
      ASSERT_EQ(run_command(tickwire_binary(), args).exit_code, 0);
    }
    const CommandResult alone = run_command(tickwire_binary(), {"book", "--stats", files[1]});
    const CommandResult both = run_command(tickwire_binary(), {"book", "--stats", files[0], files[1]});
    ASSERT_EQ(both.exit_code, 0) << both.err;
    EXPECT_FALSE(alone.out.empty());
    EXPECT_TRUE(both.out == alone.out) << "the first day's orders are still in the books";
    EXPECT_EQ(stat(both.err, "book.days_begun"), 1);
    EXPECT_GT(stat(both.err, "book.orders_dropped_at_day_end"), 0);
    EXPECT_EQ(stat(both.err, "book.anomalies.add_live_reference"),
              stat(alone.err, "book.anomalies.add_live_reference"));
    EXPECT_EQ(stat(both.err, "book.instruments"), stat(alone.err, "book.instruments"))
        << "the same securities on both days are the same instruments";
  }
}

TEST_F(BookCli, BadOptionsExitWith2) {
  EXPECT_EQ(book({"--depth", "x", shared_dir() + kMultiple}).exit_code, 2);
  EXPECT_EQ(book({}).exit_code, 2);
  EXPECT_EQ(book({"--max-orders", "-1", shared_dir() + kMultiple}).exit_code, 2);
}

}  // namespace
}  // namespace tickwire::test
