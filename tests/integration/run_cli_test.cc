// `tickwire run` (the appliance, live, on DPDK ports) and the configuration layer of the
// pipeline commands as a user meets them: a TOML file, --set, flags, --print-config, and
// errors that name the key.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

std::string day() { return source_dir() + "/pcap_samples/sample_day.pcap"; }

// Each EAL of these tests is private (no shared config files), so tests may run in parallel.
std::string pcap_port(const std::string& capture) {
  return "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=" + capture;
}

TEST(RunCli, LiveOnAPortItSignalsWhatAReplayOfTheSameCaptureSignals) {
  const std::string dir = temp_dir();
  const CommandResult replay = run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/replay.jsonl", day()});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  const CommandResult live =
      run_command(tickwire_binary(), {"run", "--stats", "--eal", pcap_port(day()), "--idle-exit-ms", "500", "--set",
                                      "sequencer.stale_after_ms=100", "--journal", dir + "/live.jsonl", "--stats"});
  ASSERT_EQ(live.exit_code, 0) << live.err;
  EXPECT_EQ(journal_sha(live.out), journal_sha(replay.out));
  EXPECT_EQ(stat(live.out, "messages"), stat(replay.out, "messages"));
  EXPECT_EQ(stat(live.out, "port.net_pcap0.received"), 1110) << live.out;
  EXPECT_EQ(stat(live.out, "port.net_pcap0.missed"), 0) << live.out;
  EXPECT_NE(live.err.find("tickwire run: receiving on 1 DPDK port: net_pcap0"), std::string::npos) << live.err;
  // Live, latency runs from each packet's receipt, per class, on the worker lcore.
  EXPECT_GT(stat(live.out, "latency.end_to_end.count"), 0) << live.out;
  EXPECT_GE(stat(live.out, "worker0.busy_cycles"), 0) << live.out;
  // The port fell silent after the capture: the idle polls judged the line stale on the
  // receive clock, with no packet to tell them time had passed.
  EXPECT_EQ(stat(live.out, "line.a.stale_episodes"), 1) << live.out;
}

TEST(RunCli, SigtermEndsALiveSessionWithItsFinalReport) {
  const std::string dir = temp_dir();
  // No idle exit: it runs until told to stop.
  Background run = run_in_background(tickwire_binary(),
                                     {"run", "--stats", "--eal", pcap_port(day()), "--journal", dir + "/live.jsonl"});
  ASSERT_GT(run.pid, 0);
  ASSERT_NE(run.wait_for_line("tickwire run: receiving on", 120'000, /*on_stderr=*/true), "");
  EXPECT_EQ(run.signal_and_wait(SIGTERM, 60'000), 128 + SIGTERM);
  const std::string out = run.stop();
  EXPECT_GE(stat(out, "messages"), 0) << out;
  EXPECT_NE(journal_sha(out), "") << out;
}

TEST(RunCli, WithoutPortsOrWithFilesItExplains) {
  const CommandResult none = run_command(tickwire_binary(), {"run"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("input.eal"), std::string::npos) << none.err;
  EXPECT_EQ(run_command(tickwire_binary(), {"run", "--stats", "--eal", "--no-huge", day()}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"run", "--stats", "--eal", "--no-huge", "--rate", "1000"}).exit_code, 2);
}

TEST(PipelineConfig, AFileSetsWhatFlagsSetAndPrintConfigRoundTrips) {
  const std::string dir = temp_dir();
  const CommandResult by_flags = run_command(
      tickwire_binary(), {"replay", "--stats", "--workers", "2", "--jump-bps", "30", "--journal", dir + "/flags.jsonl", day()});
  ASSERT_EQ(by_flags.exit_code, 0) << by_flags.err;
  write_file(dir + "/t.toml", std::string_view("[workers]\ncount = 2\n\n[stage.price_move]\njump_bps = 30\n"));
  const CommandResult by_file =
      run_command(tickwire_binary(), {"replay", "--stats", "--config", dir + "/t.toml", "--journal", dir + "/file.jsonl", day()});
  ASSERT_EQ(by_file.exit_code, 0) << by_file.err;
  EXPECT_EQ(journal_sha(by_file.out), journal_sha(by_flags.out));
  EXPECT_NE(journal_sha(by_file.out), "");
  // What --print-config shows is a config file that runs the same.
  const CommandResult printed = run_command(tickwire_binary(), {"replay", "--stats", "--config", dir + "/t.toml",
                                                                "--set", "output.journal=\"" + dir + "/p.jsonl\"",
                                                                "--print-config"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_NE(printed.out.find("jump_bps = 30"), std::string::npos) << printed.out;
  write_file(dir + "/printed.toml", std::string_view(printed.out));
  const CommandResult again = run_command(tickwire_binary(), {"replay", "--stats", "--config", dir + "/printed.toml", day()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(journal_sha(again.out), journal_sha(by_flags.out));
  // --set comes last and wins.
  const CommandResult set = run_command(tickwire_binary(), {"replay", "--stats", "--config", dir + "/t.toml", "--set",
                                                            "stage.price_move.jump_bps=50", "--journal",
                                                            dir + "/set.jsonl", day()});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  const CommandResult plain = run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/plain.jsonl", day()});
  EXPECT_EQ(journal_sha(set.out), journal_sha(plain.out));
}

TEST(PipelineConfig, InvalidSettingsAreRefusedNamingTheKey) {
  const std::string dir = temp_dir();
  write_file(dir + "/typo.toml", std::string_view("[book]\nmax_orders = 1000\nmax_ordrs = 5\n"));
  const CommandResult typo = run_command(tickwire_binary(), {"replay", "--stats", "--config", dir + "/typo.toml", day()});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("book.max_ordrs"), std::string::npos) << typo.err;
  EXPECT_NE(typo.err.find(":3"), std::string::npos) << typo.err;  // the line
  const CommandResult flag = run_command(tickwire_binary(), {"replay", "--stats", "--workers", "99", day()});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("--workers (workers.count)"), std::string::npos) << flag.err;
  const CommandResult shed = run_command(tickwire_binary(), {"replay", "--stats", "--set", "workers.when_full.critical=shed", day()});
  EXPECT_EQ(shed.exit_code, 2);
  EXPECT_NE(shed.err.find("workers.when_full.critical"), std::string::npos) << shed.err;
  const CommandResult missing = run_command(tickwire_binary(), {"replay", "--stats", "--config", dir + "/none.toml", day()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.toml"), std::string::npos) << missing.err;
}

TEST(PipelineConfig, ThreadsArePinnedWhereTheConfigSays) {
  const std::string dir = temp_dir();
  const CommandResult plain =
      run_command(tickwire_binary(), {"replay", "--stats", "--workers", "2", "--journal", dir + "/plain.jsonl", day()});
  const CommandResult pinned = run_command(
      tickwire_binary(), {"replay", "--stats", "--workers", "2", "--set", "cpus.rx=0", "--set", "cpus.workers=0,0", "--set",
                          "cpus.control=0", "--journal", dir + "/pinned.jsonl", day()});
  ASSERT_EQ(pinned.exit_code, 0) << pinned.err;
  EXPECT_EQ(journal_sha(pinned.out), journal_sha(plain.out));
  const CommandResult absent = run_command(tickwire_binary(), {"replay", "--stats", "--set", "cpus.rx=4000", day()});
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_NE(absent.err.find("cpus.rx: CPU 4000"), std::string::npos) << absent.err;
  const CommandResult wrong = run_command(tickwire_binary(), {"replay", "--stats", "--set", "cpus.workers=1", day()});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("cpus.workers"), std::string::npos) << wrong.err;
}

TEST(PipelineConfig, AConfigThatDoesNotFitTheMemoryBudgetIsRefused) {
  const CommandResult r = run_command(tickwire_binary(), {"replay", "--stats", "--set", "memory.budget_mb=64", "--set",
                                                          "book.max_orders=4000000", day()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("memory.budget_mb"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("books"), std::string::npos) << r.err;
}

TEST(PipelineConfig, APoolNearlyFullIsWarnedAbout) {
  // The sample day peaks at 281 live orders.
  const CommandResult r = run_command(tickwire_binary(), {"replay", "--stats", "--max-orders", "1000", "--set",
                                                          "memory.warn_fill_percent=20", day()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Under "attention" in the summary.
  EXPECT_NE(r.out.find("  - books held up to"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(book.max_orders)"), std::string::npos) << r.out;
}

// A running session adjusted with `tickwire ctl`: a symbol promoted, a stage's parameter
// hot-swapped (the journal records the swap), what cannot change refused, counters read.
TEST(ControlCli, ARunningSessionIsAdjustedFromTheCommandLine) {
  const std::string dir = temp_dir();
  const CommandResult generated = run_command(
      tickwire_binary(), {"generate", "--out", dir + "/day.pcap", "--messages", "200000", "--quiet"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  // The stock of the first directory message.
  std::string symbol;
  const CommandResult text = run_command(tickwire_binary(), {"decode", "--format", "text", dir + "/day.pcap"});
  for (const std::string& line : split_lines(text.out)) {
    const std::size_t at = line.find(" R StockDirectory ");
    if (at == std::string::npos) continue;
    const std::size_t stock = line.find("stock=", at) + 6;
    symbol = line.substr(stock, line.find(' ', stock) - stock);
    break;
  }
  ASSERT_FALSE(symbol.empty());

  const std::string socket = dir + "/ctl.sock";
  Background replay = run_in_background(tickwire_binary(), {"replay", "--stats", "--workers", "1", "--rate", "20000", "--control",
                                                            socket, "--journal", dir + "/j.jsonl", dir + "/day.pcap"});
  ASSERT_NE(replay.wait_for_line("tickwire replay: control:", 120'000, /*on_stderr=*/true), "");
  auto ctl = [&](std::vector<std::string> words) {
    words.insert(words.begin(), {"ctl", "--socket", socket});
    return run_command(tickwire_binary(), words);
  };
  const CommandResult help = ctl({"help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.out.rfind("ok", 0), 0u) << help.out;
  // The directory message may not have been read yet: ask until it has.
  CommandResult promoted;
  for (int tries = 0; tries < 200 && (promoted = ctl({"promote", symbol, "critical"})).exit_code != 0; ++tries) {
    usleep(50'000);
  }
  EXPECT_EQ(promoted.exit_code, 0) << promoted.out << promoted.err;
  EXPECT_NE(promoted.out.find("ok: " + symbol), std::string::npos) << promoted.out;
  EXPECT_EQ(ctl({"promote", "NOSUCH", "critical"}).exit_code, 1);
  EXPECT_EQ(ctl({"promote", symbol, "urgent"}).exit_code, 1);
  const CommandResult swapped = ctl({"set", "stage.price_move.jump_bps=20"});
  EXPECT_EQ(swapped.exit_code, 0) << swapped.out;
  const CommandResult fixed = ctl({"set", "book.max_orders=5"});
  EXPECT_EQ(fixed.exit_code, 1);
  EXPECT_NE(fixed.out.find("cannot change while running"), std::string::npos) << fixed.out;
  EXPECT_EQ(ctl({"set", "classification.jump_bps=5"}).exit_code, 0);
  const CommandResult stats = ctl({"stats"});
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_GT(stat(stats.out, "worker0.critical.queued"), 0) << stats.out;
  EXPECT_EQ(stat(stats.out, "swaps.requested"), 1) << stats.out;
  // The RX core's own figures, copied at one safe point: they agree with each other.
  EXPECT_EQ(stat(stats.out, "rx.answered"), 1) << stats.out;
  const std::int64_t received = stat(stats.out, "messages");
  EXPECT_GT(received, 0) << stats.out;
  EXPECT_LE(received, 200000) << stats.out;
  EXPECT_EQ(stat(stats.out, "sequencer.delivered"), received) << stats.out;
  // The router sees the messages that gave events (not, e.g., a market-participant position).
  EXPECT_GT(stat(stats.out, "router.messages"), 0) << stats.out;
  EXPECT_LE(stat(stats.out, "router.messages"), received) << stats.out;
  EXPECT_LE(stat(stats.out, "book.messages_applied"), received) << stats.out;
  EXPECT_EQ(stat(stats.out, "sequencer.gaps"), 0) << stats.out;
  EXPECT_EQ(stat(stats.out, "book.anomalies.no_order_room"), 0) << stats.out;
  // Later figures never fall behind earlier ones.
  const CommandResult later = ctl({"stats"});
  EXPECT_GE(stat(later.out, "messages"), received) << later.out;
  const CommandResult config = ctl({"config"});
  EXPECT_NE(config.out.find("jump_bps = 20"), std::string::npos) << config.out;

  EXPECT_EQ(replay.signal_and_wait(SIGTERM, 60'000), 128 + SIGTERM);
  const Bytes journal = read_file(dir + "/j.jsonl");
  EXPECT_NE(std::string(journal.begin(), journal.end()).find(R"("swap":"price_move","slot":0,"version":1})"),
            std::string::npos);
  // Once the session is gone, ctl says nobody answered.
  EXPECT_EQ(ctl({"stats"}).exit_code, 2);
}

}  // namespace
}  // namespace tickwire::test
