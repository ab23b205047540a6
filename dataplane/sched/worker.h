// A worker lcore: drains its inbox in priority order (PriorityScheduler), runs each message
// through its own instances of the configured stages, and hands signals (and retired events,
// for the journal) to the control plane through an output ring. After each pass it publishes
// a watermark: every message it was given below that sequence has run and its output is in
// the ring, which is what lets the control plane merge several workers in sequence order.
//
// Nothing here allocates after construction; a full output ring makes the worker wait (the
// control plane always drains it), so no output is ever lost.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <span>
#include <thread>

#include "dataplane/core/cache.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/core/figure_snapshot.h"
#include "dataplane/metrics/arrival_schedule.h"
#include "dataplane/metrics/latency_histogram.h"
#include "dataplane/metrics/tsc_clock.h"
#include "dataplane/sched/priority_scheduler.h"
#include "dataplane/sched/spsc_ring.h"
#include "dataplane/sched/worker_inbox.h"
#include "dataplane/sched/worker_output.h"
#include "dataplane/stages/inline_pipeline.h"
#include "dataplane/stages/stage_versions.h"

namespace tickwire::sched {

// A hot swap on its way to a worker: from `version.effective_sequence` on, pipeline slot
// `slot` runs `version.stage`.
struct StageSwap {
  std::uint32_t slot = 0;
  stages::StageVersion version;
};

struct WorkerConfig {
  InboxConfig inbox;
  SchedulerConfig scheduler;
  std::size_t output_capacity = 16'384;  // records
  std::size_t messages_per_poll = 32;
  bool retire_events = false;  // hand every event back (for an events journal)
  bool retire_names = false;   // hand instrument-added events back (the journal's names)
  bool journal_swaps = false;  // this worker reports each swap it installs (one worker does)
  // When set: latency per class from each message's intended arrival to its retirement.
  const metrics::ArrivalSchedule* arrival = nullptr;
};

struct WorkerStats {
  std::uint64_t polls = 0;
  std::uint64_t busy_polls = 0;     // polls that ran at least one message
  // TSC cycles spent in polls that ran something, and in polls that found nothing: how
  // loaded the lcore is (a poll-mode core is always at 100% CPU, so the OS cannot say).
  std::uint64_t busy_cycles = 0;
  std::uint64_t idle_cycles = 0;
  std::uint64_t output_waits = 0;   // times the output ring was full
  std::uint64_t swaps_refused = 0;  // a swap for a slot the pipeline does not have
  std::array<metrics::LatencyHistogram, kPriorityClassCount> queue_wait;  // receive clock, ns
  std::array<metrics::LatencyHistogram, kPriorityClassCount> end_to_end;  // with an arrival schedule: ns
};

// What a worker shows while it runs (`ctl stats`, status lines), copied by the worker itself
// at the end of a poll when the control thread asks (FigureSnapshot): its histograms stay
// plain and unshared, and nothing is copied unless someone asks.
struct WorkerFigures {
  std::array<metrics::LatencyHistogram, kPriorityClassCount> end_to_end;
};

// Cache-line aligned, so that no object the RX core writes (a router, a builder beside it on
// the same stack or heap) shares a line with what this worker writes.
class alignas(kCacheLine) Worker {
 public:
  Worker(const WorkerConfig& config, const RxProgress& rx, metrics::TscClock clock)
      : config_(config),
        rx_(rx),
        inbox_(config.inbox),
        scheduler_(inbox_, config.scheduler, rx),
        output_(config.output_capacity, /*prefault=*/true),
        swaps_(kSwapRingCapacity, /*prefault=*/true),
        reclaim_(kSwapRingCapacity, /*prefault=*/true),
        sink_(*this),
        pipeline_(sink_, clock),
        clock_(clock) {
    pipeline_.set_notice_sink(&sink_);
  }
  [[nodiscard]] bool ok() const noexcept {
    return inbox_.ok() && scheduler_.ok() && output_.ok() && swaps_.ok() && reclaim_.ok();
  }

  // Hot swap. The RX core posts swaps here before it pushes the message they take effect at,
  // so a worker that can see a message can see every swap effective by then. A worker keeps
  // at most StageVersions::kMaxVersions versions of a slot; the RX core waits before posting
  // more than that many unretired swaps (versions_in_use()).
  static constexpr std::size_t kSwapRingCapacity = stages::StageVersions::kMaxVersions;
  [[nodiscard]] SpscRing<StageSwap>& swaps() noexcept { return swaps_; }
  // Versions no message will run on again, for the control plane to free.
  [[nodiscard]] SpscRing<stages::StageVersion>& reclaim() noexcept { return reclaim_; }
  [[nodiscard]] std::uint64_t versions_retired() const noexcept {
    return versions_retired_.load(std::memory_order_acquire);
  }

  [[nodiscard]] WorkerInbox& inbox() noexcept { return inbox_; }
  [[nodiscard]] stages::InlinePipeline& pipeline() noexcept { return pipeline_; }
  [[nodiscard]] SpscRing<OutputRecord>& output() noexcept { return output_; }
  // For the merge: its output ring and watermark.
  [[nodiscard]] OutputSource output_source() noexcept { return {&output_, &retired_before_}; }

  // One pass of the worker's loop; `now_ns` is on the receive clock. Returns messages run.
  std::size_t poll(std::uint64_t now_ns) noexcept {
    const std::uint64_t start = metrics::TscClock::now();
    const std::uint64_t pushed = rx_.last_pushed_sequence.load(std::memory_order_acquire);
    // Also when idle: the RX core may be waiting for this worker to retire a version.
    const bool swapped = install_swaps();
    const std::size_t ran = scheduler_.poll(now_ns, config_.messages_per_poll,
                                            [this](std::span<const events::Event> m, PriorityClass c,
                                                   std::uint64_t waited) { run(m, c, waited); });
    ++stats_.polls;
    if (ran != 0) ++stats_.busy_polls;
    // The watermark moves only when something did (recomputing it reads every ring).
    if (ran != 0 || swapped || pushed != watermark_basis_) {
      watermark_basis_ = pushed;
      retired_ = scheduler_.retired_before(pushed);
      retired_before_.store(retired_, std::memory_order_release);
    }
    // Every pass: a version waits here while the control plane has not emptied reclaim().
    pipeline_.retire(retired_, [this](const stages::StageVersion& v) {
      if (!reclaim_.try_push(v)) return false;
      versions_retired_.store(versions_retired_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
      return true;
    });
    (ran != 0 ? stats_.busy_cycles : stats_.idle_cycles) += metrics::TscClock::now() - start;
    figures_.serve([this](WorkerFigures& out) { out.end_to_end = stats_.end_to_end; });
    return ran;
  }

  // Every message below this sequence given to this worker has run, its output published.
  [[nodiscard]] std::uint64_t retired_before() const noexcept {
    return retired_before_.load(std::memory_order_acquire);
  }
  // The RX core has finished and everything it pushed here has run.
  [[nodiscard]] bool drained() const noexcept {
    return rx_.finished.load(std::memory_order_acquire) &&
           retired_before() > rx_.last_pushed_sequence.load(std::memory_order_acquire);
  }

  [[nodiscard]] const WorkerStats& stats() const noexcept { return stats_; }
  // Asked by the control thread, served at the end of a poll.
  [[nodiscard]] FigureSnapshot<WorkerFigures>& figures() noexcept { return figures_; }
  [[nodiscard]] const SchedulerStats& scheduler_stats() const noexcept { return scheduler_.stats(); }

 private:
  struct OutputSink final : stages::SignalSink, stages::StageNoticeSink {
    explicit OutputSink(Worker& w) : worker(w) {}
    void emit(const stages::Signal& s) noexcept override {
      OutputRecord r;
      r.signal = s;
      r.kind = OutputKind::kSignal;
      // Inline replay runs each stage over the whole message, one stage after the other; a
      // message touching two books runs here as one unit per instrument. Ordering signals by
      // stage, then the event that raised them, gives the inline order either way.
      const std::uint32_t emitted = std::min<std::uint32_t>(worker.signals_in_message_++, 0xff);
      r.order = std::uint32_t{s.stage} << 24 | std::uint32_t{s.event_index} << 8 | emitted;
      worker.publish(r);
    }
    void notice(const stages::StageNotice& n) noexcept override {
      OutputRecord r;
      r.notice = n;
      r.kind = OutputKind::kStageNotice;
      r.order = worker.unit_order_ | worker.notices_in_message_++;
      worker.publish(r);
    }
    Worker& worker;
  };

  void run(std::span<const events::Event> message, PriorityClass c, std::uint64_t waited) noexcept {
    install_swaps();
    stats_.queue_wait[index_of(c)].record(waited);
    if (config_.retire_events || config_.retire_names) {
      for (const events::Event& e : message) {
        if (!config_.retire_events && e.kind != events::EventKind::kInstrumentAdded) continue;
        OutputRecord r;
        r.event = e;
        r.kind = OutputKind::kRetiredEvent;
        r.order = e.event_index;
        publish(r);
      }
    }
    signals_in_message_ = 0;
    notices_in_message_ = 0;
    // A message that touches two books runs as one unit per instrument, maybe on two workers:
    // their notices keep the order of the units.
    unit_order_ = std::uint32_t{message.front().event_index} << 16;
    const std::uint64_t done = pipeline_.run_message(message, c == PriorityClass::kLow);
    if (config_.arrival != nullptr) {
      const std::uint64_t now = clock_.to_ns(done);
      const events::Event& first = message.front();
      const std::uint64_t intended =
          config_.arrival->intended_ns(events::session_ordinal(first.sequence), events::feed_sequence(first.sequence),
                                       first.receive_time_ns);
      stats_.end_to_end[index_of(c)].record(now > intended ? now - intended : 0);
    }
  }

  // The RX core never posts more swaps than there is room for versions, so install succeeds.
  // Returns whether there were any.
  bool install_swaps() noexcept {
    bool any = false;
    for (const StageSwap* s; (s = swaps_.front()) != nullptr; swaps_.pop()) {
      any = true;
      if (!pipeline_.install(s->slot, s->version)) {
        ++stats_.swaps_refused;
        continue;
      }
      if (config_.journal_swaps) {
        OutputRecord r;
        r.swap = SwapRecord{s->version.effective_sequence, s->slot, s->version.id};
        r.kind = OutputKind::kSwap;
        r.order = s->version.id;  // two swaps due at one message keep their order
        publish(r);
      }
    }
    return any;
  }

  void publish(const OutputRecord& r) noexcept {
    if (TW_LIKELY(output_.try_push(r))) return;
    ++stats_.output_waits;
    for (std::uint32_t spins = 1; !output_.try_push(r); ++spins) {
      cpu_relax();
      if (spins % 1024 == 0) std::this_thread::yield();  // more threads than cores
    }
  }

  WorkerConfig config_;
  const RxProgress& rx_;
  WorkerInbox inbox_;
  PriorityScheduler scheduler_;
  SpscRing<OutputRecord> output_;
  SpscRing<StageSwap> swaps_;
  SpscRing<stages::StageVersion> reclaim_;
  OutputSink sink_;
  stages::InlinePipeline pipeline_;
  metrics::TscClock clock_;
  std::uint32_t unit_order_ = 0;
  std::uint32_t signals_in_message_ = 0;
  std::uint32_t notices_in_message_ = 0;
  std::uint64_t watermark_basis_ = UINT64_MAX;  // the RX progress the watermark was computed on
  std::uint64_t retired_ = 0;                   // the watermark, as last computed
  WorkerStats stats_;
  FigureSnapshot<WorkerFigures> figures_;
  alignas(kCacheLine) std::atomic<std::uint64_t> retired_before_{0};
  std::atomic<std::uint64_t> versions_retired_{0};
};

// A worker lcore's loop, until the RX core has finished and everything it was given has run.
// When idle it spins; every so often it yields, for layouts with more threads than cores
// (replay on a small machine); a dedicated data core never has anyone to yield to.
inline void run_until_drained(Worker& worker, const RxProgress& rx) noexcept {
  std::uint32_t idle = 0;
  while (!worker.drained()) {
    if (worker.poll(rx.receive_clock_ns.load(std::memory_order_relaxed)) != 0) {
      idle = 0;
    } else if (++idle % 256 == 0) {
      std::this_thread::yield();
    } else {
      cpu_relax();
    }
  }
}

}  // namespace tickwire::sched
