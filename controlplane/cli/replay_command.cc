#include "controlplane/cli/replay_command.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/feed_input.h"
#include "controlplane/cli/feed_report.h"
#include "controlplane/cli/sha256.h"
#include "controlplane/format/journal_writer.h"
#include "controlplane/runtime/output_merger.h"
#include "controlplane/runtime/stage_plugin.h"
#include "controlplane/runtime/stage_swapper.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/core/qsbr.h"
#include "dataplane/metrics/arrival_schedule.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/events/classification.h"
#include "dataplane/feed/sequenced_feed.h"
#include "dataplane/sched/event_router.h"
#include "dataplane/stages/inline_pipeline.h"
#include "dataplane/stages/price_move_detector.h"

namespace tickwire::cli {

namespace {

constexpr std::string_view kSynopsis = "[options] INPUT...   (pcap, pcapng or BinaryFILE; .gz too)";

struct SignalCounter final : stages::SignalSink, stages::StageNoticeSink {
  format::JournalWriter* journal = nullptr;
  std::array<std::uint64_t, stages::kSignalKindCount + 1> by_kind{};  // the last: unknown kinds
  void emit(const stages::Signal& s) noexcept override {
    ++by_kind[std::min(static_cast<std::size_t>(s.kind), stages::kSignalKindCount)];
    if (journal != nullptr) journal->signal(s);
  }
  void notice(const stages::StageNotice& n) noexcept override {
    if (journal != nullptr) journal->notice(n);
  }
};

// Scripted hot swaps: slot 0 gets a fresh detector at every multiple of `every` (the
// backtest of a parameter change, and the swap storm of the tests).
struct SwapScript {
  std::uint64_t every = 0;
  std::uint64_t next_at = 0;
  std::uint32_t version = 0;
  std::function<std::unique_ptr<stages::Stage>()> make;  // a new instance for slot 0
};

// Between the book builder and the pipeline: the journal sees every event first, when asked;
// scripted swaps happen at message boundaries, as a worker would make them.
struct EventTap {
  stages::InlinePipeline& pipeline;
  format::JournalWriter* events_journal = nullptr;
  format::JournalWriter* journal = nullptr;
  SwapScript* swaps = nullptr;
  bool at_message_start = true;
  void operator()(const events::Event& e) {
    if (swaps != nullptr && at_message_start) swap_if_due(e.sequence);
    at_message_start = (e.flags & events::kLastInMessage) != 0;
    if (events_journal != nullptr) events_journal->event(e);
    pipeline(e);
  }
  void swap_if_due(std::uint64_t sequence) {
    for (; swaps->next_at <= sequence; swaps->next_at += swaps->every) {
      const std::uint32_t version = ++swaps->version;
      std::unique_ptr<stages::Stage> next = swaps->make();
      if (!next || !pipeline.install(0, {next.get(), sequence, version})) continue;
      (void)next.release();  // the pipeline's now, until retired
      if (journal != nullptr) journal->swap(sequence, 0, version);
      // Inline, every earlier message has run: the old version is done with.
      pipeline.retire(sequence, [](const stages::StageVersion& v) {
        if (v.id != 0) delete v.stage;
        return true;
      });
    }
  }
};

// A paced replay: each message is released at its intended arrival time (the RX core spins
// until then), and latency is measured from that time. The sequencer and the stages still
// run on capture time, so pacing changes no decision and the journal stays the same.
struct Pacing {
  metrics::ArrivalSchedule* schedule = nullptr;  // null: as fast as possible
  metrics::TscClock clock;
  metrics::LatencyHistogram* inline_latency = nullptr;  // inline: intended arrival to stages done
};

template <class Events>
struct ReplaySink {
  book::BookBuilder<Events>& builder;
  Events* events = nullptr;  // set when it batches (the router): told at each burst's end
  Pacing pacing;
  std::uint64_t gaps = 0;

  void end_of_burst() {
    if constexpr (requires(Events& e) { e.publish(); }) {
      if (events != nullptr) events->publish();
    }
  }
  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    if (pacing.schedule == nullptr) return builder(ctx, m);
    const std::uint64_t intended = wait_until_due(ctx);
    builder(ctx, m);
    if (pacing.inline_latency != nullptr) {
      const std::uint64_t now = pacing.clock.to_ns(metrics::TscClock::now());
      pacing.inline_latency->record(now > intended ? now - intended : 0);
    }
  }
  void on_gap(const feed::SessionId&, feed::SequenceRange, feed::GapCause) noexcept {
    ++gaps;
    builder.set_suspect(true);
  }

 private:
  std::uint64_t wait_until_due(const feed::MessageContext& ctx) {
    metrics::ArrivalSchedule& schedule = *pacing.schedule;
    std::uint64_t now = pacing.clock.to_ns(metrics::TscClock::now());
    if (!schedule.started()) schedule.start(now, ctx.sequence, ctx.receive_time_ns);
    const std::uint64_t intended = schedule.intended_ns(ctx.sequence, ctx.receive_time_ns);
    if (now >= intended) return intended;
    end_of_burst();  // the workers get what is staged before the RX core waits
    while (now < intended && !stop_requested()) {
      cpu_relax();
      now = pacing.clock.to_ns(metrics::TscClock::now());
    }
    return intended;
  }
};

// The stages' figures summed over every pipeline instance (one per worker).
struct StageTotals {
  std::string name;
  std::uint64_t budget_ns = 0;
  std::uint64_t calls = 0;
  std::uint64_t overruns = 0;
  std::uint64_t skipped = 0;
  std::uint64_t degraded_calls = 0;
  std::uint64_t failures = 0;
  metrics::LatencyHistogram cost;
};

// The stages' figures summed over every pipeline instance (one per worker); they outlive the
// instances.
struct PipelineTotals {
  std::vector<StageTotals> stages;
  metrics::LatencyHistogram message_cost;
  std::uint64_t events = 0;
  void add(const stages::InlinePipeline& p) {
    const auto slots = p.slots();
    if (stages.size() < slots.size()) stages.resize(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
      StageTotals& t = stages[i];
      t.name = slots[i].stage->name();
      t.budget_ns = slots[i].budget_ns;
      t.calls += slots[i].calls;
      t.overruns += slots[i].overruns;
      t.skipped += slots[i].skipped;
      t.degraded_calls += slots[i].degraded_calls;
      t.failures += slots[i].failures;
      t.cost.merge(slots[i].cost);
    }
    message_cost.merge(p.message_cost());
    events += p.events();
  }
};

void print_worker_report(std::FILE* out, std::span<sched::Worker* const> workers, const sched::RouterStats& router,
                         std::size_t merge_high_water) {
  print_report_line(out, "router.messages", router.messages);
  print_report_line(out, "router.full_waits", router.full_waits);
  print_report_line(out, "router.dropped.too_many_events", router.too_large);
  print_report_line(out, "merge.held_high_water", merge_high_water);
  for (std::size_t w = 0; w < workers.size(); ++w) {
    const std::string prefix = "worker" + std::to_string(w) + ".";
    const sched::WorkerStats& ws = workers[w]->stats();
    const sched::SchedulerStats& ss = workers[w]->scheduler_stats();
    const sched::InboxCounters& ic = workers[w]->inbox().counters();
    print_report_line(out, prefix + "polls", ws.polls);
    print_report_line(out, prefix + "busy_polls", ws.busy_polls);
    print_report_line(out, prefix + "output_waits", ws.output_waits);
    print_report_line(out, prefix + "busy_cycles", ws.busy_cycles);
    print_report_line(out, prefix + "idle_cycles", ws.idle_cycles);
    print_report_percent(out, prefix + "busy_percent", ws.busy_cycles, ws.busy_cycles + ws.idle_cycles);
    for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
      const std::string cls = prefix + std::string(sched::kPriorityClassNames[c]) + ".";
      print_report_line(out, cls + "queued", ic.queued[c].load(std::memory_order_relaxed));
      print_report_line(out, cls + "shed.ring_full", ic.shed_ring_full[c].load(std::memory_order_relaxed));
      print_report_line(out, cls + "full_waits", ic.full_waits[c].load(std::memory_order_relaxed));
      print_report_line(out, cls + "messages", ss.messages[c]);
      print_report_line(out, cls + "aged", ss.aged[c]);
      print_report_line(out, cls + "run_early", ss.run_early[c]);
      print_report_line(out, cls + "ring_high_water", ss.high_water[c]);
    }
  }
}

void print_cost(std::FILE* out, const std::string& name, const metrics::LatencyHistogram& h) {
  std::fprintf(out,
               "%-36s count=%" PRIu64 " p50=%" PRIu64 " p90=%" PRIu64 " p99=%" PRIu64 " p99.9=%" PRIu64
               " p99.99=%" PRIu64 " max=%" PRIu64 " (ns)\n",
               name.c_str(), h.count(), h.percentile(50), h.percentile(90), h.percentile(99), h.percentile(99.9),
               h.percentile(99.99), h.max());
}

bool write_percentile_file(const std::string& path, const metrics::LatencyHistogram& h) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) {
    std::perror(("tickwire replay: " + path).c_str());
    return false;
  }
  h.write_percentile_distribution(file.get());
  return std::fflush(file.get()) == 0 && std::ferror(file.get()) == 0;
}

}  // namespace

int run_replay_command(int argc, char** argv) {
  ArgParser args = feed_command_parser(
      "replay", {
                    {"journal", true, "write the signals (JSON lines) to FILE and print its sha256"},
                    {"journal-events", false, "with --journal: every retired event too"},
                    {"stats", false, "print feed, sequencer and book counters to stderr"},
                    {"window-ms", true, "price-move window of exchange time (default 1000)"},
                    {"jump-bps", true, "price jump threshold in basis points of the mid (default 50; 0 off)"},
                    {"drop-percent", true, "touch size drop threshold in percent (default 80; 0 off)"},
                    {"min-touch", true, "smallest touch size judged for a drop (default 500)"},
                    {"budget-ns", true, "time budget of a stage call; overruns are counted (default 2000)"},
                    {"overrun", true, "when a call overruns: count (default), skip_low (low-class messages "
                                      "bypass the stage until a call fits) or degrade (the stage's cheaper mode); "
                                      "each decision is a journal line"},
                    {"latency-report", true, "write the per-message pipeline cost as an HdrHistogram "
                                             "percentile distribution to FILE"},
                    {"max-orders", true, "live orders the books can hold (default 4000000)"},
                    {"reorder-window-us", true, "how long a sequence hole waits (default 2000)"},
                    {"swap-every", true, "hot-swap the detector for a fresh instance every N messages "
                                         "(a scripted swap storm; recorded in the journal)"},
                    {"swap-plugin", true, "with --swap-every: the new instances come from this shared "
                                          "object (dlopen), e.g. build/dataplane/tickwire_large_trade.so"},
                    {"swap-params", true, "with --swap-plugin: its parameter string (e.g. min_shares=5000)"},
                    {"rate", true, "paced: release N messages a second, latency from each one's intended "
                                   "arrival (default: as fast as possible)"},
                    {"speed", true, "paced: replay capture time X times as fast (1 = as captured)"},
                    {"burst", true, "with --rate: each millisecond's messages come X times as fast, then a pause"},
                    {"latency-dir", true, "write every latency histogram (per stage, per message, end to end per "
                                          "class) as HdrHistogram percentile-distribution files into DIR"},
                    {"workers", true, "worker threads behind the RX thread, events on per-priority rings "
                                      "(default 0: inline, one thread); the journal is the same for any number"},
                });
  FeedInputOptions input;
  if (auto code = parse_feed_command(args, argc, argv, kSynopsis, input)) return *code;
  stages::PriceMoveConfig detector_config;
  std::uint64_t window_ms = detector_config.window_ns / 1'000'000;
  std::uint64_t jump = detector_config.jump_basis_points;
  std::uint64_t drop = detector_config.drop_percent;
  std::uint64_t min_touch = detector_config.min_touch_size;
  std::uint64_t budget_ns = 2000;
  book::BookConfig book_config;
  std::uint64_t max_orders = book_config.max_orders;
  feed::SequencerConfig sequencing;
  std::uint64_t window_us = sequencing.reorder_window_ns / 1000;
  std::uint64_t workers = 0;
  std::uint64_t swap_every = 0;
  if (!args.uint_value("window-ms", window_ms) || !args.uint_value("jump-bps", jump) ||
      !args.uint_value("drop-percent", drop) || !args.uint_value("min-touch", min_touch) ||
      !args.uint_value("budget-ns", budget_ns) || !args.uint_value("max-orders", max_orders) ||
      !args.uint_value("reorder-window-us", window_us) || !args.uint_value("workers", workers) ||
      !args.uint_value("swap-every", swap_every)) {
    return args.usage_error(args.error(), kSynopsis);
  }
  std::uint64_t rate = 0;
  double speed = 0;
  double burst = 1;
  if (!args.uint_value("rate", rate) || !args.positive_value("speed", speed) || !args.positive_value("burst", burst)) {
    return args.usage_error(args.error(), kSynopsis);
  }
  if (rate != 0 && speed != 0) return args.usage_error("--rate and --speed: give one pace, not both", kSynopsis);
  if (args.has("burst") && rate == 0) return args.usage_error("--burst needs --rate", kSynopsis);
  if (burst < 1) return args.usage_error("--burst: expected at least 1", kSynopsis);
  std::optional<metrics::ArrivalSchedule> arrival;
  if (rate != 0) arrival = metrics::ArrivalSchedule::at_rate(rate, burst);
  if (speed != 0) arrival = metrics::ArrivalSchedule::at_speed(speed);
  stages::OverrunPolicy overrun = stages::OverrunPolicy::kCount;
  if (const auto name = args.value("overrun")) {
    const auto policy = stages::overrun_policy_named(*name);
    if (!policy) return args.usage_error("--overrun: expected count, skip_low or degrade", kSynopsis);
    overrun = *policy;
  }
  if (drop > 100) return args.usage_error("--drop-percent: expected 0 to 100", kSynopsis);
  if (workers > sched::kMaxWorkers) return args.usage_error("--workers: at most 16", kSynopsis);
  if (args.has("swap-plugin") && swap_every == 0) return args.usage_error("--swap-plugin needs --swap-every", kSynopsis);
  if (args.has("swap-params") && !args.has("swap-plugin")) {
    return args.usage_error("--swap-params needs --swap-plugin", kSynopsis);
  }
  if (args.has("journal-events") && !args.has("journal")) {
    return args.usage_error("--journal-events needs --journal", kSynopsis);
  }
  detector_config.window_ns = window_ms * 1'000'000;
  detector_config.jump_basis_points = static_cast<std::uint32_t>(jump);
  detector_config.drop_percent = static_cast<std::uint32_t>(drop);
  detector_config.min_touch_size = min_touch;
  detector_config.max_instruments = static_cast<std::uint32_t>(book_config.max_instruments);
  book_config.max_orders = max_orders;
  // Paced, latency is the point: first touches of pool pages must not land on the hot path.
  book_config.prefault = arrival.has_value();
  sequencing.reorder_window_ns = window_us * 1000;

  book::BookStore books;
  std::string error;
  if (!books.init(book_config, error)) {
    std::fprintf(stderr, "tickwire replay: %s\n", error.c_str());
    return 1;
  }
  // What scripted swaps put in slot 0: fresh detectors, or instances of a loaded stage.
  std::function<std::unique_ptr<stages::Stage>()> make_swap_instance = [&detector_config] {
    return std::unique_ptr<stages::Stage>(std::make_unique<stages::PriceMoveDetector>(detector_config));
  };
  std::unique_ptr<runtime::StagePlugin> plugin;
  if (const auto path = args.value("swap-plugin")) {
    plugin = runtime::StagePlugin::load(*path, error);
    const std::string params = args.value("swap-params").value_or("");
    // One trial instance: bad parameters are an error now, not a silent skip mid-run.
    if (plugin && !plugin->create(params, detector_config.max_instruments, 0, error)) plugin.reset();
    if (!plugin) {
      std::fprintf(stderr, "tickwire replay: %s\n", error.c_str());
      return 1;
    }
    make_swap_instance = [&plugin, params, max = detector_config.max_instruments] {
      std::string ignored;
      return plugin->create(params, max, 0, ignored);
    };
  }

  Sha256 journal_hash;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> journal_file(nullptr, &std::fclose);
  std::unique_ptr<format::JournalWriter> journal;
  const std::string_view stage_names[] = {stages::PriceMoveDetector::kName};
  if (const auto path = args.value("journal")) {
    journal_file.reset(open_hashing_file(*path, journal_hash));
    if (!journal_file) {
      std::perror(("tickwire replay: " + *path).c_str());
      return 1;
    }
    journal = std::make_unique<format::JournalWriter>(journal_file.get(), books, stage_names);
  }

  install_stop_handlers();
  SignalCounter signals;
  signals.journal = journal.get();
  const bool journal_events = args.has("journal-events");
  const metrics::TscClock clock = metrics::TscClock::calibrate();
  book::BookCounters book_counters;
  auto counters = std::make_unique<metrics::FeedCounters>();
  FeedRunResult result;
  PipelineTotals totals;
  // Paced: intended arrival to stages done, inline as one figure, with workers per class.
  std::array<metrics::LatencyHistogram, sched::kPriorityClassCount> end_to_end;
  metrics::LatencyHistogram inline_end_to_end;
  const Pacing pacing{arrival ? &*arrival : nullptr, clock, nullptr};
  std::uint64_t gaps = 0;
  std::uint64_t swaps = 0;
  auto report_feed = [&](const auto& sequenced) {
    if (!args.has("stats")) return;
    print_feed_counters(stderr, *counters);
    const std::uint64_t missing[2] = {sequenced.line_missing(0), sequenced.line_missing(1)};
    print_sequencer_report(stderr, sequenced.stats(), missing);
  };

  if (workers == 0) {
    stages::PriceMoveDetector detector(detector_config);
    if (!detector.ok()) {
      std::fprintf(stderr, "tickwire replay: cannot reserve the detector's state\n");
      return 1;
    }
    stages::InlinePipeline pipeline(signals, clock);
    pipeline.set_notice_sink(&signals);
    (void)pipeline.add(detector, budget_ns, overrun);
    SwapScript script{swap_every, swap_every, 0, make_swap_instance};
    EventTap tap{pipeline, journal_events ? journal.get() : nullptr, journal.get(), swap_every != 0 ? &script : nullptr};
    book::BookBuilder<EventTap> builder(books, tap, book_counters, 0);
    ReplaySink<EventTap> sink{builder, nullptr, pacing};
    sink.pacing.inline_latency = arrival ? &inline_end_to_end : nullptr;
    auto sequenced =
        std::make_unique<feed::SequencedFeed<ReplaySink<EventTap>>>(sink, input.filter, *counters, sequencing);
    result = run_feed_inputs(input, *sequenced, sink, *counters, stderr);
    totals.add(pipeline);
    pipeline.for_each_version([](const stages::StageVersion& v) {
      if (v.id != 0) delete v.stage;
    });
    gaps = sink.gaps;
    swaps = script.version;
    report_feed(*sequenced);
  } else {
    // Replay is deterministic: no class sheds on a full ring, the RX core waits instead.
    sched::WorkerConfig worker_config;
    worker_config.inbox.when_full.fill(sched::FullPolicy::kBackpressure);
    worker_config.scheduler.max_instruments = static_cast<std::uint32_t>(book_config.max_instruments);
    worker_config.retire_events = journal_events;
    worker_config.arrival = pacing.schedule;
    sched::RxProgress progress;
    std::vector<std::unique_ptr<stages::PriceMoveDetector>> detectors;
    std::vector<std::unique_ptr<sched::Worker>> owned_workers;
    std::vector<sched::Worker*> worker_list;
    for (std::uint64_t i = 0; i < workers; ++i) {
      detectors.push_back(std::make_unique<stages::PriceMoveDetector>(detector_config));
      sched::WorkerConfig config = worker_config;
      config.journal_swaps = i == 0;  // one worker reports each swap
      owned_workers.push_back(std::make_unique<sched::Worker>(config, progress, clock));
      if (!detectors.back()->ok() || !owned_workers.back()->ok()) {
        std::fprintf(stderr, "tickwire replay: cannot reserve worker %" PRIu64 "'s rings and state\n", i);
        return 1;
      }
      (void)owned_workers.back()->pipeline().add(*detectors.back(), budget_ns, overrun);
      worker_list.push_back(owned_workers.back().get());
    }
    // The RX core reads the classification table through an RCU-published pointer.
    QsbrDomain qsbr(1);
    Published<events::ClassificationTable> table(
        qsbr, std::make_unique<const events::ClassificationTable>(events::ClassificationRules{},
                                                                  worker_config.scheduler.max_instruments));
    events::Classifier classifier(worker_config.scheduler.max_instruments);
    if (!qsbr.ok() || !table.read()->ok() || !classifier.ok()) {
      std::fprintf(stderr, "tickwire replay: cannot reserve the classifier's state\n");
      return 1;
    }
    sched::EventRouter router(worker_list, classifier, table.pointer(), progress);
    runtime::StageSwapper swapper(worker_list);
    router.accept_swaps(swapper.requests());
    if (swap_every != 0) router.expect_swap_every(swap_every);
    std::uint64_t next_swap_at = swap_every;
    book::BookBuilder<sched::EventRouter> builder(books, router, book_counters, 0);
    ReplaySink<sched::EventRouter> sink{builder, &router, pacing};
    auto sequenced = std::make_unique<feed::SequencedFeed<ReplaySink<sched::EventRouter>>>(sink, input.filter,
                                                                                            *counters, sequencing);
    std::vector<std::thread> threads;
    for (sched::Worker* w : worker_list) {
      threads.emplace_back([w, &progress] { sched::run_until_drained(*w, progress); });
    }
    threads.emplace_back([&] {
      router.report_quiescence(qsbr, 0);
      result = run_feed_inputs(input, *sequenced, sink, *counters, stderr);
      router.finish();
    });
    // This thread is the control plane: it merges the workers' outputs into the journal.
    runtime::OutputMerger merger(worker_list);
    auto emit = [&](const sched::OutputRecord& r) {
      if (r.kind == sched::OutputKind::kSignal) {
        signals.emit(r.signal);
      } else if (r.kind == sched::OutputKind::kStageNotice) {
        signals.notice(r.notice);
      } else if (r.kind == sched::OutputKind::kSwap) {
        ++swaps;
        if (journal) journal->swap(r.swap.effective_sequence, r.swap.slot, r.swap.version);
      } else if (journal) {
        journal->event(r.event);
      }
    };
    // Scripted swaps are asked for ahead of the RX core, which waits for each at its sequence.
    auto request_swaps = [&] {
      while (swap_every != 0) {
        std::vector<std::unique_ptr<stages::Stage>> instances;
        for (std::uint64_t i = 0; i < workers; ++i) instances.push_back(make_swap_instance());
        if (!swapper.request(0, instances, next_swap_at)) return;
        next_swap_at += swap_every;
      }
    };
    auto all_drained = [&] {
      for (sched::Worker* w : worker_list) {
        if (!w->drained()) return false;
      }
      return true;
    };
    while (!all_drained()) {
      request_swaps();
      swapper.reclaim();
      if (merger.drain(emit) == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    for (std::thread& t : threads) t.join();
    merger.drain(emit, /*final=*/true);
    for (sched::Worker* w : worker_list) {
      totals.add(w->pipeline());
      for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) end_to_end[c].merge(w->stats().end_to_end[c]);
    }
    gaps = sink.gaps;
    report_feed(*sequenced);
    if (args.has("stats")) print_worker_report(stderr, worker_list, router.stats(), merger.high_water());
  }

  std::printf("messages %" PRIu64 "\n", counters->messages);
  std::printf("events %" PRIu64 "\n", totals.events);
  for (std::size_t k = 0; k < stages::kSignalKindCount; ++k) {
    std::printf("signals.%s %" PRIu64 "\n", std::string(stages::kSignalKindNames[k]).c_str(), signals.by_kind[k]);
  }
  if (signals.by_kind.back() != 0) std::printf("signals.unknown_kind %" PRIu64 "\n", signals.by_kind.back());
  std::printf("gaps %" PRIu64 "\n", gaps);
  if (swap_every != 0) std::printf("swaps %" PRIu64 "\n", swaps);
  for (const StageTotals& s : totals.stages) {
    std::printf("stage.%s calls=%" PRIu64 " overruns=%" PRIu64 " skipped=%" PRIu64 " degraded_calls=%" PRIu64
                " failures=%" PRIu64 " budget_ns=%" PRIu64 "\n",
                s.name.c_str(), s.calls, s.overruns, s.skipped, s.degraded_calls, s.failures, s.budget_ns);
    print_cost(stdout, "stage." + s.name + ".cost", s.cost);
  }
  print_cost(stdout, "pipeline.per_message", totals.message_cost);
  if (arrival && workers == 0) print_cost(stdout, "latency.end_to_end", inline_end_to_end);
  if (arrival && workers != 0) {
    metrics::LatencyHistogram all;
    for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
      print_cost(stdout, "latency.end_to_end." + std::string(sched::kPriorityClassNames[c]), end_to_end[c]);
      all.merge(end_to_end[c]);
    }
    print_cost(stdout, "latency.end_to_end", all);
  }
  if (journal) {
    journal->flush();
    const bool failed = journal->failed();
    journal.reset();
    journal_file.reset();
    if (failed) {
      std::fprintf(stderr, "tickwire replay: writing the journal failed\n");
      return 1;
    }
    std::printf("journal %s sha256 %s\n", args.value("journal")->c_str(), journal_hash.hex().c_str());
  }
  if (const auto path = args.value("latency-report")) {
    if (!write_percentile_file(*path, totals.message_cost)) return 1;
  }
  if (const auto dir = args.value("latency-dir")) {
    std::error_code ec;
    std::filesystem::create_directories(*dir, ec);
    bool written = !ec && write_percentile_file(*dir + "/pipeline.per_message.hgrm", totals.message_cost);
    for (const StageTotals& st : totals.stages) {
      written = written && write_percentile_file(*dir + "/stage." + st.name + ".cost.hgrm", st.cost);
    }
    if (arrival && workers == 0) {
      written = written && write_percentile_file(*dir + "/end_to_end.hgrm", inline_end_to_end);
    }
    for (std::size_t c = 0; arrival && workers != 0 && c < sched::kPriorityClassCount; ++c) {
      const std::string name(sched::kPriorityClassNames[c]);
      written = written && write_percentile_file(*dir + "/end_to_end." + name + ".hgrm", end_to_end[c]);
    }
    if (!written) {
      std::fprintf(stderr, "tickwire replay: cannot write the latency files into %s\n", dir->c_str());
      return 1;
    }
  }
  if (args.has("stats")) {
    for (std::size_t i = 0; i < book::kBookAnomalyCount; ++i) {
      print_report_line(stderr, "book.anomalies." + std::string(book::kBookAnomalyNames[i]),
                        book_counters.anomalies[i]);
    }
  }
  if (stop_requested()) {
    std::fprintf(stderr, "tickwire replay: stopped by signal %d; the journal and figures cover the messages "
                 "before it\n", stop_signal_number());
    return 128 + stop_signal_number();
  }
  return result.all_inputs_usable ? 0 : 1;
}

}  // namespace tickwire::cli
