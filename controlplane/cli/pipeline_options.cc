#include "controlplane/cli/pipeline_options.h"

#include <string_view>

namespace tickwire::cli {

namespace {

// A flag and the key it sets. A flag without a value sets a boolean key to true.
struct FlagKey {
  std::string_view flag;
  std::string_view key;  // "stage.*." keys apply to every stage of the pipeline
  bool takes_value;
  std::string_view help;
};

constexpr FlagKey kFlagKeys[] = {
    {"eal", "input.eal", true, "read DPDK ports instead of files, e.g. \"--no-huge --vdev=net_pcap0,rx_pcap=F\""},
    {"idle-exit-ms", "input.idle_exit_ms", true, "with EAL ports: stop after this long without packets (0: never)"},
    {"control", "control.socket", true, "serve `tickwire ctl` on this Unix socket (needs workers)"},
    {"workers", "workers.count", true, "worker threads behind the RX thread (0: inline, one thread)"},
    {"journal", "output.journal", true, "write signals (JSON lines) to FILE and print its sha256"},
    {"journal-events", "output.journal_events", false, "with --journal: every retired event too"},
    {"stats", "output.stats", false, "after the summary, every figure as a `key value` line (stdout)"},
    {"report", "output.report", true, "every figure as one JSON object to FILE, for scripts"},
    {"latency-report", "output.latency_report", true, "the per-message pipeline cost as an HdrHistogram file"},
    {"rate", "replay.rate", true, "paced: N messages a second, latency from intended arrival"},
    {"speed", "replay.speed", true, "paced: capture time X times as fast"},
    {"burst", "replay.burst", true, "with --rate: each millisecond's messages X times as fast, then a pause"},
    {"max-orders", "book.max_orders", true, "live orders the books can hold"},
    {"reorder-window-us", "sequencer.reorder_window_us", true, "how long a sequence hole waits"},
    {"reorder-buffer", "sequencer.reorder_buffer", true, "packets held while a hole is open"},
    {"recovery", "recovery.server", true, "ask this MoldUDP64 re-request server (IP:PORT) for what both lines lost"},
    {"snapshot", "recovery.snapshot_server", true, "join late: the books of this GLIMPSE snapshot server first (IP:PORT)"},
    {"snapshot-wait-ms", "recovery.snapshot_wait_ms", true, "give up on a snapshot not complete by then"},
    {"window-ms", "stage.price_move.window_ms", true, "price-move window of exchange time"},
    {"jump-bps", "stage.price_move.jump_bps", true, "price jump threshold in basis points of the mid (0: off)"},
    {"drop-percent", "stage.price_move.drop_percent", true, "touch size drop threshold in percent (0: off)"},
    {"min-touch", "stage.price_move.min_touch", true, "smallest touch size judged for a drop"},
    {"budget-ns", "stage.*.budget_ns", true, "every stage's time budget per call"},
    {"overrun", "stage.*.overrun", true, "every stage's overrun policy: count, skip_low or degrade"},
};

bool apply_flag(const FlagKey& f, const std::string& value, config::AppConfig& config, std::string& error) {
  std::vector<std::string> keys;
  if (f.key.starts_with("stage.*.")) {
    for (const config::StageSpec& s : config.stages) {
      keys.push_back("stage." + s.name + "." + std::string(f.key.substr(8)));
    }
  } else {
    keys.emplace_back(f.key);
  }
  for (const std::string& key : keys) {
    // Strings are quoted for TOML (a path may hold anything but a quote or a backslash).
    const bool is_string = f.key == "input.eal" || f.key.starts_with("output.journal") || f.key == "control.socket" ||
                           f.key == "recovery.snapshot_server" || f.key == "recovery.server" ||
                           f.key == "output.latency_report" || f.key == "output.report" || f.key.ends_with(".overrun");
    std::string text = value;
    if (is_string && f.takes_value) {
      text.clear();
      for (const char c : value) {
        if (c == '"' || c == '\\') text.push_back('\\');
        text.push_back(c);
      }
      text = "\"" + text + "\"";
    }
    if (!config::apply_override(key + "=" + text, config, error)) {
      const std::size_t at = error.find(": ");
      error = "--" + std::string(f.flag) + " (" + key + ")" + (at == std::string::npos ? ": " + error
                                                                                       : error.substr(at));
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<OptionSpec> pipeline_option_specs() {
  std::vector<OptionSpec> specs = {
      {"config", true, "read settings from this TOML file (config/tickwire.toml lists every key)"},
      {"set", true, "KEY=VALUE: override one setting (repeatable), e.g. --set workers.count=2"},
      {"print-config", false, "print the settings that would run, as TOML, and exit"},
      {"print-config-reference", false, "print every key with its value as Markdown tables (docs/configuration.md)"},
      {"filter", true, "only datagrams to GROUP:PORT (repeatable; adds to input.filter)"},
  };
  for (const FlagKey& f : kFlagKeys) specs.push_back({f.flag, f.takes_value, f.help});
  specs.push_back({"help", false, "this text"});
  return specs;
}

bool build_config(const ArgParser& args, config::AppConfig& config, std::string& error) {
  if (const auto path = args.value("config")) {
    if (!config::apply_file(*path, config, error)) return false;
  }
  for (const FlagKey& f : kFlagKeys) {
    if (!args.has(f.flag)) continue;
    if (!apply_flag(f, f.takes_value ? *args.value(f.flag) : "true", config, error)) return false;
  }
  for (const std::string& filter : args.values("filter")) config.filters.push_back(filter);
  for (const std::string& assignment : args.values("set")) {
    if (!config::apply_override(assignment, config, error)) return false;
  }
  return config::validate(config, error);
}

bool feed_input_from_config(const ArgParser& args, const config::AppConfig& config, session::FeedInputOptions& input,
                            std::string& error) {
  input.inputs = !args.positional().empty() ? args.positional() : config.files;
  input.eal = config.eal;
  input.ports = config.ports;
  input.idle_exit_ms = config.idle_exit_ms;
  if (!input.inputs.empty() && !input.eal.empty()) {
    error = "give INPUT files (or input.files) or EAL ports (--eal, input.eal), not both";
    return false;
  }
  // Feeds may each name their own files; each is checked when its session starts.
  if (input.inputs.empty() && input.eal.empty() && config.feeds.empty()) {
    error = "give INPUT files (or input.files) or EAL ports (--eal, input.eal), not neither";
    return false;
  }
  return session::filter_from_config(config, input.filter, error);
}

}  // namespace tickwire::cli
