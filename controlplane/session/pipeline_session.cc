#include "controlplane/session/pipeline_session.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "controlplane/report/feed_report.h"
#include "controlplane/report/session_report.h"
#include "controlplane/session/session_sinks.h"
#include "controlplane/format/sha256.h"
#include "controlplane/session/stop_signal.h"
#include "controlplane/format/journal_writer.h"
#include "controlplane/recovery/recovering_feed.h"
#include "controlplane/recovery/rerequest_client.h"
#include "controlplane/runtime/control_server.h"
#include "controlplane/runtime/meminfo.h"
#include "controlplane/runtime/memory_plan.h"
#include "controlplane/runtime/output_merger.h"
#include "controlplane/runtime/session_control.h"
#include "controlplane/runtime/stage_factory.h"
#include "controlplane/runtime/stage_plugin.h"
#include "controlplane/runtime/stage_swapper.h"
#include "controlplane/runtime/thread_placement.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/core/qsbr.h"
#include "dataplane/events/classification.h"
#include "dataplane/feed/sequenced_feed.h"
#include "dataplane/metrics/arrival_schedule.h"
#include "dataplane/sched/event_router.h"
#include "dataplane/stages/inline_pipeline.h"

namespace tickwire::session {

// Every pool and ring is sized from the configuration; start-up refuses what cannot fit.
std::uint64_t session_memory_budget(const config::AppConfig& config) {
  if (config.memory_budget_mb != 0) return config.memory_budget_mb << 20;
  return runtime::meminfo_field("MemAvailable:") / 10 * 9;  // a tenth for the kernel and everything else
}

std::string describe_memory_budget(const config::AppConfig& config) {
  return config.memory_budget_mb != 0 ? "memory.budget_mb" : "90% of MemAvailable";
}

int run_pipeline_session(const config::AppConfig& config, const FeedInputOptions& input,
                         const SessionOptions& options) {
  const std::string who =
      "tickwire " + options.command + (options.feed_name.empty() ? "" : " [feed " + options.feed_name + "]");
  std::FILE* const out = options.report_out;
  std::FILE* const stats_out = options.stats_out;
  // Whatever return comes first, the other sessions of the process learn whether this one
  // is ready: it arrives at the start gate once, here if nowhere else.
  struct StartReport {
    StartGate* gate;
    bool arrived = false;
    bool ready() {
      arrived = true;
      return gate == nullptr || gate->arrive(true);
    }
    ~StartReport() {
      if (gate != nullptr && !arrived) (void)gate->arrive(false);
    }
  } start{options.start_gate};
  auto not_started = [&] {
    std::fprintf(stderr, "%s: not started: another feed of the process could not start\n", who.c_str());
    return 1;
  };
  const std::uint32_t workers = config.workers;
  const std::uint64_t swap_every = options.swap_every;
  std::optional<metrics::ArrivalSchedule> arrival;
  if (options.live) arrival = metrics::ArrivalSchedule::as_received();
  if (config.replay_rate != 0) arrival = metrics::ArrivalSchedule::at_rate(config.replay_rate, config.replay_burst);
  if (config.replay_speed != 0) arrival = metrics::ArrivalSchedule::at_speed(config.replay_speed);
  const bool paced = arrival && arrival->paced();

  runtime::Placement placement;
  {
    std::string placement_error;
    if (!runtime::place_threads(config, placement, placement_error)) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(), placement_error.c_str());
      return 1;
    }
  }
  std::unique_ptr<runtime::ControlServer> control;
  if (!config.control_socket.empty()) {
    if (workers == 0) {
      std::fprintf(stderr, "%s: control.socket needs workers.count of 1 or more (inline, the one thread is "
                   "the RX core and cannot serve commands)\n", who.c_str());
      return 1;
    }
    std::string control_error;
    control = runtime::ControlServer::open(config.control_socket, control_error);
    if (!control) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(), control_error.c_str());
      return 1;
    }
  }

  book::BookConfig book_config = config.book;
  // Live or paced, latency is the point: first touches of pool pages must not land on the
  // hot path.
  const bool prefault = book_config.prefault || options.live || paced;
  book_config.prefault = false;  // reserve first (address space only), check the budget, then touch
  book::BookStore books;
  std::string error;
  if (!books.init(book_config, error)) {
    std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
    return 1;
  }
  runtime::StageFactory factory;
  if (!factory.init(config, error)) {
    std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
    return 1;
  }
  {
    const runtime::MemoryPlan plan = runtime::plan_memory(config, books.reserved_bytes());
    const std::uint64_t budget = options.budget_bytes != 0 ? options.budget_bytes : session_memory_budget(config);
    if (budget != 0 && plan.total() > budget) {
      std::fprintf(stderr, "%s: the configuration needs %s but the memory budget is %" PRIu64 " MiB (%s); lower "
                   "book.max_orders, book.max_levels, workers.ring_events.* or workers.count, or raise "
                   "memory.budget_mb\n",
                   who.c_str(), plan.describe().c_str(), budget >> 20,
                   (options.budget_bytes != 0 ? options.budget_source : describe_memory_budget(config)).c_str());
      return 1;
    }
  }
  if (prefault) {
    book_config.prefault = true;
    if (!books.init(book_config, error)) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
      return 1;
    }
  }

  // What scripted swaps put in slot 0: fresh instances of its stage, or of a loaded one.
  std::function<std::unique_ptr<stages::Stage>()> make_swap_instance = [&factory] {
    std::string ignored;
    return factory.make(0, ignored);
  };
  std::unique_ptr<runtime::StagePlugin> plugin;
  if (!options.swap_plugin.empty()) {
    plugin = runtime::StagePlugin::load(options.swap_plugin, error);
    const auto max_instruments = static_cast<std::uint32_t>(config.book.max_instruments);
    // One trial instance: bad parameters are an error now, not a silent skip mid-run.
    if (plugin && !plugin->create(options.swap_params, max_instruments, 0, error)) plugin.reset();
    if (!plugin) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
      return 1;
    }
    make_swap_instance = [&plugin, params = options.swap_params, max_instruments] {
      std::string ignored;
      return plugin->create(params, max_instruments, 0, ignored);
    };
  }
  if (swap_every != 0 && factory.size() == 0) {
    std::fprintf(stderr, "%s: scripted swaps replace pipeline slot 0, and pipeline.stages is empty\n", who.c_str());
    return 1;
  }

  format::Sha256 journal_hash;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> journal_file(nullptr, &std::fclose);
  std::unique_ptr<format::JournalWriter> journal;
  if (!config.journal.empty()) {
    journal_file.reset(format::open_hashing_file(config.journal, journal_hash));
    if (!journal_file) {
      std::perror((who + ": " + config.journal).c_str());
      return 1;
    }
    journal = std::make_unique<format::JournalWriter>(journal_file.get(), books, factory.names());
  }

  install_stop_handlers();
  SignalCounter signals;
  signals.journal = journal.get();
  const bool journal_events = config.journal_events;
  const metrics::TscClock clock = metrics::TscClock::calibrate();
  FeedInputOptions feed_input = input;
  feed_input.clock = clock;  // live receive times on the clock latency is measured with
  book::BookCounters book_counters;
  auto counters = std::make_unique<metrics::FeedCounters>();
  FeedRunResult result;
  report::PipelineTotals totals;
  // Intended arrival (or receipt) to stages done: inline as one figure, with workers per class.
  std::array<metrics::LatencyHistogram, sched::kPriorityClassCount> end_to_end;
  metrics::LatencyHistogram inline_end_to_end;
  const Pacing pacing{paced ? &*arrival : nullptr, clock, nullptr};
  std::uint64_t gaps = 0;
  std::uint64_t swaps = 0;
  recovery::SnapshotResult snapshot_result;  // with recovery.snapshot_server
  SessionAlerts alerts(who, journal.get(), workers == 0, !options.live);
  if (!alerts.ok()) {
    std::fprintf(stderr, "%s: cannot reserve the alert ring\n", who.c_str());
    return 1;
  }
  std::vector<std::string> warnings;
  auto report_feed = [&](const auto& sequenced) {
    if (!config.stats) return;
    report::print_feed_counters(stats_out, *counters);
    report::print_sequenced_feed_report(stats_out, sequenced);
  };
  // One set of stage instances per pipeline, owned here; the pipelines hold pointers.
  std::vector<std::unique_ptr<stages::Stage>> instances;
  auto add_stages = [&](stages::InlinePipeline& pipeline) {
    for (std::size_t slot = 0; slot < factory.size(); ++slot) {
      instances.push_back(factory.make(slot, error));
      if (!instances.back()) return false;
      (void)pipeline.add(*instances.back(), factory.spec(slot).budget_ns, factory.spec(slot).overrun);
    }
    return true;
  };

  if (workers == 0) {
    runtime::pin_this_thread(placement.rx);  // inline, this thread is the RX core
    stages::InlinePipeline pipeline(signals, clock);
    pipeline.set_notice_sink(&signals);
    if (!add_stages(pipeline)) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
      return 1;
    }
    SwapScript script{swap_every, swap_every, 0, make_swap_instance};
    EventTap tap{pipeline, journal_events ? journal.get() : nullptr, journal.get(), swap_every != 0 ? &script : nullptr};
    book::BookBuilder<EventTap> builder(books, tap, book_counters, 0);
    ReplaySink<EventTap> sink{builder, nullptr, pacing};
    sink.prefetch_ahead = config.book.prefetch;
    sink.pacing.inline_latency = arrival ? &inline_end_to_end : nullptr;
    sink.alerts = &alerts;
    auto sequenced =
        std::make_unique<feed::SequencedFeed<ReplaySink<EventTap>>>(sink, feed_input.filter, *counters, config.sequencer);
    FeedRecovery<ReplaySink<EventTap>> recovery;
    if (!recovery.open(config, *sequenced, answer_wait(feed_input), error)) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
      return 1;
    }
    if (!start.ready()) return not_started();
    SilentSnapshotApply<book::BookBuilder<EventTap>> snapshot{builder};
    result = recovery.run(config, feed_input, *sequenced, sink, *counters, snapshot);
    snapshot_result = snapshot.result;
    totals.add(pipeline);
    pipeline.for_each_version([](const stages::StageVersion& v) {
      if (v.id != 0) delete v.stage;
    });
    gaps = sink.gaps;
    alerts.finish();
    swaps = script.version;
    report_feed(*sequenced);
    recovery.report(config.stats, stats_out);
  } else {
    sched::WorkerConfig worker_config = config.worker;
    // Replay is deterministic: no class sheds on a full ring, the RX core waits instead.
    if (!options.live) worker_config.inbox.when_full.fill(sched::FullPolicy::kBackpressure);
    worker_config.scheduler.max_instruments = static_cast<std::uint32_t>(config.book.max_instruments);
    worker_config.retire_events = journal_events;
    worker_config.retire_names = journal != nullptr;
    worker_config.arrival = arrival ? &*arrival : nullptr;
    sched::RxProgress progress;
    std::vector<std::unique_ptr<sched::Worker>> owned_workers;
    std::vector<sched::Worker*> worker_list;
    for (std::uint32_t i = 0; i < workers; ++i) {
      sched::WorkerConfig wc = worker_config;
      wc.journal_swaps = i == 0;  // one worker reports each swap
      owned_workers.push_back(std::make_unique<sched::Worker>(wc, progress, clock));
      if (!owned_workers.back()->ok()) {
        std::fprintf(stderr, "%s: cannot reserve worker %" PRIu32 "'s rings\n", who.c_str(), i);
        return 1;
      }
      if (!add_stages(owned_workers.back()->pipeline())) {
        std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
        return 1;
      }
      worker_list.push_back(owned_workers.back().get());
    }
    // The RX core reads the classification table through an RCU-published pointer.
    QsbrDomain qsbr(1);
    Published<events::ClassificationTable> table(
        qsbr, std::make_unique<const events::ClassificationTable>(config.classification,
                                                                  worker_config.scheduler.max_instruments));
    events::Classifier classifier(worker_config.scheduler.max_instruments);
    if (!qsbr.ok() || !table.read()->ok() || !classifier.ok()) {
      std::fprintf(stderr, "%s: cannot reserve the classifier's state\n", who.c_str());
      return 1;
    }
    sched::EventRouter router(worker_list, classifier, table.pointer(), progress);
    runtime::StageSwapper swapper(worker_list);
    router.accept_swaps(swapper.requests());
    if (swap_every != 0) router.expect_swap_every(swap_every);
    std::uint64_t next_swap_at = swap_every;
    book::BookBuilder<sched::EventRouter> builder(books, router, book_counters, 0);
    ReplaySink<sched::EventRouter> sink{builder, &router, pacing};
    sink.prefetch_ahead = config.book.prefetch;
    sink.alerts = &alerts;
    auto sequenced = std::make_unique<feed::SequencedFeed<ReplaySink<sched::EventRouter>>>(
        sink, feed_input.filter, *counters, config.sequencer);
    // `ctl stats` shows the RX core's counters as of its last safe point.
    auto rx_snapshot = std::make_unique<FigureSnapshot<RxFigures>>();
    struct RxFigureServer final : RxSafePoint {
      FigureSnapshot<RxFigures>& snapshot;
      const metrics::FeedCounters& feed;
      const feed::SequencedFeed<ReplaySink<sched::EventRouter>>& sequenced;
      const book::BookCounters& book;
      const sched::EventRouter& router;
      RxFigureServer(FigureSnapshot<RxFigures>& s, const metrics::FeedCounters& f,
                     const feed::SequencedFeed<ReplaySink<sched::EventRouter>>& q, const book::BookCounters& b,
                     const sched::EventRouter& r)
          : snapshot(s), feed(f), sequenced(q), book(b), router(r) {}
      void serve() noexcept override {
        snapshot.serve([this](RxFigures& out) { fill(out); });
      }
      // On the RX thread; or on another once the RX core has finished (it writes no more).
      void fill(RxFigures& out) const noexcept {
        out.feed = feed;
        out.sequencer = sequenced.stats();
        out.line_missing[0] = sequenced.line_missing(0);
        out.line_missing[1] = sequenced.line_missing(1);
        out.book = book;
        out.router = router.stats();
      }
    } rx_figure_server(*rx_snapshot, *counters, *sequenced, book_counters, router);
    sink.safe_point = &rx_figure_server;
    FeedRecovery<ReplaySink<sched::EventRouter>> recovery;
    if (!recovery.open(config, *sequenced, answer_wait(feed_input), error)) {
      std::fprintf(stderr, "%s: %s\n", who.c_str(), error.c_str());
      return 1;
    }
    if (!start.ready()) return not_started();
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < worker_list.size(); ++i) {
      threads.emplace_back([w = worker_list[i], cpu = placement.workers[i], &progress] {
        runtime::pin_this_thread(cpu);
        sched::run_until_drained(*w, progress);
      });
    }
    threads.emplace_back([&] {
      runtime::pin_this_thread(placement.rx);
      router.report_quiescence(qsbr, 0);
      SilentSnapshotApply<book::BookBuilder<sched::EventRouter>> snapshot{builder};
      result = recovery.run(config, feed_input, *sequenced, sink, *counters, snapshot);
      snapshot_result = snapshot.result;
      router.finish();
    });
    // This thread is the control plane: it merges the workers' outputs into the journal.
    runtime::pin_this_thread(placement.control);
    runtime::OutputMerger merger(worker_list);
    auto emit = [&](const sched::OutputRecord& keyed) {
      alerts.journal_before(keyed.sequence());
      const sched::OutputRecord r = keyed.for_output();
      if (r.kind == sched::OutputKind::kSignal) {
        signals.emit(r.signal);
      } else if (r.kind == sched::OutputKind::kStageNotice) {
        signals.notice(r.notice);
      } else if (r.kind == sched::OutputKind::kSwap) {
        ++swaps;
        if (journal) journal->swap(r.swap.effective_sequence, r.swap.slot, r.swap.version);
      } else if (journal) {
        journal->learn(r.event);
        if (journal_events) journal->event(r.event);
      }
    };
    // Scripted swaps are asked for ahead of the RX core, which waits for each at its sequence.
    auto request_swaps = [&] {
      while (swap_every != 0) {
        std::vector<std::unique_ptr<stages::Stage>> fresh;
        for (std::uint32_t i = 0; i < workers; ++i) fresh.push_back(make_swap_instance());
        if (!swapper.request(0, fresh, next_swap_at)) return;
        next_swap_at += swap_every;
      }
    };
    // The control plane's own work, between requests: what the RX core and the workers may
    // be waiting for (swaps to forward, outputs to merge), so also done while a request waits.
    auto keep_flowing = [&] {
      request_swaps();
      swapper.reclaim();
      (void)table.collect();
      alerts.pull();  // printed as they come, also while no line is merged
      if (merger.drain(emit) == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
    };
    config::AppConfig live = config;
    runtime::SessionControl session_control{live, books, table, swapper, worker_list, [&] {
      // Once the RX core has stopped, its final figures are read here (it writes no more).
      auto if_stopped = [&](RxFigures& out) {
        if (!progress.finished.load(std::memory_order_acquire)) return false;
        rx_figure_server.fill(out);
        return true;
      };
      std::string lines = fetch_rx_stats(*rx_snapshot, std::chrono::milliseconds(200), keep_flowing, if_stopped);
      for (std::size_t k = 0; k < stages::kSignalKindCount; ++k) {
        lines += "signals." + std::string(stages::kSignalKindNames[k]) + " " + std::to_string(signals.by_kind[k]) + "\n";
      }
      return lines;
    }};
    if (control) {
      std::fprintf(stderr, "%s: control: tickwire ctl --socket %s help\n", who.c_str(), control->path().c_str());
      std::fflush(stderr);
    }
    auto all_drained = [&] {
      for (sched::Worker* w : worker_list) {
        if (!w->drained()) return false;
      }
      return true;
    };
    while (!all_drained()) {
      if (control) control->serve([&](const std::string& line) { return session_control.handle(line); });
      keep_flowing();
    }
    for (std::thread& t : threads) t.join();
    merger.drain(emit, /*final=*/true);
    alerts.finish();
    for (sched::Worker* w : worker_list) {
      totals.add(w->pipeline());
      for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) end_to_end[c].merge(w->stats().end_to_end[c]);
    }
    gaps = sink.gaps;
    report_feed(*sequenced);
    recovery.report(config.stats, stats_out);
    if (config.stats) report::print_worker_report(stats_out, worker_list, router.stats(), merger.high_water());
    // Rings that came close to full are where the next burst will shed or stall.
    for (std::size_t w = 0; w < worker_list.size(); ++w) {
      const sched::SchedulerStats& ss = worker_list[w]->scheduler_stats();
      for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
        const std::uint64_t capacity = worker_config.inbox.capacity[c];
        if (ss.high_water[c] * 100 >= capacity * config.warn_fill_percent) {
          warnings.push_back("worker" + std::to_string(w) + " " + std::string(sched::kPriorityClassNames[c]) +
                             " ring reached " + std::to_string(ss.high_water[c]) + " of its " +
                             std::to_string(capacity) + " events (workers.ring_events." +
                             std::string(sched::kPriorityClassNames[c]) + ")");
        }
      }
    }
  }
  const bool snapshot_failed = !config.snapshot_server.empty() && !snapshot_result.ok();
  if (snapshot_failed) {
    std::fprintf(stderr, "%s: %s%s\n", who.c_str(), snapshot_result.message.c_str(),
                 result.started ? " (the books hold only what the feed brought since the join)" : "");
  }
  if (!result.started) return 1;  // nothing ran: the reason is printed, a report would say nothing
  if (books.peak_orders() * 100 >= config.book.max_orders * config.warn_fill_percent) {
    warnings.push_back("books held up to " + std::to_string(books.peak_orders()) + " live orders of " +
                       std::to_string(config.book.max_orders) + " (book.max_orders)");
  }
  if (books.peak_levels() * 100 >= config.book.max_levels * config.warn_fill_percent) {
    warnings.push_back("books held up to " + std::to_string(books.peak_levels()) + " price levels of " +
                       std::to_string(config.book.max_levels) + " (book.max_levels)");
  }

  std::fprintf(out, "messages %" PRIu64 "\n", counters->messages);
  std::fprintf(out, "events %" PRIu64 "\n", totals.events);
  for (std::size_t k = 0; k < stages::kSignalKindCount; ++k) {
    std::fprintf(out, "signals.%s %" PRIu64 "\n", std::string(stages::kSignalKindNames[k]).c_str(), signals.by_kind[k]);
  }
  if (signals.by_kind.back() != 0) std::fprintf(out, "signals.unknown_kind %" PRIu64 "\n", signals.by_kind.back());
  std::fprintf(out, "gaps %" PRIu64 "\n", gaps);
  if (!config.snapshot_server.empty()) {
    report::print_report_line(out, "snapshot.messages", snapshot_result.messages);
    report::print_report_line(out, "snapshot.resume_sequence", snapshot_result.resume_sequence);
    report::print_report_line(out, "snapshot.elapsed_us", snapshot_result.elapsed_ns / 1000);
  }
  if (config.stats) {
    report::print_report_line(out, "alerts.gaps", alerts.gaps());
    report::print_report_line(out, "alerts.lines_stale", alerts.lines_stale());
    report::print_report_line(out, "alerts.lines_resumed", alerts.lines_resumed());
    report::print_report_line(out, "alerts.dropped", alerts.dropped());
  }
  if (swap_every != 0) std::fprintf(out, "swaps %" PRIu64 "\n", swaps);
  for (const report::StageTotals& s : totals.stages) {
    std::fprintf(out,
                 "stage.%s calls=%" PRIu64 " overruns=%" PRIu64 " skipped=%" PRIu64 " degraded_calls=%" PRIu64
                 " failures=%" PRIu64 " budget_ns=%" PRIu64 "\n",
                 s.name.c_str(), s.calls, s.overruns, s.skipped, s.degraded_calls, s.failures, s.budget_ns);
    report::print_cost(out, "stage." + s.name + ".cost", s.cost);
  }
  report::print_cost(out, "pipeline.per_message", totals.message_cost);
  if (arrival && workers == 0) report::print_cost(out, "latency.end_to_end", inline_end_to_end);
  if (arrival && workers != 0) {
    metrics::LatencyHistogram all;
    for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
      report::print_cost(out, "latency.end_to_end." + std::string(sched::kPriorityClassNames[c]), end_to_end[c]);
      all.merge(end_to_end[c]);
    }
    report::print_cost(out, "latency.end_to_end", all);
  }
  if (!result.ports.empty()) {
    report::print_port_report(out, result.ports);
    report::print_report_percent(out, "rx.busy_percent", result.rx_busy_cycles, result.rx_busy_cycles + result.rx_idle_cycles);
    report::print_report_line(out, "rx.active_us", result.rx_active_ns / 1000);
    report::print_report_line(out, "rx.packets_per_second",
                      result.rx_active_ns == 0 ? 0 : result.rx_packets * 1'000'000'000ull / result.rx_active_ns);
    report::print_report_line(out, "rx.messages_per_second",
                      result.rx_active_ns == 0 ? 0 : counters->messages * 1'000'000'000ull / result.rx_active_ns);
  }
  if (options.report_peak_rss) report::print_report_line(out, "memory.peak_rss_kib", report::peak_rss_kib());
  for (const std::string& w : warnings) std::fprintf(stderr, "%s: warning: %s\n", who.c_str(), w.c_str());
  if (journal) {
    journal->flush();
    const bool failed = journal->failed();
    journal.reset();
    journal_file.reset();
    if (failed) {
      std::fprintf(stderr, "%s: writing the journal failed\n", who.c_str());
      return 1;
    }
    std::fprintf(out, "journal %s sha256 %s\n", config.journal.c_str(), journal_hash.hex().c_str());
  }
  if (!config.latency_report.empty() && !report::write_percentile_file(config.latency_report, totals.message_cost)) return 1;
  if (!options.latency_dir.empty()) {
    const std::string& dir = options.latency_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    bool written = !ec && report::write_percentile_file(dir + "/pipeline.per_message.hgrm", totals.message_cost);
    for (const report::StageTotals& st : totals.stages) {
      written = written && report::write_percentile_file(dir + "/stage." + st.name + ".cost.hgrm", st.cost);
    }
    if (arrival && workers == 0) written = written && report::write_percentile_file(dir + "/end_to_end.hgrm", inline_end_to_end);
    for (std::size_t c = 0; arrival && workers != 0 && c < sched::kPriorityClassCount; ++c) {
      const std::string name(sched::kPriorityClassNames[c]);
      written = written && report::write_percentile_file(dir + "/end_to_end." + name + ".hgrm", end_to_end[c]);
    }
    if (!written) {
      std::fprintf(stderr, "%s: cannot write the latency files into %s\n", who.c_str(), dir.c_str());
      return 1;
    }
  }
  if (config.stats) {
    report::print_report_line(stats_out, "book.days_begun", book_counters.days_begun);
    report::print_report_line(stats_out, "book.orders_dropped_at_day_end", book_counters.orders_dropped_at_day_end);
    for (std::size_t i = 0; i < book::kBookAnomalyCount; ++i) {
      report::print_report_line(stats_out, "book.anomalies." + std::string(book::kBookAnomalyNames[i]),
                        book_counters.anomalies[i]);
    }
  }
  if (stop_requested()) {
    std::fprintf(stderr, "%s: stopped by signal %d; the journal and figures cover the messages before it\n",
                 who.c_str(), stop_signal_number());
    return 128 + stop_signal_number();
  }
  return result.all_inputs_usable && !snapshot_failed ? 0 : 1;
}

}  // namespace tickwire::session
