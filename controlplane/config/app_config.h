// What `tickwire replay` and `tickwire run` run with: one struct holding every setting, read
// from a TOML file and then from `--set KEY=VALUE` overrides, each layer over the one before.
// Every key is declared once, in a schema (app_config.cc) that the loader, the printer and
// the key list all read, so a key cannot be loadable yet missing from --print-config.
//
// Nothing here throws: every bad value is an error string naming the key (and, from a file,
// the line), and a layer that fails leaves the config as it was.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controlplane/patterns/pattern_catalog.h"
#include "controlplane/recovery/recovery_policy.h"
#include "dataplane/book/book_store.h"
#include "dataplane/breakers/breaker_spec.h"
#include "dataplane/events/classification.h"
#include "dataplane/feed/sequencer.h"
#include "dataplane/sched/worker.h"
#include "dataplane/stages/overrun_policy.h"
#include "dataplane/stages/price_move_detector.h"

namespace tickwire::config {

// One pipeline slot. `price_move` is the built-in detector (its settings are
// AppConfig::price_move); any other name is a stage loaded from `plugin`.
struct StageSpec {
  std::string name;
  std::string plugin{};  // shared object path; empty for the built-in
  std::string params{};  // handed to the plugin's create()
  std::uint64_t budget_ns = 2000;  // 0: no budget
  stages::OverrunPolicy overrun = stages::OverrunPolicy::kCount;
  friend bool operator==(const StageSpec&, const StageSpec&) = default;
};

inline constexpr std::string_view kBuiltInStage = stages::PriceMoveDetector::kName;

// One feed session of a process that runs several: its own RX thread polling its lines, its
// own sequencer, books and workers. `settings` are the keys of its [feed.NAME] table,
// flattened to (dotted key, value as TOML text), which apply over the process's settings for
// this feed alone (feed_config()).
struct FeedSpec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> settings;
  friend bool operator==(const FeedSpec&, const FeedSpec&) = default;
};

// Each feed session takes at least one thread and a set of books.
inline constexpr std::size_t kMaxFeeds = 16;

// What a pattern signal does when another instance said the opposite about a security within
// the window: both go out marked (flag), both are dropped (suppress), the first goes out and
// the later is dropped (first_wins). The last two hold every signal for the window.
enum class ConflictPolicy : std::uint8_t { kFlag, kSuppress, kFirstWins };
inline constexpr std::array<std::string_view, 3> kConflictPolicyNames = {"flag", "suppress", "first_wins"};

// The pattern layer ([patterns] and the [pattern.NAME] tables).
struct PatternsConfig {
  std::uint32_t workers = 0;          // pattern threads; 0: the patterns run on the process's merge thread
  std::uint32_t levels = 5;           // level changes within the top N of a side the feeds publish
  std::uint64_t ring_updates = 65'536;  // each feed's broadcast ring
  std::uint32_t max_securities = 16'384;
  std::uint64_t output_records = 16'384;
  std::uint32_t max_instances = 16'384;
  std::string securities_file;        // the reference data ("": none)
  std::uint64_t conflict_window_ns = 0;  // 0: no conflict handling
  ConflictPolicy conflict_policy = ConflictPolicy::kFlag;
  std::uint64_t merge_skew_ns = 100'000;
  std::uint64_t merge_max_hold_ns = 5'000'000;
};

struct AppConfig {
  book::BookConfig book;
  feed::SequencerConfig sequencer;
  recovery::RecoveryConfig recovery;
  std::string recovery_server;  // "IP:PORT"; empty: no re-requests
  std::string snapshot_server;  // "IP:PORT" of a GLIMPSE server to join from; empty: none
  std::uint64_t snapshot_wait_ms = 0;  // the whole snapshot; 0: no limit

  // input
  std::string eal;                   // EAL arguments; empty: read files
  std::uint64_t idle_exit_ms = 1000;  // with EAL: stop after this long without a packet (0: never)
  std::vector<std::string> filters;  // "GROUP:PORT" each; empty: every datagram
  std::vector<std::string> files;    // replay: captures read when the command line names none
  std::vector<std::string> ports;    // with EAL: the ports this session polls; empty: every port

  std::uint32_t workers = 0;  // 0: inline, one thread
  sched::WorkerConfig worker;
  events::ClassificationRules classification;

  std::vector<StageSpec> stages = {StageSpec{.name = std::string(kBuiltInStage)}};  // chain order
  stages::PriceMoveConfig price_move;

  std::uint64_t memory_budget_mb = 0;  // 0: derive from the machine
  std::uint32_t warn_fill_percent = 80;

  // replay pacing: at most one of speed and rate
  double replay_speed = 0;        // multiple of capture time; 0: as fast as possible
  std::uint64_t replay_rate = 0;  // messages per second; 0: off
  double replay_burst = 1;        // with rate: bursts go out at burst x rate

  // output
  std::string journal;
  bool journal_events = false;
  std::string latency_report;
  bool stats = false;
  std::string report;  // every figure as one JSON object, for scripts; empty: none
  std::uint64_t status_interval_s = 0;  // a status line every this many seconds; 0: none

  std::string control_socket;  // `tickwire ctl` talks to this Unix socket; empty: no control channel

  // CPUs the threads are pinned to ("": not pinned): "3"; for the workers a list, "4,5" or
  // "4-5", one per worker.
  std::string rx_cpu;
  std::string worker_cpus;
  std::string control_cpu;

  // Empty: one feed session, from the settings above. Otherwise one session per entry.
  std::vector<FeedSpec> feeds;

  PatternsConfig patterns;
  std::vector<patterns::PatternSpec> pattern_tables;  // in the order first written
  std::vector<breakers::BreakerSpec> breaker_tables;  // [breaker.NAME], in the order first written
  // Instruments whose security breakers may promote their tops and trades at once, per feed.
  std::uint32_t breaker_max_promoted = 64;
  // The feed's exchange clock moved by this much before the pattern layer compares it with
  // other feeds' (a root key: feed.NAME.clock_offset_ns in a feed table).
  double clock_offset_ns = 0;
  std::string session_date;  // "YYYY-MM-DD": the trading day's date ("": from the capture, or today live)
};

// "4", "4,6", "4-7,9": the CPUs, in order. False when the text is not such a list.
[[nodiscard]] bool parse_cpu_list(std::string_view text, std::vector<unsigned>& cpus);

// Same settings: every field a key sets, compared raw (not through the key's unit). Fields
// of the dataplane structs that no key sets (wiring such as WorkerConfig::retire_events or
// PriceMoveConfig::max_instruments) are not compared.
[[nodiscard]] bool operator==(const AppConfig& a, const AppConfig& b);

// What the code uses with no file.
[[nodiscard]] AppConfig default_config();

// A TOML file over `config`. False with `error` like
// "tickwire.toml:12: book.max_ordrs: unknown key"; `config` is then unchanged.
[[nodiscard]] bool apply_file(const std::string& path, AppConfig& config, std::string& error);

// TOML text over `config`; `source_name` heads error messages.
[[nodiscard]] bool apply_text(std::string_view toml_text, std::string_view source_name, AppConfig& config,
                              std::string& error);

// One "KEY=VALUE", VALUE in TOML syntax. For a string key, a value that is not a TOML string
// is taken literally (input.eal=--no-huge); for an array key, a value that is not TOML is a
// comma-separated list (pipeline.stages=price_move,large_trade). A stage.NAME.* key needs
// NAME in pipeline.stages already. Errors read "--set KEY=VALUE: ...".
[[nodiscard]] bool apply_override(std::string_view assignment, AppConfig& config, std::string& error);

// Every key's range again (for configs built in code) and the rules that span keys: replay
// speed and rate together, a burst without a rate, journal_events without a journal, a
// non-built-in stage without a plugin. Errors name the key(s).
[[nodiscard]] bool validate(const AppConfig& config, std::string& error);

// The settings feed session `feed` runs with: `process` without its feeds, then the feed's
// own keys. Outputs a feed does not name itself (output.journal, output.latency_report,
// control.socket) get the feed's name before their extension, so that feeds never share a
// file. False with `error` naming "feed.NAME.KEY" when the result does not validate.
[[nodiscard]] bool feed_config(const AppConfig& process, const FeedSpec& feed, AppConfig& out, std::string& error);

// A feed's own file beside the process's: "out/signals.jsonl" -> "out/signals.NAME.jsonl",
// "signals" -> "signals.NAME"; "" stays "".
[[nodiscard]] std::string with_feed_name(const std::string& path, const std::string& name);

// Keys that hold for the whole process and so cannot be set in a [feed.NAME] table: EAL,
// the memory budget, pacing, the control thread and its socket, the report file and the
// status lines.
[[nodiscard]] bool process_wide_key(std::string_view dotted);

// Every key with its value, one comment line each; apply_text() of it over default_config()
// gives `config` back (times are printed in the key's unit, so sub-unit remainders of
// fields set in code are dropped).
[[nodiscard]] std::string to_toml(const AppConfig& config);

// Every key of `config` as Markdown tables, one per [table], with its value and what it sets
// (docs/configuration.md is this for the defaults; a test holds them equal).
[[nodiscard]] std::string reference_markdown(const AppConfig& config);

// Every key and a one-line description with its allowed values. Stage keys are listed as
// "stage.<name>.KEY", and keys of the built-in as "stage.price_move.KEY".
[[nodiscard]] std::vector<std::pair<std::string, std::string>> describe_keys();

}  // namespace tickwire::config
