// The pattern layer as a user runs it ([pattern.NAME] tables in the configuration): with one
// feed its lines join the feed's journal in stream order, with several they go to the
// process journal while each feed's journal stays what its capture gives alone; the journals
// are byte-identical whatever the layout (inline or 1 or 2 feed workers, the patterns on the
// merge thread or on 1 or 2 pattern threads); a table that cannot work is refused with its
// key named, before anything runs.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

std::string text_of(const std::string& path) {
  const Bytes bytes = read_file(path);
  return std::string(bytes.begin(), bytes.end());
}

// The value of "key": in a JSON line (a string's without its quotes; "" when absent).
std::string field(const std::string& line, const std::string& key) {
  const std::string tag = "\"" + key + "\":";
  const std::size_t at = line.find(tag);
  if (at == std::string::npos) return "";
  std::size_t from = at + tag.size();
  if (line[from] == '"') {
    const std::size_t end = line.find('"', from + 1);
    return line.substr(from + 1, end - from - 1);
  }
  std::size_t end = from;
  while (end < line.size() && line[end] != ',' && line[end] != '}') ++end;
  return line.substr(from, end - from);
}

bool is_pattern_line(const std::string& line) { return line.find("\"pattern\":") != std::string::npos; }

// One venue's day with gaps, a halt and a burst; its patterns watch a few of its securities.
struct OneVenue {
  std::string dir = temp_dir();
  std::string capture = dir + "/day.pcap";
  std::string config = dir + "/patterns.toml";
  OneVenue() {
    const CommandResult g = run_command(
        tickwire_binary(), {"generate", "--out", capture, "--seed", "11", "--messages", "40000", "--symbols", "12",
                            "--rate", "20000", "--halts", "1", "--group-b", "233.54.13.111:26477", "--gap-rate",
                            "0.002", "--reorder-rate", "0.002", "--burst", "0.5:0.5:5", "--quiet"});
    EXPECT_EQ(g.exit_code, 0) << g.err;
    write_file(config,
               "[pattern.sweep]\ntemplate = \"sequence\"\nsecurities = [\"*\"]\n"
               "steps = [\"level_removed depth<=0 x2\", \"trade\"]\nwithin_us = 50000\nsame_side = true\n"
               "[pattern.pair]\ntemplate = \"pair_spread\"\nsecurities = [\"" + symbol(0) + "\", \"" + symbol(1) +
                   "\"]\nwindow_ms = 5000\nmin_samples = 20\n"
                   "[pattern.lead]\ntemplate = \"lead_lag\"\nsecurities = [\"" + symbol(0) + "\", \"" + symbol(2) +
                   "\", \"" + symbol(3) + "\"]\nmove_bps = 5\nfollower_bps = 2\nwithin_ms = 500\n"
                   "[pattern.corr]\ntemplate = \"correlation_break\"\nsecurities = [\"" + symbol(0) + "\", \"" +
                   symbol(1) + "\", \"" + symbol(2) + "\"]\ngrid_ms = 10\nwindow_ms = 200\nnorm_window_ms = 2000\n"
                   "threshold = 0.3\nmin_samples = 10\n");
  }
  // The capture's securities, most traded first (what `decode` shows).
  std::string symbol(std::size_t i) {
    if (symbols_.empty()) {
      const CommandResult d = run_command(tickwire_binary(), {"decode", capture});
      std::map<std::string, std::size_t> counts;
      for (const std::string& line : split_lines(d.out)) {
        const std::string s = field(line, "stock");
        if (!s.empty()) ++counts[s];
      }
      std::vector<std::pair<std::size_t, std::string>> ranked;
      for (const auto& [s, n] : counts) ranked.emplace_back(n, s);
      std::sort(ranked.rbegin(), ranked.rend());
      for (const auto& r : ranked) symbols_.push_back(r.second);
    }
    return i < symbols_.size() ? symbols_[i] : "NONE";
  }
  std::vector<std::string> symbols_;
};

CommandResult replay(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"replay", "--stats"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_command(tickwire_binary(), args);
}

TEST(PatternsCli, OneFeedJournalTakesThePatternLinesInStreamOrderOnEveryLayout) {
  OneVenue venue;
  // Without the patterns: the feed's own lines.
  const std::string plain = venue.dir + "/plain.jsonl";
  const CommandResult base = replay({"--journal", plain, "--journal-events", venue.capture});
  ASSERT_EQ(base.exit_code, 0) << base.err;

  // Every pair of layouts in the release build; under the sanitizers (test::scaled) each count
  // of workers and of pattern threads still runs, on four of the nine pairs.
  std::vector<std::pair<const char*, const char*>> layouts = {{"0", "0"}, {"1", "1"}, {"2", "2"}, {"0", "2"}};
  if (test::scaled(9) == 9) layouts = {{"0", "0"}, {"0", "1"}, {"0", "2"}, {"1", "0"}, {"1", "1"},
                                       {"1", "2"}, {"2", "0"}, {"2", "1"}, {"2", "2"}};
  std::string first;
  for (const auto& [workers, pattern_threads] : layouts) {
    const std::string journal = venue.dir + "/j" + workers + pattern_threads + ".jsonl";
    const CommandResult r =
        replay({"--config", venue.config, "--set", std::string("workers.count=") + workers, "--set",
                std::string("patterns.workers=") + pattern_threads, "--journal", journal, "--journal-events",
                venue.capture});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string text = text_of(journal);
    if (first.empty()) {
      first = text;
      continue;
    }
    EXPECT_EQ(text, first) << "workers " << workers << ", pattern threads " << pattern_threads;
  }
  // Every template fired, and the pattern layer took the feed's updates.
  std::map<std::string, std::size_t> by_pattern;
  std::string others;
  std::uint64_t last_seq = 0;
  for (const std::string& line : split_lines(first)) {
    if (!is_pattern_line(line)) {
      others += line + "\n";
      continue;
    }
    ++by_pattern[field(line, "pattern")];
    EXPECT_EQ(field(line, "feed"), "feed") << line;
    const std::uint64_t seq = std::stoull(field(line, "seq"));
    EXPECT_GE(seq, last_seq) << line;  // one session: pattern lines come in sequence order
    last_seq = seq;
  }
  for (const char* name : {"sweep", "pair", "lead", "corr"}) EXPECT_GT(by_pattern[name], 0u) << name;
  // The feed's own lines are untouched by the patterns between them.
  EXPECT_EQ(others, text_of(plain));

  // Each pattern line sits after every line of its message and before those of the next: the
  // line before it has a seq at or below its own, the line after one above it (or equal, for
  // another pattern line of the same message).
  const std::vector<std::string> lines = split_lines(first);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!is_pattern_line(lines[i])) continue;
    const std::string seq = field(lines[i], "seq");
    if (i > 0 && !field(lines[i - 1], "seq").empty()) {
      EXPECT_LE(std::stoull(field(lines[i - 1], "seq")), std::stoull(seq)) << lines[i - 1] << "\n" << lines[i];
    }
    if (i + 1 < lines.size() && !field(lines[i + 1], "seq").empty() && !is_pattern_line(lines[i + 1])) {
      EXPECT_GT(std::stoull(field(lines[i + 1], "seq")), std::stoull(seq)) << lines[i] << "\n" << lines[i + 1];
    }
  }
}

TEST(PatternsCli, SummaryAndFiguresCountThePatternSignals) {
  OneVenue venue;
  const CommandResult r = replay({"--config", venue.config, venue.capture});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\npatterns\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("instances   4, on the merge thread"), std::string::npos) << r.out;
  EXPECT_EQ(stat(r.out, "patterns.instances"), 4);
  EXPECT_GT(stat(r.out, "patterns.updates"), 0);
  EXPECT_EQ(stat(r.out, "patterns.updates"), stat(r.out, "patterns.tap.updates"));
  EXPECT_EQ(stat(r.out, "patterns.tap.lost"), 0);
  EXPECT_EQ(stat(r.out, "patterns.signals_dropped"), 0);
  const std::int64_t signals = stat(r.out, "patterns.signals");
  EXPECT_GT(signals, 0);
  std::int64_t by_kind = 0;
  for (const char* kind : {"divergence", "convergence", "expected_move", "correlation_break", "sequence"}) {
    by_kind += std::max<std::int64_t>(0, stat(r.out, std::string("patterns.signals.") + kind));
  }
  EXPECT_EQ(by_kind, signals);
}

// Two venues listing the same securities at the same prices, each with its own flow: they
// lock and cross each other all day.
struct TwoVenues {
  std::string dir = temp_dir();
  std::string nasdaq = dir + "/nasdaq.pcap";
  std::string bx = dir + "/bx.pcap";
  std::string config = dir + "/venues.toml";
  TwoVenues() {
    const CommandResult a = run_command(
        tickwire_binary(), {"generate", "--out", nasdaq, "--seed", "3", "--universe-seed", "9", "--messages", "30000",
                            "--symbols", "10", "--rate", "20000", "--halts", "1", "--group-b",
                            "233.49.196.111:26477", "--gap-rate", "0.002", "--quiet"});
    const CommandResult b = run_command(
        tickwire_binary(), {"generate", "--out", bx, "--seed", "4", "--universe-seed", "9", "--messages", "20000",
                            "--symbols", "10", "--rate", "15000", "--group", "233.54.12.112:26477", "--session",
                            "BXSESSION1", "--quiet"});
    EXPECT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(b.exit_code, 0) << b.err;
    // Written bx first: ranks follow the names, not the order of the tables.
    write_file(config, "[feed.bx]\ninput.files = [\"" + bx + "\"]\n[feed.nasdaq]\ninput.files = [\"" + nasdaq +
                           "\"]\n[pattern.xv]\ntemplate = \"cross_venue\"\nsecurities = [\"*\"]\n");
  }
};

TEST(PatternsCli, SeveralFeedsWriteTheirCrossVenueSignalsToTheProcessJournalOnEveryLayout) {
  TwoVenues venues;
  std::string first, first_nasdaq, first_bx;
  for (const char* workers : {"0", "2"}) {
    for (const char* pattern_threads : {"0", "2"}) {
      const std::string journal = venues.dir + "/x" + workers + pattern_threads + ".jsonl";
      const CommandResult r = replay({"--config", venues.config, "--set", std::string("workers.count=") + workers,
                                      "--set", std::string("patterns.workers=") + pattern_threads, "--journal",
                                      journal, "--journal-events"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const std::string base = venues.dir + "/x" + workers + pattern_threads;
      if (first.empty()) {
        first = text_of(journal);
        first_nasdaq = text_of(base + ".nasdaq.jsonl");
        first_bx = text_of(base + ".bx.jsonl");
        EXPECT_EQ(figure(r.out, "patterns.journal.path"), journal);
        continue;
      }
      EXPECT_EQ(text_of(journal), first) << workers << " " << pattern_threads;
      EXPECT_EQ(text_of(base + ".nasdaq.jsonl"), first_nasdaq);
      EXPECT_EQ(text_of(base + ".bx.jsonl"), first_bx);
    }
  }
  // The feeds' journals hold no pattern line and are what each capture gives alone.
  const CommandResult alone =
      replay({"--journal", venues.dir + "/alone.jsonl", "--journal-events", venues.nasdaq});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_EQ(first_nasdaq, text_of(venues.dir + "/alone.jsonl"));

  // Each signal to the contract: a crossed bid above the ask, a locked one equal, two feeds.
  std::size_t locked = 0, crossed = 0;
  std::set<std::string> feeds;
  for (const std::string& line : split_lines(first)) {
    ASSERT_EQ(field(line, "template"), "cross_venue") << line;
    const std::int64_t bid = std::stoll(field(line, "bid"));
    const std::int64_t ask = std::stoll(field(line, "ask"));
    EXPECT_NE(field(line, "bid_feed"), field(line, "ask_feed")) << line;
    if (field(line, "signal") == "crossed") {
      ++crossed;
      EXPECT_GT(bid, ask) << line;
    } else {
      ASSERT_EQ(field(line, "signal"), "locked") << line;
      ++locked;
      EXPECT_EQ(bid, ask) << line;
    }
    feeds.insert(field(line, "feed"));
  }
  EXPECT_GT(locked, 0u);
  EXPECT_GT(crossed, 0u);
  EXPECT_EQ(feeds, (std::set<std::string>{"bx", "nasdaq"}));
}

TEST(PatternsCli, ATableThatCannotWorkIsRefusedWithItsKeyNamed) {
  OneVenue venue;
  struct Case {
    std::string table;
    std::string named;
    int exit_code;  // 2: the configuration is wrong; 1: it cannot run (the reference data lacks what it needs)
  };
  const std::vector<Case> cases = {
      {"[pattern.p]\ntemplate = \"pairs\"\nsecurities = [\"A\", \"B\"]\n", "bad.toml:2: pattern.p.template", 2},
      {"[pattern.p]\ntemplate = \"pair_spread\"\nsecurities = [\"A\"]\n", "pattern.p.securities", 2},
      {"[pattern.p]\ntemplate = \"pair_spread\"\nsecurities = [\"A\", \"B\"]\nentry_z = -1\n",
       "bad.toml:4: pattern.p.entry_z", 2},
      {"[pattern.p]\ntemplate = \"pair_spread\"\nsecurities = [\"A\", \"B\"]\nwindow = 5\n",
       "bad.toml:4: pattern.p.window", 2},
      {"[pattern.p]\ntemplate = \"sequence\"\nsecurities = [\"A\"]\nsteps = [\"jump\"]\nwithin_us = 5\n",
       "pattern.p.steps", 2},
      {"[pattern.p]\ntemplate = \"basket_premium\"\nsecurities = [\"ETF\"]\n", "ETF has no basket", 1},
  };
  for (const Case& c : cases) {
    const std::string config = venue.dir + "/bad.toml";
    write_file(config, c.table);
    const std::string journal = venue.dir + "/never.jsonl";
    const CommandResult r = replay({"--config", config, "--journal", journal, venue.capture});
    EXPECT_EQ(r.exit_code, c.exit_code) << c.table << r.err;
    EXPECT_NE(r.err.find(c.named), std::string::npos) << c.table << r.err;
    EXPECT_EQ(r.out, "") << c.table;  // refused before anything ran
  }
}

TEST(PatternsCli, ThePatternLayerIsPlannedWithinTheMemoryBudget) {
  OneVenue venue;
  // The default layer needs tens of MiB: not within 8, and what it takes comes off the books'.
  const CommandResult r = replay({"--config", venue.config, "--set", "memory.budget_mb=8", venue.capture});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the pattern layer needs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("patterns.max_securities"), std::string::npos) << r.err;
  const CommandResult smaller = replay({"--config", venue.config, "--set", "memory.budget_mb=8", "--set",
                                        "patterns.max_securities=64", "--set", "patterns.ring_updates=1024", "--set",
                                        "book.max_instruments=64", "--set", "patterns.output_records=64",
                                        venue.capture});
  EXPECT_NE(smaller.err.find("less the pattern layer's"), std::string::npos) << smaller.err;
}

// `tickwire ctl pattern` on a running session: instances added, re-parameterized and removed,
// each change journaled at the update it took effect from; bad changes refused with the key.
TEST(PatternsCli, CtlAddsSetsAndRemovesPatternsWhileItRuns) {
  OneVenue venue;
  const std::string socket = venue.dir + "/ctl.sock";
  const std::string journal = venue.dir + "/live_changes.jsonl";
  const std::string config = venue.dir + "/one.toml";
  write_file(config, "[pattern.sweep]\ntemplate = \"sequence\"\nsecurities = [\"*\"]\n"
                     "steps = [\"level_removed depth<=0 x2\", \"trade\"]\nwithin_us = 50000\n");
  Background replay = run_in_background(
      tickwire_binary(), {"replay", "--stats", "--config", config, "--workers", "1", "--rate", "2000", "--control",
                          socket, "--journal", journal, venue.capture});
  ASSERT_NE(replay.wait_for_line("tickwire replay: control:", 120'000, /*on_stderr=*/true), "");
  auto ctl = [&](std::vector<std::string> words) {
    words.insert(words.begin(), {"ctl", "--socket", socket, "pattern"});
    return run_command(tickwire_binary(), words);
  };
  const CommandResult list = ctl({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.out << list.err;
  EXPECT_NE(list.out.find("sweep template=sequence version=1"), std::string::npos) << list.out;

  const CommandResult added = ctl({"add", "pair", "template=pair_spread",
                                   "securities=" + venue.symbol(0) + "," + venue.symbol(1), "window_ms=5000",
                                   "min_samples=20"});
  EXPECT_EQ(added.exit_code, 0) << added.out;
  EXPECT_NE(added.out.find("ok: pattern pair added (version 1)"), std::string::npos) << added.out;
  // Refused, with the key named; the session goes on.
  const CommandResult unknown = ctl({"add", "bad", "template=pairs", "securities=A,B"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.out.find("pattern.bad.template"), std::string::npos) << unknown.out;
  const CommandResult twice = ctl({"add", "pair", "template=pair_spread", "securities=A,B"});
  EXPECT_NE(twice.out.find("already running"), std::string::npos) << twice.out;
  const CommandResult out_of_range = ctl({"set", "pair", "entry_z=-3"});
  EXPECT_NE(out_of_range.out.find("pattern.pair.entry_z"), std::string::npos) << out_of_range.out;
  const CommandResult fixed = ctl({"set", "pair", "securities=A,B"});
  EXPECT_NE(fixed.out.find("pattern.pair.securities: fixed while it runs"), std::string::npos) << fixed.out;
  EXPECT_NE(ctl({"remove", "nosuch"}).out.find("no such pattern"), std::string::npos);

  const CommandResult set = ctl({"set", "sweep", "within_us=100"});
  EXPECT_EQ(set.exit_code, 0) << set.out;
  EXPECT_NE(set.out.find("ok: pattern sweep set (version 2)"), std::string::npos) << set.out;
  const CommandResult removed = ctl({"remove", "sweep"});
  EXPECT_EQ(removed.exit_code, 0) << removed.out;
  const CommandResult after = ctl({"list"});
  EXPECT_EQ(after.out.find("sweep"), std::string::npos) << after.out;
  // No securities file configured: nothing to reload, and it says so.
  const CommandResult no_file = run_command(tickwire_binary(), {"ctl", "--socket", socket, "securities", "reload"});
  EXPECT_EQ(no_file.exit_code, 1);
  EXPECT_EQ(no_file.out.rfind("error:", 0), 0u) << no_file.out;
  EXPECT_NE(no_file.out.find("patterns.securities_file is not set"), std::string::npos) << no_file.out;
  EXPECT_NE(after.out.find("pair template=pair_spread version=1"), std::string::npos) << after.out;
  // Stopped mid-replay: what ran until then is journaled.
  EXPECT_EQ(replay.signal_and_wait(SIGTERM, 60'000), 128 + SIGTERM);

  // Each change is journaled once, in order, and the instances' lines agree with it: sweep's
  // signals carry version 1 before its set line and 2 after it until its removal, none after.
  const std::vector<std::string> lines = split_lines(text_of(journal));
  std::vector<std::string> changes;
  int sweep_version = 1;
  bool sweep_removed = false, pair_added = false;
  for (const std::string& line : lines) {
    if (!is_pattern_line(line)) continue;
    const std::string pattern = field(line, "pattern");
    const std::string change = field(line, "change");
    if (!change.empty()) {
      changes.push_back(pattern + " " + change + " " + field(line, "version"));
      if (pattern == "sweep" && change == "set") sweep_version = 2;
      if (pattern == "sweep" && change == "removed") sweep_removed = true;
      if (pattern == "pair" && change == "added") pair_added = true;
      continue;
    }
    if (pattern == "sweep") {
      EXPECT_FALSE(sweep_removed) << line;
      EXPECT_EQ(field(line, "version"), std::to_string(sweep_version)) << line;
    }
    if (pattern == "pair") {
      EXPECT_TRUE(pair_added) << line;
    }
  }
  EXPECT_EQ(changes, (std::vector<std::string>{"pair added 1", "sweep set 2", "sweep removed 2"}));
}

// `tickwire ctl securities reload` on a running session: a changed basket rebuilds the
// basket_premium instance at a new version from one journaled merge key (its signals carry
// version 1 before the reload line and 2 after); a file that does not parse is refused with
// its line and key, and the session goes on with the data in force.
// `pattern_workers`: on one pattern thread, or on two that must take it at the same key.
void reload_while_running(const std::string& pattern_workers) {
  OneVenue venue;
  const std::string socket = venue.dir + "/ctl.sock";
  const std::string journal = venue.dir + "/reload.jsonl";
  const std::string securities = venue.dir + "/securities.toml";
  const std::string config = venue.dir + "/etf.toml";
  const std::string etf = venue.symbol(0);
  auto basket = [&](int first, int second) {
    return "[security." + etf + "]\nbasket = { " + venue.symbol(1) + " = " + std::to_string(first) + ", " +
           venue.symbol(2) + " = " + std::to_string(second) + " }\nbasket_cash = \"0\"\ncreation_unit = 1000\n";
  };
  write_file(securities, basket(500, 500));
  write_file(config, "[patterns]\nsecurities_file = \"" + securities +
                         "\"\n[pattern.etf]\ntemplate = \"basket_premium\"\nsecurities = [\"" + etf +
                         "\"]\nthreshold_bps = 1\nmax_stale_weight = 1\n"
                         "[pattern.sweep]\ntemplate = \"sequence\"\nsecurities = [\"*\"]\n"
                         "steps = [\"level_removed depth<=0 x2\", \"trade\"]\nwithin_us = 50000\n");
  Background replay = run_in_background(
      tickwire_binary(), {"replay", "--stats", "--config", config, "--workers", "1", "--rate", "2000", "--set",
                          "patterns.workers=" + pattern_workers, "--control", socket, "--journal", journal,
                          venue.capture});
  ASSERT_NE(replay.wait_for_line("tickwire replay: control:", 120'000, /*on_stderr=*/true), "");
  auto ctl = [&](std::vector<std::string> words) {
    words.insert(words.begin(), {"ctl", "--socket", socket});
    return run_command(tickwire_binary(), words);
  };
  // Let some signals of version 1 be made first.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  write_file(securities, "# the basket moved\n" + basket(700, 300));
  const CommandResult reloaded = ctl({"securities", "reload"});
  EXPECT_EQ(reloaded.exit_code, 0) << reloaded.out;
  EXPECT_EQ(reloaded.out.rfind("ok: securities reloaded (version 2): 1 securities (0 added, 0 removed, 1 changed)", 0),
            0u) << reloaded.out;
  EXPECT_NE(reloaded.out.find("rebuilt etf (version 2)"), std::string::npos) << reloaded.out;
  EXPECT_NE(ctl({"pattern", "list"}).out.find("etf template=basket_premium version=2"), std::string::npos);

  // Line 3's key is wrong: refused with the file, the line and the key; nothing changes.
  write_file(securities, "[security." + etf + "]\nsector = \"etf\"\nluld_tier = 7\n");
  const CommandResult bad = ctl({"securities", "reload"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out.rfind("error:", 0), 0u) << bad.out;
  EXPECT_NE(bad.out.find(securities + ":3: security." + etf + ".luld_tier"), std::string::npos) << bad.out;
  EXPECT_NE(ctl({"pattern", "list"}).out.find("etf template=basket_premium version=2"), std::string::npos);
  EXPECT_NE(ctl({"securities", "frobnicate"}).out.find("unknown (securities reload)"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the session goes on: signals of version 2
  EXPECT_EQ(replay.signal_and_wait(SIGTERM, 60'000), 128 + SIGTERM);

  std::size_t reload_lines = 0, before = 0, after = 0;
  for (const std::string& line : split_lines(text_of(journal))) {
    if (field(line, "securities") == "reloaded") {
      ++reload_lines;
      EXPECT_EQ(field(line, "version"), "2") << line;
      EXPECT_EQ(field(line, "sha256").size(), 64u) << line;
      EXPECT_EQ(field(line, "count"), "1") << line;
      EXPECT_NE(line.find("\"rebuilt\":[{\"pattern\":\"etf\",\"version\":2}]"), std::string::npos) << line;
      EXPECT_FALSE(field(line, "exchange_time").empty()) << line;
      continue;
    }
    if (!is_pattern_line(line) || field(line, "pattern") != "etf") continue;
    EXPECT_EQ(field(line, "version"), reload_lines == 0 ? "1" : "2") << line;
    ++(reload_lines == 0 ? before : after);
  }
  EXPECT_EQ(reload_lines, 1u);
  EXPECT_GT(before, 0u);
  EXPECT_GT(after, 0u);
}

TEST(PatternsCli, CtlSecuritiesReloadRebuildsTheBasketAtOneKeyAndRefusesABadFile) { reload_while_running("1"); }
TEST(PatternsCli, CtlSecuritiesReloadOnTwoPatternThreadsIsTakenAtOneKey) { reload_while_running("2"); }

// A late join from a snapshot: the books are filled silently, and the pattern layer is seeded
// from them (every instrument named, its top and state), so the updates after the resume point
// all find their security.
TEST(PatternsCli, ASnapshotJoinSeedsThePatternLayerFromTheBooks) {
  OneVenue venue;
  Background server = run_in_background(
      tickwire_binary(), {"snapshot-server", "--listen", "127.0.0.1:0", "--at", "8000", venue.capture});
  const std::string listening = server.wait_for_line("listening ", 60'000);
  ASSERT_FALSE(listening.empty());
  const std::size_t colon = listening.find(':');
  const std::string address = "127.0.0.1:" + listening.substr(colon + 1, listening.find(' ', colon) - colon - 1);
  const CommandResult r = replay({"--config", venue.config, "--snapshot", address, venue.capture});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stat(r.out, "snapshot.resume_sequence"), 8001) << r.out;
  EXPECT_EQ(stat(r.out, "patterns.tap.seeded"), 1) << r.out;
  EXPECT_EQ(stat(r.out, "patterns.unnamed_updates"), 0) << r.out;
  EXPECT_EQ(stat(r.out, "patterns.securities"), 12) << r.out;
  EXPECT_GT(stat(r.out, "patterns.signals"), 0) << r.out;
}

TEST(PatternsCli, APatternOnASecurityNoFeedNamesWaitsWithoutSignals) {
  OneVenue venue;
  const std::string config = venue.dir + "/absent.toml";
  write_file(config, "[pattern.p]\ntemplate = \"pair_spread\"\nsecurities = [\"ZZZZ\", \"" + venue.symbol(0) +
                         "\"]\nmin_samples = 2\n");
  const CommandResult r = replay({"--config", config, venue.capture});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(stat(r.out, "patterns.signals"), 0);
  EXPECT_GT(stat(r.out, "patterns.updates"), 0);
}

}  // namespace
}  // namespace tickwire::test
