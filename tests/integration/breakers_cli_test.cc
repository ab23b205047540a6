// Circuit breakers as a user runs them ([breaker.NAME] tables): a system message_rate breaker
// opens within its window of a burst's onset, closes again after it (through half_open), stays
// closed on a calm day, journals each transition to the contract in stream order, the same on
// every layout; a shadow breaker journals the same transitions, flagged; a table that cannot
// work is refused with its key named, before anything runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>

#include <string>
#include <vector>

#include "tests/support/json_line.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

constexpr std::int64_t kFlowStart = (9 * 3600 + 30 * 60) * 1'000'000'000LL + 2'000'000;  // 09:30:00.002
constexpr std::int64_t kMs = 1'000'000;

// 20,000 messages a second, with a burst five times that from 5 s to 6 s of the flow (or
// without); each day generated when first asked for. Under the sanitizers the day ends 3 s
// after the burst instead of 20.
struct BurstDay {
  std::string dir = temp_dir();
  const std::string& burst() { return made(burst_, "/burst.pcap", "5:1:5"); }
  const std::string& calm() { return made(calm_, "/calm.pcap", ""); }
  std::string burst_, calm_;

  const std::string& made(std::string& path, const std::string& name, const std::string& burst_spec) {
    if (!path.empty()) return path;
    path = dir + name;
    std::vector<std::string> args = {"generate", "--out", path, "--messages", std::to_string(scaled(600'000, 260'000)),
                                     "--symbols", "50", "--rate", "20000", "--quiet"};
    if (!burst_spec.empty()) args.insert(args.end(), {"--burst", burst_spec});
    const CommandResult g = run_command(tickwire_binary(), args);
    EXPECT_EQ(g.exit_code, 0) << g.err;
    return path;
  }
  std::string config(const std::string& name, const std::string& extra = "") const {
    const std::string path = dir + "/" + name + ".toml";
    write_file(path, "[breaker.storm]\nscope = \"system\"\ntrigger = \"message_rate\"\ntrip = 80000\n"
                     "clear = 40000\nwindow_ms = 50\n" + extra);
    return path;
  }
};

// Breaker lines, checked to carry their value and threshold (numbers with decimals, cut out
// before the flat parser takes the line).
std::vector<JsonObject> breaker_lines(const std::string& journal) {
  const Bytes bytes = read_file(journal);
  const std::string text(bytes.begin(), bytes.end());
  std::vector<std::string> bad;
  const std::vector<JsonObject> out =
      json_lines_cutting(text, "\"breaker\":", {",\"value\":", ",\"threshold\":"}, &bad);
  EXPECT_TRUE(bad.empty()) << bad.front();
  for (const std::string& line : split_lines(text)) {
    if (line.find("\"breaker\":") == std::string::npos) continue;
    EXPECT_NE(line.find(",\"value\":"), std::string::npos) << line;
    EXPECT_NE(line.find(",\"threshold\":"), std::string::npos) << line;
  }
  return out;
}

std::string str(const JsonObject& o, const std::string& key) { return field_text(o, key); }
std::int64_t num(const JsonObject& o, const std::string& key) { return field_int(o, key); }

TEST(BreakersCli, AStormBreakerOpensOnABurstAndClosesAfterItTheSameOnEveryLayout) {
  BurstDay day;
  const std::string config = day.config("storm");
  std::string first;
  for (const std::string& workers : worker_layouts()) {
    const std::string journal = day.dir + "/j" + workers + ".jsonl";
    const CommandResult r = run_command(tickwire_binary(), {"replay", "--config", config, "--workers", workers,
                                                            "--journal", journal, "--stats", day.burst()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(figure(r.out, "alerts.breaker_transitions"), "3") << workers;
    EXPECT_EQ(figure(r.out, "breakers.storm.opened"), "1");
    EXPECT_NE(r.err.find("alert: breaker storm open"), std::string::npos) << r.err;
    const Bytes bytes = read_file(journal);
    if (first.empty()) {
      first.assign(bytes.begin(), bytes.end());
      continue;
    }
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), first) << "workers " << workers;
  }
  const std::vector<JsonObject> lines = breaker_lines(day.dir + "/j0.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  const std::vector<std::string> states = {"open", "half_open", "closed"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(str(lines[i], "breaker"), "storm");
    EXPECT_EQ(str(lines[i], "scope"), "system");
    EXPECT_EQ(str(lines[i], "trigger"), "message_rate");
    EXPECT_EQ(str(lines[i], "state"), states[i]);
    EXPECT_GT(num(lines[i], "seq"), 0);
  }
  // Open within a window (50 ms, and the sum's granularity, a sixteenth of it) of the burst's
  // onset; closed once the calm has held past the dwell, the hold and the probe (100 + 100 +
  // 50 ms by default) after the burst's end.
  const std::int64_t onset = kFlowStart + 5'000 * kMs, end = onset + 1'000 * kMs;
  EXPECT_GE(num(lines[0], "exchange_time"), onset);
  EXPECT_LE(num(lines[0], "exchange_time"), onset + 50 * kMs + 50 * kMs / 16);
  EXPECT_GE(num(lines[2], "exchange_time"), end);
  EXPECT_LE(num(lines[2], "exchange_time"), end + 400 * kMs);
  EXPECT_LT(num(lines[0], "seq"), num(lines[1], "seq"));
  EXPECT_LT(num(lines[1], "seq"), num(lines[2], "seq"));

  // A calm day: never opened.
  const CommandResult calm = run_command(tickwire_binary(), {"replay", "--config", config, "--journal",
                                                             day.dir + "/calm.jsonl", "--stats", day.calm()});
  ASSERT_EQ(calm.exit_code, 0) << calm.err;
  EXPECT_EQ(figure(calm.out, "alerts.breaker_transitions"), "0");
  EXPECT_TRUE(breaker_lines(day.dir + "/calm.jsonl").empty());
}

TEST(BreakersCli, AShadowBreakerJournalsTheSameTransitionsFlagged) {
  BurstDay day;
  const CommandResult r = run_command(tickwire_binary(), {"replay", "--config", day.config("shadow", "mode = \"shadow\"\n"),
                                                          "--journal", day.dir + "/s.jsonl", day.burst()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Bytes bytes = read_file(day.dir + "/s.jsonl");
  std::size_t flagged = 0;
  for (const std::string& line : split_lines(std::string(bytes.begin(), bytes.end()))) {
    if (line.find("\"breaker\":") != std::string::npos) flagged += line.find("\"shadow\":true") != std::string::npos;
  }
  EXPECT_EQ(flagged, 3u);
  EXPECT_NE(r.out.find("breaker storm (shadow) opened 1 time"), std::string::npos) << r.out;
}

// A storm breaker with a ladder: while open, low messages stay out of the workers' rings and,
// a dwell later, all but critical ones and those carrying a top, a trade or a state change.
// The steps are stamped on the messages by the RX core's stream breaker, so 1 and 2 workers
// shed the same messages and journal the same signals; each step is journaled.
TEST(BreakersCli, AStormLadderShedsTheSameMessagesOnEveryWorkerLayout) {
  BurstDay day;
  const std::string config = day.config("ladder", "actions = [\"shed_low\", \"critical_only\"]\n");
  std::string first, first_shed;
  for (const std::string workers : {"1", "2"}) {
    const std::string journal = day.dir + "/ladder" + workers + ".jsonl";
    const CommandResult r = run_command(tickwire_binary(), {"replay", "--config", config, "--workers", workers,
                                                            "--journal", journal, "--stats", day.burst()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string shed = figure(r.out, "router.breaker_shed.low") + "/" + figure(r.out, "router.breaker_shed.normal");
    EXPECT_NE(figure(r.out, "router.breaker_shed.low"), "0") << workers;
    EXPECT_EQ(figure(r.out, "router.breaker_shed.critical"), "0") << workers;
    const Bytes bytes = read_file(journal);
    if (first.empty()) {
      first.assign(bytes.begin(), bytes.end());
      first_shed = shed;
      continue;
    }
    EXPECT_EQ(shed, first_shed);
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), first) << "workers " << workers;
  }
  const std::vector<JsonObject> lines = breaker_lines(day.dir + "/ladder1.jsonl");
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(str(lines[0], "state"), "open");
  EXPECT_EQ(str(lines[0], "step"), "shed_low");
  bool climbed = false;
  for (const JsonObject& o : lines) climbed |= str(o, "cause") == "escalated" && str(o, "step") == "critical_only";
  EXPECT_TRUE(climbed) << "a burst of a second outlasts the 100 ms dwell";
  EXPECT_EQ(str(lines.back(), "state"), "closed");
  EXPECT_EQ(str(lines.back(), "step"), "none");
}

// Security breakers on the bundled demo day: KRZ is halted for a while (H) and XQED quotes
// faster than 2,000 tops a second once; both breakers close again before the day ends. Each transition names its stock; the events of an
// instrument whose breaker is open carry "volatile" and no other's do; the journal, events
// included, is the same on every layout.
TEST(BreakersCli, SecurityBreakersNameTheirStockAndFlagItsEventsTheSameOnEveryLayout) {
  const std::string dir = temp_dir();
  const std::string config = dir + "/security.toml";
  write_file(config,
             "[output]\njournal_events = true\n"
             "[breaker.halt]\nscope = \"security\"\ntrigger = \"halt\"\n"
             "[breaker.quotes]\nscope = \"security\"\ntrigger = \"quote_rate\"\ntrip = 2000\nclear = 500\n"
             "window_ms = 1000\n");
  const std::string capture = source_dir() + "/pcap_samples/demo_day.pcap.gz";
  std::string first;
  for (const std::string& workers : worker_layouts()) {
    const std::string journal = dir + "/j" + workers + ".jsonl";
    const CommandResult r = run_command(tickwire_binary(), {"replay", "--config", config, "--workers", workers,
                                                            "--journal", journal, "--stats", capture});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(figure(r.out, "breakers.halt.securities"), "1") << workers;
    EXPECT_EQ(figure(r.out, "breakers.quotes.securities"), "1") << workers;
    EXPECT_EQ(figure(r.out, "breakers.quotes.open_at_end"), "0") << workers;
    EXPECT_NE(r.err.find("alert: breaker halt open for KRZ"), std::string::npos) << r.err;
    const Bytes bytes = read_file(journal);
    if (first.empty()) {
      first.assign(bytes.begin(), bytes.end());
      continue;
    }
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), first) << "workers " << workers;
  }
  const std::vector<JsonObject> lines = breaker_lines(dir + "/j0.jsonl");
  ASSERT_EQ(lines.size(), 6u) << "each opens, probes and closes";
  std::int64_t halt_open = -1, halt_closed = -1;
  for (const JsonObject& o : lines) {
    EXPECT_EQ(str(o, "scope"), "security");
    EXPECT_GT(num(o, "instrument"), 0);
    if (str(o, "breaker") == "halt") {
      EXPECT_EQ(str(o, "stock"), "KRZ");
      if (str(o, "state") == "open") halt_open = num(o, "seq");
      if (str(o, "state") == "closed") halt_closed = num(o, "seq");
    } else {
      EXPECT_EQ(str(o, "stock"), "XQED");
    }
  }
  ASSERT_GT(halt_open, 0);
  ASSERT_GT(halt_closed, halt_open);
  // Events: KRZ's carry "volatile" from the message that opened its breaker through the one
  // before it closed; a stock whose breakers never opened has none.
  std::size_t krz_volatile = 0, krz_calm = 0, others_volatile = 0;
  for (const std::string& line : split_lines(first)) {
    if (line.find("\"event\":") == std::string::npos && line.find("\"kind\":") == std::string::npos) continue;
    const bool flagged = line.find("\"volatile\"") != std::string::npos;
    const std::size_t at = line.find("\"seq\":");
    const std::int64_t seq = std::stoll(line.substr(at + 6));
    if (line.find("\"stock\":\"KRZ\"") != std::string::npos) {
      const bool inside = seq >= halt_open && seq < halt_closed;
      (flagged ? krz_volatile : krz_calm) += 1;
      EXPECT_EQ(flagged, inside) << line;
    } else if (line.find("\"stock\":\"XQED\"") == std::string::npos) {
      others_volatile += flagged;
    }
  }
  EXPECT_GT(krz_volatile, 0u);
  EXPECT_GT(krz_calm, 0u);
  EXPECT_EQ(others_volatile, 0u);
}

// `tickwire ctl breaker` on a running session: the breakers listed, a system breaker forced
// open and handed back, its trip raised, a security breaker forced open for one stock; what
// cannot work is refused and changes nothing; every request the RX core applied is journaled.
TEST(BreakersCli, CtlBreakerOverridesAndResetsARunningBreakerAndJournalsIt) {
  const std::string dir = temp_dir();
  const std::string config = dir + "/ctl.toml";
  write_file(config,
             "[breaker.storm]\nscope = \"system\"\ntrigger = \"message_rate\"\ntrip = 80000\nclear = 40000\n"
             "[breaker.halt]\nscope = \"security\"\ntrigger = \"halt\"\n");
  const std::string socket = dir + "/ctl.sock";
  const std::string journal = dir + "/j.jsonl";
  Background replay = run_in_background(
      tickwire_binary(), {"replay", "--config", config, "--workers", "1", "--rate", "3000", "--control", socket,
                          "--journal", journal, source_dir() + "/pcap_samples/demo_day.pcap.gz"});
  ASSERT_NE(replay.wait_for_line("tickwire replay: control:", 120'000, /*on_stderr=*/true), "");
  auto ctl = [&](std::vector<std::string> words) {
    words.insert(words.begin(), {"ctl", "--socket", socket, "breaker"});
    return run_command(tickwire_binary(), words);
  };
  const CommandResult list = ctl({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
  EXPECT_NE(list.out.find("storm scope=system trigger=message_rate trip=80000 clear=40000"), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("halt scope=security trigger=halt"), std::string::npos) << list.out;

  EXPECT_EQ(ctl({"open", "storm"}).exit_code, 0);
  const CommandResult raised = ctl({"set", "storm.trip=1000000"});
  EXPECT_EQ(raised.exit_code, 0) << raised.out;
  const CommandResult inverted = ctl({"set", "storm.clear=2000000"});
  EXPECT_EQ(inverted.exit_code, 1);
  EXPECT_NE(inverted.out.find("clear: must be below trip"), std::string::npos) << inverted.out;
  EXPECT_EQ(ctl({"set", "storm.scope=security"}).exit_code, 1);
  EXPECT_EQ(ctl({"set", "nosuch.trip=5"}).exit_code, 1);
  const CommandResult no_stock = ctl({"open", "halt"});
  EXPECT_EQ(no_stock.exit_code, 1);
  EXPECT_NE(no_stock.out.find("name the stock"), std::string::npos) << no_stock.out;
  EXPECT_EQ(ctl({"open", "storm", "KRZ"}).exit_code, 1) << "a system breaker takes no stock";
  // KRZ may not have been named on the feed yet: ask until it has.
  CommandResult forced;
  for (int tries = 0; tries < 200 && (forced = ctl({"open", "halt", "KRZ"})).exit_code != 0; ++tries) usleep(50'000);
  EXPECT_EQ(forced.exit_code, 0) << forced.out;
  EXPECT_EQ(ctl({"auto", "storm"}).exit_code, 0);
  const CommandResult shown = ctl({"list"});
  EXPECT_NE(shown.out.find("storm scope=system trigger=message_rate trip=1e+06 clear=40000"), std::string::npos)
      << shown.out;
  // The RX core takes requests at its next safe point: let it pass one, then stop.
  usleep(300'000);
  EXPECT_EQ(replay.signal_and_wait(SIGTERM, 60'000), 128 + SIGTERM);

  const std::vector<JsonObject> lines = breaker_lines(journal);
  std::vector<std::string> seen;
  for (const JsonObject& o : lines) {
    seen.push_back(str(o, "breaker") + ":" + str(o, "cause") + ":" + str(o, "state") + ":" + str(o, "stock"));
  }
  const std::vector<std::string> want = {"storm:forced:open:", "storm:set:open:", "halt:forced:open:KRZ",
                                         "storm:released:closed:"};
  EXPECT_EQ(seen, want);
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_GE(num(lines[i], "seq"), num(lines[i - 1], "seq"));
}

TEST(BreakersCli, ATableThatCannotWorkIsRefusedWithItsKeyNamed) {
  BurstDay day;
  const struct {
    std::string extra;
    std::string key;
  } cases[] = {
      {"", ""},  // the base table works
      {"clear = 80000\n", "breaker.storm.clear"},
      {"window_ms = 0\n", "breaker.storm.window_ms"},
      {"trigger = \"spread\"\n", "breaker.storm.trigger"},
      {"trigger = \"event_count\"\n", "breaker.storm.trigger"},
      {"scope = \"security\"\n", "breaker.storm.trigger"},  // message_rate is the system's
      {"scope = \"market\"\n", "breaker.storm.trigger"},
      {"scope = \"everywhere\"\n", "breaker.storm.scope"},
      {"trigger = \"open_share\"\nscope = \"market\"\n", "breaker.storm.trigger"},  // no security breaker
      {"clear = -5\n", "breaker.storm.clear"},
      {"tripp = 5\n", "breaker.storm.tripp"},
  };
  for (const auto& c : cases) {
    // Later keys of a TOML table may not repeat earlier ones: each case writes its own table.
    std::string text = "[breaker.storm]\n";
    for (const std::string key : {"scope = \"system\"", "trigger = \"message_rate\"", "trip = 80000", "clear = 40000",
                                  "window_ms = 50"}) {
      const std::string name = key.substr(0, key.find(' ')) + " ";
      const bool replaced = c.extra.rfind(name, 0) == 0 || c.extra.find("\n" + name) != std::string::npos;
      if (!replaced) text += key + "\n";
    }
    text += c.extra;
    const std::string path = day.dir + "/bad.toml";
    write_file(path, text);
    const CommandResult r = run_command(tickwire_binary(), {"replay", "--config", path, "--journal", "/dev/null",
                                                            day.calm()});
    if (c.key.empty()) {
      EXPECT_EQ(r.exit_code, 0) << r.err;
      continue;
    }
    EXPECT_EQ(r.exit_code, 2) << c.extra;
    EXPECT_NE(r.err.find(c.key), std::string::npos) << c.extra << ": " << r.err;
  }
}

}  // namespace
}  // namespace tickwire::test
