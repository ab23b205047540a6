// The recovery ladder end to end: a generated capture with lost packets, a re-request
// server (`tickwire rerequest-server`) holding the clean day on loopback, and `tickwire book
// --recovery`: the books equal the clean day's, also when the server drops answers (the
// client retries), and what cannot be recovered is declared as gaps.
#include <gtest/gtest.h>

#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

struct Days {
  std::string clean;
  std::string faulty;
};

Days make_days(const std::string& dir, bool two_lines) {
  const std::vector<std::string> scenario = {"--quiet", "--seed", "41", "--messages", "20000", "--symbols", "30",
                                             "--rate", "1000000"};
  std::vector<std::string> clean = {"generate", "--out", dir + "/clean.pcap"};
  clean.insert(clean.end(), scenario.begin(), scenario.end());
  std::vector<std::string> faulty = {"generate", "--out", dir + "/faulty.pcap", "--gap-rate", "0.03",
                                     "--reorder-rate", "0.02", "--dup-rate", "0.02", "--truncate-rate", "0.01"};
  faulty.insert(faulty.end(), scenario.begin(), scenario.end());
  if (two_lines) {
    faulty.push_back("--group-b");
    faulty.push_back("233.54.13.111:26477");
  }
  EXPECT_EQ(run_command(tickwire_binary(), clean).exit_code, 0);
  EXPECT_EQ(run_command(tickwire_binary(), faulty).exit_code, 0);
  return {dir + "/clean.pcap", dir + "/faulty.pcap"};
}

std::string port_of(const std::string& listening_line) {
  // "listening 127.0.0.1:PORT sessions=..."
  const std::size_t colon = listening_line.find(':');
  return listening_line.substr(colon + 1, listening_line.find(' ', colon) - colon - 1);
}

class RecoveryCli : public ::testing::TestWithParam<std::tuple<bool, int>> {};

TEST_P(RecoveryCli, BooksEqualTheCleanDaysAfterRecovery) {
  const auto [two_lines, drop_percent] = GetParam();
  const Days days = make_days(temp_dir(), two_lines);
  Background server = run_in_background(
      tickwire_binary(), {"rerequest-server", "--drop-percent", std::to_string(drop_percent), days.clean});
  const std::string listening = server.wait_for_line("listening ", 10'000);
  ASSERT_FALSE(listening.empty()) << server.stop();

  const CommandResult clean = run_command(tickwire_binary(), {"book", "--digest", days.clean});
  const CommandResult recovered = run_command(
      tickwire_binary(), {"book", "--digest", "--stats", "--recovery", "127.0.0.1:" + port_of(listening), days.faulty});
  server.stop();
  ASSERT_EQ(recovered.exit_code, 0) << recovered.err;
  EXPECT_EQ(recovered.out, clean.out);
  EXPECT_EQ(stat(recovered.err, "sequencer.gaps"), 0);
  EXPECT_GT(stat(recovered.err, "recovery.holes_recovered"), 0);
  EXPECT_EQ(stat(recovered.err, "recovery.holes_abandoned"), 0);
  if (drop_percent > 0) {
    EXPECT_GT(stat(recovered.err, "recovery.retries"), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(LinesAndServerDrops, RecoveryCli,
                         ::testing::Values(std::make_tuple(false, 0), std::make_tuple(true, 0),
                                           std::make_tuple(false, 30)));

// The same rung in the pipeline commands (recovery.server): a replay of the faulty day with
// recovery writes the clean day's journal, inline and with worker threads.
TEST(RecoveryCliReplay, AReplayWithRecoveryWritesTheCleanDaysJournal) {
  const std::string dir = temp_dir();
  const Days days = make_days(dir, false);
  Background server = run_in_background(tickwire_binary(), {"rerequest-server", days.clean});
  const std::string listening = server.wait_for_line("listening ", 10'000);
  ASSERT_FALSE(listening.empty()) << server.stop();
  const CommandResult clean =
      run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/clean.jsonl", "--journal-events", days.clean});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  const std::string sha = clean.out.substr(clean.out.find(" sha256 ") + 8, 64);
  for (const char* workers : {"0", "2"}) {
    const CommandResult r = run_command(
        tickwire_binary(), {"replay", "--stats", "--workers", workers, "--stats", "--set",
                            "recovery.server=\"127.0.0.1:" + port_of(listening) + "\"", "--journal",
                            dir + "/recovered.jsonl", "--journal-events", days.faulty});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(" sha256 " + sha), std::string::npos) << workers << " workers\n" << r.out;
    EXPECT_EQ(stat(r.out, "gaps"), 0) << r.out;
    EXPECT_GT(stat(r.out, "recovery.holes_recovered"), 0) << r.out;
  }
  server.stop();
  const CommandResult bad = run_command(tickwire_binary(), {"replay", "--stats", "--set", "recovery.server=\"nowhere\"",
                                                            days.faulty});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("recovery.server"), std::string::npos) << bad.err;
}

// Live (`tickwire run` on a net_pcap port, which delivers the capture as fast as it can):
// the RX loop asks for each hole and keeps reading its port while the answers come, taking
// them between bursts and in idle polls, and writes the clean day's journal.
TEST(RecoveryCliLive, ALiveRunRecoversWithoutStoppingItsPort) {
  const std::string dir = temp_dir();
  const Days days = make_days(dir, false);
  Background server = run_in_background(tickwire_binary(), {"rerequest-server", days.clean});
  const std::string listening = server.wait_for_line("listening ", 10'000);
  ASSERT_FALSE(listening.empty()) << server.stop();
  // Signals only: net_pcap delivers the day faster than it ran, hours of exchange time in
  // milliseconds, so live events carry clock-jump flags a replay's do not.
  const CommandResult clean = run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/clean.jsonl", days.clean});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  const std::string sha = clean.out.substr(clean.out.find(" sha256 ") + 8, 64);
  // The whole burst fits the reorder buffer: holes are recovered one after another, and
  // the ones behind the first wait for their turn.
  const CommandResult r = run_command(
      tickwire_binary(),
      {"run", "--stats", "--eal",
       "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=" + days.faulty,
       "--idle-exit-ms", "3000", "--stats", "--set", "recovery.server=\"127.0.0.1:" + port_of(listening) + "\"",
       "--set", "sequencer.reorder_buffer=65536", "--journal", dir + "/live.jsonl"});
  server.stop();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" sha256 " + sha), std::string::npos) << r.out << r.err;
  EXPECT_EQ(stat(r.out, "gaps"), 0) << r.out;
  EXPECT_EQ(stat(r.out, "sequencer.delivered"), 20000) << r.out;
  EXPECT_GT(stat(r.out, "recovery.holes_recovered"), 0) << r.out;
  EXPECT_EQ(stat(r.out, "recovery.holes_abandoned"), 0) << r.out;
}

TEST(RecoveryCliWithoutServer, WhatCannotBeRecoveredIsDeclared) {
  const Days days = make_days(temp_dir(), false);
  // Nobody listens on the port: every attempt goes unanswered.
  const CommandResult r = run_command(tickwire_binary(), {"book", "--digest", "--stats", "--recovery", "127.0.0.1:9",
                                                          "--recovery-attempts", "2", "--recovery-retry-ms", "2",
                                                          days.faulty});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(stat(r.err, "sequencer.gaps"), 0);
  EXPECT_GT(stat(r.err, "recovery.holes_abandoned"), 0);
  EXPECT_EQ(stat(r.err, "recovery.holes_recovered"), 0);
}

}  // namespace
}  // namespace tickwire::test
