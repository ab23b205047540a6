// The worker layout (workers.count >= 1): the RX thread decodes, builds the books, classifies
// each message and routes it onto per-priority rings; each worker thread runs its own stage
// instances over what it owns, in priority order; the merge thread puts their outputs back in
// stream order into the journal. The control thread serves `tickwire ctl`, forwards hot swaps
// and frees what the data threads are done with.
#include <atomic>
#include <chrono>
#include <optional>
#include <cinttypes>
#include <thread>

#include "controlplane/runtime/breaker_control.h"
#include "controlplane/runtime/session_control.h"
#include "controlplane/runtime/stage_swapper.h"
#include "controlplane/session/feed_session.h"
#include "controlplane/session/rx_figures.h"
#include "controlplane/session/session_sinks.h"
#include "controlplane/session/tapped_events.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/core/qsbr.h"
#include "dataplane/events/classification.h"
#include "dataplane/feed/sequenced_feed.h"
#include "dataplane/sched/event_router.h"

namespace tickwire::session {

namespace {

using Events = TappedEvents<sched::EventRouter>;
using Sink = ReplaySink<Events>;
using Sequenced = feed::SequencedFeed<Sink>;

// Where the RX core copies its figures when `ctl stats` asks: at its safe points (between
// bursts, at idle polls), or, once it has stopped, on any thread.
struct RxFigureServer final : RxSafePoint {
  FigureSnapshot<RxFigures> snapshot;
  const metrics::FeedCounters* feed = nullptr;
  const Sequenced* sequenced = nullptr;
  const book::BookCounters* book = nullptr;
  const sched::EventRouter* router = nullptr;
  void serve() noexcept override {
    snapshot.serve([this](RxFigures& out) { fill(out); });
  }
  void fill(RxFigures& out) const noexcept {
    out.feed = *feed;
    out.sequencer = sequenced->stats();
    out.line_missing[0] = sequenced->line_missing(0);
    out.line_missing[1] = sequenced->line_missing(1);
    out.book = *book;
    out.router = router->stats();
  }
};

class WorkerFeed final : public FeedSession {
 public:
  explicit WorkerFeed(FeedSetup setup) : FeedSession(std::move(setup)) {}
  ~WorkerFeed() override { stop(); }

  bool init(std::string& error) {
    if (!reserve_common(error)) return false;
    worker_config_ = config_.worker;
    // Replay is deterministic: no class sheds on a full ring, the RX core waits instead.
    if (!setup_.options.live) worker_config_.inbox.when_full.fill(sched::FullPolicy::kBackpressure);
    worker_config_.scheduler.max_instruments = static_cast<std::uint32_t>(config_.book.max_instruments);
    worker_config_.retire_events = config_.journal_events;
    worker_config_.retire_names = journal_ != nullptr;
    worker_config_.arrival = arrival_ ? &*arrival_ : nullptr;
    for (std::uint32_t i = 0; i < config_.workers; ++i) {
      sched::WorkerConfig wc = worker_config_;
      wc.journal_swaps = i == 0;  // one worker reports each swap
      owned_workers_.push_back(std::make_unique<sched::Worker>(wc, progress_rx_, setup_.clock));
      if (!owned_workers_.back()->ok()) {
        error = "cannot reserve worker " + std::to_string(i) + "'s rings";
        return false;
      }
      if (!add_stages(owned_workers_.back()->pipeline(), error)) return false;
      workers_.push_back(owned_workers_.back().get());
    }
    // The RX core reads the classification table through an RCU-published pointer.
    const std::uint32_t max_instruments = worker_config_.scheduler.max_instruments;
    table_ = std::make_unique<Published<events::ClassificationTable>>(
        qsbr_, std::make_unique<const events::ClassificationTable>(config_.classification, max_instruments));
    classifier_ = std::make_unique<events::Classifier>(max_instruments);
    if (!qsbr_.ok() || !table_->read()->ok() || !classifier_->ok()) {
      error = "cannot reserve the classifier's state";
      return false;
    }
    router_ = std::make_unique<sched::EventRouter>(workers_, *classifier_, table_->pointer(), progress_rx_);
    swapper_ = std::make_unique<runtime::StageSwapper>(workers_);
    router_->accept_swaps(swapper_->requests());
    if (setup_.options.swap_every != 0) router_->expect_swap_every(setup_.options.swap_every);
    machine_breakers_ = std::make_unique<breakers::MachineBreakers>(config_.breaker_tables);
    if (!machine_breakers_->empty()) {
      router_->run_machine_breakers(
          *machine_breakers_,
          [](void* alerts, const feed::FeedAlert& a) { static_cast<SessionAlerts*>(alerts)->post(a); }, alerts_.get());
    }
    next_swap_at_ = setup_.options.swap_every;
    events_ = std::make_unique<Events>(Events{*router_, market_tap_.get(), setup_.clock, setup_.options.live, 0, nullptr,
                                                  stream_breakers_.get(), alerts_.get()});
    builder_ = std::make_unique<book::BookBuilder<Events>>(books_, *events_, book_counters_, 0);
    sink_ = std::make_unique<Sink>(Sink{*builder_, events_.get(), Pacing{paced_ ? &*arrival_ : nullptr, setup_.clock, nullptr}});
    sink_->prefetch_ahead = config_.book.prefetch;
    sink_->alerts = alerts_.get();
    sequenced_ = std::make_unique<Sequenced>(*sink_, setup_.input.filter, *counters_,
                                             sequencing_for(config_.sequencer, setup_.options.live));
    events_->hole_open = [this] { return sequenced_->hole_open(); };
    rx_figures_ = std::make_unique<RxFigureServer>();
    rx_figures_->feed = counters_.get();
    rx_figures_->sequenced = sequenced_.get();
    rx_figures_->book = &book_counters_;
    rx_figures_->router = router_.get();
    sink_->safe_point = rx_figures_.get();
    merger_ = std::make_unique<runtime::OutputMerger>(workers_);
    live_config_ = config_;
    control_handler_ = std::make_unique<runtime::SessionControl>(runtime::SessionControl{
        live_config_, books_, *table_, *swapper_, workers_, [] { return std::string(); }, nullptr});
    if (stream_breakers_) {
      breaker_requests_ = std::make_unique<sched::SpscRing<breakers::BreakerRequest>>(kBreakerRequests);
      stream_breakers_->accept_requests(breaker_requests_.get(),
                                        machine_breakers_->empty() ? nullptr : machine_breakers_.get());
      breaker_control_ = std::make_unique<runtime::BreakerControl>(
          runtime::BreakerControl{live_config_, books_, *breaker_requests_});
      control_handler_->breaker_command = [this](const std::vector<std::string>& words) {
        return breaker_control_->handle(words);
      };
    }
    return recovery_.open(config_, *sequenced_, answer_wait(setup_.input), error);
  }

  void start() override {
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      worker_threads_.emplace_back([w = workers_[i], cpu = placement_.workers[i], this] {
        runtime::pin_this_thread(cpu);
        sched::run_until_drained(*w, progress_rx_);
      });
    }
    rx_thread_ = std::thread([this] {
      run_rx([this] {
        router_->report_quiescence(qsbr_, 0);
        SilentSnapshotApply<book::BookBuilder<Events>> snapshot{*builder_};
        snapshot.tap = market_tap_.get();
        result_ = recovery_.run(config_, setup_.input, *sequenced_, *sink_, *counters_, snapshot);
        snapshot_result_ = snapshot.result;
      });
      events_->finish();
      router_->finish();
    });
    if (control_) {
      std::fprintf(stderr, "%s: control: tickwire ctl --socket %s help\n", who_.c_str(),
                   config_.control_socket.c_str());
    }
  }

  // Merge thread.
  std::size_t merge() override { return merge_outputs(all_drained()); }

  // Control thread.
  void control() override {
    request_scripted_swaps();
    swapper_->reclaim();
    (void)table_->collect();
  }

  std::optional<metrics::LatencyHistogram> latency_so_far(const std::function<void()>& keep_io) override {
    if (!arrival_ || all_drained()) return std::nullopt;
    metrics::LatencyHistogram all;
    auto figures = std::make_unique<sched::WorkerFigures>();
    for (sched::Worker* w : workers_) {
      if (!w->figures().fetch(*figures, std::chrono::milliseconds(200), keep_io)) return std::nullopt;
      for (const metrics::LatencyHistogram& h : figures->end_to_end) all.merge(h);
    }
    return all;
  }

  void stop() override {
    for (std::thread& t : worker_threads_) {
      if (t.joinable()) t.join();
    }
    if (rx_thread_.joinable()) rx_thread_.join();
  }

 private:
  bool all_drained() const {
    for (const sched::Worker* w : workers_) {
      if (!w->drained()) return false;
    }
    return true;
  }

  // Scripted swaps are asked for ahead of the RX core, which waits for each at its sequence.
  void request_scripted_swaps() {
    while (setup_.options.swap_every != 0) {
      std::vector<std::unique_ptr<stages::Stage>> fresh;
      for (std::size_t i = 0; i < workers_.size(); ++i) fresh.push_back(make_swap_instance_());
      if (!swapper_->request(0, fresh, next_swap_at_)) return;
      next_swap_at_ += setup_.options.swap_every;
    }
  }

  std::string command(const std::string& line, const std::function<void()>& keep_io) override {
    // The pattern layer's: its instances, and the securities file they read.
    if (line == "pattern" || line.starts_with("pattern ") || line == "securities" || line.starts_with("securities ")) {
      if (!setup_.pattern_command) {
        return "error: this session has no pattern layer (its configuration has no [pattern.NAME] table)";
      }
      return setup_.pattern_command(line, keep_io);
    }
    control_handler_->more_stats = [this, &keep_io] {
      // Once the RX core has stopped, its final figures are read here (it writes no more).
      auto if_stopped = [this](RxFigures& out) {
        if (!progress_rx_.finished.load(std::memory_order_acquire)) return false;
        rx_figures_->fill(out);
        return true;
      };
      auto while_waiting = [this, &keep_io] {
        control();
        keep_io();
      };
      std::string lines = fetch_rx_stats(rx_figures_->snapshot, std::chrono::milliseconds(200), while_waiting, if_stopped);
      if (const auto latency = latency_so_far(while_waiting)) {
        report::Figures f;
        f.add_histogram("latency.end_to_end", *latency);
        lines += figures_text(f);
      }
      report::Figures signals;
      for (std::size_t k = 0; k < stages::kSignalKindCount; ++k) {
        signals.add("signals." + std::string(stages::kSignalKindNames[k]), signals_->count(k));
      }
      return lines + figures_text(signals);
    };
    std::string reply = control_handler_->handle(line);
    control_handler_->more_stats = nullptr;
    return reply;
  }

  void gather() override {
    for (sched::Worker* w : workers_) {
      totals_.add(w->pipeline());
      for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) end_to_end_[c].merge(w->stats().end_to_end[c]);
    }
    gaps_ = sink_->gaps;
    swaps_ = swaps_merged_.load(std::memory_order_relaxed);
  }

  bool report_layout(report::Figures& f, report::FeedSummary& summary) override {
    summary.layout = std::to_string(workers_.size()) + " worker" + (workers_.size() == 1 ? "" : "s") +
                     " behind per-priority rings";
    summary.gap_messages = sequenced_->stats().gap_messages;
    report::add_sequenced_feed(f, *sequenced_);
    if (recovery_.feed) report::add_recovery(f, recovery_.feed->stats());
    if (arrival_) {
      metrics::LatencyHistogram all;
      for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
        f.add_histogram("latency.end_to_end." + std::string(sched::kPriorityClassNames[c]), end_to_end_[c]);
        all.merge(end_to_end_[c]);
      }
      f.add_histogram("latency.end_to_end", all);
      summary.end_to_end = all;
    }
    report::add_workers(f, workers_, router_->stats(), merger_->high_water());
    // Rings that came close to full are where the next burst will shed or stall.
    std::uint64_t shed = 0;
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      const sched::SchedulerStats& ss = workers_[w]->scheduler_stats();
      const sched::InboxCounters& ic = workers_[w]->inbox().counters();
      for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
        shed += ic.shed_ring_full[c].load(std::memory_order_relaxed);
        const std::uint64_t capacity = worker_config_.inbox.capacity[c];
        if (ss.high_water[c] * 100 >= capacity * config_.warn_fill_percent) {
          warnings_.push_back("worker" + std::to_string(w) + " " + std::string(sched::kPriorityClassNames[c]) +
                              " ring reached " + std::to_string(ss.high_water[c]) + " of its " +
                              std::to_string(capacity) + " events (workers.ring_events." +
                              std::string(sched::kPriorityClassNames[c]) + ")");
        }
      }
    }
    if (shed != 0) {
      summary.attention.push_back(report::counted(shed, "message part", "message parts") +
                                  " shed on full rings (worker*.CLASS.shed.ring_full in --stats)");
    }
    if (router_->stats().full_waits != 0 && setup_.options.live) {
      summary.attention.push_back("the RX core waited for room in a ring " +
                                  report::counted(router_->stats().full_waits, "time", "times") +
                                  " (router.full_waits): the workers fell behind");
    }
    std::vector<std::pair<std::string, const metrics::LatencyHistogram*>> more;
    for (std::size_t c = 0; arrival_ && c < sched::kPriorityClassCount; ++c) {
      more.emplace_back("end_to_end." + std::string(sched::kPriorityClassNames[c]), &end_to_end_[c]);
    }
    return write_latency_dir(more);
  }

  sched::WorkerConfig worker_config_;
  sched::RxProgress progress_rx_;
  std::vector<std::unique_ptr<sched::Worker>> owned_workers_;
  std::vector<sched::Worker*> workers_;
  QsbrDomain qsbr_{1};
  std::unique_ptr<Published<events::ClassificationTable>> table_;
  std::unique_ptr<events::Classifier> classifier_;
  std::unique_ptr<breakers::MachineBreakers> machine_breakers_;  // before the router, which points to it
  // `ctl breaker` requests, control thread to RX core (a handful pending at most).
  static constexpr std::size_t kBreakerRequests = 64;
  std::unique_ptr<sched::SpscRing<breakers::BreakerRequest>> breaker_requests_;
  std::unique_ptr<runtime::BreakerControl> breaker_control_;
  std::unique_ptr<sched::EventRouter> router_;
  std::unique_ptr<runtime::StageSwapper> swapper_;
  std::uint64_t next_swap_at_ = 0;
  std::unique_ptr<Events> events_;
  std::unique_ptr<book::BookBuilder<Events>> builder_;
  std::unique_ptr<Sink> sink_;
  std::unique_ptr<Sequenced> sequenced_;
  std::unique_ptr<RxFigureServer> rx_figures_;
  FeedRecovery<Sink> recovery_;
  config::AppConfig live_config_;
  std::unique_ptr<runtime::SessionControl> control_handler_;
  std::vector<std::thread> worker_threads_;
  std::array<metrics::LatencyHistogram, sched::kPriorityClassCount> end_to_end_;
};

}  // namespace

std::unique_ptr<FeedSession> make_worker_feed(FeedSetup setup, std::string& error) {
  auto feed = std::make_unique<WorkerFeed>(std::move(setup));
  if (!feed->init(error)) return nullptr;
  return feed;
}

}  // namespace tickwire::session
