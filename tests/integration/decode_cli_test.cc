// `tickwire decode` as a user runs it: output formats, exit codes, error messages, and the
// DPDK path (net_pcap) giving the same output as the file path.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "tests/support/itch_spec_table.h"
#include "tests/support/json_line.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

std::string capture(const std::string& name) { return shared_dir() + "/data/itch50/" + name; }
const std::string kMultiple = "nasdaq-totalview-genuine/Multiple.Packets.pcap";

class DecodeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(capture(kMultiple))) GTEST_SKIP() << "no real captures";
  }
  static CommandResult decode(std::vector<std::string> args) {
    args.insert(args.begin(), "decode");
    return run_command(tickwire_binary(), args);
  }
};

TEST_F(DecodeCli, JsonLinesHaveExactlyTheSpecKeysPlusSeq) {
  const CommandResult r = decode({capture(kMultiple)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 39u);
  EXPECT_EQ(lines[0],
            R"({"type":"D","stock_locate":2737,"tracking_number":0,"timestamp":34200007495351,)"
            R"("order_reference_number":23485802,"seq":14764496})");
  const SpecTable& spec = itch_spec();
  for (const std::string& line : lines) {
    const auto obj = parse_json_line(line);
    ASSERT_TRUE(obj) << line;
    const std::string type = std::get<std::string>(obj->at("type"));
    std::set<std::string> expected{"seq"};
    for (const SpecField& f : spec.at(type[0])) expected.insert(f.name);
    std::set<std::string> keys;
    for (const auto& [k, v] : *obj) keys.insert(k);
    EXPECT_EQ(keys, expected) << line;
  }
  const auto last = parse_json_line(lines.back());
  EXPECT_EQ(std::get<std::int64_t>(last->at("seq")), 19009154);
  EXPECT_EQ(std::get<std::string>(last->at("stock")), "META");  // no trailing spaces
}

TEST_F(DecodeCli, EveryRewrappedTypePrintsValidJson) {
  for (const auto& entry : std::filesystem::directory_iterator(capture("nasdaq-totalview-rewrapped"))) {
    const CommandResult r = decode({entry.path().string()});
    ASSERT_EQ(r.exit_code, 0) << entry.path() << r.err;
    for (const std::string& line : split_lines(r.out)) {
      const auto obj = parse_json_line(line);
      ASSERT_TRUE(obj) << line;
      // One-byte alpha fields keep a space as it is.
      if (obj->count("reserved")) {
        EXPECT_EQ(std::get<std::string>(obj->at("reserved")).size(), 1u);
      }
    }
  }
}

TEST_F(DecodeCli, CsvHasOneColumnPerFieldName) {
  const CommandResult r = decode({"--format", "csv", capture(kMultiple)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 40u);
  std::set<std::string> names{"seq"};
  for (const auto& [type, fields] : itch_spec()) {
    for (const SpecField& f : fields) names.insert(f.name);
  }
  auto cells = [](const std::string& line) {
    std::vector<std::string> out;
    for (std::size_t start = 0; start <= line.size();) {
      const std::size_t comma = std::min(line.find(',', start), line.size());
      out.push_back(line.substr(start, comma - start));
      start = comma + 1;
    }
    return out;
  };
  const auto header = cells(lines[0]);
  EXPECT_EQ(std::set<std::string>(header.begin(), header.end()), names);
  EXPECT_EQ(header.size(), names.size());
  const auto row = cells(lines[1]);
  ASSERT_EQ(row.size(), header.size());
  std::map<std::string, std::string> filled;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (!row[i].empty()) filled[header[i]] = row[i];
  }
  EXPECT_EQ(filled, (std::map<std::string, std::string>{{"seq", "14764496"},
                                                        {"type", "D"},
                                                        {"stock_locate", "2737"},
                                                        {"tracking_number", "0"},
                                                        {"timestamp", "34200007495351"},
                                                        {"order_reference_number", "23485802"}}));
}

TEST_F(DecodeCli, TextShowsClockAndScaledPrices) {
  const CommandResult r = decode({"--format", "text", capture(kMultiple)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 39u);
  EXPECT_EQ(lines[1],
            "19009117 09:30:38.952381153 A AddOrder stock_locate=6514 tracking_number=0 "
            "order_reference_number=7942047 buy_sell_indicator=B shares=1 stock=META price=80.5200");
}

TEST_F(DecodeCli, StatsCountPacketsMessagesAndGaps) {
  const CommandResult r = decode({"--format", "none", "--stats", capture(kMultiple)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(stat(r.err, "packets"), 2);
  EXPECT_EQ(stat(r.err, "messages"), 39);
  EXPECT_EQ(stat(r.err, "messages.A"), 36);
  EXPECT_EQ(stat(r.err, "drops.total"), 0);
  EXPECT_EQ(stat(r.err, "sequence.gaps"), 1);
  EXPECT_NE(r.err.find("gap session=000010059B first=14764497 last=19009116 count=4244620"), std::string::npos)
      << r.err;
}

TEST_F(DecodeCli, GzipAndPlainCapturesDecodeAlike) {
  const std::string dir = temp_dir();
  write_file(dir + "/m.pcap.gz", gzip(read_file(capture(kMultiple))));
  const CommandResult plain = decode({capture(kMultiple)});
  const CommandResult packed = decode({dir + "/m.pcap.gz"});
  ASSERT_EQ(packed.exit_code, 0) << packed.err;
  EXPECT_EQ(packed.out, plain.out);
}

TEST_F(DecodeCli, BinaryFileMessagesHaveNoSeq) {
  Bytes file;
  for (char t : {'S', 'A', 'D'}) {
    const Bytes m = itch_message(t, 3, 1000);
    put_be(file, m.size(), 2);
    file.insert(file.end(), m.begin(), m.end());
  }
  const std::string path = temp_dir() + "/day.itch";
  write_file(path, file);
  const CommandResult r = decode({path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& line : lines) {
    const auto obj = parse_json_line(line);
    ASSERT_TRUE(obj);
    EXPECT_EQ(obj->count("seq"), 0u);
  }
}

TEST_F(DecodeCli, UnusableInputsFailWithTheFileNameButOthersStillDecode) {
  const std::string dir = temp_dir();
  write_file(dir + "/junk.bin", std::string_view("this is not a capture"));
  write_file(dir + "/empty.pcap", std::string_view(""));
  const CommandResult r = decode({dir + "/missing.pcap", dir + "/junk.bin", dir + "/empty.pcap", capture(kMultiple)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing.pcap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("junk.bin: not a pcap, pcapng or NASDAQ BinaryFILE"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("empty.pcap: empty"), std::string::npos) << r.err;
  EXPECT_EQ(split_lines(r.out).size(), 39u);
}

TEST_F(DecodeCli, ATruncatedCaptureIsCountedNotFatal) {
  Bytes file = read_file(capture(kMultiple));
  file.resize(file.size() - 100);
  const std::string path = temp_dir() + "/cut.pcap";
  write_file(path, file);
  const CommandResult r = decode({"--stats", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(split_lines(r.out).size(), 1u);
  EXPECT_EQ(stat(r.err, "drops.capture_truncated"), 1) << r.err;
  EXPECT_NE(r.err.find("cut.pcap: truncated"), std::string::npos) << r.err;
}

TEST_F(DecodeCli, FilterAndDedupe) {
  const CommandResult filtered = decode({"--stats", "--filter", "233.54.12.111:1", capture(kMultiple)});
  EXPECT_EQ(filtered.exit_code, 0);
  EXPECT_TRUE(filtered.out.empty());
  EXPECT_EQ(stat(filtered.err, "packets_filtered"), 2) << filtered.err;

  const CommandResult twice = decode({"--dedupe", "--stats", capture(kMultiple), capture(kMultiple)});
  EXPECT_EQ(twice.exit_code, 0);
  EXPECT_EQ(split_lines(twice.out).size(), 39u);
  EXPECT_EQ(stat(twice.err, "sequence.duplicates"), 39) << twice.err;
}

TEST_F(DecodeCli, UsageErrorsExitWith2) {
  EXPECT_EQ(decode({}).exit_code, 2);
  EXPECT_EQ(decode({"--format", "xml", capture(kMultiple)}).exit_code, 2);
  EXPECT_EQ(decode({"--bogus", capture(kMultiple)}).exit_code, 2);
  EXPECT_EQ(decode({"--filter", "nonsense", capture(kMultiple)}).exit_code, 2);
  EXPECT_EQ(decode({"--eal", "--no-huge", capture(kMultiple)}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"decode", "--help"}).exit_code, 0);
}

TEST_F(DecodeCli, BadEalArgumentsAreAnErrorNamingThem) {
  const CommandResult r = decode({"--eal", "--no-huge --no-pci --no-shconf --not-an-eal-option"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DPDK EAL initialisation failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--not-an-eal-option"), std::string::npos) << r.err;
}

TEST_F(DecodeCli, EalWithoutPortsIsAnError) {
  const CommandResult r = decode({"--eal", "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("created no port"), std::string::npos) << r.err;
}

TEST_F(DecodeCli, ADirectoryIsAnUnusableInput) {
  const CommandResult r = decode({temp_dir()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unreadable"), std::string::npos) << r.err;
}

TEST_F(DecodeCli, TheDpdkPathPrintsExactlyWhatTheFilePathPrints) {
  const std::string file = capture(kMultiple);
  const std::string eal = "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error "
                          "--vdev=net_pcap0,rx_pcap=" + file;
  const CommandResult dpdk = decode({"--eal", eal, "--idle-exit-ms", "300", "--stats"});
  ASSERT_EQ(dpdk.exit_code, 0) << dpdk.err;
  const CommandResult plain = decode({file});
  EXPECT_EQ(dpdk.out, plain.out);
  EXPECT_EQ(stat(dpdk.err, "port.net_pcap0.received"), 2) << dpdk.err;
  EXPECT_EQ(stat(dpdk.err, "port.net_pcap0.missed"), 0) << dpdk.err;
  EXPECT_EQ(stat(dpdk.err, "port.net_pcap0.no_mbuf"), 0) << dpdk.err;
}

}  // namespace
}  // namespace tickwire::test
