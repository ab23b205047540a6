#include "controlplane/session/process.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "controlplane/report/figures.h"
#include "controlplane/report/session_report.h"
#include "controlplane/report/summary.h"
#include "controlplane/runtime/meminfo.h"
#include "controlplane/runtime/memory_plan.h"
#include "controlplane/runtime/thread_placement.h"
#include "controlplane/session/status_lines.h"
#include "controlplane/session/stop_signal.h"
#include "dataplane/patterns/session_clock.h"

namespace tickwire::session {

namespace {

// Chunks of the process's message outbox (alerts for a person): a burst of a few thousand lines.
constexpr std::size_t kMessageChunks = 4;
// How long an idle loop sleeps: short at first, doubling while nothing comes, up to a bound
// that stays short next to what any peer of the control plane waits for. On a machine with
// fewer cores than threads, every wake-up takes a core from a data thread, so a quiet loop
// must not wake often.
constexpr auto kMergeIdleFirst = std::chrono::microseconds(20);
constexpr auto kMergeIdleMost = std::chrono::microseconds(500);
constexpr auto kControlIdle = std::chrono::microseconds(200);

// The merge thread's idle sleeps: reset by work, doubled by each idle pass.
class Backoff {
 public:
  void worked() noexcept { next_ = kMergeIdleFirst; }
  void idle() {
    std::this_thread::sleep_for(next_);
    next_ = std::min(next_ * 2, std::chrono::duration_cast<std::chrono::microseconds>(kMergeIdleMost));
  }

 private:
  std::chrono::microseconds next_ = kMergeIdleFirst;
};

int worst(int a, int b) {
  if (a >= 128 || b >= 128) return std::max(a >= 128 ? a : 0, b >= 128 ? b : 0);
  return std::max(a, b);
}

// Every port to the one feed that names it; every port polled. With a single feed that names
// none, it polls them all.
bool assign_ports(std::vector<FeedSetup>& setups, const std::vector<std::unique_ptr<drivers::DpdkPort>>& ports,
                  std::string& error) {
  for (const auto& port : ports) {
    FeedSetup* owner = nullptr;
    for (FeedSetup& s : setups) {
      const std::vector<std::string>& wanted = s.config.ports;
      const bool takes =
          wanted.empty() ? setups.size() == 1 : std::count(wanted.begin(), wanted.end(), port->name()) != 0;
      if (!takes) continue;
      if (owner != nullptr) {
        error = "port " + port->name() + " is in input.ports of both feed." + owner->name + " and feed." + s.name +
                " (a port has one RX queue, polled by one feed's RX thread)";
        return false;
      }
      owner = &s;
    }
    if (owner == nullptr) {  // several feeds, and none names it
      error = "port " + port->name() + " is in no feed's input.ports (its packets would go unread)";
      return false;
    }
    owner->input.opened_ports.push_back(port.get());
  }
  for (const FeedSetup& s : setups) {
    if (s.input.opened_ports.empty()) {
      error = "feed." + s.name + ": input.ports: with several feeds, each names the ports it polls";
      return false;
    }
  }
  return true;
}

// Replay without input.session_date runs on a nominal date: exchange times still compare
// across feeds of one clock, and the output never depends on the day the replay ran.
constexpr std::int64_t kNominalSessionDay = 1;

// Midnight US Eastern of the session's date as ns since the epoch: input.session_date, else
// today live, else the nominal date.
std::uint64_t session_day_start(const std::string& date, bool live) {
  std::int64_t day = kNominalSessionDay;
  unsigned y = 0, m = 0, d = 0;
  if (!date.empty() && std::sscanf(date.c_str(), "%u-%u-%u", &y, &m, &d) == 3) {
    day = patterns::days_from_civil(y, m, d);
  } else if (live) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    day = patterns::eastern_day_of(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
  }
  return static_cast<std::uint64_t>(patterns::eastern_midnight_ns(day));
}

}  // namespace

// Every pool and ring is sized from the configuration; start-up refuses what cannot fit.
std::uint64_t session_memory_budget(const config::AppConfig& config) {
  if (config.memory_budget_mb != 0) return config.memory_budget_mb << 20;
  return runtime::meminfo_field("MemAvailable:") / 10 * 9;  // a tenth for the kernel and everything else
}

std::string describe_memory_budget(const config::AppConfig& config) {
  return config.memory_budget_mb != 0 ? "memory.budget_mb" : "90% of MemAvailable";
}

Process::~Process() { stop(); }

bool Process::open_ports(std::vector<FeedSetup>& setups) {
  std::vector<std::string> wanted_ports;
  for (const FeedSetup& s : setups) {
    for (const std::string& p : s.config.ports) wanted_ports.push_back(p);
  }
  if (!start_eal(config_.eal, stderr)) return false;
  eal_started_ = true;
  if (setups.size() > 1) {
    for (const std::uint16_t id : drivers::Eal::ports()) {
      const std::string name = drivers::Eal::port_name(id);
      if (!wanted_ports.empty() && std::count(wanted_ports.begin(), wanted_ports.end(), name) == 0) {
        std::fprintf(stderr, "%s: port %s is in no feed's input.ports (its packets would go unread)\n", who_.c_str(),
                     name.c_str());
        return false;
      }
    }
  }
  const bool every_port =
      std::any_of(setups.begin(), setups.end(), [](const FeedSetup& s) { return s.config.ports.empty(); });
  ports_ = open_dpdk_ports(config_.eal, every_port ? std::vector<std::string>{} : wanted_ports, stderr);
  std::string error;
  if (ports_.empty() || !assign_ports(setups, ports_, error)) {
    if (!error.empty()) std::fprintf(stderr, "%s: %s\n", who_.c_str(), error.c_str());
    return false;
  }
  return true;
}

bool Process::setup(const config::AppConfig& config, const FeedInputOptions& input, const SessionOptions& options) {
  config_ = config;
  options_ = options;
  who_ = "tickwire " + options.command;
  const bool live = !input.eal.empty();
  install_stop_handlers();
  messages_ = std::make_unique<Outbox>(kMessageChunks, Outbox::WhenFull::kDrop);
  if (!messages_->ok()) {
    std::fprintf(stderr, "%s: cannot reserve the message buffers\n", who_.c_str());
    return false;
  }
  const metrics::TscClock clock = metrics::TscClock::calibrate();

  // One setup per feed, or one for the whole configuration.
  std::vector<FeedSetup> setups(std::max<std::size_t>(1, config.feeds.size()));
  // Read once, before any feed reserves its pools: the pattern layer's part first, then each
  // feed's share of the rest.
  std::uint64_t budget = session_memory_budget(config);
  const runtime::MemoryPlan patterns_plan = runtime::plan_pattern_memory(config, setups.size());
  if (patterns_plan.total() != 0) {
    if (patterns_plan.total() >= budget) {
      std::fprintf(stderr,
                   "%s: the pattern layer needs %s but the memory budget is %llu MiB (%s); lower "
                   "patterns.ring_updates, patterns.max_securities or patterns.workers, or raise memory.budget_mb\n",
                   who_.c_str(), patterns_plan.describe().c_str(), static_cast<unsigned long long>(budget >> 20),
                   describe_memory_budget(config).c_str());
      return false;
    }
    budget -= patterns_plan.total();
  }
  for (std::size_t i = 0; i < setups.size(); ++i) {
    FeedSetup& s = setups[i];
    s.options = options;
    s.clock = clock;
    s.say_to = messages_->file();
    s.budget_bytes = budget / setups.size();
    s.budget_source = describe_memory_budget(config) +
                      (patterns_plan.total() != 0 ? ", less the pattern layer's " +
                                                        std::to_string(patterns_plan.total() >> 20) + " MiB"
                                                  : "");
    if (config.feeds.empty()) {
      s.config = config;
      s.input = input;
      continue;
    }
    s.name = config.feeds[i].name;
    s.budget_source += ", shared by " + std::to_string(setups.size()) + " feeds";
    std::string error;
    if (!config::feed_config(config, config.feeds[i], s.config, error) ||
        !filter_from_config(s.config, s.input.filter, error)) {
      std::fprintf(stderr, "%s: %s\n", who_.c_str(), error.c_str());
      return false;
    }
    s.input.eal = input.eal;
    s.input.idle_exit_ms = s.config.idle_exit_ms;
    if (live && !s.config.files.empty()) {
      std::fprintf(stderr, "%s: feed.%s.input.files: a live feed reads its input.ports, not files\n", who_.c_str(),
                   s.name.c_str());
      return false;
    }
    if (!live) {
      s.input.inputs = !s.config.files.empty() ? s.config.files : input.inputs;
      if (s.input.inputs.empty()) {
        std::fprintf(stderr, "%s: feed.%s: nothing to read: give INPUT files, or feed.%s.input.files\n", who_.c_str(),
                     s.name.c_str(), s.name.c_str());
        return false;
      }
    }
    if (!options.latency_dir.empty()) s.options.latency_dir = options.latency_dir + "/" + s.name;
  }

  // One EAL for the process, its ports opened here before any RX thread polls one.
  if (live && !open_ports(setups)) return false;
  if (!setup_patterns(setups, live, clock)) return false;

  for (FeedSetup& s : setups) {
    const std::string who = who_ + (s.name.empty() ? "" : " [feed " + s.name + "]");
    std::string error;
    std::unique_ptr<FeedSession> feed = FeedSession::create(std::move(s), error);
    if (!feed) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
      if (setups.size() > 1) std::fprintf(stderr, "%s: no feed started: every feed must start\n", who_.c_str());
      return false;
    }
    feeds_.push_back(std::move(feed));
  }
  progress_ = std::make_unique<ProgressLine>(stderr, options.progress && !live);
  if (config.status_interval_s != 0) parts_.push_back(std::make_unique<StatusLines>(config.status_interval_s));
  if (patterns_ != nullptr) parts_.push_back(std::move(pattern_layer_));
  return true;
}

bool Process::setup_patterns(std::vector<FeedSetup>& setups, bool live, metrics::TscClock clock) {
  // Ranks by name: ties in the total order break the same way whatever order the tables
  // were written in.
  std::vector<std::size_t> by_name(setups.size());
  for (std::size_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
  std::sort(by_name.begin(), by_name.end(), [&](std::size_t a, std::size_t b) { return setups[a].name < setups[b].name; });
  std::vector<std::string> names;
  std::vector<std::uint64_t> day_starts;
  std::vector<std::int64_t> offsets;
  for (const std::size_t i : by_name) {
    const config::AppConfig& c = setups[i].config;
    names.push_back(setups[i].name);
    day_starts.push_back(session_day_start(c.session_date, live));
    offsets.push_back(std::llround(c.clock_offset_ns));
  }
  std::string error;
  pattern_layer_ = PatternLayer::create(config_, names, day_starts, offsets, live, clock, error);
  if (!pattern_layer_) {
    if (error.empty()) return true;  // no [pattern.NAME] tables
    std::fprintf(stderr, "%s: %s\n", who_.c_str(), error.c_str());
    return false;
  }
  patterns_ = pattern_layer_.get();
  for (std::size_t rank = 0; rank < by_name.size(); ++rank) {
    FeedSetup& s = setups[by_name[rank]];
    s.patterns = patterns_->hookup(rank);
    s.patterns.tap.skew_ns = config_.patterns.merge_skew_ns;
    s.pattern_lines = patterns_->lines_for_one_feed();
    s.pattern_command = [layer = patterns_](const std::string& line, const std::function<void()>& keep_io) {
      return layer->command(line, keep_io);
    };
  }
  return true;
}

void Process::start() {
  for (auto& feed : feeds_) feed->start();
  for (auto& part : parts_) part->start(view());
  std::optional<unsigned> control_cpu;
  {
    runtime::Placement placement;
    std::string ignored;
    if (runtime::place_threads(config_, placement, ignored)) control_cpu = placement.control;
  }
  merge_thread_ = std::thread([this, control_cpu] {
    runtime::pin_this_thread(control_cpu);
    merge_loop();
  });
  runtime::pin_this_thread(control_cpu);
}

void Process::merge_loop() {
  Backoff backoff;
  for (;;) {
    std::size_t moved = 0;
    bool all_merged = true;
    // The parts first: a feed's journal takes the pattern lines they released this pass.
    for (auto& part : parts_) {
      moved += part->merge();
      all_merged = all_merged && part->merged();
    }
    for (auto& feed : feeds_) {
      moved += feed->merge();
      all_merged = all_merged && feed->merged();
    }
    if (all_merged) break;
    if (moved != 0) {
      backoff.worked();
    } else {
      backoff.idle();
    }
  }
  messages_->close();
  merge_done_.store(true, std::memory_order_release);
}

// What the control thread owes the others, also while a command waits: swaps to request and
// versions to free (the RX core may wait for them), the journals written out (the merge
// thread may wait for room), the messages printed.
void Process::keep_io() {
  for (auto& feed : feeds_) {
    feed->control();
    feed->write_out();
  }
  for (auto& part : parts_) part->write_out();
  print_messages();
}

void Process::print_messages() {
  if (!messages_->pending()) return;
  if (progress_) progress_->clear();  // the progress line makes way
  messages_->drain(stderr);
}

bool Process::poll() {
  keep_io();
  bool all_finished = true;
  for (auto& feed : feeds_) {
    feed->serve([this] { keep_io(); });
    all_finished = feed->finished() && all_finished;
  }
  std::uint64_t messages = 0, done = 0, total = 0;
  for (auto& feed : feeds_) {
    const InputProgress& p = feed->progress();
    messages += p.messages.load(std::memory_order_relaxed);
    done += p.bytes_done.load(std::memory_order_relaxed);
    total += p.bytes_total.load(std::memory_order_relaxed);
  }
  if (progress_) progress_->update(messages, done, total);
  for (auto& part : parts_) part->poll(view());
  if (all_finished && merge_done_.load(std::memory_order_acquire) && messages_->finished()) return false;
  std::this_thread::sleep_for(kControlIdle);
  return true;
}

ProcessView Process::view() {
  return ProcessView{feeds_, [this] { keep_io(); }, [this] {
                       if (progress_) progress_->clear();
                     }};
}

void Process::stop() {
  if (merge_thread_.joinable()) merge_thread_.join();
  for (auto& part : parts_) part->stop(view());
  for (auto& feed : feeds_) feed->stop();
  if (messages_) messages_->drain(stderr);
  if (progress_) progress_->clear();
  ports_.clear();
  if (eal_started_) {
    drivers::Eal::cleanup();
    eal_started_ = false;
  }
}

int Process::report() {
  report::RunSummary run;
  run.command = options_.command;
  report::Figures all;
  int exit_code = 0;
  for (auto& feed : feeds_) {
    report::Figures figures;
    report::FeedSummary summary;
    exit_code = worst(exit_code, feed->report(figures, summary));
    all.append(figures, feed->name().empty() ? "" : "feed." + feed->name() + ".");
    run.feeds.push_back(std::move(summary));
  }
  for (const auto& part : parts_) {
    part->report(all);
    if (!part->summarize(run)) exit_code = worst(exit_code, 1);
  }
  run.peak_rss_kib = report::peak_rss_kib();
  all.add("memory.peak_rss_kib", run.peak_rss_kib);
  if (stop_requested()) run.stop_signal = stop_signal_number();
  report::print_summary(stdout, run);
  if (config_.stats) {
    std::fputs("\n", stdout);
    all.print(stdout);
  }
  std::fflush(stdout);
  if (!config_.report.empty()) {
    std::ofstream out(config_.report, std::ios::binary | std::ios::trunc);
    out << all.json();
    if (!out.flush()) {
      std::fprintf(stderr, "%s: cannot write the report to %s\n", who_.c_str(), config_.report.c_str());
      exit_code = worst(exit_code, 1);
    }
  }
  if (stop_requested()) {
    std::fprintf(stderr, "%s: stopped by signal %d; the journal and figures cover the messages before it\n",
                 who_.c_str(), stop_signal_number());
    return 128 + stop_signal_number();
  }
  return exit_code;
}

int run_process(const config::AppConfig& config, const FeedInputOptions& input, const SessionOptions& options) {
  Process process;
  if (!process.setup(config, input, options)) return 1;
  process.start();
  while (process.poll()) {
  }
  process.stop();
  return process.report();
}

}  // namespace tickwire::session
