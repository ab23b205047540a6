// Several feed sessions in one process ([feed.NAME] tables), as a user runs them: each feed's
// journal is the one its capture gives replayed alone, on every layout, from files and live
// from DPDK ports; what feeds may not share is refused before anything runs; a feed's
// control socket answers for that feed.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

// The sha256 of "journal PATH sha256 HEX" (after `prefix`, "" or "feed.NAME.").
// Two days on two multicast groups, as two venues' feeds would come: different sessions,
// symbols and sizes, so that a feed's output mixed with the other's could not pass.
struct TwoVenues {
  std::string dir = temp_dir();
  std::string nasdaq = dir + "/nasdaq.pcap";
  std::string bx = dir + "/bx.pcap";
  TwoVenues() {
    const CommandResult a =
        run_command(tickwire_binary(), {"generate", "--out", nasdaq, "--messages", "60000", "--symbols", "80",
                                        "--rate", "5000", "--seed", "3", "--halts", "2", "--group", "233.54.12.111:26477",
                                        "--group-b", "233.49.196.111:26477", "--gap-rate", "0.002", "--quiet"});
    const CommandResult b =
        run_command(tickwire_binary(), {"generate", "--out", bx, "--messages", "40000", "--symbols", "50", "--rate",
                                        "5000", "--seed", "4", "--group", "233.54.12.112:26477", "--session", "BXSESSION1", "--quiet"});
    EXPECT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(b.exit_code, 0) << b.err;
  }
  // Each feed replayed alone: its journal's sha256 and its message count. (Live, low-class
  // events may be shed, so only the signals are compared with a live run.)
  std::pair<std::string, std::string> alone(const std::string& capture, const std::string& name, bool events = true,
                                            const std::vector<std::string>& settings = {}) const {
    std::vector<std::string> args = {"replay", "--stats", "--journal", dir + "/" + name + ".alone.jsonl", capture};
    if (events) args.push_back("--journal-events");
    for (const std::string& s : settings) args.insert(args.end(), {"--set", s});
    const CommandResult r = run_command(tickwire_binary(), args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {journal_sha(r.out), figure(r.out, "messages")};
  }
};

TEST(FeedsCli, EachFeedOfAReplayGivesTheJournalItsCaptureGivesAloneOnEveryLayout) {
  const TwoVenues venues;
  const auto [nasdaq_sha, nasdaq_messages] = venues.alone(venues.nasdaq, "nasdaq");
  const auto [bx_sha, bx_messages] = venues.alone(venues.bx, "bx");
  ASSERT_EQ(nasdaq_sha.size(), 64u);
  ASSERT_NE(nasdaq_sha, bx_sha);

  // One capture holding both venues' groups, split by filter; nasdaq keeps its two lines.
  const std::string config = venues.dir + "/feeds.toml";
  write_file(config,
             "[output]\njournal = \"" + venues.dir + "/j.jsonl\"\njournal_events = true\n"
             "[feed.nasdaq]\ninput.filter = [\"233.54.12.111:26477\", \"233.49.196.111:26477\"]\n"
             "[feed.bx]\ninput.filter = [\"233.54.12.112:26477\"]\n");
  for (const std::string& workers : worker_layouts()) {
    SCOPED_TRACE(std::string("workers ") + workers);
    const CommandResult r = run_command(tickwire_binary(), {"replay", "--stats", "--config", config, "--workers", workers,
                                                            venues.nasdaq, venues.bx});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(journal_sha(r.out, "feed.nasdaq."), nasdaq_sha) << r.out;
    EXPECT_EQ(journal_sha(r.out, "feed.bx."), bx_sha) << r.out;
    EXPECT_EQ(figure(r.out, "feed.nasdaq.messages"), nasdaq_messages);
    EXPECT_EQ(figure(r.out, "feed.bx.messages"), bx_messages);
    // Every figure names its feed, but the process's one (the figures follow the summary).
    std::size_t process_lines = 0;
    const std::vector<std::string> lines = split_lines(r.out.substr(r.out.find("\n\n") + 2));
    for (const std::string& line : lines) {
      if (line.rfind("memory.peak_rss_kib ", 0) == 0) {
        ++process_lines;
        continue;
      }
      EXPECT_TRUE(line.rfind("feed.nasdaq.", 0) == 0 || line.rfind("feed.bx.", 0) == 0) << line;
    }
    EXPECT_EQ(process_lines, 1u) << r.out;
    EXPECT_EQ(read_file(venues.dir + "/j.nasdaq.jsonl"), read_file(venues.dir + "/nasdaq.alone.jsonl"));
  }

  // Or each feed reads files of its own, here with a setting of its own: only it changes.
  write_file(config, "[output]\njournal = \"" + venues.dir + "/k.jsonl\"\njournal_events = true\n"
                     "[feed.nasdaq]\ninput.files = [\"" + venues.nasdaq + "\"]\n"
                     "[feed.bx]\ninput.files = [\"" + venues.bx + "\"]\nstage.price_move.jump_bps = 5\n");
  const CommandResult own = run_command(tickwire_binary(), {"replay", "--stats", "--config", config});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_EQ(journal_sha(own.out, "feed.nasdaq."), nasdaq_sha);
  const std::string bx_jumps = figure(own.out, "feed.bx.signals.price_jump");
  const CommandResult bx_alone = run_command(
      tickwire_binary(), {"replay", "--stats", "--set", "stage.price_move.jump_bps=5", venues.bx});
  const CommandResult bx_default = run_command(tickwire_binary(), {"replay", "--stats", venues.bx});
  ASSERT_EQ(bx_alone.exit_code, 0) << bx_alone.err;
  ASSERT_EQ(bx_default.exit_code, 0) << bx_default.err;
  ASSERT_FALSE(bx_jumps.empty()) << own.out;
  EXPECT_EQ(bx_jumps, figure(bx_alone.out, "signals.price_jump"));
  EXPECT_NE(bx_jumps, figure(bx_default.out, "signals.price_jump"));  // the setting did act
}

// A replay's captures may come from the configuration, as a feed's do.
TEST(FeedsCli, InputFilesReplayWithNoInputOnTheCommandLine) {
  const TwoVenues venues;
  const auto [sha, messages] = venues.alone(venues.bx, "bx");
  const CommandResult r = run_command(tickwire_binary(), {"replay", "--stats", "--set", "input.files=" + venues.bx, "--journal",
                                                          venues.dir + "/files.jsonl", "--journal-events"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(journal_sha(r.out), sha);
  EXPECT_EQ(figure(r.out, "messages"), messages);
  // The command line's files win over the configuration's.
  const CommandResult both = run_command(tickwire_binary(), {"replay", "--stats", "--set", "input.files=" + venues.nasdaq,
                                                             venues.bx});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_EQ(figure(both.out, "messages"), messages);
}

TEST(FeedsCli, LiveEachFeedPollsItsOwnPortAndSignalsWhatItsReplaySignals) {
  const TwoVenues venues;
  // Live, windows run on the wall clock and replay on capture time; net_pcap reads as fast as
  // it can, so the two clocks agree on no window. A window longer than either run leaves every
  // hole to the data: filled by the other line's copy, or declared when the buffer fills (at
  // the same packet in both). The days span 12 and 8 s of exchange time, more than a sanitizer
  // build takes to read them, so no message looks late against its timestamp either.
  const std::vector<std::string> sequencing = {"sequencer.reorder_window_us=60000000",
                                               "sequencer.reorder_buffer=16384"};
  const auto nasdaq = venues.alone(venues.nasdaq, "nasdaq", /*events=*/false, sequencing);
  const auto bx = venues.alone(venues.bx, "bx", /*events=*/false, sequencing);
  const std::string config = venues.dir + "/live.toml";
  write_file(config, "[feed.nasdaq]\ninput.ports = [\"net_pcap0\"]\n[feed.bx]\ninput.ports = [\"net_pcap1\"]\n");
  const std::string eal = "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=" +
                          venues.nasdaq + " --vdev=net_pcap1,rx_pcap=" + venues.bx;
  const CommandResult live = run_command(
      tickwire_binary(), {"run", "--stats", "--config", config, "--eal", eal, "--idle-exit-ms", "500", "--set",
                          "sequencer.stale_after_ms=100", "--set", "control.socket=" + venues.dir + "/ctl.sock",
                          "--set", sequencing[0], "--set", sequencing[1], "--journal", venues.dir + "/live.jsonl"});
  ASSERT_EQ(live.exit_code, 0) << live.err;
  EXPECT_EQ(journal_sha(live.out, "feed.nasdaq."), nasdaq.first) << live.out;
  EXPECT_EQ(journal_sha(live.out, "feed.bx."), bx.first) << live.out;
  EXPECT_EQ(figure(live.out, "feed.bx.messages"), bx.second);
  // Each feed's report shows the port it polled, and only that one.
  EXPECT_GT(stat(live.out, "feed.nasdaq.port.net_pcap0.received"), 0) << live.out;
  EXPECT_GT(stat(live.out, "feed.bx.port.net_pcap1.received"), 0) << live.out;
  EXPECT_EQ(live.out.find("feed.nasdaq.port.net_pcap1"), std::string::npos) << live.out;
  EXPECT_NE(live.err.find("tickwire run [feed bx]: receiving on 1 DPDK port: net_pcap1"), std::string::npos)
      << live.err;
}

TEST(FeedsCli, WhatFeedsCannotShareIsRefusedBeforeAnythingRuns) {
  const TwoVenues venues;
  const std::string config = venues.dir + "/bad.toml";
  const std::string eal = "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=" +
                          venues.nasdaq + " --vdev=net_pcap1,rx_pcap=" + venues.bx;
  auto run_with = [&](const std::string& toml) {
    write_file(config, toml);
    return run_command(tickwire_binary(), {"run", "--stats", "--config", config, "--eal", eal, "--idle-exit-ms", "300"});
  };
  // A port polled by two feeds: one RX queue cannot have two pollers.
  CommandResult r = run_with("[feed.a]\ninput.ports = [\"net_pcap0\"]\n[feed.b]\ninput.ports = [\"net_pcap0\", "
                             "\"net_pcap1\"]\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("port net_pcap0 is in input.ports of both feed.a and feed.b"), std::string::npos) << r.err;
  // A port nobody polls would fill up unread.
  write_file(config, "[feed.a]\ninput.ports = [\"net_pcap0\"]\n[feed.b]\ninput.ports = [\"net_pcap1\"]\n");
  r = run_command(tickwire_binary(), {"run", "--stats", "--config", config, "--eal", eal + " --vdev=net_pcap2,rx_pcap=" + venues.bx,
                                      "--idle-exit-ms", "300"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("port net_pcap2 is in no feed's input.ports"), std::string::npos) << r.err;
  // A feed that does not say which ports are its own.
  r = run_with("[feed.a]\ninput.ports = [\"net_pcap0\", \"net_pcap1\"]\n[feed.b]\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("feed.b: input.ports: with several feeds, each names the ports it polls"), std::string::npos)
      << r.err;
  // A port that does not exist.
  r = run_with("[feed.a]\ninput.ports = [\"net_pcap0\", \"net_pcap1\"]\n[feed.b]\ninput.ports = [\"net_pcap9\"]\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no DPDK port net_pcap9 (EAL created: net_pcap0 net_pcap1)"), std::string::npos) << r.err;
  // Process-wide keys stay process-wide; two feeds cannot write one journal.
  r = run_with("[feed.a]\nreplay.rate = 5\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("feed.a.replay.rate: holds for the whole process"), std::string::npos) << r.err;
  r = run_with("[feed.a]\noutput.journal = \"x.jsonl\"\n[feed.b]\noutput.journal = \"x.jsonl\"\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("feed.a.output.journal and feed.b.output.journal: both write x.jsonl"), std::string::npos)
      << r.err;
  // A feed nested in another's table would be ignored: it is refused instead.
  r = run_with("[feed.a]\nfeed.b.workers.count = 2\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("feed.a.feed.b.workers.count: a feed table holds no other feed"), std::string::npos) << r.err;
  // A live feed reads ports, not files.
  r = run_with("[feed.a]\ninput.ports = [\"net_pcap0\"]\n[feed.b]\ninput.ports = [\"net_pcap1\"]\n"
               "input.files = [\"x.pcap\"]\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("feed.b.input.files: a live feed reads its input.ports, not files"), std::string::npos) << r.err;
  // A replay feed with nothing to read.
  write_file(config, "[feed.a]\ninput.files = [\"" + venues.bx + "\"]\n[feed.b]\n");
  r = run_command(tickwire_binary(), {"replay", "--stats", "--config", config});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("feed.b: nothing to read"), std::string::npos) << r.err;
}

// One feed that cannot start stops them all before any packet: a process running with a
// feed missing would look healthy while that venue's signals never came.
TEST(FeedsCli, WhenOneFeedCannotStartNoneRuns) {
  const TwoVenues venues;
  const std::string config = venues.dir + "/one_too_big.toml";
  write_file(config, "[memory]\nbudget_mb = 256\n[book]\nmax_orders = 100000\nmax_levels = 10000\n"
                     "[feed.small]\ninput.files = [\"" + venues.bx + "\"]\n"
                     "[feed.big]\ninput.files = [\"" + venues.nasdaq + "\"]\nbook.max_orders = 50000000\n");
  const CommandResult r = run_command(tickwire_binary(), {"replay", "--stats", "--config", config, "--journal",
                                                          venues.dir + "/j.jsonl"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tickwire replay [feed big]: the configuration needs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("shared by 2 feeds"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tickwire replay: no feed started: every feed must start"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.find("feed.small.messages"), std::string::npos) << r.out;
  // Alone, the small one fits its share and runs.
  write_file(config, "[memory]\nbudget_mb = 256\n[book]\nmax_orders = 100000\nmax_levels = 10000\n"
                     "[feed.small]\ninput.files = [\"" + venues.bx + "\"]\n"
                     "[feed.big]\ninput.files = [\"" + venues.nasdaq + "\"]\n");
  const CommandResult fits = run_command(tickwire_binary(), {"replay", "--stats", "--config", config});
  EXPECT_EQ(fits.exit_code, 0) << fits.err;
  EXPECT_EQ(stat(fits.out, "feed.small.messages"), 40000) << fits.out;
}

// Threads are placed where each feed's cpus.* keys say, live too (EAL, which pins the thread
// that starts it, must not decide for them).
TEST(FeedsCli, LiveFeedsArePinnedWhereTheirKeysSay) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
  if (!CPU_ISSET(0, &allowed) || !CPU_ISSET(1, &allowed)) GTEST_SKIP() << "needs CPUs 0 and 1";
  const TwoVenues venues;
  const std::string config = venues.dir + "/pinned.toml";
  write_file(config, "[feed.nasdaq]\ninput.ports = [\"net_pcap0\"]\nworkers.count = 0\ncpus.rx = \"1\"\n"
                     "[feed.bx]\ninput.ports = [\"net_pcap1\"]\nworkers.count = 0\ncpus.rx = \"0\"\n");
  const std::string eal = "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=" +
                          venues.nasdaq + " --vdev=net_pcap1,rx_pcap=" + venues.bx;
  const CommandResult live = run_command(tickwire_binary(), {"run", "--stats", "--config", config, "--eal", eal, "--idle-exit-ms",
                                                             "300", "--set", "control.socket="});
  ASSERT_EQ(live.exit_code, 0) << live.err;
  EXPECT_EQ(stat(live.out, "feed.bx.messages"), 40000) << live.out;
  EXPECT_GT(stat(live.out, "feed.nasdaq.messages"), 0) << live.out;
}

TEST(FeedsCli, EachFeedAnswersOnItsOwnControlSocket) {
  const TwoVenues venues;
  const std::string config = venues.dir + "/ctl.toml";
  write_file(config, "[feed.nasdaq]\ninput.files = [\"" + venues.nasdaq + "\"]\n[feed.bx]\ninput.files = [\"" +
                         venues.bx + "\"]\n");
  const std::string socket = venues.dir + "/ctl.sock";
  Background replay = run_in_background(
      tickwire_binary(), {"replay", "--stats", "--config", config, "--workers", "1", "--rate", "5000", "--control", socket});
  ASSERT_NE(replay.wait_for_line("tickwire replay [feed nasdaq]: control:", 120'000, /*on_stderr=*/true), "");
  ASSERT_NE(replay.wait_for_line("tickwire replay [feed bx]: control:", 120'000, /*on_stderr=*/true), "");
  auto directory_of = [&](const std::string& feed) {
    const CommandResult r = run_command(tickwire_binary(), {"ctl", "--socket", socket, "--feed", feed, "stats"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return stat(r.out, "messages.R");  // stock directory messages read so far
  };
  // Each socket answers for its own feed: the two venues list 80 and 50 stocks. The
  // directories come first in a day, but may not all have been read yet: ask until they have.
  std::int64_t nasdaq = 0;
  std::int64_t bx = 0;
  for (int tries = 0; tries < 200 && (nasdaq != 80 || bx != 50); ++tries) {
    nasdaq = directory_of("nasdaq");
    bx = directory_of("bx");
    if (nasdaq != 80 || bx != 50) usleep(50'000);
  }
  EXPECT_EQ(nasdaq, 80);
  EXPECT_EQ(bx, 50);
  EXPECT_EQ(run_command(tickwire_binary(), {"ctl", "--socket", socket, "--feed", "nope", "stats"}).exit_code, 2);
  EXPECT_EQ(replay.signal_and_wait(SIGTERM, 60'000), 128 + SIGTERM);
}

}  // namespace
}  // namespace tickwire::test
