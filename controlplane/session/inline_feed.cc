// The inline layout (workers.count = 0): one thread is the RX core and runs the stages too,
// message by message in feed order. What they retire and signal goes as keyed records on the
// RX core's output ring (sched::InlineOutput), which the merge thread turns into the journal
// as it does a worker's: no text is formatted on the data core.
#include <atomic>
#include <chrono>
#include <optional>

#include "controlplane/session/feed_session.h"
#include "controlplane/session/rx_figures.h"
#include "controlplane/session/session_sinks.h"
#include "controlplane/session/tapped_events.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/feed/sequenced_feed.h"
#include "dataplane/stages/inline_pipeline.h"

namespace tickwire::session {

namespace {

// Where the inline RX core copies its latency histogram when the control thread asks: at its
// safe points (between bursts, at idle polls).
struct InlineLatencyServer final : RxSafePoint {
  FigureSnapshot<metrics::LatencyHistogram> snapshot;
  const metrics::LatencyHistogram* source = nullptr;
  void serve() noexcept override {
    snapshot.serve([this](metrics::LatencyHistogram& out) { out = *source; });
  }
};

class InlineFeed final : public FeedSession {
  using Events = TappedEvents<EventTap>;

 public:
  explicit InlineFeed(FeedSetup setup) : FeedSession(std::move(setup)) {}
  ~InlineFeed() override {
    if (rx_thread_.joinable()) rx_thread_.join();
    if (pipeline_) {
      pipeline_->for_each_version([](const stages::StageVersion& v) {
        if (v.id != 0) delete v.stage;
      });
    }
  }

  bool init(std::string& error) {
    if (!reserve_common(error)) return false;
    sched::InlineOutputConfig output_config;
    output_config.capacity = config_.worker.output_capacity;
    output_config.retire_events = config_.journal_events;
    output_config.retire_names = journal_ != nullptr;
    output_ = std::make_unique<sched::InlineOutput>(output_config);
    if (!output_->ok()) {
      error = "cannot reserve the RX core's output ring";
      return false;
    }
    pipeline_ = std::make_unique<stages::InlinePipeline>(*output_, setup_.clock);
    pipeline_->set_notice_sink(output_.get());
    if (!add_stages(*pipeline_, error)) return false;
    const std::uint64_t every = setup_.options.swap_every;
    script_ = SwapScript{every, every, 0, make_swap_instance_};
    tap_ = std::make_unique<EventTap>(EventTap{*pipeline_, *output_, every != 0 ? &script_ : nullptr});
    events_ = std::make_unique<Events>(Events{*tap_, market_tap_.get(), setup_.clock, setup_.options.live, 0, nullptr,
                                                  stream_breakers_.get(), alerts_.get()});
    builder_ = std::make_unique<book::BookBuilder<Events>>(books_, *events_, book_counters_, 0);
    sink_ = std::make_unique<ReplaySink<Events>>(
        ReplaySink<Events>{*builder_, events_.get(), Pacing{paced_ ? &*arrival_ : nullptr, setup_.clock, nullptr}});
    sink_->prefetch_ahead = config_.book.prefetch;
    sink_->pacing.inline_latency = arrival_ ? &end_to_end_ : nullptr;
    sink_->alerts = alerts_.get();
    if (arrival_) {
      latency_server_ = std::make_unique<InlineLatencyServer>();
      latency_server_->source = &end_to_end_;
      sink_->safe_point = latency_server_.get();
    }
    sequenced_ = std::make_unique<feed::SequencedFeed<ReplaySink<Events>>>(
        *sink_, setup_.input.filter, *counters_, sequencing_for(config_.sequencer, setup_.options.live));
    events_->hole_open = [this] { return sequenced_->hole_open(); };
    merger_ = std::make_unique<runtime::OutputMerger>(std::vector<sched::OutputSource>{output_->source()});
    return recovery_.open(config_, *sequenced_, answer_wait(setup_.input), error);
  }

  void start() override {
    rx_thread_ = std::thread([this] {
      run_rx([this] {
        SilentSnapshotApply<book::BookBuilder<Events>> snapshot{*builder_};
        snapshot.tap = market_tap_.get();
        result_ = recovery_.run(config_, setup_.input, *sequenced_, *sink_, *counters_, snapshot);
        snapshot_result_ = snapshot.result;
      });
      events_->finish();
      output_->finish();
      rx_done_.store(true, std::memory_order_release);
    });
  }

  std::size_t merge() override { return merge_outputs(rx_done_.load(std::memory_order_acquire)); }

  void stop() override {
    if (rx_thread_.joinable()) rx_thread_.join();
  }

  std::optional<metrics::LatencyHistogram> latency_so_far(const std::function<void()>& keep_io) override {
    if (!latency_server_ || rx_done_.load(std::memory_order_acquire)) return std::nullopt;
    auto copy = std::make_unique<metrics::LatencyHistogram>();
    if (!latency_server_->snapshot.fetch(*copy, std::chrono::milliseconds(200), keep_io)) return std::nullopt;
    return *copy;
  }

 private:
  void gather() override {
    totals_.add(*pipeline_);
    gaps_ = sink_->gaps;
    swaps_ = swaps_merged_.load(std::memory_order_relaxed);
  }

  bool report_layout(report::Figures& f, report::FeedSummary& summary) override {
    summary.layout = "inline: the RX thread runs the stages";
    summary.gap_messages = sequenced_->stats().gap_messages;
    report::add_sequenced_feed(f, *sequenced_);
    if (recovery_.feed) report::add_recovery(f, recovery_.feed->stats());
    if (arrival_) {
      f.add_histogram("latency.end_to_end", end_to_end_);
      summary.end_to_end = end_to_end_;
    }
    std::vector<std::pair<std::string, const metrics::LatencyHistogram*>> more;
    if (arrival_) more.emplace_back("end_to_end", &end_to_end_);
    return write_latency_dir(more);
  }

  std::unique_ptr<sched::InlineOutput> output_;
  std::unique_ptr<stages::InlinePipeline> pipeline_;
  SwapScript script_;
  std::unique_ptr<EventTap> tap_;
  std::unique_ptr<Events> events_;
  std::unique_ptr<book::BookBuilder<Events>> builder_;
  std::unique_ptr<ReplaySink<Events>> sink_;
  std::unique_ptr<feed::SequencedFeed<ReplaySink<Events>>> sequenced_;
  FeedRecovery<ReplaySink<Events>> recovery_;
  // Intended arrival (paced) or receipt (live) to stages done.
  metrics::LatencyHistogram end_to_end_;
  std::unique_ptr<InlineLatencyServer> latency_server_;
  std::atomic<bool> rx_done_{false};
};

}  // namespace

std::unique_ptr<FeedSession> make_inline_feed(FeedSetup setup, std::string& error) {
  auto feed = std::make_unique<InlineFeed>(std::move(setup));
  if (!feed->init(error)) return nullptr;
  return feed;
}

}  // namespace tickwire::session
