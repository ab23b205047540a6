// Snapshot recovery and late join end to end: `tickwire snapshot-server --at K` holds a
// generated day's books at sequence K and serves them as a GLIMPSE snapshot over SoupBinTCP
// on loopback; `tickwire book --snapshot` applies it, then the capture from K + 1 on, and
// must end with the books of a client that saw the whole day, whatever K. A truncated
// snapshot, a rejected login, a server that does not answer in time and one that is not
// there are failures (exit 1) that name the server.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>

#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

constexpr std::uint64_t kMessages = 200'000;

std::string port_of(const std::string& listening_line) {
  // "listening 127.0.0.1:PORT session=..."
  const std::size_t colon = listening_line.find(':');
  return listening_line.substr(colon + 1, listening_line.find(' ', colon) - colon - 1);
}

class SnapshotCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(temp_dir());
    const CommandResult one = run_command(
        tickwire_binary(), {"generate", "--out", day(), "--messages", std::to_string(kMessages), "--quiet"});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    const CommandResult two =
        run_command(tickwire_binary(), {"generate", "--out", two_lines(), "--messages", "50000", "--quiet",
                                        "--halts", "3", "--group-b", "233.54.13.111:26477", "--dup-rate", "0.02"});
    ASSERT_EQ(two.exit_code, 0) << two.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string day() { return *dir_ + "/day.pcap"; }
  static std::string two_lines() { return *dir_ + "/two_lines.pcap"; }

  // A snapshot server on a free loopback port; `address` is where it listens.
  struct Server {
    Background process;
    std::string address;
  };
  static Server serve(std::vector<std::string> options, const std::string& capture) {
    options.insert(options.begin(), {"snapshot-server", "--listen", "127.0.0.1:0"});
    options.push_back(capture);
    Server s{run_in_background(tickwire_binary(), options), ""};
    const std::string listening = s.process.wait_for_line("listening ", 60'000);
    EXPECT_FALSE(listening.empty()) << "no listening line";
    if (!listening.empty()) s.address = "127.0.0.1:" + port_of(listening);
    return s;
  }
  static CommandResult book(std::vector<std::string> args) {
    args.insert(args.begin(), "book");
    return run_command(tickwire_binary(), args);
  }

  static std::string* dir_;
};
std::string* SnapshotCli::dir_ = nullptr;

TEST_F(SnapshotCli, AClientJoiningLateAtAnyPointEndsWithTheWholeDaysBooks) {
  const CommandResult whole = book({"--digest", day()});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  ASSERT_EQ(whole.out.size(), 65u);
  // Early, middle, late, and the whole capture (no --at: the state at its end).
  for (const std::uint64_t k : {std::uint64_t{1'000}, kMessages / 2, kMessages - 7, kMessages}) {
    SCOPED_TRACE("K=" + std::to_string(k));
    std::vector<std::string> at;
    if (k != kMessages) at = {"--at", std::to_string(k)};
    Server server = serve(at, day());
    ASSERT_FALSE(server.address.empty()) << server.process.stop();
    const CommandResult late = book({"--snapshot", server.address, "--digest", "--stats", day()});
    const std::string served = server.process.stop();
    ASSERT_EQ(late.exit_code, 0) << late.err;
    EXPECT_EQ(late.out, whole.out);
    EXPECT_EQ(stat(late.err, "snapshot.resume_sequence"), static_cast<std::int64_t>(k + 1));
    EXPECT_EQ(stat(late.err, "snapshot.skipped_messages"), static_cast<std::int64_t>(k));
    EXPECT_EQ(stat(late.err, "sequencer.delivered"), static_cast<std::int64_t>(kMessages - k));
    EXPECT_EQ(stat(late.err, "sequencer.gaps"), 0);
    EXPECT_EQ(stat(late.err, "sequencer.duplicates"), 0);
    EXPECT_GT(stat(late.err, "snapshot.messages"), 500) << "a directory message per stock at least";
    EXPECT_EQ(stat(late.err, "snapshot.messages_applied"), stat(late.err, "snapshot.messages"));
    EXPECT_EQ(stat(late.err, "snapshot.messages_refused"), 0);
    EXPECT_GE(stat(late.err, "snapshot.elapsed_us"), 0);
    for (const char* anomaly : {"book.anomalies.execute_unknown_reference", "book.anomalies.delete_unknown_reference",
                                "book.anomalies.cancel_unknown_reference", "book.anomalies.replace_unknown_reference",
                                "book.anomalies.add_live_reference"}) {
      EXPECT_EQ(stat(late.err, anomaly), 0) << anomaly;
    }
    EXPECT_NE(served.find("snapshots 1 "), std::string::npos) << served;
    EXPECT_NE(served.find("logouts 1 "), std::string::npos) << served;
  }
}

TEST_F(SnapshotCli, TheSnapshotIsWhatBookAtKHolds) {
  const std::string k = "60000";
  Server server = serve({"--at", k}, day());
  ASSERT_FALSE(server.address.empty()) << server.process.stop();
  // Joined at K and stopped at a later sequence: the books of `book --at` that sequence.
  const CommandResult late = book({"--snapshot", server.address, "--at", "150000", "--digest", day()});
  const CommandResult direct = book({"--at", "150000", "--digest", day()});
  ASSERT_EQ(late.exit_code, 0) << late.err;
  EXPECT_EQ(late.out, direct.out);
  // Stopping before the snapshot's state is impossible: said, not ignored.
  const CommandResult before = book({"--snapshot", server.address, "--at", "100", "--digest", day()});
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_NE(before.err.find("before the snapshot"), std::string::npos) << before.err;
  server.process.stop();
}

TEST_F(SnapshotCli, TwoLinesAndHaltsJoinLateToo) {
  const CommandResult whole = book({"--digest", two_lines()});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  Server server = serve({"--at", "20000"}, two_lines());
  ASSERT_FALSE(server.address.empty()) << server.process.stop();
  const CommandResult late = book({"--snapshot", server.address, "--digest", "--stats", two_lines()});
  server.process.stop();
  ASSERT_EQ(late.exit_code, 0) << late.err;
  EXPECT_EQ(late.out, whole.out);
  EXPECT_EQ(stat(late.err, "sequencer.gaps"), 0);
  // Both lines' copies of what the snapshot holds are counted as such, not as duplicates.
  EXPECT_GE(stat(late.err, "snapshot.skipped_messages"), 2 * 20000);
  EXPECT_EQ(stat(late.err, "snapshot.resume_sequence"), 20001);
}

// Live (a net_pcap port delivers the whole capture in a burst, long before a slow server's
// snapshot is in): what arrives during the fetch is held, and applied after the snapshot.
TEST_F(SnapshotCli, ALiveJoinHoldsWhatArrivesWhileTheSnapshotIsFetched) {
  const CommandResult whole = book({"--digest", two_lines()});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  Server server = serve({"--at", "20000", "--delay-ms", "1000"}, two_lines());
  ASSERT_FALSE(server.address.empty()) << server.process.stop();
  const CommandResult live =
      book({"--snapshot", server.address, "--digest", "--stats", "--reorder-buffer", "65536", "--idle-exit-ms", "3000",
            "--eal",
            "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=" + two_lines()});
  server.process.stop();
  ASSERT_EQ(live.exit_code, 0) << live.err;
  EXPECT_EQ(live.out, whole.out);
  EXPECT_GT(stat(live.err, "sequencer.join_held_packets"), 0) << live.err;
  EXPECT_EQ(stat(live.err, "sequencer.join_evicted_packets"), 0) << live.err;
  EXPECT_GE(stat(live.err, "sequencer.before_resume"), 20000) << live.err;
  EXPECT_EQ(stat(live.err, "sequencer.gaps"), 0) << live.err;
  EXPECT_EQ(stat(live.err, "snapshot.resume_sequence"), 20001) << live.err;
}

// The lines of a journal file that are not signals, from sequence `after` + 1 on.
std::string events_after(const std::string& path, std::uint64_t after) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  std::string kept;
  for (const std::string& line : split_lines(std::string(bytes.begin(), bytes.end()))) {
    if (line.find("\"signal\"") != std::string::npos) continue;
    if (std::stoull(line.substr(7, line.find(',') - 7)) > after) kept += line + "\n";
  }
  return kept;
}

// The pipeline joins late too (replay and run, recovery.snapshot_server): the snapshot goes
// into the books without events, and every event after the resume point is the one a replay
// of the whole day retires. Stages start at the join, so their signals are the join's own:
// the same from files and live, where what arrives during the fetch is held.
TEST_F(SnapshotCli, ReplayAndRunJoinLateWithTheWholeDaysEvents) {
  const std::string dir = temp_dir();
  const CommandResult whole =
      run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/whole.jsonl", "--journal-events", two_lines()});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const std::string expected = events_after(dir + "/whole.jsonl", 20000);
  ASSERT_FALSE(expected.empty());
  Server server = serve({"--at", "20000", "--delay-ms", "1000"}, two_lines());
  ASSERT_FALSE(server.address.empty()) << server.process.stop();
  std::string signals_sha;
  for (const char* workers : {"0", "2"}) {
    SCOPED_TRACE(std::string(workers) + " workers");
    const std::string journal = dir + "/join" + workers + ".jsonl";
    const CommandResult join =
        run_command(tickwire_binary(), {"replay", "--stats", "--snapshot", server.address, "--workers", workers, "--journal",
                                        journal, "--journal-events", two_lines()});
    ASSERT_EQ(join.exit_code, 0) << join.err;
    EXPECT_EQ(stat(join.out, "snapshot.resume_sequence"), 20001) << join.out;
    EXPECT_EQ(stat(join.out, "gaps"), 0) << join.out;
    EXPECT_TRUE(events_after(journal, 0) == expected) << "events after the join differ from the whole day's";
    const CommandResult signals_only = run_command(
        tickwire_binary(), {"replay", "--stats", "--snapshot", server.address, "--workers", workers, "--journal", journal, two_lines()});
    ASSERT_EQ(signals_only.exit_code, 0) << signals_only.err;
    if (signals_sha.empty()) signals_sha = journal_sha(signals_only.out);
    EXPECT_EQ(journal_sha(signals_only.out), signals_sha);
  }
  // Live: the port delivers the capture while the (slow) server is still answering.
  const CommandResult live = run_command(
      tickwire_binary(),
      {"run", "--stats", "--snapshot", server.address, "--stats", "--idle-exit-ms", "3000", "--set",
       "sequencer.reorder_buffer=65536", "--journal", dir + "/live.jsonl", "--eal",
       "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=" + two_lines()});
  server.process.stop();
  ASSERT_EQ(live.exit_code, 0) << live.err;
  EXPECT_GT(stat(live.out, "sequencer.join_held_packets"), 0) << live.out;
  EXPECT_EQ(stat(live.out, "snapshot.resume_sequence"), 20001) << live.out;
  EXPECT_EQ(journal_sha(live.out), signals_sha) << live.out;
  // From files, a failed snapshot runs nothing.
  const CommandResult refused = run_command(tickwire_binary(), {"replay", "--stats", "--snapshot", "127.0.0.1:9", two_lines()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("snapshot server 127.0.0.1:9"), std::string::npos) << refused.err;
}

// A live join stopped while the snapshot is still on its way ends at once, saying that the
// books lack it (exit 1, as any failed snapshot).
TEST_F(SnapshotCli, ALiveJoinStopsPromptlyWhileTheSnapshotIsOnItsWay) {
  Server server = serve({"--at", "20000", "--delay-ms", "600000"}, two_lines());
  ASSERT_FALSE(server.address.empty()) << server.process.stop();
  Background live = run_in_background(
      tickwire_binary(),
      {"book", "--snapshot", server.address, "--digest", "--idle-exit-ms", "0", "--eal",
       "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=" + two_lines()});
  ASSERT_NE(live.wait_for_line("tickwire: receiving on", 120'000, /*on_stderr=*/true), "") << live.stop();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(live.signal_and_wait(SIGTERM, 60'000), 1);
  // Generous for a loaded CI machine; a fetch that ignored the stop would wait ten minutes.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
  const std::vector<std::uint8_t> err_bytes = read_file(live.err_path);
  const std::string err(err_bytes.begin(), err_bytes.end());
  server.process.stop();
  EXPECT_NE(err.find("cancelled after 0 snapshot messages"), std::string::npos) << err;
  EXPECT_NE(err.find("the books hold only what the feed brought since the join"), std::string::npos) << err;
}

TEST_F(SnapshotCli, ATruncatedSnapshotFailsAndNamesTheServer) {
  Server server = serve({"--at", "100000", "--truncate-after", "300"}, day());
  ASSERT_FALSE(server.address.empty()) << server.process.stop();
  const CommandResult r = book({"--snapshot", server.address, "--digest", day()});
  const std::string served = server.process.stop();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << "no books from half a snapshot: " << r.out;
  EXPECT_NE(r.err.find("snapshot server " + server.address), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated snapshot"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("after 300 snapshot messages"), std::string::npos) << r.err;
  EXPECT_NE(served.find("truncated 1 "), std::string::npos) << served;
}

TEST_F(SnapshotCli, ARejectedLoginFailsAndNamesTheServer) {
  Server server = serve({"--reject"}, day());
  ASSERT_FALSE(server.address.empty()) << server.process.stop();
  const CommandResult r = book({"--snapshot", server.address, "--digest", day()});
  const std::string served = server.process.stop();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("snapshot server " + server.address + ": login rejected (not authorized)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(served.find("rejected 1 "), std::string::npos) << served;
}

TEST_F(SnapshotCli, ASlowServerIsWaitedForWithHeartbeatsOrGivenUpOnAtTheDeadline) {
  Server server = serve({"--at", "5000", "--delay-ms", "1500"}, day());
  ASSERT_FALSE(server.address.empty()) << server.process.stop();
  const CommandResult impatient =
      book({"--snapshot", server.address, "--snapshot-wait-ms", "300", "--digest", day()});
  EXPECT_EQ(impatient.exit_code, 1);
  EXPECT_NE(impatient.err.find("snapshot server " + server.address + ": no End of Snapshot within 300 ms"),
            std::string::npos)
      << impatient.err;
  // Longer than a heartbeat interval: the client keeps the session alive and waits.
  const CommandResult patient = book({"--snapshot", server.address, "--digest", "--stats", day()});
  server.process.stop();
  ASSERT_EQ(patient.exit_code, 0) << patient.err;
  EXPECT_EQ(patient.out, book({"--digest", day()}).out);
  EXPECT_GE(stat(patient.err, "snapshot.elapsed_us"), 1'500'000);
}

TEST_F(SnapshotCli, NoServerThereFailsAndNamesIt) {
  // Port 9 (discard) on loopback: nothing listens there.
  const CommandResult r = book({"--snapshot", "127.0.0.1:9", "--digest", day()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("snapshot server 127.0.0.1:9: cannot connect"), std::string::npos) << r.err;
  const CommandResult usage = book({"--snapshot", "nowhere", day()});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("--snapshot"), std::string::npos) << usage.err;
}

}  // namespace
}  // namespace tickwire::test
