#include "controlplane/config/app_config.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/test_support.h"

namespace tickwire::config {
namespace {

// A value other than the default for every key, in TOML. Stage keys are set on a plugin
// stage "x" (common and plugin keys) or on the built-in.
const std::map<std::string, std::string>& changed_values() {
  static const std::map<std::string, std::string> values = {
      {"input.eal", R"("--no-huge -m 512")"},
      {"input.idle_exit_ms", "250"},
      {"input.filter", R"(["233.54.12.111:26477", ":26478"])"},
      {"input.files", R"(["a.pcap", "b.pcap.gz"])"},
      {"input.ports", R"(["net_pcap1"])"},
      {"input.session_date", R"("2026-03-09")"},
      {"clock_offset_ns", "-1500.0"},
      {"patterns.workers", "2"},
      {"patterns.levels", "3"},
      {"patterns.ring_updates", "4096"},
      {"patterns.max_securities", "512"},
      {"patterns.output_records", "256"},
      {"patterns.max_instances", "128"},
      {"patterns.securities_file", R"("refdata/securities.toml")"},
      {"patterns.conflict_window_ms", "50"},
      {"breaker.max_promoted", "3"},
      {"patterns.conflict_policy", R"("suppress")"},
      {"patterns.merge.skew_us", "250"},
      {"patterns.merge.max_hold_us", "2000"},
      {"book.max_orders", "1000"},
      {"book.max_levels", "2000"},
      {"book.max_instruments", "300"},
      {"book.prefault", "true"},
      {"book.huge_pages", "true"},
      {"book.prefetch", "false"},
      {"sequencer.reorder_window_us", "750"},
      {"sequencer.reorder_buffer", "64"},
      {"sequencer.max_packet_bytes", "1472"},
      {"sequencer.stale_after_ms", "1500"},
      {"recovery.server", R"("10.0.0.1:9000")"},
      {"recovery.snapshot_server", R"("10.0.0.2:9100")"},
      {"recovery.snapshot_wait_ms", "5000"},
      {"recovery.max_hole_messages", "250000"},
      {"recovery.attempts", "3"},
      {"recovery.retry_ms", "20"},
      {"recovery.request_after_us", "100"},
      {"recovery.max_messages_per_request", "500"},
      {"recovery.min_interval_us", "10"},
      {"workers.count", "2"},
      {"workers.output_records", "1024"},
      {"workers.messages_per_poll", "8"},
      {"workers.ring_events.critical", "100"},
      {"workers.ring_events.high", "200"},
      {"workers.ring_events.normal", "300"},
      {"workers.ring_events.low", "400"},
      {"workers.when_full.critical", R"("backpressure")"},
      {"workers.when_full.high", R"("shed")"},
      {"workers.when_full.normal", R"("shed")"},
      {"workers.when_full.low", R"("backpressure")"},
      {"workers.max_wait_us.critical", "7"},
      {"workers.max_wait_us.high", "8"},
      {"workers.max_wait_us.normal", "9"},
      {"workers.max_wait_us.low", "0"},
      {"classification.jump_bps", "35"},
      {"classification.withdrawal_percent", "60"},
      {"classification.min_touch_size", "100"},
      {"classification.deep_level", R"("normal")"},
      {"classification.by_kind.level_change", R"("low")"},
      {"classification.by_kind.top_of_book", R"("critical")"},
      {"classification.by_kind.trade", R"("high")"},
      {"classification.by_kind.trade_break", R"("low")"},
      {"classification.by_kind.trading_state", R"("high")"},
      {"classification.by_kind.market_state", R"("normal")"},
      {"classification.by_kind.imbalance", R"("low")"},
      {"classification.by_kind.book_crossed", R"("critical")"},
      {"classification.by_kind.instrument_added", R"("normal")"},
      {"memory.budget_mb", "4096"},
      {"memory.warn_fill_percent", "95"},
      {"replay.speed", "2.5"},
      {"replay.rate", "100000"},
      {"replay.burst", "4.0"},
      {"output.journal", R"("out/journal \"1\".jsonl")"},
      {"output.journal_events", "true"},
      {"output.latency_report", R"("latency.hgrm")"},
      {"output.report", R"("report.json")"},
      {"output.status_interval_s", "60"},
      {"output.stats", "true"},
      {"control.socket", R"("/run/tickwire.sock")"},
      {"cpus.rx", R"("1")"},
      {"cpus.workers", R"("2-3")"},
      {"cpus.control", R"("0")"},
      {"pipeline.stages", R"(["x", "price_move"])"},
      {"stage.<name>.budget_ns", "5000"},
      {"stage.<name>.overrun", R"("degrade")"},
      {"stage.<name>.plugin", R"("build/dataplane/tickwire_large_trade.so")"},
      {"stage.<name>.params", R"("min_shares=5000")"},
      {"stage.price_move.window_ms", "250"},
      {"stage.price_move.jump_bps", "30"},
      {"stage.price_move.drop_percent", "90"},
      {"stage.price_move.min_touch", "1000"},
  };
  return values;
}

// "stage.<name>.KEY" of describe_keys() as a key of a real table.
std::string concrete(const std::string& key) {
  const std::string generic = "stage.<name>.";
  return key.starts_with(generic) ? "stage.x." + key.substr(generic.size()) : key;
}

// A config with stage x (a plugin) in the pipeline, so that every stage key has a home.
AppConfig with_plugin_stage() {
  AppConfig c = default_config();
  std::string error;
  EXPECT_TRUE(apply_text("pipeline.stages = [\"price_move\", \"x\"]\nstage.x.plugin = \"x.so\"\n", "base", c, error))
      << error;
  return c;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string shipped_config_path() { return test::source_dir() + "/config/tickwire.toml"; }

// Every leaf key of a TOML document, dotted.
void collect_keys(const toml::table& table, const std::string& prefix, std::set<std::string>& out) {
  for (auto&& [k, v] : table) {
    const std::string dotted = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const toml::table* t = v.as_table()) {
      collect_keys(*t, dotted, out);
    } else {
      out.insert(dotted);
    }
  }
}

TEST(AppConfig, ShippedFileLoadsToExactlyTheDefaults) {
  // Over a config where every key differs, so a key missing from the file shows.
  AppConfig c = with_plugin_stage();
  std::string error;
  for (const auto& [key, value] : changed_values()) {
    if (key == "pipeline.stages" || key == "stage.<name>.plugin" || key == "stage.<name>.params") continue;
    const std::string target = key.starts_with("stage.<name>.") ? "stage.price_move." + key.substr(13) : key;
    ASSERT_TRUE(apply_override(target + "=" + value, c, error)) << error;
  }
  ASSERT_TRUE(apply_file(shipped_config_path(), c, error)) << error;
  EXPECT_TRUE(c == default_config()) << to_toml(c);
  EXPECT_TRUE(validate(c, error)) << error;
}

TEST(AppConfig, ShippedFileIsWhatPrintConfigShowsForTheDefaults) {
  // Comments included: a range or a description that changed in the code shows here.
  EXPECT_EQ(read_text(shipped_config_path()), to_toml(default_config()));
}

TEST(AppConfig, ShippedFileHasEveryKeyWithACommentLine) {
  const std::string text = read_text(shipped_config_path());
  ASSERT_FALSE(text.empty()) << shipped_config_path();
  std::set<std::string> in_file;
  collect_keys(toml::parse(text), "", in_file);
  std::set<std::string> expected;
  for (const auto& [key, description] : describe_keys()) {
    // The shipped pipeline is the built-in alone: plugin-only keys have no place in it.
    if (key == "stage.<name>.plugin" || key == "stage.<name>.params") continue;
    expected.insert(key.starts_with("stage.<name>.") ? "stage.price_move." + key.substr(13) : key);
  }
  EXPECT_EQ(in_file, expected);

  std::istringstream lines(text);
  std::string previous;
  std::string line;
  int assignments = 0;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != '#' && line[0] != '[') {
      ++assignments;
      EXPECT_TRUE(previous.starts_with("# ")) << "no comment above: " << line;
    }
    previous = line;
  }
  EXPECT_EQ(assignments, static_cast<int>(expected.size()));
}

TEST(AppConfig, DefaultsPassValidation) {
  std::string error;
  EXPECT_TRUE(validate(default_config(), error)) << error;
}

TEST(AppConfig, DescribeKeysListsEachKeyOnceWithADescription) {
  std::set<std::string> seen;
  for (const auto& [key, description] : describe_keys()) {
    EXPECT_TRUE(seen.insert(key).second) << key;
    EXPECT_FALSE(description.empty()) << key;
    EXPECT_EQ(description.find('\n'), std::string::npos) << key;
  }
  EXPECT_TRUE(seen.contains("workers.count"));
  EXPECT_TRUE(seen.contains("classification.by_kind.trading_state"));
  EXPECT_TRUE(seen.contains("stage.price_move.window_ms"));
}

TEST(AppConfig, EveryKeyHasATestValue) {
  std::set<std::string> described;
  for (const auto& [key, description] : describe_keys()) {
    described.insert(key);
    EXPECT_TRUE(changed_values().contains(key)) << "no test value for " << key;
  }
  for (const auto& [key, value] : changed_values()) EXPECT_TRUE(described.contains(key)) << "not a key: " << key;
}

TEST(AppConfig, EveryKeyRoundTripsThroughToToml) {
  const AppConfig base = with_plugin_stage();
  for (const auto& [key, value] : changed_values()) {
    SCOPED_TRACE(key);
    AppConfig changed = base;
    std::string error;
    ASSERT_TRUE(apply_text(concrete(key) + " = " + value + "\n", "t.toml", changed, error)) << error;
    if (key != "workers.when_full.critical") {  // its only allowed value is the default
      EXPECT_FALSE(changed == base) << "setting it changed nothing";
    }

    const std::string printed = to_toml(changed);
    AppConfig reread = default_config();
    ASSERT_TRUE(apply_text(printed, "printed", reread, error)) << error << "\n" << printed;
    EXPECT_TRUE(reread == changed) << printed;

    // And the printed value is the one given.
    const toml::table given = toml::parse("v = " + value);
    const toml::table shown = toml::parse(printed);
    const toml::node* printed_value = shown.at_path(concrete(key)).node();
    ASSERT_NE(printed_value, nullptr) << printed;
    toml::table a;
    a.insert("v", *given.get("v"));
    toml::table b;
    b.insert("v", *printed_value);
    EXPECT_EQ(a, b) << printed;
  }
}

TEST(AppConfig, AllKeysChangedAtOnceRoundTrip) {
  AppConfig c = with_plugin_stage();
  std::string error;
  for (const auto& [key, value] : changed_values()) {
    if (key == "replay.rate") continue;  // not together with replay.speed
    ASSERT_TRUE(apply_override(concrete(key) + "=" + value, c, error)) << error;
  }
  AppConfig reread = default_config();
  ASSERT_TRUE(apply_text(to_toml(c), "printed", reread, error)) << error;
  EXPECT_TRUE(reread == c);
  EXPECT_EQ(to_toml(reread), to_toml(c));
}

TEST(AppConfig, UnitsConvertToTheFieldsTheDataplaneReads) {
  AppConfig c = default_config();
  std::string error;
  ASSERT_TRUE(apply_text(R"(
[sequencer]
reorder_window_us = 750
reorder_buffer = 64
stale_after_ms = 1500
[recovery]
retry_ms = 20
request_after_us = 100
[workers.ring_events]
high = 200
[workers.when_full]
low = "backpressure"
[workers.max_wait_us]
normal = 9
[classification.by_kind]
trade = "high"
[stage.price_move]
window_ms = 250
overrun = "skip_low"
)",
                         "t.toml", c, error))
      << error;
  EXPECT_EQ(c.sequencer.reorder_window_ns, 750'000u);
  EXPECT_EQ(c.sequencer.buffered_packets, 64u);
  EXPECT_EQ(c.sequencer.stale_after_ns, 1'500'000'000u);
  EXPECT_EQ(c.recovery.retry_after_ns, 20'000'000u);
  EXPECT_EQ(c.recovery.request_after_ns, 100'000u);
  EXPECT_EQ(c.worker.inbox.capacity[sched::index_of(sched::PriorityClass::kHigh)], 200u);
  EXPECT_EQ(c.worker.inbox.when_full[sched::index_of(sched::PriorityClass::kLow)], sched::FullPolicy::kBackpressure);
  EXPECT_EQ(c.worker.scheduler.max_wait_ns[sched::index_of(sched::PriorityClass::kNormal)], 9000u);
  EXPECT_EQ(c.classification.by_kind[static_cast<std::size_t>(events::EventKind::kTrade)], sched::PriorityClass::kHigh);
  EXPECT_EQ(c.price_move.window_ns, 250'000'000u);
  ASSERT_EQ(c.stages.size(), 1u);
  EXPECT_EQ(c.stages[0].overrun, stages::OverrunPolicy::kSkipLow);
}

TEST(AppConfig, UnknownKeyIsNamedWithItsLine) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("[book]\nmax_orders = 5\nmax_ordrs = 6\n", "tickwire.toml", c, error));
  EXPECT_EQ(error, "tickwire.toml:3: book.max_ordrs: unknown key");
  EXPECT_FALSE(apply_text("\n[bok]\nmax_orders = 5\n", "tickwire.toml", c, error));
  EXPECT_EQ(error, "tickwire.toml:2: bok: unknown key");
  EXPECT_FALSE(apply_text("workers.ring_events.urgent = 64\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: workers.ring_events.urgent: unknown key");
  // Several: the first as the file reads, not as the keys sort.
  EXPECT_FALSE(apply_text("[book]\nzzz = 1\naaa = 2\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:2: book.zzz: unknown key");
  EXPECT_TRUE(c == default_config()) << "a failed file changes nothing";
}

TEST(AppConfig, WrongTypeNamesTheKey) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("[workers]\ncount = \"two\"\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:2: workers.count: expected an integer from 0 to 16, got \"two\"");
  EXPECT_FALSE(apply_text("book.prefault = 1\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: book.prefault: expected true or false, got 1");
  EXPECT_FALSE(apply_text("input.filter = \"233.54.12.111:26477\"\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: input.filter: expected an array of strings, got \"233.54.12.111:26477\"");
  EXPECT_FALSE(apply_text("input.filter = [1]\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: input.filter: expected an array of strings, got 1 in it");
  EXPECT_FALSE(apply_text("book = 5\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: book: expected a table, got 5");
  EXPECT_FALSE(apply_text("book.max_orders = 1.5\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: book.max_orders: expected an integer from 1 to 1073741824, got 1.5");
  EXPECT_FALSE(apply_text("classification.deep_level = \"urgent\"\n", "t.toml", c, error));
  EXPECT_EQ(error,
            "t.toml:1: classification.deep_level: expected one of \"critical\", \"high\", \"normal\", \"low\", got "
            "\"urgent\"");
  // An integer is a fine number for a float key.
  EXPECT_TRUE(apply_text("replay.speed = 2\n", "t.toml", c, error)) << error;
  EXPECT_EQ(c.replay_speed, 2.0);
}

TEST(AppConfig, OutOfRangeNamesTheKeyAndTheRange) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("# workers\n\n[workers]\ncount = -1\n", "tickwire.toml", c, error));
  EXPECT_EQ(error, "tickwire.toml:4: workers.count: expected an integer from 0 to 16, got -1");
  EXPECT_FALSE(apply_text("workers.count = 17\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: workers.count: expected an integer from 0 to 16, got 17");
  EXPECT_FALSE(apply_text("classification.withdrawal_percent = 101\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: classification.withdrawal_percent: expected an integer from 0 to 100, got 101");
  EXPECT_FALSE(apply_text("workers.ring_events.low = 8\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: workers.ring_events.low: expected an integer from 16 to 16777216, got 8");
  EXPECT_FALSE(apply_text("replay.burst = 0.5\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: replay.burst: expected a number from 1 to 1000000, got 0.5");
  EXPECT_FALSE(apply_text("replay.speed = nan\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: replay.speed: expected a number from 0 to 1000000, got nan");
  EXPECT_FALSE(apply_text("memory.warn_fill_percent = 0\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: memory.warn_fill_percent: expected an integer from 1 to 100, got 0");
  EXPECT_FALSE(apply_text("[stage.price_move]\ndrop_percent = 150\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:2: stage.price_move.drop_percent: expected an integer from 0 to 100, got 150");
  EXPECT_TRUE(c == default_config());
}

TEST(AppConfig, ParseErrorsAndUnreadableFilesAreReported) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("[book]\nmax_orders = \n", "t.toml", c, error));
  EXPECT_TRUE(error.starts_with("t.toml:2: ")) << error;
  EXPECT_FALSE(apply_text("a = 1\na = 2\n", "t.toml", c, error));
  EXPECT_TRUE(error.starts_with("t.toml:2: ")) << error;
  const std::string missing = test::temp_dir() + "/none.toml";
  EXPECT_FALSE(apply_file(missing, c, error));
  EXPECT_EQ(error, missing + ": No such file or directory");
}

TEST(AppConfig, CriticalIsNeverShed) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("[workers.when_full]\nlow = \"shed\"\ncritical = \"shed\"\n", "t.toml", c, error));
  EXPECT_EQ(error,
            "t.toml:3: workers.when_full.critical: expected \"backpressure\", got \"shed\": critical events are "
            "never dropped");
  EXPECT_FALSE(apply_override("workers.when_full.critical=shed", c, error));
  EXPECT_EQ(error,
            "--set workers.when_full.critical=shed: expected \"backpressure\", got \"shed\": critical events are "
            "never dropped");
  EXPECT_TRUE(apply_text("[workers.when_full]\nhigh = \"shed\"\n", "t.toml", c, error)) << error;
  EXPECT_EQ(c.worker.inbox.when_full[sched::index_of(sched::PriorityClass::kHigh)], sched::FullPolicy::kShed);

  // A config built in code gets the same answer from validate().
  c.worker.inbox.when_full[sched::index_of(sched::PriorityClass::kCritical)] = sched::FullPolicy::kShed;
  EXPECT_FALSE(validate(c, error));
  EXPECT_TRUE(error.starts_with("workers.when_full.critical: ")) << error;
}

TEST(AppConfig, OverridesTakeTomlOrBareWords) {
  AppConfig c = default_config();
  std::string error;
  ASSERT_TRUE(apply_override("workers.count=2", c, error)) << error;
  EXPECT_EQ(c.workers, 2u);
  ASSERT_TRUE(apply_override("input.eal=\"--no-huge\"", c, error)) << error;
  EXPECT_EQ(c.eal, "--no-huge");
  ASSERT_TRUE(apply_override("input.eal=--no-huge -m 512", c, error)) << error;
  EXPECT_EQ(c.eal, "--no-huge -m 512");
  // A string key takes a value that is valid TOML but not a string literally.
  ASSERT_TRUE(apply_override("output.journal=2024", c, error)) << error;
  EXPECT_EQ(c.journal, "2024");
  ASSERT_TRUE(apply_override("output.journal=", c, error)) << error;
  EXPECT_EQ(c.journal, "");
  ASSERT_TRUE(apply_override(" workers.when_full.low = backpressure ", c, error)) << error;
  EXPECT_EQ(c.worker.inbox.when_full[sched::index_of(sched::PriorityClass::kLow)], sched::FullPolicy::kBackpressure);
  ASSERT_TRUE(apply_override("replay.speed=1.5", c, error)) << error;
  EXPECT_EQ(c.replay_speed, 1.5);
  ASSERT_TRUE(apply_override("book.prefault=true", c, error)) << error;
  EXPECT_TRUE(c.book.prefault);

  // Arrays: TOML, or a bare comma-separated list.
  ASSERT_TRUE(apply_override("input.filter=[\"233.54.12.111:26477\"]", c, error)) << error;
  EXPECT_EQ(c.filters, (std::vector<std::string>{"233.54.12.111:26477"}));
  ASSERT_TRUE(apply_override("input.filter=233.54.12.111:26477, :26478", c, error)) << error;
  EXPECT_EQ(c.filters, (std::vector<std::string>{"233.54.12.111:26477", ":26478"}));
  ASSERT_TRUE(apply_override("input.filter=", c, error)) << error;
  EXPECT_TRUE(c.filters.empty());
  ASSERT_TRUE(apply_override("pipeline.stages=[\"price_move\"]", c, error)) << error;
  EXPECT_EQ(c.stages.size(), 1u);

  // A table at once.
  ASSERT_TRUE(apply_override("workers.ring_events={critical=32, low=64}", c, error)) << error;
  EXPECT_EQ(c.worker.inbox.capacity[sched::index_of(sched::PriorityClass::kCritical)], 32u);
  EXPECT_EQ(c.worker.inbox.capacity[sched::index_of(sched::PriorityClass::kLow)], 64u);
  ASSERT_TRUE(apply_override("stage.price_move.jump_bps=70", c, error)) << error;
  EXPECT_EQ(c.price_move.jump_basis_points, 70u);
}

TEST(AppConfig, OverrideErrorsNameTheAssignment) {
  AppConfig c = default_config();
  const AppConfig before = c;
  std::string error;
  EXPECT_FALSE(apply_override("book.max_orders=abc", c, error));
  EXPECT_EQ(error, "--set book.max_orders=abc: expected an integer from 1 to 1073741824, got \"abc\"");
  EXPECT_FALSE(apply_override("book.max_ordrs=5", c, error));
  EXPECT_EQ(error, "--set book.max_ordrs=5: unknown key");
  EXPECT_FALSE(apply_override("workers.count", c, error));
  EXPECT_EQ(error, "--set workers.count: expected KEY=VALUE");
  EXPECT_FALSE(apply_override("=5", c, error));
  EXPECT_EQ(error, "--set =5: expected KEY=VALUE");
  EXPECT_FALSE(apply_override("workers.ring_events={critical=32, urgent=64}", c, error));
  EXPECT_EQ(error, "--set workers.ring_events={critical=32, urgent=64}: workers.ring_events.urgent: unknown key");
  // A value that tries to smuggle in a second key is one (bad) string.
  EXPECT_FALSE(apply_override("workers.count=1\nbook.max_orders=5", c, error));
  EXPECT_TRUE(error.find("expected an integer from 0 to 16, got \"1\\nbook.max_orders=5\"") != std::string::npos)
      << error;
  EXPECT_TRUE(c == before) << "a failed override changes nothing";
}

TEST(AppConfig, StageTablesMustBeInThePipeline) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("[stage.large_trade]\nbudget_ns = 100\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: stage.large_trade: not in pipeline.stages");
  EXPECT_FALSE(apply_override("stage.large_trade.budget_ns=100", c, error));
  EXPECT_EQ(error, "--set stage.large_trade.budget_ns=100: stage.large_trade: not in pipeline.stages");

  // pipeline.stages counts wherever it is written in the file.
  ASSERT_TRUE(apply_text(R"(
[stage.large_trade]
plugin = "build/dataplane/tickwire_large_trade.so"
params = "min_shares=5000"
budget_ns = 100
[pipeline]
stages = ["price_move", "large_trade"]
)",
                         "t.toml", c, error))
      << error;
  ASSERT_EQ(c.stages.size(), 2u);
  EXPECT_EQ(c.stages[1], (StageSpec{.name = "large_trade",
                                    .plugin = "build/dataplane/tickwire_large_trade.so",
                                    .params = "min_shares=5000",
                                    .budget_ns = 100}));
  EXPECT_TRUE(validate(c, error)) << error;

  // A later layer may reorder the list: stages keep their settings.
  ASSERT_TRUE(apply_override("pipeline.stages=large_trade,price_move", c, error)) << error;
  ASSERT_EQ(c.stages.size(), 2u);
  EXPECT_EQ(c.stages[0].name, "large_trade");
  EXPECT_EQ(c.stages[0].budget_ns, 100u);
  EXPECT_EQ(c.stages[1].name, "price_move");
}

TEST(AppConfig, StageKeysBelongToTheirKindOfStage) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("[stage.price_move]\nplugin = \"x.so\"\n", "t.toml", c, error));
  EXPECT_EQ(error,
            "t.toml:2: stage.price_move.plugin: price_move is built in; a stage from a plugin needs another name");
  EXPECT_FALSE(apply_text("pipeline.stages = [\"x\"]\n[stage.x]\nplugin = \"x.so\"\nwindow_ms = 5\n", "t.toml", c,
                          error));
  EXPECT_EQ(error, "t.toml:4: stage.x.window_ms: unknown key: only the built-in price_move has it");
  EXPECT_FALSE(apply_text("[stage.price_move]\nwindow = 5\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:2: stage.price_move.window: unknown key");
  EXPECT_FALSE(apply_text("[stage.price_move]\noverrun = \"drop\"\n", "t.toml", c, error));
  EXPECT_EQ(error,
            "t.toml:2: stage.price_move.overrun: expected one of \"count\", \"skip_low\", \"degrade\", got \"drop\"");
  EXPECT_FALSE(apply_text("stage = 1\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: stage: expected a table of [stage.NAME] tables, got 1");
  EXPECT_FALSE(apply_text("stage.price_move = 1\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: stage.price_move: expected a table, got 1");
}

TEST(AppConfig, PluginStagesNeedAPlugin) {
  AppConfig c = default_config();
  std::string error;
  ASSERT_TRUE(apply_text("pipeline.stages = [\"price_move\", \"large_trade\"]\n", "t.toml", c, error)) << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error, "stage.large_trade.plugin: required: large_trade is not the built-in price_move");
  ASSERT_TRUE(apply_override("stage.large_trade.plugin=build/dataplane/tickwire_large_trade.so", c, error)) << error;
  EXPECT_TRUE(validate(c, error)) << error;
}

TEST(AppConfig, PipelineStageNamesAreCheckedAsAList) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("[pipeline]\nstages = [\"price_move\", \"a\", \"price_move\"]\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:2: pipeline.stages: \"price_move\" is listed twice");
  // Reported before the tables that the bad list leaves without a place.
  EXPECT_FALSE(apply_text("[stage.a]\nplugin = \"a.so\"\n[pipeline]\nstages = [\"a\", \"a\"]\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:4: pipeline.stages: \"a\" is listed twice");
  EXPECT_FALSE(apply_text("pipeline.stages = [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]\n", "t.toml",
                          c, error));
  EXPECT_EQ(error, "t.toml:1: pipeline.stages: at most 8 stages, got 9");
  EXPECT_FALSE(apply_text("pipeline.stages = [\"my stage\"]\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: pipeline.stages: \"my stage\": a stage name is letters, digits, '_' and '-'");
  // No stage at all is a pipeline too (events only).
  ASSERT_TRUE(apply_text("pipeline.stages = []\n", "t.toml", c, error)) << error;
  EXPECT_TRUE(c.stages.empty());
  EXPECT_TRUE(validate(c, error)) << error;
}

TEST(AppConfig, ReplaySpeedAndRateExcludeEachOther) {
  AppConfig c = default_config();
  std::string error;
  ASSERT_TRUE(apply_text("[replay]\nspeed = 2.0\nrate = 1000\n", "t.toml", c, error)) << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_TRUE(error.starts_with("replay.speed, replay.rate: ")) << error;
  ASSERT_TRUE(apply_override("replay.speed=0", c, error)) << error;
  EXPECT_TRUE(validate(c, error)) << error;
  ASSERT_TRUE(apply_override("replay.burst=8", c, error)) << error;
  EXPECT_TRUE(validate(c, error)) << error;
  ASSERT_TRUE(apply_override("replay.rate=0", c, error)) << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error, "replay.burst: only applies with replay.rate");
}

TEST(AppConfig, ValidateChecksRulesAcrossKeysAndRangesOfCodeBuiltConfigs) {
  AppConfig c = default_config();
  std::string error;
  c.journal_events = true;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error, "output.journal_events: needs output.journal");
  c.journal = "j.jsonl";
  EXPECT_TRUE(validate(c, error)) << error;
  c.workers = 17;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error, "workers.count: expected an integer from 0 to 16, got 17");
  c.workers = 1;
  c.stages[0].budget_ns = 2'000'000'000;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error, "stage.price_move.budget_ns: expected an integer from 0 to 1000000000, got 2000000000");
}

TEST(AppConfig, FilterEntriesAreParsed) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("[input]\nfilter = [\"233.54.12.111:26477\", \"233.54.12:99\"]\n", "t.toml", c, error));
  EXPECT_EQ(error,
            "t.toml:2: input.filter: \"233.54.12:99\": expected GROUP:PORT (A.B.C.D:PORT, A.B.C.D or :PORT; * for "
            "any)");
  EXPECT_FALSE(apply_override("input.filter=233.54.12.111:70000", c, error));
  EXPECT_TRUE(error.starts_with("--set input.filter=233.54.12.111:70000: \"233.54.12.111:70000\": expected GROUP:PORT"))
      << error;
  std::string many = "input.filter = [";
  for (int i = 0; i < 17; ++i) many += "\":" + std::to_string(1000 + i) + "\", ";
  many += "]\n";
  EXPECT_FALSE(apply_text(many, "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:1: input.filter: at most 16 endpoints, got 17");
  ASSERT_TRUE(apply_text("input.filter = [\"233.54.12.111\", \":26477\", \"*:26478\"]\n", "t.toml", c, error))
      << error;
  EXPECT_EQ(c.filters.size(), 3u);
}

TEST(AppConfig, RecoveryServerIsAnAddressAndPort) {
  AppConfig c = default_config();
  std::string error;
  ASSERT_TRUE(apply_override("recovery.server=127.0.0.1:9000", c, error)) << error;
  EXPECT_EQ(c.recovery_server, "127.0.0.1:9000");
  EXPECT_FALSE(apply_override("recovery.server=:9000", c, error));
  EXPECT_EQ(error, "--set recovery.server=:9000: expected IP:PORT (\"\" for none), got \":9000\"");
  ASSERT_TRUE(apply_override("recovery.server=", c, error)) << error;
  EXPECT_EQ(c.recovery_server, "");
}

TEST(AppConfig, ARecoveryThatCouldNeverAskIsRefused) {
  AppConfig c = default_config();
  std::string error;
  c.recovery.request_after_ns = c.sequencer.reorder_window_ns;
  EXPECT_TRUE(validate(c, error)) << error;  // no server: nothing to ask
  c.recovery_server = "127.0.0.1:9000";
  ASSERT_FALSE(validate(c, error));
  EXPECT_EQ(error, "recovery.request_after_us: 2000 must be below sequencer.reorder_window_us (2000), or no hole is "
                   "ever asked for");
  c.recovery.request_after_ns = c.sequencer.reorder_window_ns - 1000;
  EXPECT_TRUE(validate(c, error)) << error;
}

TEST(AppConfig, CpuListsAreParsedAndCheckedAgainstTheWorkers) {
  std::vector<unsigned> cpus;
  EXPECT_TRUE(parse_cpu_list("4-6,9", cpus));
  EXPECT_EQ(cpus, (std::vector<unsigned>{4, 5, 6, 9}));
  for (const char* bad : {"", "a", "3-", "5-4", "1,,2", "1,", "-1", "5000"}) {
    EXPECT_FALSE(parse_cpu_list(bad, cpus)) << bad;
  }
  AppConfig c = default_config();
  std::string error;
  ASSERT_TRUE(apply_override("workers.count=2", c, error)) << error;
  ASSERT_TRUE(apply_override("cpus.workers=\"3\"", c, error)) << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_NE(error.find("cpus.workers"), std::string::npos) << error;
  ASSERT_TRUE(apply_override("cpus.workers=\"3,4\"", c, error)) << error;
  EXPECT_TRUE(validate(c, error)) << error;
  ASSERT_TRUE(apply_override("cpus.rx=\"1,2\"", c, error)) << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_NE(error.find("cpus.rx"), std::string::npos) << error;
}

TEST(AppConfig, FeedTablesGiveEachFeedTheProcessSettingsWithItsOwnOverTop) {
  AppConfig c = default_config();
  std::string error;
  ASSERT_TRUE(apply_text("[output]\njournal = \"out/signals.jsonl\"\n"
                         "[book]\nmax_orders = 5000\n"
                         "[feed.nasdaq]\ninput.filter = [\"233.54.12.111:26477\"]\ncpus.rx = \"1\"\n"
                         "[feed.bx]\nbook.max_orders = 700\ninput.files = [\"bx_a.pcap\", \"bx_b.pcap\"]\n"
                         "stage.price_move.jump_bps = 75\n",
                         "t.toml", c, error))
      << error;
  ASSERT_EQ(c.feeds.size(), 2u);
  // A later layer still changes what every feed inherits.
  ASSERT_TRUE(apply_override("book.max_levels=4321", c, error)) << error;
  ASSERT_TRUE(validate(c, error)) << error;

  AppConfig nasdaq;
  AppConfig bx;
  const auto feed = [&](const std::string& name) {
    return *std::find_if(c.feeds.begin(), c.feeds.end(), [&](const FeedSpec& f) { return f.name == name; });
  };
  ASSERT_TRUE(feed_config(c, feed("nasdaq"), nasdaq, error)) << error;
  ASSERT_TRUE(feed_config(c, feed("bx"), bx, error)) << error;
  EXPECT_TRUE(nasdaq.feeds.empty());
  EXPECT_EQ(nasdaq.filters, (std::vector<std::string>{"233.54.12.111:26477"}));
  EXPECT_EQ(nasdaq.rx_cpu, "1");
  EXPECT_EQ(nasdaq.book.max_orders, 5000u);
  EXPECT_EQ(bx.book.max_orders, 700u);
  EXPECT_EQ(nasdaq.book.max_levels, 4321u);
  EXPECT_EQ(bx.book.max_levels, 4321u);
  EXPECT_EQ(bx.files, (std::vector<std::string>{"bx_a.pcap", "bx_b.pcap"}));
  EXPECT_TRUE(bx.filters.empty());
  EXPECT_EQ(bx.price_move.jump_basis_points, 75u);
  EXPECT_NE(nasdaq.price_move.jump_basis_points, 75u);
  // Each writes a journal of its own.
  EXPECT_EQ(nasdaq.journal, "out/signals.nasdaq.jsonl");
  EXPECT_EQ(bx.journal, "out/signals.bx.jsonl");

  // --print-config shows the feeds, and reading it back gives the same settings.
  AppConfig again = default_config();
  ASSERT_TRUE(apply_text(to_toml(c), "printed", again, error)) << error << "\n" << to_toml(c);
  EXPECT_TRUE(again == c) << to_toml(again);
}

TEST(AppConfig, FeedKeysAreCheckedWhereTheyAreWritten) {
  AppConfig c = default_config();
  std::string error;
  EXPECT_FALSE(apply_text("[feed.a]\nbook.max_ordrs = 5\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:2: feed.a.book.max_ordrs: unknown key");
  EXPECT_FALSE(apply_text("[feed.a.book]\nmax_orders = 0\n", "t.toml", c, error));
  EXPECT_NE(error.find("t.toml:2: feed.a.book.max_orders: expected"), std::string::npos) << error;
  EXPECT_FALSE(apply_text("[feed.a]\ninput.eal = \"--no-huge\"\n", "t.toml", c, error));
  EXPECT_NE(error.find("feed.a.input.eal: holds for the whole process"), std::string::npos) << error;
  EXPECT_FALSE(apply_text("[feed.a]\nstage.other.jump_bps = 1\n", "t.toml", c, error));
  EXPECT_NE(error.find("feed.a.stage.other: not in pipeline.stages"), std::string::npos) << error;
  EXPECT_FALSE(apply_text("feed.a = 3\n", "t.toml", c, error));
  EXPECT_NE(error.find("feed.a: expected a table"), std::string::npos) << error;
  EXPECT_FALSE(apply_text("[feed.a]\nfeed.b.workers.count = 2\n", "t.toml", c, error));
  EXPECT_EQ(error, "t.toml:2: feed.a.feed.b.workers.count: a feed table holds no other feed");
  EXPECT_TRUE(c == default_config()) << "a failed file changes nothing";

  // --set reaches a feed's keys too, lists written bare as elsewhere.
  ASSERT_TRUE(apply_override("feed.a.input.files=x.pcap,y.pcap", c, error)) << error;
  ASSERT_EQ(c.feeds.size(), 1u);
  AppConfig a;
  ASSERT_TRUE(feed_config(c, c.feeds[0], a, error)) << error;
  EXPECT_EQ(a.files, (std::vector<std::string>{"x.pcap", "y.pcap"}));
  EXPECT_FALSE(apply_override("feed.a.workers.count=99", c, error));
  EXPECT_NE(error.find("feed.a.workers.count"), std::string::npos) << error;
}

TEST(AppConfig, FeedsThatWouldShareAJournalOrAnRxCpuAreRefused) {
  AppConfig c = default_config();
  std::string error;
  ASSERT_TRUE(apply_text("[feed.a]\noutput.journal = \"j.jsonl\"\n[feed.b]\noutput.journal = \"j.jsonl\"\n", "t",
                         c, error))
      << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error, "feed.a.output.journal and feed.b.output.journal: both write j.jsonl") << error;
  // The same file however it is written, and whichever output writes it.
  c = default_config();
  ASSERT_TRUE(apply_text("[feed.a]\noutput.journal = \"out/j.jsonl\"\n"
                         "[feed.b]\noutput.latency_report = \"./out/../out/j.jsonl\"\n",
                         "t", c, error))
      << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error, "feed.a.output.journal and feed.b.output.latency_report: both write ./out/../out/j.jsonl");
  // Derived names never meet: out/lat.a.txt and out/lat.b.txt.
  ASSERT_TRUE(apply_override("feed.b.output.latency_report=\"\"", c, error)) << error;
  ASSERT_TRUE(apply_override("output.latency_report=out/lat.txt", c, error)) << error;
  EXPECT_TRUE(validate(c, error)) << error;

  c = default_config();
  ASSERT_TRUE(apply_text("[feed.a]\ncpus.rx = \"1\"\n[feed.b]\ncpus.rx = \"1\"\n", "t", c, error)) << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error, "feed.a.cpus.rx and feed.b.cpus.rx: both on CPU 1 (each feed's data threads need cores of their own)");
  c = default_config();
  ASSERT_TRUE(apply_text("[feed.a]\ncpus.rx = \"1\"\n[feed.b]\nworkers.count = 2\ncpus.workers = \"2-3\"\n"
                         "[feed.c]\ncpus.rx = \"3\"\n",
                         "t", c, error))
      << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_NE(error.find("feed.b.cpus.workers and feed.c.cpus.rx: both on CPU 3"), std::string::npos) << error;
  ASSERT_TRUE(apply_override("feed.c.cpus.rx=4", c, error)) << error;
  EXPECT_TRUE(validate(c, error)) << error;

  // A rule across keys, broken only by what the feed sets, names the feed.
  c = default_config();
  ASSERT_TRUE(apply_text("[feed.a]\noutput.journal_events = true\n", "t", c, error)) << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error, "feed.a: output.journal_events: needs output.journal");
  // The process's own settings never run as they are: only the feeds' must hold together.
  c = default_config();
  ASSERT_TRUE(apply_text("[output]\njournal_events = true\n[feed.a]\noutput.journal = \"a.jsonl\"\n", "t", c,
                         error))
      << error;
  EXPECT_TRUE(validate(c, error)) << error;
  // A control socket needs a worker to serve it, in each feed that gets one.
  ASSERT_TRUE(apply_override("control.socket=/tmp/x.sock", c, error)) << error;
  EXPECT_FALSE(validate(c, error));
  EXPECT_EQ(error.rfind("feed.a: control.socket: needs workers.count of 1 or more", 0), 0u) << error;
  ASSERT_TRUE(apply_override("feed.a.workers.count=1", c, error)) << error;
  EXPECT_TRUE(validate(c, error)) << error;
}

// docs/configuration.md lists every key with its default and range, generated from the
// schema: it cannot drift from what the code accepts.
TEST(ConfigReference, TheDocumentedKeysAreTheSchemasWithTheirDefaults) {
  const test::Bytes doc = test::read_file(test::source_dir() + "/docs/configuration.md");
  const std::string text(doc.begin(), doc.end());
  const std::size_t at = text.find("<!-- Generated by");
  ASSERT_NE(at, std::string::npos) << "docs/configuration.md lost its generated part";
  const std::size_t generated = text.find("-->\n", at);
  ASSERT_NE(generated, std::string::npos);
  EXPECT_EQ(text.substr(generated + 4), reference_markdown(default_config()))
      << "docs/configuration.md is out of date: run scripts/config_reference.sh";
}

TEST(ConfigReference, EveryKeyIsInTheReference) {
  const std::string reference = reference_markdown(default_config());
  for (const auto& [key, description] : describe_keys()) {
    // Stage keys appear under their stage's table, by their name within it.
    const std::string name = key.rfind("stage.", 0) == 0 ? key.substr(key.rfind('.') + 1) : key;
    EXPECT_NE(reference.find("| `" + name + "` |"), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace tickwire::config
