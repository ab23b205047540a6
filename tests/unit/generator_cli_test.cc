// `tickwire generate` as a function call: option parsing, errors that name the option,
// files written by suffix (BinaryFILE plain and gzip, pcap) and the sidecar file.
#include <gtest/gtest.h>
#include <zlib.h>

#include <sstream>
#include <string>
#include <vector>

#include "pcap_samples/generator/generate_command.h"
#include "pcap_samples/generator/scenario_runner.h"
#include "tests/support/json_line.h"
#include "tests/support/test_support.h"

namespace tickwire::generator {
namespace {

using test::Bytes;

struct Outcome {
  int code;
  std::string err;
  std::string out;
};

Outcome run(std::vector<std::string> args) {
  args.insert(args.begin(), "generate");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  const int code = cli::run_generate_command(static_cast<int>(args.size()), argv.data());
  Outcome o{code, testing::internal::GetCapturedStderr(), testing::internal::GetCapturedStdout()};
  return o;
}

Bytes gunzip_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  Bytes out;
  std::uint8_t buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  gzclose(f);
  return out;
}

TEST(GenerateCommand, HelpListsTheOptions) {
  const Outcome o = run({"--help"});
  EXPECT_EQ(o.code, 0);
  for (const char* opt : {"--seed", "--messages", "--symbols", "--rate", "--format", "--out", "--sidecar", "--session",
                          "--date", "--group", "--gap-rate", "--dup-rate", "--reorder-rate", "--truncate-rate",
                          "--corrupt-rate", "--halts", "--burst", "--ts-anomalies", "--live-orders-target"}) {
    EXPECT_NE(o.out.find(opt), std::string::npos) << opt;
  }
}

TEST(GenerateCommand, BadUsageNamesTheOption) {
  const std::string dir = test::temp_dir();
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  };
  const Case cases[] = {
      {{"--out", dir + "/x.itch", "--bogus"}, "--bogus"},
      {{"--out", dir + "/x.itch", "--messages", "12abc"}, "--messages"},
      {{"--out", dir + "/x.itch", "--messages"}, "--messages"},
      {{"--messages", "1000"}, "--out"},
      {{"--out", dir + "/x.itch", "--date", "2026-13-01"}, "--date"},
      {{"--out", dir + "/x.pcap", "--group", "233.54.12:26477"}, "--group"},
      {{"--out", dir + "/x.itch", "--burst", "1:2"}, "--burst"},
      {{"--out", dir + "/x.itch", "--format", "csv"}, "--format"},
      {{"--out", dir + "/x.pcap", "--session", "WAYTOOLONGNAME"}, "session"},
      {{"--out", dir + "/x.itch", "--gap-rate", "0.6", "--dup-rate", "0.6"}, "fault rates"},
  };
  for (const Case& c : cases) {
    const Outcome o = run(c.args);
    EXPECT_EQ(o.code, 2) << c.mentions;
    EXPECT_NE(o.err.find(c.mentions), std::string::npos) << o.err;
  }
  const Outcome small = run({"--out", dir + "/x.itch", "--messages", "50"});
  EXPECT_EQ(small.code, 1);
  EXPECT_NE(small.err.find("too few"), std::string::npos) << small.err;
  const Outcome unwritable = run({"--out", dir + "/no/such/dir/x.itch", "--messages", "5000", "--symbols", "10"});
  EXPECT_EQ(unwritable.code, 1);
  EXPECT_NE(unwritable.err.find("cannot create"), std::string::npos) << unwritable.err;
}

TEST(GenerateCommand, WritesGzipBinaryFileEqualToTheLibrarysAndASidecar) {
  const std::string dir = test::temp_dir();
  const Outcome o = run({"--out", dir + "/day.itch.gz", "--sidecar", dir + "/day.jsonl", "--messages=20000",
                         "--symbols", "25", "--seed", "7", "--halts", "2", "--ts-anomalies", "2", "--burst",
                         "0.1:0.05:4", "--live-orders-target", "800"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("20000 messages"), std::string::npos) << o.out;

  ScenarioConfig c;
  c.messages = 20'000;
  c.symbols = 25;
  c.seed = 7;
  c.halts = 2;
  c.timestamp_anomalies = 2;
  c.bursts.push_back({0.1, 0.05, 4});
  c.live_orders_target = 800;
  Bytes expected;
  RunResult r;
  ASSERT_EQ(generate_binary_file(c, expected, &r), "");
  EXPECT_EQ(gunzip_file(dir + "/day.itch.gz"), expected);

  const Bytes sidecar = test::read_file(dir + "/day.jsonl");
  EXPECT_EQ(std::string(sidecar.begin(), sidecar.end()), r.sidecar);
  std::istringstream lines(r.sidecar);
  std::string line;
  int halts = 0, anomalies = 0, bursts = 0;
  while (std::getline(lines, line)) {
    const auto obj = test::parse_json_line(line);
    ASSERT_TRUE(obj) << line;
    const std::string kind = std::get<std::string>(obj->at("kind"));
    halts += kind == "halt";
    anomalies += kind == "timestamp_anomaly";
    bursts += kind == "burst";
  }
  EXPECT_EQ(halts, 2);
  EXPECT_EQ(anomalies, 2);
  EXPECT_EQ(bursts, 1);
}

TEST(GenerateCommand, FormatFromSuffixOrOption) {
  const std::string dir = test::temp_dir();
  ASSERT_EQ(run({"--out", dir + "/a.pcap", "--messages", "5000", "--symbols", "10", "--quiet"}).code, 0);
  ASSERT_EQ(run({"--out", dir + "/b.bin", "--format", "pcap", "--messages", "5000", "--symbols", "10", "--quiet"}).code, 0);
  ASSERT_EQ(run({"--out", dir + "/c.itch", "--messages", "5000", "--symbols", "10", "--quiet"}).code, 0);
  const Bytes a = test::read_file(dir + "/a.pcap");
  const Bytes b = test::read_file(dir + "/b.bin");
  const Bytes c = test::read_file(dir + "/c.itch");
  ASSERT_GE(a.size(), 24u);
  EXPECT_EQ(a, b);
  EXPECT_EQ((std::vector<std::uint8_t>(a.begin(), a.begin() + 4)), (std::vector<std::uint8_t>{0x4D, 0x3C, 0xB2, 0xA1}));
  // BinaryFILE: the first message is the 12-byte 'O' system event.
  ASSERT_GE(c.size(), 14u);
  EXPECT_EQ(c[0], 0);
  EXPECT_EQ(c[1], 12);
  EXPECT_EQ(c[2], 'S');
  EXPECT_EQ(c[13], 'O');
}

}  // namespace
}  // namespace tickwire::generator
