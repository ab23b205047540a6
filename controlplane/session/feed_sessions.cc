#include "controlplane/session/feed_sessions.h"

#include <stdio.h>  // open_memstream

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "controlplane/report/feed_report.h"
#include "controlplane/report/session_report.h"

namespace tickwire::session {

namespace {

// What one session writes while the others run too, held until all have ended.
class HeldStream {
 public:
  HeldStream() : file_(open_memstream(&text_, &size_)) {}
  ~HeldStream() {
    if (file_ != nullptr) std::fclose(file_);
    std::free(text_);
  }
  HeldStream(const HeldStream&) = delete;
  HeldStream& operator=(const HeldStream&) = delete;

  [[nodiscard]] std::FILE* file() const noexcept { return file_; }
  // Each line to `to`, after `prefix`.
  void release(std::FILE* to, const std::string& prefix) {
    if (file_ == nullptr) return;
    std::fclose(file_);
    file_ = nullptr;
    const std::string_view all(text_, size_);
    for (std::size_t start = 0; start < all.size();) {
      const std::size_t end = std::min(all.find('\n', start), all.size());
      std::fprintf(to, "%s%.*s\n", prefix.c_str(), static_cast<int>(end - start), all.data() + start);
      start = end + 1;
    }
  }

 private:
  char* text_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

struct FeedRun {
  std::string name;
  config::AppConfig config;
  FeedInputOptions input;
  SessionOptions options;
  std::unique_ptr<HeldStream> report = std::make_unique<HeldStream>();
  std::unique_ptr<HeldStream> stats = std::make_unique<HeldStream>();
  int exit_code = 1;
};

int worst(int a, int b) {
  if (a >= 128 || b >= 128) return std::max(a >= 128 ? a : 0, b >= 128 ? b : 0);
  return std::max(a, b);
}

// Every port to the one feed that names it; every port polled. With a single feed that names
// none, it polls them all.
bool assign_ports(std::vector<FeedRun>& runs, const std::vector<std::unique_ptr<drivers::DpdkPort>>& ports,
                  std::string& error) {
  for (const auto& port : ports) {
    FeedRun* owner = nullptr;
    for (FeedRun& run : runs) {
      const std::vector<std::string>& wanted = run.config.ports;
      const bool takes =
          wanted.empty() ? runs.size() == 1 : std::count(wanted.begin(), wanted.end(), port->name()) != 0;
      if (!takes) continue;
      if (owner != nullptr) {
        error = "port " + port->name() + " is in input.ports of both feed." + owner->name + " and feed." + run.name +
                " (a port has one RX queue, polled by one feed's RX thread)";
        return false;
      }
      owner = &run;
    }
    if (owner == nullptr) {  // several feeds, and none names it
      error = "port " + port->name() + " is in no feed's input.ports (its packets would go unread)";
      return false;
    }
    owner->input.opened_ports.push_back(port.get());
  }
  for (const FeedRun& run : runs) {
    if (run.input.opened_ports.empty()) {
      error = "feed." + run.name + ": input.ports: with several feeds, each names the ports it polls";
      return false;
    }
  }
  return true;
}

}  // namespace

int run_feed_sessions(const config::AppConfig& config, const FeedInputOptions& input, const SessionOptions& options) {
  if (config.feeds.empty()) return run_pipeline_session(config, input, options);
  const std::string who = "tickwire " + options.command;
  const bool live = !input.eal.empty();

  std::vector<FeedRun> runs(config.feeds.size());
  std::vector<std::string> wanted_ports;
  StartGate start_gate(runs.size());
  // Read once, before any feed reserves its pools: each feed's share of one figure.
  const std::uint64_t budget_share = session_memory_budget(config) / runs.size();
  const std::string budget_source =
      describe_memory_budget(config) + ", shared by " + std::to_string(runs.size()) + " feeds";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    FeedRun& run = runs[i];
    run.name = config.feeds[i].name;
    std::string error;
    if (!config::feed_config(config, config.feeds[i], run.config, error) ||
        !filter_from_config(run.config, run.input.filter, error)) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
      return 1;
    }
    run.input.eal = input.eal;
    run.input.idle_exit_ms = run.config.idle_exit_ms;
    run.input.clock = input.clock;
    run.input.who = who + " [feed " + run.name + "]";
    if (live && !run.config.files.empty()) {
      std::fprintf(stderr, "%s: feed.%s.input.files: a live feed reads its input.ports, not files\n", who.c_str(),
                   run.name.c_str());
      return 1;
    }
    if (!live) {
      run.input.inputs = !run.config.files.empty() ? run.config.files : input.inputs;
      if (run.input.inputs.empty()) {
        std::fprintf(stderr, "%s: feed.%s: nothing to read: give INPUT files, or feed.%s.input.files\n", who.c_str(),
                     run.name.c_str(), run.name.c_str());
        return 1;
      }
    }
    for (const std::string& p : run.config.ports) wanted_ports.push_back(p);
    run.options = options;
    run.options.feed_name = run.name;
    run.options.budget_bytes = budget_share;
    run.options.budget_source = budget_source;
    run.options.start_gate = &start_gate;
    run.options.report_peak_rss = false;
    if (!options.latency_dir.empty()) run.options.latency_dir = options.latency_dir + "/" + run.name;
    run.options.report_out = run.report->file();
    run.options.stats_out = run.stats->file();
    if (run.options.report_out == nullptr || run.options.stats_out == nullptr) {
      std::fprintf(stderr, "%s: cannot hold feed %s's report\n", who.c_str(), run.name.c_str());
      return 1;
    }
  }

  // One EAL for the process, its ports opened here before any RX thread polls one.
  std::vector<std::unique_ptr<drivers::DpdkPort>> ports;
  if (live) {
    if (!start_eal(input.eal, stderr)) return 1;
    for (const std::uint16_t id : drivers::Eal::ports()) {
      const std::string name = drivers::Eal::port_name(id);
      if (!wanted_ports.empty() && std::count(wanted_ports.begin(), wanted_ports.end(), name) == 0) {
        std::fprintf(stderr, "%s: port %s is in no feed's input.ports (its packets would go unread)\n", who.c_str(),
                     name.c_str());
        drivers::Eal::cleanup();
        return 1;
      }
    }
    const bool every_port =
        std::any_of(runs.begin(), runs.end(), [](const FeedRun& r) { return r.config.ports.empty(); });
    ports = open_dpdk_ports(input.eal, every_port ? std::vector<std::string>{} : wanted_ports, stderr);
    std::string error;
    if (ports.empty() || !assign_ports(runs, ports, error)) {
      if (!error.empty()) std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
      ports.clear();
      drivers::Eal::cleanup();
      return 1;
    }
  }

  std::vector<std::thread> threads;
  threads.reserve(runs.size());
  for (FeedRun& run : runs) {
    threads.emplace_back([&run] { run.exit_code = run_pipeline_session(run.config, run.input, run.options); });
  }
  for (std::thread& t : threads) t.join();
  if (live) {
    ports.clear();
    drivers::Eal::cleanup();
  }

  int exit_code = 0;
  for (FeedRun& run : runs) {
    run.report->release(stdout, "feed." + run.name + ".");
    run.stats->release(stderr, "feed." + run.name + ".");
    exit_code = worst(exit_code, run.exit_code);
  }
  report::print_report_line(stdout, "memory.peak_rss_kib", report::peak_rss_kib());
  std::fflush(stdout);
  return exit_code;
}

}  // namespace tickwire::session
