// `tickwire replay` as a user runs it: the journal is the same bytes on every run and from
// a plain or gzip capture, its sha256 is the file's, and the signals are where a scripted
// price jump puts them. (Through DPDK ports time is the TSC's, as live: decisions made on
// receive time then follow the replay's pace, so determinism is the file reader's.)
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <set>

#include "controlplane/format/sha256.h"
#include "tests/support/itch_builder.h"
#include "tests/support/json_line.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"
#include "tests/support/watchdog.h"

namespace tickwire::test {
namespace {

std::string sample() { return source_dir() + "/pcap_samples/sample_faults.pcap"; }

TEST(ReplayCli, TheJournalIsTheSameOnEveryRunAndEveryInputPath) {
  const std::string dir = temp_dir();
  const CommandResult first = run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/a.jsonl",
                                                              "--journal-events", sample()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string sha = journal_sha(first.out);
  ASSERT_EQ(sha.size(), 64u) << first.out;
  const Bytes journal = read_file(dir + "/a.jsonl");
  EXPECT_EQ(sha, format::sha256_hex(std::string(journal.begin(), journal.end())));

  const CommandResult again = run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/b.jsonl",
                                                              "--journal-events", sample()});
  EXPECT_EQ(journal_sha(again.out), sha);

  write_file(dir + "/s.pcap.gz", gzip(read_file(sample())));
  const CommandResult packed = run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/c.jsonl",
                                                               "--journal-events", dir + "/s.pcap.gz"});
  EXPECT_EQ(journal_sha(packed.out), sha);

  const CommandResult dpdk = run_command(
      tickwire_binary(), {"replay", "--stats", "--idle-exit-ms", "300", "--eal",
                          "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error "
                          "--vdev=net_pcap0,rx_pcap=" + sample()});
  ASSERT_EQ(dpdk.exit_code, 0) << dpdk.err;
  EXPECT_EQ(split_lines(dpdk.out)[0], split_lines(first.out)[0]);  // the same messages

  // Every line is JSON; event lines come in (sequence, event index) order.
  std::int64_t last_seq = 0;
  std::int64_t last_index = -1;
  std::size_t events = 0;
  for (const std::string& line : split_lines(std::string(journal.begin(), journal.end()))) {
    const auto o = parse_json_line(line);
    ASSERT_TRUE(o) << line;
    if (!o->count("event")) continue;
    ++events;
    const auto seq = std::get<std::int64_t>(o->at("seq"));
    const auto index = std::get<std::int64_t>(o->at("event_index"));
    ASSERT_TRUE(seq > last_seq || (seq == last_seq && index > last_index)) << line;
    last_seq = seq;
    last_index = index;
  }
  EXPECT_EQ(stat(first.out, "events"), static_cast<std::int64_t>(events));
}

// Workers run messages in priority order, not sequence order; the journal must not show it.
TEST(ReplayCli, TheJournalIsTheSameInlineAndWithOneOrTwoWorkers) {
  const std::string dir = temp_dir();
  const CommandResult generated =
      run_command(tickwire_binary(), {"generate", "--out", dir + "/day.pcap", "--messages",
                                      std::to_string(test::scaled(300000, 100000)), "--halts",
                                      "3", "--burst", "5:2:10", "--ts-anomalies", "20", "--quiet"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  std::string inline_sha;
  for (const char* workers : {"0", "1", "2"}) {
    const CommandResult r =
        run_command(tickwire_binary(), {"replay", "--stats", "--workers", workers, "--stats", "--journal",
                                        dir + "/w" + workers + ".jsonl", "--journal-events", dir + "/day.pcap"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string sha = journal_sha(r.out);
    ASSERT_EQ(sha.size(), 64u) << r.out;
    if (inline_sha.empty()) {
      inline_sha = sha;
      continue;
    }
    EXPECT_EQ(sha, inline_sha) << workers << " workers";
    // The workers did reorder (else this test proves nothing): some messages ran ahead of
    // older ones, by priority or aging.
    std::uint64_t reordered = 0;
    for (const std::string& line : split_lines(r.out)) {
      const bool counts = line.find(".aged ") != std::string::npos || line.find(".run_early ") != std::string::npos;
      if (line.rfind("worker", 0) == 0 && counts) reordered += std::stoull(line.substr(line.find_last_of(' ') + 1));
    }
    EXPECT_GT(reordered, 0u) << r.out;
  }
}

// Every gap is an alert with its exact range: printed as it is declared, and journaled among
// the lines in stream order, so the journal is still the same on every layout. The ranges
// are the capture's own (what `tickwire audit` finds, itself checked against the generator).
TEST(ReplayCli, EveryGapIsAnAlertWithItsRangeInTheJournalOnEveryLayout) {
  const std::string dir = temp_dir();
  const CommandResult generated = run_command(
      tickwire_binary(), {"generate", "--out", dir + "/f.pcap", "--quiet", "--seed", "6", "--messages", "20000",
                          "--symbols", "30", "--rate", "1000000", "--gap-rate", "0.03", "--dup-rate", "0.03",
                          "--group-b", "233.54.13.111:26477"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  const CommandResult audit = run_command(tickwire_binary(), {"audit", dir + "/f.pcap"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  std::vector<std::pair<std::int64_t, std::int64_t>> audited;
  for (const std::string& line : split_lines(audit.out)) {
    const auto o = parse_json_line(line);
    if (o && o->count("first")) audited.emplace_back(std::get<std::int64_t>(o->at("first")), std::get<std::int64_t>(o->at("last")));
  }
  ASSERT_FALSE(audited.empty()) << "the scenario should lose something on both lines";
  std::string inline_sha;
  for (const char* workers : {"0", "2"}) {
    SCOPED_TRACE(std::string(workers) + " workers");
    const std::string journal = dir + "/w" + workers + ".jsonl";
    const CommandResult r =
        run_command(tickwire_binary(), {"replay", "--stats", "--workers", workers, "--stats", "--journal", journal, dir + "/f.pcap"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::pair<std::int64_t, std::int64_t>> journaled;
    std::int64_t previous_seq = 0;
    for (const std::string& line : split_lines(std::string(reinterpret_cast<const char*>(read_file(journal).data()),
                                                           read_file(journal).size()))) {
      const auto o = parse_json_line(line);
      ASSERT_TRUE(o) << line;
      const std::int64_t seq = std::get<std::int64_t>(o->at("seq"));
      EXPECT_GE(seq, previous_seq) << line;  // stream order, gaps included
      previous_seq = seq;
      if (!o->count("alert")) continue;
      EXPECT_EQ(std::get<std::string>(o->at("alert")), "gap");
      EXPECT_EQ(std::get<std::string>(o->at("session")), "TICKWIRE01");
      journaled.emplace_back(std::get<std::int64_t>(o->at("first")), std::get<std::int64_t>(o->at("last")));
    }
    EXPECT_EQ(journaled, audited);
    EXPECT_EQ(stat(r.out, "alerts.gaps"), static_cast<std::int64_t>(audited.size())) << r.out;
    const std::string first_alert = "alert: gap session=TICKWIRE01 first=" + std::to_string(audited[0].first) +
                                    " last=" + std::to_string(audited[0].second);
    EXPECT_NE(r.err.find(first_alert), std::string::npos) << r.err;
    if (inline_sha.empty()) {
      inline_sha = journal_sha(r.out);
    } else {
      EXPECT_EQ(journal_sha(r.out), inline_sha);
    }
  }
}

// Two days back to back (a capture over midnight, or two captures replayed in one go): the
// second MoldUDP64 session is the next trading day, as the second of two BinaryFILEs is. Its
// sequence starts again, and so do its locates and order references, and every order of the
// first day has expired. So the run must be exactly the two days run apart: the journal is
// the first day's alone followed by the second day's alone, line for line, on every layout.
// That holds only if the books start the second day empty (day one's resting orders once met
// day two's references), the clock starts over at midnight, the detector forgets each
// instrument's day-one window, and a swap script (--swap-every) runs again with each day.
// A journal's text without the swaps' version numbers, which count across the run.
std::string without_swap_versions(const std::vector<std::uint8_t>& bytes) {
  std::string text(bytes.begin(), bytes.end());
  for (std::size_t at; (at = text.find(",\"version\":")) != std::string::npos;) {
    text.erase(at, text.find('}', at) - at);
  }
  return text;
}

TEST(ReplayCli, TwoDaysInOneReplayAreTheTwoDaysRunApartOnEveryLayout) {
  const std::string dir = temp_dir();
  // The same securities both days (one seed), ten more listed on the second, which moves
  // most locates; each day's trading is its own.
  const std::vector<std::vector<std::string>> days = {
      {"--symbols", "80", "--session", "DAYONE0001"},
      {"--symbols", "90", "--session", "DAYTWO0002", "--date", "2026-11-25"}};
  for (const std::string format : {"pcap", "itch"}) {
    SCOPED_TRACE(format);
    std::string apart;
    std::vector<std::string> captures;
    for (std::size_t d = 0; d < days.size(); ++d) {
      captures.push_back(dir + "/d" + std::to_string(d) + "." + format);
      std::vector<std::string> args = {"generate", "--out", captures.back(), "--quiet", "--messages",
                                       std::to_string(test::scaled(60000, 20000)), "--seed", "11"};
      if (format == "pcap") args.insert(args.end(), {"--gap-rate", "0.01"});
      args.insert(args.end(), days[d].begin(), days[d].end());
      const CommandResult generated = run_command(tickwire_binary(), args);
      ASSERT_EQ(generated.exit_code, 0) << generated.err;
      const std::string journal = dir + "/alone" + std::to_string(d) + ".jsonl";
      const CommandResult alone = run_command(tickwire_binary(), {"replay", "--stats", "--jump-bps", "5", "--swap-every", "7000",
                                                                  "--journal", journal, "--journal-events", captures.back()});
      ASSERT_EQ(alone.exit_code, 0) << alone.err;
      apart += without_swap_versions(read_file(journal));
    }
    std::size_t signals = 0;
    for (const std::string& line : split_lines(apart)) signals += line.find("\"signal\"") != std::string::npos;
    EXPECT_GT(signals, 0u) << "no signal in either day: the detector's reset is not exercised";
    for (const std::string& workers : worker_layouts()) {
      SCOPED_TRACE(std::string(workers) + " workers");
      const std::string journal = dir + "/w" + workers + ".jsonl";
      const CommandResult r = run_command(
          tickwire_binary(), {"replay", "--stats", "--workers", workers, "--stats", "--jump-bps", "5", "--swap-every", "7000",
                              "--journal", journal, "--journal-events", captures[0], captures[1]});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(stat(r.out, "book.days_begun"), 1) << r.out;
      EXPECT_GT(stat(r.out, "book.orders_dropped_at_day_end"), 0) << r.err;
      if (std::string(workers) != "0") {
        EXPECT_EQ(stat(r.out, "router.sessions_after_first"), 1) << r.err;
      }
      const std::string together = without_swap_versions(read_file(journal));
      EXPECT_EQ(together.size(), apart.size());
      EXPECT_TRUE(together == apart) << "the two days run together differ from the two days run apart";
    }
  }
}

// One message may touch two books: an add (or a replace) onto the reference of an order still
// resting in another book removes that order first. Each book's part runs on the worker that
// owns its instrument, and the journal is the inline one. Real feeds never reuse a live
// reference, so this is built by hand; instruments 1 and 2 land on different workers.
TEST(ReplayCli, AMessageTouchingTwoBooksGivesTheInlineJournalOnEveryLayout) {
  const std::string dir = temp_dir();
  std::vector<Bytes> messages = {test::stock_directory(1, "XXX"), test::stock_directory(2, "YYY")};
  for (std::uint64_t k = 0; k < 40; ++k) {
    messages.push_back(test::add_order(1, 100 + k, 'B', 1000, "XXX", 100000 - 10 * static_cast<std::uint32_t>(k)));
    messages.push_back(test::add_order(2, 200 + k, 'S', 1000, "YYY", 200000 + 10 * static_cast<std::uint32_t>(k)));
  }
  for (std::uint64_t k = 0; k < 20; ++k) {
    messages.push_back(test::add_order(2, 100 + k, 'B', 500, "YYY", 150000));  // X's order, now Y's
    messages.push_back(test::order_replace(1, 300 + k, 200 + k, 700, 99000));  // unknown original: counted
    messages.push_back(test::order_replace(1, 120 + k, 200 + k, 700, 99000));  // new reference rests in Y
  }
  std::vector<Bytes> frames;
  for (std::size_t i = 0; i < messages.size(); i += 4) {
    const std::vector<Bytes> part(messages.begin() + static_cast<long>(i),
                                  messages.begin() + static_cast<long>(std::min(i + 4, messages.size())));
    frames.push_back(test::udp_frame(test::mold_packet("TWOBOOKS01", 1 + i, part)));
  }
  write_file(dir + "/two_books.pcap", test::pcap_file(frames));
  std::string inline_journal;
  for (const char* workers : {"0", "1", "2"}) {
    SCOPED_TRACE(std::string(workers) + " workers");
    const std::string journal = dir + "/w" + workers + ".jsonl";
    const CommandResult r = run_command(tickwire_binary(), {"replay", "--stats", "--workers", workers, "--stats", "--journal", journal,
                                                            "--journal-events", dir + "/two_books.pcap"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(stat(r.out, "book.anomalies.add_live_reference"), 20) << r.err;
    EXPECT_EQ(stat(r.out, "book.anomalies.replace_to_live_reference"), 20) << r.err;
    const std::vector<std::uint8_t> bytes = read_file(journal);
    const std::string text(bytes.begin(), bytes.end());
    if (inline_journal.empty()) {
      inline_journal = text;
      std::map<std::int64_t, std::set<std::int64_t>> locates_by_seq;
      for (const std::string& line : split_lines(text)) {
        const auto o = parse_json_line(line);
        ASSERT_TRUE(o) << line;
        if (o->count("event") && o->count("stock_locate")) {
          locates_by_seq[std::get<std::int64_t>(o->at("seq"))].insert(std::get<std::int64_t>(o->at("stock_locate")));
        }
      }
      const auto two_books = std::count_if(locates_by_seq.begin(), locates_by_seq.end(),
                                           [](const auto& entry) { return entry.second.size() > 1; });
      EXPECT_EQ(two_books, 40);
    } else {
      EXPECT_TRUE(text == inline_journal) << "the journal differs from the inline one";
    }
  }
}

// Some captures number their MoldUDP64 packets from 0 (the rewrapped real samples do). Key
// 0 once meant "nothing pushed yet" to the workers, which then never ran such a message: the
// journal with workers was empty where inline had the message's events.
TEST(ReplayCli, AFeedNumberedFromZeroGivesTheSameJournalWithWorkers) {
  const std::string capture = shared_dir() + "/data/itch50/nasdaq-totalview-rewrapped/AddOrderNoMPID.pcap";
  if (!std::filesystem::exists(capture)) GTEST_SKIP() << "no real captures";
  const std::string dir = temp_dir();
  std::string inline_sha;
  for (const char* workers : {"0", "2"}) {
    SCOPED_TRACE(std::string(workers) + " workers");
    const std::string journal = dir + "/w" + workers + ".jsonl";
    const CommandResult r =
        run_command(tickwire_binary(), {"replay", "--stats", "--workers", workers, "--journal", journal, "--journal-events", capture});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(read_file(journal).empty());
    if (inline_sha.empty()) {
      inline_sha = journal_sha(r.out);
    } else {
      EXPECT_EQ(journal_sha(r.out), inline_sha);
    }
  }
}

// A swap storm: the detector replaced every 150 messages while the messages flow. Nothing
// is lost or run twice (the retired events are the same as without swaps), every swap is in
// the journal at its sequence, and the journal is the same inline and with two workers.
TEST(ReplayCli, ASwapStormLosesNothingAndIsTheSameOnAnyLayout) {
  const std::string dir = temp_dir();
  const std::string day = source_dir() + "/pcap_samples/sample_day.pcap";
  const CommandResult plain = run_command(
      tickwire_binary(), {"replay", "--stats", "--journal", dir + "/plain.jsonl", "--journal-events", day});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  std::string inline_sha;
  for (const char* workers : {"0", "2"}) {
    const std::string path = dir + "/swap" + workers + ".jsonl";
    const CommandResult r = run_command(tickwire_binary(), {"replay", "--stats", "--workers", workers, "--swap-every", "150",
                                                            "--journal", path, "--journal-events", day});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Bytes journal = read_file(path);
    std::string events;
    std::uint64_t swaps = 0;
    std::int64_t expected_at = 150;
    for (const std::string& line : split_lines(std::string(journal.begin(), journal.end()))) {
      const auto o = parse_json_line(line);
      ASSERT_TRUE(o) << line;
      if (o->count("event")) events += line + "\n";
      if (!o->count("swap")) continue;
      ++swaps;
      EXPECT_EQ(std::get<std::int64_t>(o->at("seq")), expected_at);  // the sample has no gaps
      EXPECT_EQ(std::get<std::int64_t>(o->at("version")), static_cast<std::int64_t>(swaps));
      expected_at += 150;
    }
    const Bytes plain_journal = read_file(dir + "/plain.jsonl");
    std::string plain_events;
    for (const std::string& line : split_lines(std::string(plain_journal.begin(), plain_journal.end()))) {
      if (line.find("\"event\":") != std::string::npos) plain_events += line + "\n";
    }
    EXPECT_EQ(events, plain_events) << workers << " workers";
    EXPECT_EQ(swaps, 8000u / 150u);
    EXPECT_EQ(stat(r.out, "swaps"), static_cast<std::int64_t>(swaps)) << r.out;
    if (inline_sha.empty()) {
      inline_sha = journal_sha(r.out);
    } else {
      EXPECT_EQ(journal_sha(r.out), inline_sha);
    }
  }
}

// A new implementation swapped in from a shared object while the replay runs: its signals
// appear from the swap on, the same inline and with workers; a stage that cannot be loaded
// is an error before anything runs.
TEST(ReplayCli, AStageFromASharedObjectIsSwappedInAtItsSequence) {
  const std::string dir = temp_dir();
  const std::string day = source_dir() + "/pcap_samples/sample_day.pcap";
  const std::string plugin = build_dir() + "/dataplane/tickwire_large_trade.so";
  std::string first_sha;
  for (const char* workers : {"0", "2"}) {
    const std::string path = dir + "/p" + workers + ".jsonl";
    const CommandResult r =
        run_command(tickwire_binary(), {"replay", "--stats", "--workers", workers, "--swap-every", "4000", "--swap-plugin",
                                        plugin, "--swap-params", "min_shares=500", "--journal", path, day});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Bytes journal = read_file(path);
    std::uint64_t large = 0;
    for (const std::string& line : split_lines(std::string(journal.begin(), journal.end()))) {
      const auto o = parse_json_line(line);
      ASSERT_TRUE(o) << line;
      if (!o->count("signal") || std::get<std::string>(o->at("signal")) != "large_trade") continue;
      ++large;
      EXPECT_GE(std::get<std::int64_t>(o->at("seq")), 4000);
      EXPECT_GE(std::get<std::int64_t>(o->at("shares")), 500);
    }
    EXPECT_GT(large, 0u);
    if (first_sha.empty()) {
      first_sha = journal_sha(r.out);
    } else {
      EXPECT_EQ(journal_sha(r.out), first_sha);
    }
  }
  const CommandResult missing = run_command(
      tickwire_binary(), {"replay", "--stats", "--swap-every", "10", "--swap-plugin", dir + "/none.so", day});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find(dir + "/none.so"), std::string::npos) << missing.err;
  EXPECT_EQ(run_command(tickwire_binary(), {"replay", "--stats", "--swap-plugin", plugin, day}).exit_code, 2);
}

TEST(ReplayCli, AScriptedJumpGivesOneSignalAtItsMessage) {
  // A two-sided book, then an ask far above and the old ask lifted: the mid jumps.
  // Exchange times a microsecond apart, as the capture's own (1 us per frame).
  std::vector<Bytes> messages = {
      stock_directory(1, "JUMP", 39'999'999'999'000),
      add_order(1, 1, 'B', 1000, "JUMP", 1000000, 40'000'000'000'000),
      add_order(1, 2, 'S', 1000, "JUMP", 1000200, 40'000'000'001'000),
      add_order(1, 3, 'S', 1000, "JUMP", 1020000, 40'000'000'002'000),
      order_delete(1, 2, 40'000'000'003'000),  // best ask 102.00: the mid moves ~1%
  };
  std::vector<Bytes> frames;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    frames.push_back(udp_frame(mold_packet("JUMPTEST01", 1 + i, {messages[i]})));
  }
  const std::string dir = temp_dir();
  write_file(dir + "/jump.pcap", pcap_file(frames));
  const CommandResult r = run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/j.jsonl", dir + "/jump.pcap"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Bytes journal = read_file(dir + "/j.jsonl");
  const auto lines = split_lines(std::string(journal.begin(), journal.end()));
  ASSERT_EQ(lines.size(), 1u) << r.out << r.err;
  const auto o = parse_json_line(lines[0]);
  ASSERT_TRUE(o);
  EXPECT_EQ(std::get<std::string>(o->at("signal")), "price_jump");
  EXPECT_EQ(std::get<std::int64_t>(o->at("seq")), 5);
  EXPECT_EQ(std::get<std::string>(o->at("stock")), "JUMP");
  EXPECT_EQ(std::get<std::int64_t>(o->at("bps")), 98);  // (2020000 - 2000200) * 10000 / 2000200
}

// Paced, the RX core releases each message at its intended arrival time and latency is
// measured from there; the sequencer and the stages still run on capture time, so the journal
// is the one of an unpaced replay, also on a capture with gaps and reordering.
TEST(ReplayCli, APacedReplayMeasuresFromIntendedArrivalAndKeepsTheJournal) {
  const std::string dir = temp_dir();
  const CommandResult unpaced =
      run_command(tickwire_binary(), {"replay", "--stats", "--journal", dir + "/unpaced.jsonl", "--journal-events", sample()});
  ASSERT_EQ(unpaced.exit_code, 0) << unpaced.err;
  for (const char* workers : {"0", "2"}) {
    const std::string latency_dir = dir + "/latency" + workers;
    const CommandResult paced = run_command(
        tickwire_binary(), {"replay", "--stats", "--rate", "100000", "--burst", "4", "--workers", workers, "--journal",
                            dir + "/paced.jsonl", "--journal-events", "--latency-dir", latency_dir, sample()});
    ASSERT_EQ(paced.exit_code, 0) << paced.err;
    EXPECT_EQ(journal_sha(paced.out), journal_sha(unpaced.out)) << workers << " workers";
    const std::int64_t messages = stat(paced.out, "messages");
    ASSERT_GT(messages, 0) << paced.out;
    // One latency figure per message that reached the stages (every message, on this capture).
    const std::int64_t measured = stat(paced.out, "latency.end_to_end.count");
    EXPECT_GT(measured, 0) << paced.out;
    EXPECT_LE(measured, messages);
    const std::string file = latency_dir + (std::string(workers) == "0" ? "/end_to_end.hgrm" : "/end_to_end.critical.hgrm");
    const Bytes hgrm = read_file(file);
    ASSERT_FALSE(hgrm.empty()) << file;
    EXPECT_NE(std::string(hgrm.begin(), hgrm.end()).find("Percentile"), std::string::npos);
    EXPECT_FALSE(read_file(latency_dir + "/stage.price_move.cost.hgrm").empty());
  }
  EXPECT_EQ(run_command(tickwire_binary(), {"replay", "--stats", "--rate", "1000", "--speed", "2", sample()}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"replay", "--stats", "--burst", "2", sample()}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"replay", "--stats", "--speed", "-1", sample()}).exit_code, 2);
}

// SIGTERM mid-replay: the replay stops at a message boundary, flushes the journal, prints its
// sha256 and exits with 128 + the signal. What it wrote is a prefix of the full journal.
TEST(ReplayCli, SigtermMidReplayLeavesAValidJournal) {
  const std::string dir = temp_dir();
  const CommandResult generated = run_command(
      tickwire_binary(), {"generate", "--out", dir + "/day.pcap", "--messages", "200000", "--quiet"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  const CommandResult full = run_command(
      tickwire_binary(), {"replay", "--stats", "--journal", dir + "/full.jsonl", "--journal-events", dir + "/day.pcap"});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  for (const char* workers : {"0", "2"}) {
    const std::string cut = dir + "/cut" + workers + ".jsonl";
    // 200,000 messages at 20,000 a second: ten seconds, stopped as soon as it has started.
    Background replay = run_in_background(tickwire_binary(), {"replay", "--stats", "--rate", "20000", "--workers", workers,
                                                              "--journal", cut, "--journal-events", dir + "/day.pcap"});
    ASSERT_GT(replay.pid, 0);
    auto started = [&cut] {
      std::error_code ec;
      return std::filesystem::file_size(cut, ec) > 0 && !ec;
    };
    for (int waited = 0; !started() && waited < 60'000; waited += 10) usleep(10'000);
    ASSERT_TRUE(started()) << "the replay never started writing its journal";
    EXPECT_EQ(replay.signal_and_wait(SIGTERM, 60'000), 128 + SIGTERM);
    const std::string out = replay.stop();
    const Bytes written = read_file(cut);
    const Bytes complete = read_file(dir + "/full.jsonl");
    ASSERT_LT(written.size(), complete.size()) << "the replay ended before the signal: nothing was tested";
    EXPECT_TRUE(std::equal(written.begin(), written.end(), complete.begin())) << "not a prefix of the full journal";
    ASSERT_FALSE(written.empty());
    EXPECT_EQ(written.back(), '\n') << "the journal ends mid-line";
    format::Sha256 sha;
    sha.update(written.data(), written.size());
    EXPECT_EQ(figure(out, "journal.path"), cut) << out;
    EXPECT_EQ(journal_sha(out), sha.hex()) << out;
  }
}

// A budget of 1 ns, which almost every call overruns, keeps the overrun policy in force.
// skip_low: low-class messages bypass the detector, each one a journal line; degrade: the
// detector judges price jumps only, so liquidity drops go unsignalled.
TEST(ReplayCli, OverrunPoliciesActAndTheirDecisionsAreJournalled) {
  const std::string dir = temp_dir();
  const CommandResult skip = run_command(tickwire_binary(), {"replay", "--stats", "--workers", "1", "--budget-ns", "1",
                                                             "--overrun", "skip_low", "--journal",
                                                             dir + "/skip.jsonl", sample()});
  ASSERT_EQ(skip.exit_code, 0) << skip.err;
  const Bytes journal = read_file(dir + "/skip.jsonl");
  // Skips happen only while the stage is over budget (a call may still fit 1 ns on a coarse
  // TSC, which lifts the policy until the next overrun).
  std::int64_t over = 0, skipped_lines = 0;
  bool over_budget = false;
  for (const std::string& line : split_lines(std::string(journal.begin(), journal.end()))) {
    const auto o = parse_json_line(line);
    ASSERT_TRUE(o) << line;
    if (!o->count("notice")) continue;
    const std::string notice = std::get<std::string>(o->at("notice"));
    if (notice == "over_budget") {
      EXPECT_FALSE(over_budget) << line;
      over_budget = true;
      ++over;
    } else if (notice == "within_budget") {
      EXPECT_TRUE(over_budget) << line;
      over_budget = false;
    } else {
      EXPECT_EQ(notice, "skipped") << line;
      EXPECT_TRUE(over_budget) << line;
      ++skipped_lines;
    }
  }
  EXPECT_GE(over, 1);
  EXPECT_GT(skipped_lines, 0);
  EXPECT_EQ(stat(skip.out, "stage.price_move.skipped"), skipped_lines) << skip.out;

  const CommandResult full = run_command(tickwire_binary(), {"replay", "--stats", sample()});
  const CommandResult degrade =
      run_command(tickwire_binary(), {"replay", "--stats", "--budget-ns", "1", "--overrun", "degrade", sample()});
  ASSERT_EQ(degrade.exit_code, 0) << degrade.err;
  ASSERT_GT(stat(full.out, "signals.liquidity_drop"), 0) << "the sample has no drop: nothing is tested";
  EXPECT_LT(stat(degrade.out, "signals.liquidity_drop"), stat(full.out, "signals.liquidity_drop"));
  // (Not the same jumps: a drop signal restarts its instrument's window.)
  EXPECT_GT(stat(degrade.out, "signals.price_jump"), 0);
  EXPECT_EQ(run_command(tickwire_binary(), {"replay", "--stats", "--overrun", "panic", sample()}).exit_code, 2);
}

// The smallest rings on both sides of two workers, every event journaled and a stage budget
// so tight that its overrun notices come and go: the workers wait on full output rings while
// the RX core waits on full input rings. The merge thread empties the outputs without waiting
// on anyone, so the replay ends, with the signals an inline replay gives.
TEST(ReplayCli, FullRingsOnBothSidesOfTheWorkersDoNotStallTheReplay) {
  const std::string dir = temp_dir();
  const CommandResult inline_run = run_command(tickwire_binary(), {"replay", "--stats", "--journal",
                                                                   dir + "/inline.jsonl", sample()});
  ASSERT_EQ(inline_run.exit_code, 0) << inline_run.err;
  const Watchdog watchdog(std::chrono::seconds(240), "a replay with full rings on both sides stalled");
  const CommandResult r = run_command(
      tickwire_binary(),
      {"replay", "--stats", "--workers", "2", "--set", "workers.output_records=16", "--set",
       "workers.ring_events.critical=16", "--set", "workers.ring_events.high=16", "--set",
       "workers.ring_events.normal=16", "--set", "workers.ring_events.low=16", "--budget-ns", "40", "--journal",
       dir + "/tight.jsonl", "--journal-events", sample()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(stat(r.out, "worker0.output_waits") + stat(r.out, "worker1.output_waits"), 0)
      << "no output ring ever filled: nothing was tested\n" << r.out;
  auto signals = [](const std::string& path) {
    std::string kept;
    const Bytes bytes = read_file(path);
    for (const std::string& line : split_lines(std::string(bytes.begin(), bytes.end()))) {
      if (line.find("\"signal\":") != std::string::npos) kept += line + "\n";
    }
    return kept;
  };
  EXPECT_EQ(signals(dir + "/tight.jsonl"), signals(dir + "/inline.jsonl"));
  EXPECT_NE(signals(dir + "/inline.jsonl"), "");
}

// output.status_interval_s: a line a second on stderr while it runs, with the rate, RSS and
// the latency over that second; the workers copy their histograms when asked.
TEST(ReplayCli, StatusLinesComeEverySoManySecondsWithRateRssAndLatency) {
  const CommandResult r = run_command(
      tickwire_binary(), {"replay", "--workers", "1", "--rate", "20000", "--set", "output.status_interval_s=1",
                          source_dir() + "/pcap_samples/demo_day.pcap.gz"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t lines = 0;
  for (const std::string& line : split_lines(r.err)) {
    if (line.find(": status ") == std::string::npos) continue;
    ++lines;
    EXPECT_NE(line.find(" messages, "), std::string::npos) << line;
    EXPECT_NE(line.find("/s over the last 1s, RSS "), std::string::npos) << line;
    EXPECT_NE(line.find(" MiB, end to end p50 "), std::string::npos) << line;
    EXPECT_NE(line.find(" p99.9 "), std::string::npos) << line;
  }
  EXPECT_GE(lines, 1u) << r.err;  // 30,000 messages at 20,000 a second: a second and a half
  const CommandResult quiet = run_command(tickwire_binary(), {"replay", "--workers", "1", sample()});
  EXPECT_EQ(quiet.err.find(": status "), std::string::npos) << "none unless asked for";
}

TEST(ReplayCli, BadOptionsExitWith2) {
  EXPECT_EQ(run_command(tickwire_binary(), {"replay", "--stats", "--journal-events", sample()}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"replay", "--stats", "--drop-percent", "101", sample()}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"replay"}).exit_code, 2);
  EXPECT_EQ(run_command(tickwire_binary(), {"replay", "--stats", "--workers", "65", sample()}).exit_code, 2);
}

}  // namespace
}  // namespace tickwire::test
