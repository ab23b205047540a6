// `tickwire bench` as a user runs it: on a generated day or a BinaryFILE, every message
// accounted for in its figures; bad input and bad options refused. Its timings are figures
// to read, never checked here.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

TEST(BenchCli, BookRunsOnAGeneratedDayAndOnABinaryFile) {
  const CommandResult generated =
      run_command(tickwire_binary(), {"bench", "book", "--messages", "30000", "--live-orders", "3000", "--repeat", "2"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  EXPECT_EQ(stat(generated.out, "messages"), 30000) << generated.out;
  EXPECT_GT(stat(generated.out, "peak_live_orders"), 1000) << generated.out;
  EXPECT_NE(generated.out.find("run 2 ns_per_msg "), std::string::npos) << generated.out;
  EXPECT_NE(generated.out.find("\nns_per_msg "), std::string::npos) << generated.out;
  EXPECT_NE(generated.out.find("\nns_per_msg_median "), std::string::npos) << generated.out;
  EXPECT_NE(generated.out.find("\nhuge_pages "), std::string::npos) << generated.out;

  const std::string dir = temp_dir();
  ASSERT_EQ(run_command(tickwire_binary(), {"generate", "--out", dir + "/day.bin", "--messages", "12345", "--quiet"})
                .exit_code,
            0);
  const CommandResult file = run_command(tickwire_binary(), {"bench", "book", "--repeat", "1", dir + "/day.bin"});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(stat(file.out, "messages"), 12345) << file.out;
  // The books it built met what `tickwire book` meets on the same file.
  const CommandResult book = run_command(tickwire_binary(), {"book", "--digest", "--stats", dir + "/day.bin"});
  ASSERT_EQ(book.exit_code, 0) << book.err;
  std::int64_t anomalies = 0;
  for (const std::string& line : split_lines(book.err)) {
    if (line.rfind("book.anomalies.", 0) == 0) anomalies += std::stoll(line.substr(line.find_last_of(' ') + 1));
  }
  EXPECT_EQ(stat(file.out, "anomalies"), anomalies) << file.out;
}

TEST(BenchCli, PipelineReportsEveryRunOnASmallDay) {
  const CommandResult r = run_command(tickwire_binary(), {"bench", "pipeline", "--messages", "20000", "--live-orders",
                                                          "2000", "--paced-messages", "5000", "--rates", "100000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* line : {"decode+book        messages=20000", "inline  rate=0", "worker  rate=0",
                           "inline  rate=100000   messages=5000", "worker  rate=100000   messages=5000",
                           "overload rate=100000", "platform cpu=0 spun_s=", "platform cpu=1 spun_s=",
                           "platform core_to_core cpus=0,1 one_way_ns=", "peak_rss_MiB=",
                           "unpaced medians of 3: decode+book ns_per_msg=", "worker busy "}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  }
}

// Unpaced runs only, as often as asked, each mode once per round, then their medians.
TEST(BenchCli, PipelineRepeatsTheUnpacedModesAndComparesTheirMedians) {
  const CommandResult r = run_command(tickwire_binary(), {"bench", "pipeline", "--messages", "20000", "--live-orders",
                                                          "2000", "--rates", "none", "--repeat", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t book = 0;
  std::size_t inline_runs = 0;
  std::size_t worker = 0;
  for (const std::string& line : split_lines(r.out)) {
    book += line.rfind("decode+book        messages=20000", 0) == 0;
    inline_runs += line.rfind("inline  rate=0        messages=20000", 0) == 0;
    worker += line.rfind("worker  rate=0        messages=20000", 0) == 0;
    const std::size_t rate = line.find("rate=");
    if (rate != std::string::npos) {
      EXPECT_EQ(line.compare(rate, 7, "rate=0 "), 0) << "a paced run: " << line;
    }
    EXPECT_EQ(line.rfind("platform cpu=", 0), std::string::npos) << "jitter is for the paced runs: " << line;
  }
  EXPECT_EQ(book, 2u) << r.out;
  EXPECT_EQ(inline_runs, 2u) << r.out;
  EXPECT_EQ(worker, 2u) << r.out;
  EXPECT_NE(r.out.find("unpaced medians of 2: decode+book ns_per_msg="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("peak_rss_MiB="), std::string::npos) << r.out;
}

// The floor under every latency figure: how much of a spinning core the platform took.
TEST(BenchCli, JitterSpinsForTheTimeAskedAndAccountsForIt) {
  const CommandResult r = run_command(tickwire_binary(), {"bench", "jitter", "--seconds", "1", "--cpu", "-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.out.rfind("platform cpu=", 0), 0u) << r.out;
  auto figure = [&r](const std::string& key) {
    const std::size_t at = r.out.find(" " + key + "=");
    return at == std::string::npos ? -1.0 : std::stod(r.out.substr(at + key.size() + 2));
  };
  EXPECT_GE(figure("spun_s"), 1.0) << r.out;
  EXPECT_LT(figure("spun_s"), 5.0) << r.out;  // it ends at its first look past the second
  // What was lost fits in what was spun, the longest loss in the total, each band in the
  // wider one (rates to one decimal: half a count per second of rounding each).
  EXPECT_GE(figure("lost_us_per_s"), 0.0) << r.out;
  EXPECT_LE(figure("lost_us_per_s"), 1e6 + 1) << r.out;
  EXPECT_LE(figure("longest_us"), figure("spun_s") * 1e6) << r.out;
  EXPECT_LE(figure("over_10us_per_s"), figure("interruptions_per_s") + 0.1) << r.out;
  EXPECT_LE(figure("over_100us_per_s"), figure("over_10us_per_s") + 0.1) << r.out;
  EXPECT_LE(figure("over_1ms_per_s"), figure("over_100us_per_s") + 0.01) << r.out;

  // A CPU it may not run on is refused, not measured elsewhere and reported as asked.
  const CommandResult absent = run_command(tickwire_binary(), {"bench", "jitter", "--seconds", "1", "--cpu", "1023"});
  EXPECT_EQ(absent.exit_code, 2) << absent.out;
  EXPECT_NE(absent.err.find("cannot run on CPU 1023"), std::string::npos) << absent.err;
  EXPECT_EQ(run_command(tickwire_binary(), {"bench", "jitter", "--rates", "1000"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"bench", "book", "--cpu", "1"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"bench", "jitter", "--cpu", "x"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"bench", "jitter", "--seconds", "0"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"bench", "jitter", "day.bin"}).exit_code, 2);
}

TEST(BenchCli, BadInputAndOptionsAreRefused) {
  const std::string dir = temp_dir();
  const std::vector<std::uint8_t> cut = {0x00, 0x20, 'S', 0x00};  // says 32 bytes, has 2
  write_file(dir + "/cut.bin", cut);
  const CommandResult truncated = run_command(tickwire_binary(), {"bench", "book", dir + "/cut.bin"});
  EXPECT_EQ(truncated.exit_code, 1);
  EXPECT_NE(truncated.err.find("not a whole BinaryFILE"), std::string::npos) << truncated.err;
  EXPECT_EQ(run_command(tickwire_binary(), {"bench", "nothing"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"bench"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"bench", "pipeline", "--rates", "1000,x"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"bench", "pipeline", "--rates", "none,1000"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"bench", "book", "--repeat", "0"}).exit_code, 2);
}

}  // namespace
}  // namespace tickwire::test
